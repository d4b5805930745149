"""Block labels on the page's timeline: a whole name when it fits, else a short label, else none.

The page never shows a cut-off fragment of a name. The server chooses a block's label from the
block's width: every timeline track is at least ``track_px`` CSS pixels wide (the stylesheet
guarantees it; a wider screen only widens blocks), so a block covering a ``share`` of the window
is at least ``share * track_px`` pixels wide. :func:`text_px` overestimates the width of a label
in the page's 12 px bold block font, so a label chosen to fit does fit.

* Member labels: the full name, else the member's *initials*, unique within the team: first
  letters of the first and last word ("Anna Schmidt" -> "AS"); members sharing those take more
  letters of the first name ("Pooja Singh" -> "PoS", "Priya Sharma" -> "PrS"); namesakes get a
  number ("EN1", "EN2").
* Role labels (people view): the role's name, else its short form, unique within the team (the
  shortest prefix of the name that no other role shares, "primary" -> "P").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

FONT_PX = 12.0
PAD_PX = 2.0
"""Horizontal padding on each side of a label inside its block."""
_THIN = frozenset("ijlIJ.,:;'!|")
_NARROW = frozenset("frt-() ")
_WIDE = frozenset("mwMW@")


def _char_ems(char: str) -> float:
    if char in _WIDE:
        return 1.15
    if char in _THIN:
        return 0.42
    if char in _NARROW:
        return 0.52
    if char.isascii():
        return 0.88 if char.isupper() or char.isdigit() else 0.74
    return 1.2 if unicodedata.east_asian_width(char) in "WF" else 0.9


def text_px(text: str, font_px: float = FONT_PX) -> float:
    """An upper bound on the rendered width of ``text`` in the block font (bold sans-serif).

    The widths per character are those of DejaVu Sans Bold (among the widest fallbacks of
    ``system-ui``) rounded up; the browser tests measure every label in Chromium against them.

    >>> text_px("Ann") < text_px("Anna Schmidt")
    True
    """
    return sum(_char_ems(char) for char in text) * font_px


def fits(text: str, width_px: float) -> bool:
    """True when ``text`` with its padding fits a block ``width_px`` wide."""
    return text_px(text) + 2 * PAD_PX <= width_px


def choose_label(full: str, short: str, width_px: float) -> str:
    """``full`` if it fits, else ``short`` if it fits, else "" (the block stays unlabelled).

    >>> choose_label("Anna Schmidt", "AS", 200), choose_label("Anna Schmidt", "AS", 40)
    ('Anna Schmidt', 'AS')
    >>> choose_label("Anna Schmidt", "AS", 10)
    ''
    """
    for text in (full, short):
        if text and fits(text, width_px):
            return text
    return ""


def _words(name: str) -> list[str]:
    return [w for w in name.replace("-", " ").split() if w[:1].isalnum()] or [name or "?"]


def initials(names: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Member id -> initials unique within ``names`` (id, full name), in the given order.

    >>> initials([("a", "Anna Schmidt"), ("p", "Pooja Singh"), ("q", "Priya Sharma")])
    {'a': 'AS', 'p': 'PoS', 'q': 'PrS'}
    >>> initials([("x", "Ed"), ("y", "Ed")])
    {'x': 'Ed1', 'y': 'Ed2'}
    """

    def candidates(name: str) -> list[str]:
        words = _words(name)
        first, last = words[0], words[-1]
        if len(words) == 1:
            return [first[:k].capitalize() for k in range(2, len(first) + 1)] or [first]
        tail = last[0].upper()
        return [first[:k].capitalize() + tail for k in range(1, len(first) + 1)]

    options = {member_id: candidates(name) for member_id, name in names}
    result: dict[str, str] = {}
    for member_id, _name in names:
        mine = options[member_id]
        others = [options[o] for o in options if o != member_id]
        chosen = next(
            (c for c in mine if not any(c in theirs for theirs in others)),
            None,
        )
        if chosen is None:
            twins = [o for o, _n in names if options[o][0] == mine[0]]
            chosen = f"{mine[0]}{twins.index(member_id) + 1}"
        result[member_id] = chosen
    return result


def role_abbreviations(roles: Sequence[str]) -> dict[str, str]:
    """Role -> its shortest prefix (capitalised) no other role starts with, or the whole name.

    >>> role_abbreviations(["primary", "secondary"])
    {'primary': 'P', 'secondary': 'S'}
    >>> role_abbreviations(["sre", "security"])
    {'sre': 'Sr', 'security': 'Se'}
    """
    result: dict[str, str] = {}
    for role in roles:
        others = [r.lower() for r in roles if r != role]
        short = next(
            (
                role[:k]
                for k in range(1, len(role))
                if not any(o.startswith(role[:k].lower()) for o in others)
            ),
            role,
        )
        result[role] = short[:1].upper() + short[1:]
    return result


__all__ = ["FONT_PX", "choose_label", "fits", "initials", "role_abbreviations", "text_px"]
