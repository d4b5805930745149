"""The team file (SPEC §2) as strict pydantic v2 models, and ``load_config``.

Every key has a default except ``team.id``, ``team.timezone``, ``horizon.start``,
``rotation.kind`` and each member's ``id`` and ``timezone`` (docs/team-file.md lists them all).
Unknown keys are errors with a "did you mean" hint.

Checking happens in two passes whose problems are reported together, one line each, naming the
file, the YAML path and the value as written:

1. pydantic validates every key on its own (types, ranges, names) and each section's internal
   order (``min <= max``, ``start < end``);
2. :func:`_cross_checks` reads the raw data and checks what spans sections (member ids, roles,
   escalation targets, impossible combinations). It skips any value that pass 1 rejects, so it
   also runs when pass 1 failed, and a mistake is never reported twice.
"""

from __future__ import annotations

import difflib
import math
import re
import types
import typing
from collections.abc import Callable
from datetime import date, datetime, time
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from rota.errors import ConfigError, Problem
from rota.model import OffHoursPolicy, RotationKind, WeekendSplit
from rota.yamlfile import YamlDocument, YamlPath, format_path, read_yaml

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


# --------------------------------------------------------------------------------------------
# Scalars: each parser takes what YAML produced and returns the value or raises a friendly error.


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


# --------------------------------------------------------------------------------------------
# Reusable field types.

Id = Annotated[str, BeforeValidator(_id)]
Text = Annotated[str, BeforeValidator(_text)]
Flag = Annotated[bool, BeforeValidator(_boolean)]
TimeOfDay = Annotated[time, BeforeValidator(parse_time_of_day)]
Zone = Annotated[ZoneInfo, BeforeValidator(_zone)]
RoleNames = Annotated[list[Id], BeforeValidator(_one_or_many), AfterValidator(_names_check("role"))]
TargetNames = Annotated[
    list[Id], BeforeValidator(_one_or_many), AfterValidator(_names_check("target"))
]
Weight = Annotated[float, BeforeValidator(_number(0, 1000))]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Window(_Strict):
    """A local time-of-day window; ``end <= start`` crosses midnight.

    ``{start: "00:00", end: "24:00"}`` is the whole day (stored as 00:00-00:00); any other
    window whose start equals its end is an error, since it is empty or ambiguous.
    """

    start: TimeOfDay
    end: TimeOfDay

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = re.fullmatch(r"\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*", value)
            if parts:
                _fail(
                    "window",
                    f'write a window as {{start: "{parts.group(1)}", end: "{parts.group(2)}"}}',
                )
        if isinstance(value, dict) and "start" in value and "end" in value:
            start_raw, end_raw = value["start"], value["end"]
            if isinstance(start_raw, str) and start_raw.strip() == "24:00":
                _fail("window", 'a window cannot start at "24:00"; write "00:00"')
            try:
                start, end = parse_time_of_day(start_raw), parse_time_of_day(end_raw)
            except PydanticCustomError:
                return value  # the field reports it
            whole_day = isinstance(end_raw, str) and end_raw.strip() == "24:00"
            if start == end and not whole_day:
                _fail(
                    "window",
                    "start and end are the same time, so the window is empty; for the whole "
                    'day write {start: "00:00", end: "24:00"}',
                )
        return value


class TeamSection(_Strict):
    id: Id
    name: Text | None = None
    timezone: Zone


class HorizonSection(_Strict):
    start: Annotated[date, BeforeValidator(_calendar_date)]
    weeks: Annotated[int, BeforeValidator(_number(1, 104, whole=True))] = 8


class ShiftHours(_Strict):
    min: Annotated[float, BeforeValidator(_number(1, 24, unit=" hours"))] = 4
    max: Annotated[float, BeforeValidator(_number(1, 24, unit=" hours"))] = 6

    @model_validator(mode="after")
    def _ordered(self) -> ShiftHours:
        if self.min > self.max:
            _fail("range_order", f"min ({self.min:g}) must not exceed max ({self.max:g})")
        for value in (self.min, self.max):
            if value * 4 != int(value * 4):
                _fail("quarter_hours", "shift lengths must be whole quarter hours (e.g. 4.5)")
        return self


class RotationSection(_Strict):
    kind: Annotated[RotationKind, BeforeValidator(_choice(_values(RotationKind)))]
    roles: RoleNames = ["primary"]
    handoff: TimeOfDay = time(9, 0)
    handoff_day: Annotated[
        Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
        BeforeValidator(_choice(WEEKDAYS)),
    ] = "monday"
    shift_hours: ShiftHours = ShiftHours()
    handoffs_utc: Annotated[list[TimeOfDay], BeforeValidator(_one_or_many)] | None = None
    off_hours: Annotated[OffHoursPolicy, BeforeValidator(_choice(_values(OffHoursPolicy)))] = (
        OffHoursPolicy.AVOID
    )

    @field_validator("handoffs_utc")
    @classmethod
    def _some(cls, value: list[time] | None) -> list[time] | None:
        if value is not None and not value:
            _fail("too_short", "must list at least one UTC time (or leave the key out)")
        return value


class WeekendsSection(_Strict):
    split: Annotated[WeekendSplit, BeforeValidator(_choice(_values(WeekendSplit)))] = (
        WeekendSplit.WHOLE
    )
    max: Annotated[
        int,
        BeforeValidator(
            _number(1, 52, whole=True, advice=" (0 would leave every weekend uncovered)")
        ),
    ] = 1
    per_weeks: Annotated[int, BeforeValidator(_number(1, 52, whole=True))] = 3

    @model_validator(mode="after")
    def _ordered(self) -> WeekendsSection:
        if self.max > self.per_weeks:
            _fail("range_order", f"max ({self.max}) cannot exceed per_weeks ({self.per_weeks})")
        return self


class RestSection(_Strict):
    min_hours: Annotated[float, BeforeValidator(_number(0, 168, unit=" hours"))] = 12
    max_block_hours: (
        Annotated[float, BeforeValidator(_number(0, 336, lo_open=True, unit=" hours"))] | None
    ) = None
    after_night: Flag = True
    after_weekend: Flag = True


class LimitsSection(_Strict):
    max_hours_per_week: (
        Annotated[
            float,
            BeforeValidator(
                _number(0, 168, lo_open=True, unit=" hours", advice=" (leave it out for no limit)")
            ),
        ]
        | None
    ) = None


class FairnessWeights(_Strict):
    hours: Weight = 1
    off_hours: Weight = 2
    weekends: Weight = 4
    holidays: Weight = 4


class FairnessSection(_Strict):
    weights: FairnessWeights = FairnessWeights()
    history: Flag = True


AckTimeout = Annotated[int, BeforeValidator(_number(1, 1440, whole=True, unit=" minutes"))]


class EscalationLevel(_Strict):
    targets: TargetNames
    ack_timeout_minutes: AckTimeout | None = None

    @model_validator(mode="before")
    @classmethod
    def _mapping(cls, value: Any) -> Any:
        if isinstance(value, str | list):
            _fail("level", "each level is a mapping: {targets: [primary], ack_timeout_minutes: 5}")
        return value


def _nonempty_levels(value: list[EscalationLevel]) -> list[EscalationLevel]:
    if not value:
        _fail("too_short", "must list at least one level (or leave the key out)")
    return value


LevelList = Annotated[list[EscalationLevel], AfterValidator(_nonempty_levels)]


class EscalationSection(_Strict):
    ack_timeout_minutes: AckTimeout = 5
    repeat: Annotated[int, BeforeValidator(_number(1, 10, whole=True))] = 1
    levels: LevelList | None = None
    severities: dict[Id, LevelList] = {}

    @field_validator("severities", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return {} if value is None else value


_MAX_UNAVAILABLE_DAYS = 3 * 366


class UnavailableEntry(_Strict):
    """Member-local: dates are whole days (``end`` inclusive, default ``start``);
    date-times are ``[start, end)``."""

    start: Annotated[date | datetime, BeforeValidator(_date_or_datetime)]
    end: Annotated[date | datetime, BeforeValidator(_date_or_datetime)]
    reason: Text = "unavailable"

    @model_validator(mode="before")
    @classmethod
    def _one_day(cls, value: Any) -> Any:
        if isinstance(value, date | str) and not isinstance(value, dict):
            _fail("unavailable", "each entry is a mapping: {start: 2026-12-24, end: 2026-12-26}")
        if isinstance(value, dict) and "start" in value and "end" not in value:
            try:
                start = _date_or_datetime(value["start"])
            except PydanticCustomError:
                return value  # the field reports it; pydantic adds "end is missing"
            if not isinstance(start, datetime):
                return {**value, "end": start}  # a single whole day
        return value

    @model_validator(mode="after")
    def _ordered(self) -> UnavailableEntry:
        start, end = self.start, self.end
        if isinstance(start, datetime) and isinstance(end, datetime):
            if end <= start:
                _fail("range_order", "end must be after start")
        elif not isinstance(start, datetime) and not isinstance(end, datetime):
            if end < start:
                _fail("range_order", "end must not be before start (a date range is inclusive)")
            if (end - start).days > _MAX_UNAVAILABLE_DAYS:
                _fail("range_order", "longer than three years; is the year right?")
        else:
            _fail("mixed_kinds", "start and end must both be dates or both be date-times")
        return self


class MemberSection(_Strict):
    id: Id
    name: Text | None = None
    email: Annotated[str, BeforeValidator(_email)] | None = None
    timezone: Zone
    country: Annotated[str, BeforeValidator(_country)] | None = None
    working_hours: Window | None = None
    night: Window | None = None
    roles: RoleNames | None = None
    fte: Annotated[
        float,
        BeforeValidator(
            _number(0, 1, lo_open=True, advice=" (1 is full time, 0.5 half time; not a percent)")
        ),
    ] = 1.0
    unavailable: list[UnavailableEntry] = []

    @field_validator("unavailable", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


_OPTIONAL_SECTIONS = (
    "working_hours",
    "night",
    "weekends",
    "rest",
    "limits",
    "fairness",
    "escalation",
)


class TeamConfig(_Strict):
    team: TeamSection
    horizon: HorizonSection
    rotation: RotationSection
    working_hours: Window = Window(start=time(9, 0), end=time(17, 0))
    night: Window = Window(start=time(22, 0), end=time(7, 0))
    weekends: WeekendsSection = WeekendsSection()
    rest: RestSection = RestSection()
    limits: LimitsSection = LimitsSection()
    fairness: FairnessSection = FairnessSection()
    escalation: EscalationSection = EscalationSection()
    members: list[MemberSection]

    @model_validator(mode="before")
    @classmethod
    def _empty_sections(cls, value: Any) -> Any:
        """An optional section written with nothing under it (``rest:``) takes its defaults."""
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if not (k in _OPTIONAL_SECTIONS and v is None)}
        return value

    @field_validator("members")
    @classmethod
    def _some_members(cls, value: list[MemberSection]) -> list[MemberSection]:
        if not value:
            _fail("too_short", "must list at least one member")
        return value

    @property
    def team_name(self) -> str:
        return self.team.name or self.team.id

    def member_roles(self, member: MemberSection) -> list[str]:
        """The roles ``member`` may fill (all of ``rotation.roles`` by default)."""
        return list(member.roles) if member.roles is not None else list(self.rotation.roles)

    def max_block_hours(self) -> float | None:
        """Configured block cap; None means "a block is one shift" (daily/weekly default)."""
        if self.rest.max_block_hours is not None:
            return self.rest.max_block_hours
        return 12.0 if self.rotation.kind is RotationKind.FOLLOW_THE_SUN else None

    def escalation_levels(self, severity: str | None = None) -> list[EscalationLevel]:
        """The chain for ``severity`` (falling back to the default chain)."""
        if severity is not None and severity in self.escalation.severities:
            return list(self.escalation.severities[severity])
        if self.escalation.levels is not None:
            return list(self.escalation.levels)
        return [EscalationLevel(targets=[role]) for role in self.rotation.roles]


# --------------------------------------------------------------------------------------------
# Cross-field checks on the raw data. Each value is read with the parser its field uses; a value
# that parser rejects (pydantic reports it) or that is absent reads as None, and checks that
# need it are skipped.

CrossProblem = tuple[YamlPath, str, object]
_ABSENT = object()


def _raw(data: Any, *path: str | int) -> Any:
    for part in path:
        if isinstance(part, int):
            if not isinstance(data, list) or part >= len(data):
                return _ABSENT
            data = data[part]
        else:
            if not isinstance(data, dict) or part not in data:
                return _ABSENT
            data = data[part]
    return data


_T = typing.TypeVar("_T")


def _read(parser: Callable[[Any], _T], value: Any, default: _T | None = None) -> _T | None:
    """``parser(value)``, ``default`` when absent, None when the parser rejects it."""
    if value is _ABSENT or value is None:
        return default
    try:
        return parser(value)
    except (PydanticCustomError, ValueError, TypeError):
        return None


def _role_names(value: Any) -> list[str]:
    return _name_list(value, "role")


def _target_names(value: Any) -> list[str]:
    return _name_list(value, "target")


def _item_path(base: YamlPath, raw: Any, index: int) -> YamlPath:
    """Path of item ``index`` of a name list written as a list or as a single name."""
    return (*base, index) if isinstance(raw, list) else base


def _cross_checks(data: dict[str, Any]) -> list[CrossProblem]:
    problems: list[CrossProblem] = []
    kind_raw = _read(_choice(_values(RotationKind)), _raw(data, "rotation", "kind"))
    kind = RotationKind(kind_raw) if kind_raw else None
    roles = _read(_role_names, _raw(data, "rotation", "roles"), ["primary"])
    problems += _combination_checks(data, kind)

    members = _raw(data, "members")
    members = members if isinstance(members, list) else []
    ids: dict[str, int] = {}
    member_roles: list[list[str] | None] = []  # None: unknown (invalid roles)
    for i, member in enumerate(members):
        member_id = _read(_id, _raw(member, "id"))
        if member_id is not None:
            if member_id in ids:
                problems.append(
                    (
                        ("members", i, "id"),
                        f"duplicate member id (also members[{ids[member_id]}])",
                        member_id,
                    )
                )
            else:
                ids[member_id] = i
            if roles and member_id in roles:
                problems.append(
                    (
                        ("members", i, "id"),
                        "a member id must differ from every role name (escalation targets name "
                        "either)",
                        member_id,
                    )
                )
        raw_roles = _raw(member, "roles")
        own = _read(_role_names, raw_roles, roles)
        member_roles.append(own)
        if roles is not None and own is not None and raw_roles not in (_ABSENT, None):
            for j, role in enumerate(own):
                if role not in roles:
                    problems.append(
                        (
                            _item_path(("members", i, "roles"), raw_roles, j),
                            f"not one of rotation.roles ({', '.join(roles)}){_hint(role, roles)}",
                            role,
                        )
                    )

    if roles is not None and members and all(r is not None for r in member_roles):
        for role in roles:
            if not any(role in (r or []) for r in member_roles):
                problems.append(
                    (("rotation", "roles"), f"no member can fill the role {role!r}", roles)
                )
        if len(members) < len(roles):
            problems.append(
                (
                    ("members",),
                    f"{len(roles)} roles need at least {len(roles)} members, since one member "
                    f"fills at most one role of a shift; got {len(members)}",
                    len(members),
                )
            )

    if roles is not None:
        known_ids = set(ids) | {
            m["id"] for m in members if isinstance(m, dict) and isinstance(m.get("id"), str)
        }
        problems += _escalation_checks(data, set(roles) | known_ids)
    return problems


def _combination_checks(data: dict[str, Any], kind: RotationKind | None) -> list[CrossProblem]:
    """Settings that cannot work together (SPEC §2) or with the rotation kind."""
    problems: list[CrossProblem] = []
    if kind is None:
        return problems
    off_hours = _read(_choice(_values(OffHoursPolicy)), _raw(data, "rotation", "off_hours"))
    if off_hours == OffHoursPolicy.FORBID and kind is not RotationKind.FOLLOW_THE_SUN:
        problems.append(
            (
                ("rotation", "off_hours"),
                f"'forbid' needs rotation.kind follow-the-sun; a {kind.value} shift always runs "
                "outside working hours (use 'avoid' or 'allow')",
                off_hours,
            )
        )
    split = _read(_choice(_values(WeekendSplit)), _raw(data, "weekends", "split"))
    if split == WeekendSplit.SINGLE_DAY and kind is RotationKind.WEEKLY:
        problems.append(
            (
                ("weekends", "split"),
                "'single-day' cannot work with a weekly rotation (one shift holds the whole "
                "weekend); use 'whole'",
                split,
            )
        )

    shift_min = _read(_number(1, 24), _raw(data, "rotation", "shift_hours", "min"), 4)
    shift_max = _read(_number(1, 24), _raw(data, "rotation", "shift_hours", "max"), 6)
    lengths = (
        (shift_min, shift_max)
        if shift_min is not None and shift_max is not None and shift_min <= shift_max
        else None
    )
    raw_cuts = _raw(data, "rotation", "handoffs_utc")
    if raw_cuts not in (_ABSENT, None):
        if kind is not RotationKind.FOLLOW_THE_SUN:
            problems.append(
                (
                    ("rotation", "handoffs_utc"),
                    f"only used by follow-the-sun rotations; a {kind.value} rotation hands off "
                    "at rotation.handoff",
                    raw_cuts,
                )
            )
        elif lengths is not None:
            problems += _check_handoffs_utc(raw_cuts, *lengths)
    elif kind is RotationKind.FOLLOW_THE_SUN and lengths is not None:
        lo, hi = lengths
        if not any(n * lo <= 24 <= n * hi for n in range(1, 25)):
            problems.append(
                (
                    ("rotation", "shift_hours"),
                    f"no number of shifts of {lo:g} to {hi:g} hours fills a 24-hour day, so no "
                    "daily pattern exists",
                    _raw(data, "rotation", "shift_hours"),
                )
            )

    # The shortest shift the rotation can have, for caps that must let one shift through.
    shortest: tuple[float, str] | None = None
    if kind is RotationKind.DAILY:
        shortest = (24, "a daily shift lasts 24 hours (23 or 25 across a DST change)")
    elif kind is RotationKind.WEEKLY:
        shortest = (168, "a weekly shift lasts 168 hours")
    elif lengths is not None:
        shortest = (lengths[0], f"the shortest shift lasts {lengths[0]:g} hours (shift_hours.min)")
    block = _read(_number(0, 336, lo_open=True), _raw(data, "rest", "max_block_hours"))
    if block is not None and shortest is not None and block < shortest[0]:
        problems.append(
            (("rest", "max_block_hours"), f"shorter than one shift: {shortest[1]}", block)
        )
    cap = _read(_number(0, 168, lo_open=True), _raw(data, "limits", "max_hours_per_week"))
    # A weekly shift may straddle two of the 7-day blocks the cap counts, so only the solver
    # can tell whether a weekly cap below 168 hours works.
    weekly = kind is RotationKind.WEEKLY
    if cap is not None and shortest is not None and not weekly and cap < shortest[0]:
        problems.append(
            (
                ("limits", "max_hours_per_week"),
                f"nobody could take a single shift: {shortest[1]}",
                cap,
            )
        )
    return problems


def _check_handoffs_utc(raw: Any, shift_min: float, shift_max: float) -> list[CrossProblem]:
    path: YamlPath = ("rotation", "handoffs_utc")
    items = _one_or_many(raw)
    if not isinstance(items, list) or not items:
        return []
    parsed = [_read(parse_time_of_day, item) for item in items]
    if any(t is None for t in parsed):
        return []
    minutes = [t.hour * 60 + t.minute for t in parsed if t is not None]
    shown = [f"{m // 60:02d}:{m % 60:02d}" for m in minutes]
    if len(set(minutes)) != len(minutes):
        return [(path, "the same handoff time is listed twice", shown)]
    if minutes != sorted(minutes):
        return [(path, "list the handoff times in increasing order", shown)]
    problems: list[CrossProblem] = []
    for k, start in enumerate(minutes):
        end = minutes[(k + 1) % len(minutes)]
        length = (end - start) % 1440 or 1440
        if not shift_min * 60 <= length <= shift_max * 60:
            problems.append(
                (
                    _item_path(path, raw, k),
                    f"the shift from {shown[k]} to {shown[(k + 1) % len(shown)]} UTC lasts "
                    f"{length / 60:g} hours, outside rotation.shift_hours "
                    f"{shift_min:g}..{shift_max:g}",
                    shown[k],
                )
            )
    return problems


def _escalation_checks(data: dict[str, Any], known: set[str]) -> list[CrossProblem]:
    problems: list[CrossProblem] = []
    chains: list[tuple[YamlPath, Any]] = [
        (("escalation", "levels"), _raw(data, "escalation", "levels"))
    ]
    severities = _raw(data, "escalation", "severities")
    if isinstance(severities, dict):
        for name, levels in severities.items():
            chains.append((("escalation", "severities", name), levels))
            if name not in STANDARD_SEVERITIES:
                hint = _hint(name, STANDARD_SEVERITIES, cutoff=0.7)
                if hint:
                    problems.append(
                        (
                            ("escalation", "severities", name),
                            f"not a standard severity{hint}; asking for that one would silently "
                            "fall back to escalation.levels",
                            name,
                        )
                    )
    for base, levels in chains:
        if not isinstance(levels, list):
            continue
        for li, level in enumerate(levels):
            raw_targets = _raw(level, "targets")
            targets = _read(_target_names, raw_targets)
            for ti, target in enumerate(targets or []):
                if target not in known:
                    problems.append(
                        (
                            _item_path((*base, li, "targets"), raw_targets, ti),
                            "not a role or member id" + _hint(target, sorted(known)),
                            target,
                        )
                    )
    return problems


# --------------------------------------------------------------------------------------------
# Turning pydantic's errors into our one-line problems.


def _candidates(annotation: Any) -> list[Any]:
    """The alternatives of an annotation, with ``Annotated`` and ``X | None`` unwrapped."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _candidates(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [c for arg in typing.get_args(annotation) for c in _candidates(arg)]
    return [annotation]


def _step(annotation: Any, part: str | int) -> Any:
    for candidate in _candidates(annotation):
        origin = typing.get_origin(candidate)
        if isinstance(part, int) and origin is list:
            return typing.get_args(candidate)[0]
        if isinstance(part, str):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                field = candidate.model_fields.get(part)
                return field.annotation if field is not None else None
            if origin is dict:
                return typing.get_args(candidate)[1]
    return None


def _model_at(path: YamlPath) -> type[BaseModel] | None:
    """The pydantic model class that validates the mapping at ``path`` (for key hints)."""
    annotation: Any = TeamConfig
    for part in path:
        annotation = _step(annotation, part)
        if annotation is None:
            return None
    for candidate in _candidates(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


@cache
def _key_homes() -> dict[str, tuple[str, ...]]:
    """Every key name -> the places it may be written, e.g. ``handoff`` -> ``rotation``."""
    homes: dict[str, list[str]] = {}

    def walk(model: type[BaseModel], where: str) -> None:
        for name, field in model.model_fields.items():
            homes.setdefault(name, []).append(where or "the top level")
            sub = field.annotation
            suffix = ""
            for _ in range(3):  # unwrap list[...] / dict[..., list[...]]
                candidates = _candidates(sub)
                nested = [c for c in candidates if typing.get_origin(c) in (list, dict)]
                if not nested:
                    break
                sub = typing.get_args(nested[0])[-1]
                suffix += "[i]" if typing.get_origin(nested[0]) is list else ".<name>"
            for candidate in _candidates(sub):
                if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                    walk(candidate, f"{where}.{name}{suffix}" if where else f"{name}{suffix}")

    walk(TeamConfig, "")
    return {name: tuple(places) for name, places in homes.items()}


_ROOT_KEYS = tuple(TeamConfig.model_fields)


def _unknown_key(loc: YamlPath) -> str:
    parent = _model_at(loc[:-1])
    choices = list(parent.model_fields) if parent else []
    key = str(loc[-1])
    hint = _hint(key, choices)
    if hint:
        return f"unknown key{hint}"
    homes = _key_homes().get(key)
    if homes:
        places = " or ".join(homes[:3]) + (" ..." if len(homes) > 3 else "")
        return f"unknown key here; {key!r} belongs under {places}"
    return f"unknown key; allowed keys: {', '.join(choices)}" if choices else "unknown key"


_MESSAGES = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list (one '- item' per line, or [a, b])",
    "dict_type": "expected a mapping of keys (key: value lines, or {key: value})",
    "model_type": "expected a mapping of keys (key: value lines, or {key: value})",
    "model_attributes_type": "expected a mapping of keys (key: value lines, or {key: value})",
    "missing": "required key is missing",
}


def _describe(error: Any, loc: YamlPath) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return _unknown_key(loc)
    if kind in _MESSAGES:
        message = _MESSAGES[kind]
        if error.get("input") is None and kind != "missing":
            return f"is empty; {message}"
        return message
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def _clean_loc(loc: tuple[Any, ...]) -> YamlPath:
    """Drop pydantic's markers (``[key]`` for dict keys, ``function-...`` for validators)."""
    return tuple(
        part
        for part in loc
        if not (isinstance(part, str) and (part == "[key]" or part.startswith("function-")))
    )


def _plain(value: Any) -> Any:
    """Show a value as the user wrote it: dates as text, long mappings by their keys."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes") if not value.second else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, ZoneInfo):
        return value.key
    if isinstance(value, dict):
        shown = {key: _plain(item) for key, item in value.items()}
        return shown if len(repr(shown)) <= 80 else "{" + ", ".join(map(str, value)) + "}"
    if isinstance(value, list):
        items = [_plain(item) for item in value]
        return items if len(repr(items)) <= 80 else f"[... {len(items)} items]"
    return value


def _problem(
    doc: YamlDocument, path: YamlPath, message: str, value: Any, has_value: bool
) -> Problem:
    line_col = doc.location_of(path)
    return Problem(
        doc.file,
        format_path(path),
        message,
        _plain(value),
        has_value,
        line_col[0] if line_col else None,
        line_col[1] if line_col else None,
    )


def _problems_from_validation(exc: ValidationError, doc: YamlDocument) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for error in exc.errors(include_url=False):
        loc = _clean_loc(tuple(error["loc"]))
        message = _describe(error, loc)
        if (format_path(loc), message) in seen:
            continue
        seen.add((format_path(loc), message))
        value = loc[-1] if error["type"] == "extra_forbidden" and loc else error.get("input")
        problems.append(_problem(doc, loc, message, value, error["type"] != "missing"))
    return problems


def config_from_document(doc: YamlDocument) -> TeamConfig:
    """Validate a parsed document, raising :class:`ConfigError` with every problem found.

    The problems the parser collected (``doc.problems``: duplicate keys) come first in line
    order with the others.
    """
    if doc.data is None:
        raise ConfigError(
            [
                Problem(
                    doc.file,
                    "",
                    "the file is empty; a team file needs at least team, horizon, rotation "
                    "and members",
                )
            ]
        )
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        raise ConfigError(
            [
                _problem(
                    doc,
                    (),
                    f"a team file must be a mapping of keys ({', '.join(_ROOT_KEYS)}), not {kind}",
                    doc.data,
                    True,
                )
            ]
        )
    cfg: TeamConfig | None = None
    problems: list[Problem] = list(doc.problems)
    try:
        cfg = TeamConfig.model_validate(doc.data)
    except ValidationError as exc:
        problems += _problems_from_validation(exc, doc)
    reported = {p.path for p in problems}
    for path, message, value in _cross_checks(doc.data):
        if format_path(path) not in reported:
            problems.append(_problem(doc, path, message, value, True))
    if problems:
        problems.sort(key=lambda p: (p.line is None, p.line or 0, p.column or 0))
        raise ConfigError(problems)
    assert cfg is not None
    return cfg


def load_config(path: str | Path) -> TeamConfig:
    """Read, parse and validate one team file.

    Args:
        path: the YAML team file.

    Returns:
        The validated team, every default filled in.

    Raises:
        ConfigError: with one :class:`Problem` per mistake, all at once.
    """
    return config_from_document(read_yaml(Path(path), keep_going=True))
