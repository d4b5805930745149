"""Plain, frozen domain objects. Every datetime in here is timezone-aware UTC."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class RotationKind(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    FOLLOW_THE_SUN = "follow-the-sun"


class OffHoursPolicy(StrEnum):
    FORBID = "forbid"
    AVOID = "avoid"
    ALLOW = "allow"


class NightPolicy(StrEnum):
    FORBID = "forbid"
    AVOID = "avoid"
    ALLOW = "allow"


class WeekendSplit(StrEnum):
    WHOLE = "whole"
    SINGLE_DAY = "single-day"


@dataclass(frozen=True, slots=True)
class DailyWindow:
    """A member-local time-of-day window, repeated every local day.

    ``end <= start`` means the window crosses local midnight (e.g. a 22:00-07:00 night);
    ``end == start`` means the whole day.
    """

    start: time
    end: time

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open UTC interval ``[start, end)``."""

    start: datetime
    end: datetime

    def overlaps(self, other_start: datetime, other_end: datetime) -> bool:
        return self.start < other_end and other_start < self.end

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Unavailability:
    """Time a member cannot be on call, already converted to UTC."""

    start: datetime
    end: datetime
    reason: str

    def overlaps(self, other_start: datetime, other_end: datetime) -> bool:
        return self.start < other_end and other_start < self.end


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    name: str
    email: str | None
    timezone: ZoneInfo
    country: str | None
    working_hours: DailyWindow
    night: DailyWindow
    roles: tuple[str, ...]
    fte: float
    unavailable: tuple[Unavailability, ...] = ()

    def unavailable_during(self, start: datetime, end: datetime) -> Unavailability | None:
        """The first unavailability overlapping ``[start, end)``, or None."""
        for block in self.unavailable:
            if block.overlaps(start, end):
                return block
        return None


@dataclass(frozen=True, slots=True)
class Contact:
    """Someone outside the rotation (a manager) whom escalation may page; never given shifts.

    The solver, metrics, reports and feeds see only :class:`Member`; contacts appear in
    escalation levels alone.
    """

    id: str
    name: str
    email: str
    timezone: ZoneInfo
    phone: str | None = None
    unavailable: tuple[Unavailability, ...] = ()


@dataclass(frozen=True, slots=True)
class Shift:
    """One cell of the grid: ``[start, end)`` in UTC, every role to be filled."""

    index: int
    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def hours(self) -> float:
        return self.duration.total_seconds() / 3600


@dataclass(frozen=True, slots=True)
class Grid:
    """The shift grid of one team over its horizon; shifts tile ``[start, end)`` exactly."""

    team_id: str
    start: datetime
    end: datetime
    shifts: tuple[Shift, ...]
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScheduledShift:
    """A shift with its holders: ``assignments`` maps role -> member id."""

    start: datetime
    end: datetime
    assignments: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Schedule:
    """A stored (or about to be stored) schedule version of a team."""

    team_id: str
    horizon_start: datetime
    horizon_end: datetime
    shifts: tuple[ScheduledShift, ...]
    version: int | None = None
    created_at: datetime | None = None
    meta: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HorizonSpec:
    start: date
    weeks: int


@dataclass(frozen=True, slots=True)
class Override:
    """A manual change on top of the plan: ``member_id`` holds ``role`` in ``[start, end)``.

    It cuts into shifts at any instant; where it applies it replaces the planned holder of the role.
    """

    team_id: str
    role: str
    member_id: str
    start: datetime
    end: datetime
    id: int | None = None
    created_at: datetime | None = None
    reason: str | None = None
    created_by: str | None = None
    removed_at: datetime | None = None
