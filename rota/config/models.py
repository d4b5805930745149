"""The team file's sections as strict, frozen pydantic v2 models, and :class:`TeamConfig`.

This is the first checking pass: every key on its own (types, ranges, names, through the
parsers of :mod:`rota.config.scalars`) and each section's internal order (``min <= max``,
``start < end``). What spans sections is :mod:`rota.config.checks`' job.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from rota.config.notify import NotifySection
from rota.config.pay import PaySection
from rota.config.scalars import (
    WEEKDAYS,
    _boolean,
    _calendar_date,
    _choice,
    _country,
    _date_or_datetime,
    _email,
    _fail,
    _id,
    _names_check,
    _number,
    _one_or_many,
    _phone,
    _text,
    _values,
    _zone,
    parse_time_of_day,
)
from rota.model import NightPolicy, OffHoursPolicy, RotationKind, WeekendSplit

FOLLOW_THE_SUN_BLOCK_HOURS = 12.0
"""``rest.max_block_hours`` of a follow-the-sun team that does not set it."""

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
    night: Annotated[NightPolicy, BeforeValidator(_choice(_values(NightPolicy)))] = (
        NightPolicy.AVOID
    )
    freeze_hours: Annotated[float, BeforeValidator(_number(0, 8760, unit=" hours"))] = 48
    """Re-solving a published rota keeps every shift starting before now + this many hours."""

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
    night: Weight = 3
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


class ContactSection(_Strict):
    """Someone outside the rotation (a manager) whom escalation may page; never given shifts."""

    id: Id
    name: Text
    email: Annotated[str, BeforeValidator(_email)]
    timezone: Zone
    phone: Annotated[str, BeforeValidator(_phone)] | None = None
    unavailable: list[UnavailableEntry] = []

    @field_validator("unavailable", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


_OPTIONAL_SECTIONS = (
    "contacts",
    "working_hours",
    "night",
    "weekends",
    "rest",
    "limits",
    "fairness",
    "escalation",
    "pay",
    "notify",
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
    contacts: list[ContactSection] = []
    pay: PaySection | None = None
    notify: NotifySection | None = None

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
        return (
            FOLLOW_THE_SUN_BLOCK_HOURS
            if self.rotation.kind is RotationKind.FOLLOW_THE_SUN
            else None
        )

    def escalation_levels(self, severity: str | None = None) -> list[EscalationLevel]:
        """The chain for ``severity`` (falling back to the default chain)."""
        if severity is not None and severity in self.escalation.severities:
            return list(self.escalation.severities[severity])
        if self.escalation.levels is not None:
            return list(self.escalation.levels)
        return [EscalationLevel(targets=[role]) for role in self.rotation.roles]
