"""Rules for team files being validated or solved, not for team files already stored.

Time zones are IANA names of places: the legacy abbreviations and fixed-offset names that tzdata
still carries (``EST``, ``MST``, ``HST``, ``EST5EDT``, ``CET``, ``Etc/GMT+5``, ...) are refused
with the zone people usually mean, because they keep one offset (or one country's old rules) all
year: a New York member entered as ``EST`` would be an hour off all summer. ``UTC`` stays valid.

Every string of a team file is one line of printable text (:mod:`rota.text`: no control or
invisible format characters, also in mapping keys) and no longer than its limit: team and member
names :data:`~rota.text.NAME_MAX`, emails :data:`~rota.text.EMAIL_MAX`, absence reasons
:data:`~rota.text.REASON_MAX`, anything else :data:`OTHER_MAX` (ids, zones, times and codes
have tighter rules of their own). The limits fit the store's columns on every database.

:func:`rota.config.load_config` (``rota validate``, ``rota solve``, ``rota grid``) reports these
problems as errors. The text kept with each stored schedule version was accepted by an older
rota, so :func:`rota.config.config_from_document` does not apply them: a stored team keeps
loading (``who``, the API and the feeds never fail after an upgrade); callers that want to say
so call :func:`strictness_problems` and show its problems as warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from rota.config.messages import _problem
from rota.config.scalars import unknown_zone_problem
from rota.errors import Problem
from rota.text import EMAIL_MAX, NAME_MAX, REASON_MAX, text_problem
from rota.yamlfile import YamlDocument, YamlPath

OTHER_MAX = 200
"""Any string the limits below do not name."""

_LIMITS = {"name": NAME_MAX, "email": EMAIL_MAX, "reason": REASON_MAX}
"""By the key a string is written under (``team.name``, ``members[i].name``, ...)."""


def _strings(value: Any, path: YamlPath) -> Iterator[tuple[YamlPath, str, bool]]:
    """Every string in ``value`` with its path, and whether it is a mapping key."""
    if isinstance(value, str):
        yield path, value, False
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key), key, True
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


LEGACY_ZONES = {
    "EST": "America/New_York",
    "EST5EDT": "America/New_York",
    "CST6CDT": "America/Chicago",
    "MST": "America/Phoenix",
    "MST7MDT": "America/Denver",
    "PST8PDT": "America/Los_Angeles",
    "HST": "Pacific/Honolulu",
    "CET": "Europe/Paris",
    "MET": "Europe/Paris",
    "EET": "Europe/Athens",
    "WET": "Europe/Lisbon",
}
"""Legacy zone names tzdata keeps, with the place people usually mean by them."""

_FIXED_OFFSET = re.compile(r"^(?:Etc/)?GMT([+-]\d{1,2})$")
_UTC_NAMES = {"UTC", "Etc/UTC"}
_GMT_NAMES = {"GMT", "Etc/GMT", "GMT0", "Etc/GMT0", "Greenwich", "Etc/Greenwich"}


def zone_problem(name: str) -> str | None:
    """Why a zone name a team file gives is not a place's zone, or None.

    >>> zone_problem("EST").split(";")[0]
    'a legacy zone name: a fixed UTC-5 all year, without daylight saving'
    >>> zone_problem("UTC"), zone_problem("Asia/Kolkata")
    (None, None)
    """
    if name in _UTC_NAMES:
        return None
    meant = LEGACY_ZONES.get(name)
    if meant is not None:
        offset = _fixed_offset_text(name)
        what = (
            f"a fixed {offset} all year, without daylight saving"
            if offset
            else "it follows no place's own history"
        )
        return f"a legacy zone name: {what}; write the place's zone, such as {meant!r}"
    fixed = _FIXED_OFFSET.match(name)
    if fixed:
        hours = -int(fixed.group(1))  # POSIX: 'Etc/GMT+5' is five hours *behind* UTC
        return (
            f"a fixed offset (UTC{hours:+d} all year: the sign of 'Etc/GMT' names is reversed), "
            "not a place; write the zone of the place, or 'UTC'"
        )
    if name in _GMT_NAMES:
        return (
            "GMT all year, without summer time; write 'Europe/London' for the United Kingdom, "
            "or 'UTC'"
        )
    return None


def named_zone(name: str) -> ZoneInfo:
    """The zone a person names outside a team file (``rota ... --tz``), by the rules a new team
    file follows: known to tzdata, and a place's zone (or ``UTC``).

    >>> named_zone("Asia/Kolkata").key
    'Asia/Kolkata'

    Raises:
        ValueError: why not, with the zone people usually mean.
    """
    problem = unknown_zone_problem(name) or zone_problem(name)
    if problem is not None:
        raise ValueError(problem)
    return ZoneInfo(name)


def _fixed_offset_text(name: str) -> str | None:
    """``UTC-5`` for a legacy name with one offset all year (EST, MST, HST), else None."""
    if name not in {"EST", "MST", "HST"}:
        return None
    offset = datetime(2026, 7, 1, tzinfo=UTC).astimezone(ZoneInfo(name)).utcoffset()
    assert offset is not None
    return f"UTC{int(offset.total_seconds() // 3600):+d}"


def strictness_problems(doc: YamlDocument) -> list[Problem]:
    """What a team file being validated or solved may not contain, in the usual message format.

    >>> from rota.yamlfile import parse_yaml
    >>> doc = parse_yaml('team: {id: ops, name: "Ops\\\\nTeam"}', "team.yaml")
    >>> [str(p) for p in strictness_problems(doc)]  # doctest: +NORMALIZE_WHITESPACE
    ["team.yaml: team.name: must be one line of printable text: it contains U+000A
      (a control character). Got value: 'Ops\\\\nTeam' (line 1, column 17)"]
    """
    problems: list[Problem] = []
    for path, text, is_key in _strings(doc.data, ()):
        last = path[-1] if path else ""
        limit = OTHER_MAX if is_key else _LIMITS.get(str(last), OTHER_MAX)
        message = text_problem(text, limit)
        if message is None and not is_key and last == "timezone":
            message = zone_problem(text)
        if message is not None:
            problems.append(_problem(doc, path, message, text, True))
    return problems
