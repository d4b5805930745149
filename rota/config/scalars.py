"""Scalar parsers of the team file: ids, names, numbers, times, dates, zones and countries.

Each parser takes what YAML produced and returns the value or raises a friendly
:class:`PydanticCustomError`, with a "did you mean" hint where one can be guessed. The models
(:mod:`rota.config.models`) use them as ``BeforeValidator``s; the cross-field checks
(:mod:`rota.config.checks`) call them directly on the raw data.
"""

from __future__ import annotations

import difflib
import math
import re
import typing
from collections.abc import Callable
from datetime import date, datetime, time
from enum import StrEnum
from functools import cache
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic_core import PydanticCustomError

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
_ID_RE = re.compile(ID_PATTERN)
_ID_MAX = 64
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
STANDARD_SEVERITIES = ("outage", "corruption", "degradation")
_TIME_HINT = 'expected a time of day as "HH:MM" (e.g. "09:00")'


def _fail(kind: str, message: str) -> NoReturn:
    raise PydanticCustomError(kind, message)


def _hint(value: str, choices: typing.Iterable[str], cutoff: float = 0.6) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=cutoff)
    return f" (did you mean {close[0]!r}?)" if close else ""


def parse_time_of_day(value: Any) -> time:
    """Parse ``"HH:MM"`` (``"24:00"`` is accepted as the end of the day, read as 00:00).

    >>> parse_time_of_day("9:30")
    datetime.time(9, 30)
    >>> parse_time_of_day("24:00")
    datetime.time(0, 0)
    """
    if isinstance(value, time):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 24 * 60:
        # Only another YAML 1.1 reader produces this (ours keeps 17:00 as text).
        sexagesimal = f"{value // 60:02d}:{value % 60:02d}"
        _fail("time_of_day", f'{_TIME_HINT}; if you meant {sexagesimal}, write "{sexagesimal}"')
    if not isinstance(value, str):
        _fail("time_of_day", _TIME_HINT)
    text = value.strip()
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not match:
        close = re.fullmatch(r"(\d{1,2})[:.h]?(\d{2})(?::00)?", text)
        if close and int(close.group(1)) < 24 and int(close.group(2)) < 60:
            suggestion = f"{int(close.group(1)):02d}:{close.group(2)}"
            _fail("time_of_day", f'{_TIME_HINT} (did you mean "{suggestion}"?)')
        _fail("time_of_day", _TIME_HINT)
    hours, minutes = int(match.group(1)), int(match.group(2))
    if (hours, minutes) == (24, 0):
        return time(0, 0)
    if hours > 23 or minutes > 59:
        _fail("time_of_day", "not a time of day: hours run 00-23 and minutes 00-59")
    return time(hours, minutes)


def is_id(value: str) -> bool:
    """Whether ``value`` is a name a team file allows as an id (so a team could have it).

    >>> is_id("platform-eu"), is_id("ops\\n"), is_id("x" * 65)
    (True, False, False)
    """
    return len(value) <= _ID_MAX and _ID_RE.fullmatch(value) is not None


def _id(value: Any) -> str:
    if not isinstance(value, str):
        _fail("id", "expected a name made of lowercase letters, digits and '-' (e.g. 'platform')")
    if not _ID_RE.match(value):
        suggestion = re.sub(r"[^a-z0-9]+", "-", value.strip().lower()).strip("-")
        hint = (
            f" (did you mean {suggestion!r}?)"
            if suggestion and suggestion != value
            else " (e.g. 'platform')"
        )
        _fail("id", f"must be lowercase letters, digits and '-'{hint}")
    if len(value) > _ID_MAX:
        _fail("id", f"too long: at most {_ID_MAX} characters")
    return value


def _one_or_many(value: Any) -> Any:
    """A single name stands for a one-item list: ``roles: primary`` == ``roles: [primary]``."""
    if isinstance(value, str):
        parts = [part for part in re.split(r"[,\s]+", value) if part]
        if len(parts) > 1:
            _fail("name_list", f"write several names as a YAML list: [{', '.join(parts)}]")
        return [value]
    return value


def _names_check(noun: str) -> Callable[[list[str]], list[str]]:
    def check(value: list[str]) -> list[str]:
        if not value:
            _fail("too_short", f"must list at least one {noun}")
        dupes = sorted({name for name in value if value.count(name) > 1})
        if dupes:
            _fail("duplicate", f"{noun} listed twice: {', '.join(dupes)}")
        return value

    return check


def _name_list(value: Any, noun: str) -> list[str]:
    """The whole check of a list of names, for the cross-field pass."""
    value = _one_or_many(value)
    if not isinstance(value, list):
        _fail("list", "expected a list")
    return _names_check(noun)([_id(item) for item in value])


def _number(
    lo: float,
    hi: float | None,
    *,
    whole: bool = False,
    lo_open: bool = False,
    unit: str = "",
    advice: str = "",
) -> Callable[[Any], Any]:
    """A range check with a message that says the range, e.g. "must be between 1 and 104"."""
    noun = "a whole number" if whole else "a number"
    if hi is None:
        bounds = f"more than {lo:g}{unit}" if lo_open else f"at least {lo:g}{unit}"
    elif lo_open:
        bounds = f"more than {lo:g} and at most {hi:g}{unit}"
    else:
        bounds = f"between {lo:g} and {hi:g}{unit}"

    def check(value: Any) -> Any:
        if isinstance(value, bool):
            _fail("number", f"expected {noun} {bounds}, not true/false")
        if isinstance(value, str):
            quoted = re.fullmatch(r"[-+]?\d+(\.\d*)?", value.strip())
            _fail(
                "number",
                f"expected {noun} {bounds}, not text"
                + (" (write it without quotes)" if quoted else ""),
            )
        if not isinstance(value, int | float):
            _fail("number", f"expected {noun} {bounds}")
        if isinstance(value, float):
            if not math.isfinite(value):
                _fail("number", f"must be {bounds}")
            if whole:
                if not value.is_integer():
                    _fail("number", f"expected {noun} {bounds}")
                value = int(value)
        too_low = value <= lo if lo_open else value < lo
        if too_low or (hi is not None and value > hi):
            _fail("range", f"must be {bounds}{advice}")
        return value

    return check


_TRUE = frozenset({"true", "yes", "on"})
_FALSE = frozenset({"false", "no", "off"})


def _boolean(value: Any) -> bool:
    """``true``/``false``; ``yes``/``no``/``on``/``off`` too, as YAML 1.1 readers expect."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    _fail("bool", "expected true or false")


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


def _choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = value.strip().lower() if isinstance(value, str) else None
        if text in options:
            assert text is not None
            return text
        hint = _hint(text, options) if text else ""
        _fail("choice", f"must be one of {', '.join(options)}{hint}")

    return check


_ZONE_ABBREVIATIONS = {
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
    "mdt": "America/Denver",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "edt": "America/New_York",
    "et": "America/New_York",
    "bst": "Europe/London",
    "cest": "Europe/Berlin",
    "ist": "Asia/Kolkata",
    "jst": "Asia/Tokyo",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
}


@cache
def _all_zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


@cache
def _zones_by_lower_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for zone in _all_zones():
        names.setdefault(zone.lower(), zone)
        names.setdefault(zone.rsplit("/", 1)[-1].lower(), zone)  # "warsaw" -> Europe/Warsaw
    return names


def _zone_hint(value: str) -> str:
    text = value.strip()
    key = text.lower().replace(" ", "_")
    exact = _zones_by_lower_name().get(key) or _ZONE_ABBREVIATIONS.get(key)
    if exact:
        return f" (did you mean {exact!r}?)"
    if re.fullmatch(r"(?:utc|gmt)?\s*[+-]\s*\d{1,2}(?::?\d{2})?", key):
        return (
            ": a fixed UTC offset ignores daylight saving time; use the IANA name of a city, "
            "e.g. 'Europe/Warsaw'"
        )
    close = difflib.get_close_matches(text, _all_zones(), n=1, cutoff=0.75)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return " (expected an IANA name such as 'Europe/Warsaw')"


def unknown_zone_problem(name: str) -> str | None:
    """Why tzdata has no zone ``name`` (with a "did you mean"), or None.

    >>> unknown_zone_problem("Europe/Berlin") is None, unknown_zone_problem("berlin")
    (True, "unknown time zone (did you mean 'Europe/Berlin'?)")
    """
    return None if name in _all_zones() else f"unknown time zone{_zone_hint(name)}"


def _zone(value: Any) -> ZoneInfo:
    if isinstance(value, ZoneInfo):
        return value
    if not isinstance(value, str) or not value.strip():
        _fail("time_zone", "expected an IANA time zone name such as 'Europe/Warsaw'")
    try:
        if value not in _all_zones():
            raise ZoneInfoNotFoundError(value)
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        _fail("time_zone", f"unknown time zone{_zone_hint(value)}")


@cache
def supported_countries() -> frozenset[str]:
    """The country codes the ``holidays`` package knows."""
    import holidays

    return frozenset(holidays.list_supported_countries())


@cache
def _country_names() -> dict[str, str]:
    """Lowercase country names and alpha-3 codes -> alpha-2 code."""
    from holidays import registry

    names: dict[str, str] = {}
    for module, entry in registry.COUNTRIES.items():
        class_name, alpha2, *rest = entry
        names[module.replace("_", " ")] = alpha2
        names[re.sub(r"(?<!^)(?=[A-Z])", " ", class_name).lower()] = alpha2
        if rest:
            names[str(rest[0]).lower()] = alpha2
    names.update({"england": "GB", "great britain": "GB", "usa": "US", "america": "US"})
    return names


def _country(value: Any) -> str:
    if value is False:  # a YAML 1.1 reader turned NO (Norway) into false
        _fail("country", "expected a country code; write Norway as 'NO' in quotes")
    if not isinstance(value, str):
        _fail("country", "expected an ISO 3166-1 alpha-2 country code such as 'PL' or 'US'")
    code = value.strip().upper()
    if code in supported_countries():
        return code
    name = value.strip().lower()
    known = _country_names()
    suggestion = known.get(name)
    if suggestion is None:
        close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.8)
        suggestion = known[close[0]] if close else None
    hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
    _fail(
        "country",
        "unknown or unsupported country code; expected ISO 3166-1 alpha-2 such as 'PL' or 'US'"
        f" that the holidays package supports{hint}",
    )


def _email(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value.strip()):
        _fail("email", "not an email address (expected e.g. 'alice@example.com')")
    return value.strip()


def _phone(value: Any) -> str:
    """A phone number as people write it: digits, optionally ``+`` first, spaces, ``-().``."""
    text = value.strip() if isinstance(value, str) else None
    if text is None or not re.fullmatch(r"\+?[0-9][0-9 ().-]{2,30}", text):
        _fail("phone", "not a phone number (expected e.g. '+48 601 234 567')")
    return text


_DATE_HINT = "expected a date as YYYY-MM-DD (e.g. 2026-12-07)"


def _calendar_date(value: Any) -> date:
    """A plain date, written ``2026-12-07`` (quoted or not)."""
    if isinstance(value, datetime):
        _fail("date", f"{_DATE_HINT} without a time of day")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{2}(:\d{2})?", text):
            _fail("date", f"{_DATE_HINT} without a time of day")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                return date.fromisoformat(text)
            except ValueError as exc:
                _fail("date", f"not a calendar date: {exc}")
    _fail("date", _DATE_HINT)


_MOMENT_HINT = "expected a date (YYYY-MM-DD) or a member-local date-time (YYYY-MM-DDTHH:MM)"
_NO_OFFSET = "write member-local time without a UTC offset (the member's time zone applies)"


def _date_or_datetime(value: Any) -> date | datetime:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            _fail("local_time", _NO_OFFSET)
        return value
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        _fail("date_or_datetime", _MOMENT_HINT)
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return _calendar_date(text)
    if not re.fullmatch(
        r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?([zZ]|[+-]\d{2}(:?\d{2})?)?", text
    ):
        _fail("date_or_datetime", _MOMENT_HINT)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        _fail("date_or_datetime", f"not a calendar date and time: {exc}")
    if parsed.tzinfo is not None:
        _fail("local_time", _NO_OFFSET)
    return parsed


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    _fail("text", "expected text")
