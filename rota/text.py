"""Free text at rota's edges: single-line printable text with a length limit, and safe echoes.

Names, reasons and key names are shown on terminals, web pages, calendar events and in logs, and
stored in columns of a fixed width. Text that goes in is therefore one line of printable
characters: no control characters (tab, newline, NUL, escape, ...), no line or paragraph
separators, and no invisible format characters such as bidirectional overrides, which can make a
terminal or page show something else than what is stored. Spaces of every script are allowed,
and so are the zero-width joiners that emoji and several scripts need.

Text that was stored before these rules is shown through :func:`escaped`, so a control character
reaches nobody's terminal raw.
"""

from __future__ import annotations

import unicodedata

NAME_MAX = 200
"""Team and member names (the team name is stored in a 200-character column)."""
EMAIL_MAX = 254
"""An email address (RFC 5321's limit of a forward path)."""
REASON_MAX = 500
"""Override and absence reasons."""
KEY_NAME_MAX = 64
"""API key names; an override made with a key records ``api-key:<name>`` (100 characters)."""

_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_JOINERS = frozenset({"\u200c", "\u200d"})  # zero-width non-joiner and joiner


def _refused(char: str) -> bool:
    return unicodedata.category(char) in _REFUSED_CATEGORIES and char not in _JOINERS


def text_problem(value: str, limit: int) -> str | None:
    """Why ``value`` is not single-line printable text of at most ``limit`` characters, or None.

    >>> text_problem("Ann Lee", 200) is None
    True
    >>> text_problem("Ann\\nLee", 200)
    'must be one line of printable text: it contains U+000A (a control character)'
    >>> text_problem("x" * 201, 200)
    'too long: at most 200 characters, not 201'
    """
    for char in value:
        if _refused(char):
            kind = "a control character" if unicodedata.category(char) == "Cc" else "not printable"
            return f"must be one line of printable text: it contains U+{ord(char):04X} ({kind})"
    if len(value) > limit:
        return f"too long: at most {limit} characters, not {len(value)}"
    return None


def escaped(text: str) -> str:
    """``text`` with every character :func:`text_problem` refuses written as an escape.

    >>> escaped("sick\\x1b[2J\\nbye")
    'sick\\\\x1b[2J\\\\nbye'
    """
    if not any(_refused(char) for char in text):
        return text
    return "".join(
        (repr(char)[1:-1] if unicodedata.category(char) == "Cc" else f"\\u{ord(char):04x}")
        if _refused(char)
        else char
        for char in text
    )
