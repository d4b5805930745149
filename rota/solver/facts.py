"""Precomputed facts the CP-SAT model needs, in integer minutes: the solver never sees a datetime.

The *timeline* is the grid's shifts, preceded (with ``fairness.history``) by the previously
published shifts that end at or before the horizon start: constants that rules 5 and 6
(docs/rules.md) look back into and whose load fairness counts. For every (member, timeline
shift), :class:`MemberShiftFacts` holds what the rules and the objective ask of that pair,
computed once with :mod:`rota.localtime` in the member's own zone.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from rota.localtime import local_date, local_day_bounds, window_intervals
from rota.metrics import zone_weekend_of
from rota.model import (
    Grid,
    Interval,
    Member,
    NightPolicy,
    OffHoursPolicy,
    RotationKind,
    Schedule,
)
from rota.team import Team

SATURDAY = 5
SUNDAY = 6


@dataclass(frozen=True, slots=True)
class Slot:
    """One shift on the timeline, in minutes from the horizon start (negative in history).

    ``grid_index`` is the shift's index in the grid, or None for a history shift, whose holders
    are ``held`` (role -> member id).
    """

    start: int
    end: int
    start_at: datetime
    end_at: datetime
    grid_index: int | None
    held: tuple[tuple[str, str], ...] = ()

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def label(self) -> str:
        """``2026-12-24 00:00-06:00 UTC`` (the end's date is shown when it differs)."""
        start, end = self.start_at, self.end_at
        end_text = (
            end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%Y-%m-%d %H:%M")
        )
        return f"{start.strftime('%Y-%m-%d %H:%M')}-{end_text} UTC"


@dataclass(frozen=True, slots=True)
class MemberShiftFacts:
    """What one member's holding one timeline shift means, in integer minutes: the shift's
    minutes outside their working window (``off``), in their night and on their public holidays,
    and its dates in their zone."""

    unavailable: str | None  # reason, or None when available
    off_minutes: int
    night_minutes: int
    holiday_minutes: int
    start_date: date  # member-local date of the start
    end_date: date  # member-local date of the end instant
    weekend: date | None  # local Saturday of the weekend this is a weekend shift of
    day: int  # weekday of the local start date (0 = Monday)


@dataclass(frozen=True, slots=True)
class Timeline:
    """History shifts (constants) followed by the grid's shifts, and per-member facts."""

    origin: datetime
    slots: tuple[Slot, ...]
    first_grid: int  # position of the grid's first shift
    touches_next: tuple[bool, ...]  # slots[k].end == slots[k + 1].start
    partner: tuple[int | None, ...]  # the slot overlapping most with [start+24h, end+24h)
    facts: tuple[tuple[MemberShiftFacts, ...], ...]  # facts[member][slot]
    members: tuple[Member, ...]
    roles: tuple[str, ...]

    @property
    def grid_slots(self) -> range:
        return range(self.first_grid, len(self.slots))

    def minute(self, instant: datetime) -> int:
        return to_minutes(instant, self.origin)


def barred(team: Team, facts: MemberShiftFacts) -> str | None:
    """Why the rotation's policies keep a member off a shift (None: they do not).

    ``off_hours: forbid`` bars a shift not wholly inside the member's working window,
    ``night: forbid`` one that overlaps their night window by a minute. Unavailability and
    roles are not policies: see ``facts.unavailable`` and the member's roles.
    """
    rotation = team.config.rotation
    if rotation.off_hours is OffHoursPolicy.FORBID and facts.off_minutes > 0:
        return "outside working hours (off_hours: forbid)"
    if rotation.night is NightPolicy.FORBID and facts.night_minutes > 0:
        return "in their night (night: forbid)"
    return None


def to_minutes(instant: datetime, origin: datetime) -> int:
    return int((instant - origin).total_seconds() // 60)


def build_timeline(
    team: Team, grid: Grid, history: Schedule | None, *, lookback_days: int
) -> Timeline:
    """The solver's timeline: history within ``lookback_days`` before the horizon, then the grid.

    History shifts that end after the horizon start are ignored (re-solving an overlapping
    horizon is not supported yet); so are history shifts without any assignment.
    """
    origin = grid.start
    earliest = origin - timedelta(days=lookback_days)
    slots: list[Slot] = []
    if history is not None and team.config.fairness.history:
        past = sorted(
            (
                s
                for s in history.shifts
                if s.end <= origin and s.start >= earliest and s.assignments
            ),
            key=lambda s: s.start,
        )
        for shift in past:
            if slots and to_minutes(shift.start, origin) < slots[-1].end:
                continue  # overlapping history: keep the earlier shift
            slots.append(
                Slot(
                    start=to_minutes(shift.start, origin),
                    end=to_minutes(shift.end, origin),
                    start_at=shift.start,
                    end_at=shift.end,
                    grid_index=None,
                    held=tuple(sorted(shift.assignments.items())),
                )
            )
    first_grid = len(slots)
    for cell in grid.shifts:
        slots.append(
            Slot(
                start=to_minutes(cell.start, origin),
                end=to_minutes(cell.end, origin),
                start_at=cell.start,
                end_at=cell.end,
                grid_index=cell.index,
            )
        )
    touches = (*(slots[k].end == slots[k + 1].start for k in range(len(slots) - 1)), False)
    weekly = team.kind is RotationKind.WEEKLY
    shared: dict[Hashable, tuple[MemberShiftFacts, ...]] = {}
    facts = tuple(
        member_facts(member, slots, weekly=weekly, shared=shared) for member in team.members
    )
    return Timeline(
        origin=origin,
        slots=tuple(slots),
        first_grid=first_grid,
        touches_next=touches,
        partner=tuple(partners(slots)),
        facts=facts,
        members=team.members,
        roles=grid.roles,
    )


def partners(slots: Sequence[Slot]) -> list[int | None]:
    """For each slot, the slot overlapping most with the interval 24 h later (docs/rules.md,
    rule 5).

    Ties go to the earlier slot; None when nothing on the timeline overlaps it.
    """
    starts = [s.start for s in slots]
    result: list[int | None] = []
    for slot in slots:
        lo, hi = slot.start + 1440, slot.end + 1440
        best, best_overlap = None, 0
        k = max(bisect_right(starts, lo) - 1, 0)
        while k < len(slots) and slots[k].start < hi:
            overlap = min(hi, slots[k].end) - max(lo, slots[k].start)
            if overlap > best_overlap:
                best, best_overlap = k, overlap
            k += 1
        result.append(best)
    return result


def member_facts(
    member: Member,
    slots: Sequence[Slot],
    *,
    weekly: bool,
    shared: dict[Hashable, tuple[MemberShiftFacts, ...]] | None = None,
) -> tuple[MemberShiftFacts, ...]:
    """The member's facts for each of ``slots``.

    All but availability follow from the member's zone, working window, night window and
    holidays, which members often share. ``shared`` keeps those sets across calls for the same
    ``slots`` and ``weekly``, keyed by those inputs.
    """
    if not slots:
        return ()
    begin, finish = slots[0].start_at, slots[-1].end_at
    zone = member.timezone
    working = window_intervals(member.working_hours, zone, begin, finish)
    if member.working_hours.start == member.working_hours.end:
        working = [Interval(begin, finish)]
    night = window_intervals(member.night, zone, begin, finish)
    if member.night.start == member.night.end:
        night = [Interval(begin, finish)]
    holidays = holiday_intervals(member, begin, finish)
    key = (zone.key, tuple(working), tuple(night), tuple(holidays))
    common = shared.get(key) if shared is not None else None
    if common is None:
        common = _zone_facts(slots, zone, working, night, holidays, weekly=weekly)
        if shared is not None:
            shared[key] = common
    result = []
    for slot, facts in zip(slots, common, strict=True):
        block = member.unavailable_during(slot.start_at, slot.end_at)
        result.append(facts if block is None else replace(facts, unavailable=block.reason))
    return tuple(result)


def _zone_facts(
    slots: Sequence[Slot],
    zone: ZoneInfo,
    working: Sequence[Interval],
    night: Sequence[Interval],
    holidays: Sequence[Interval],
    *,
    weekly: bool,
) -> tuple[MemberShiftFacts, ...]:
    """:func:`member_facts` of an always available member with these windows."""
    kind = RotationKind.WEEKLY if weekly else RotationKind.DAILY
    result = []
    for slot in slots:
        start_date = local_date(slot.start_at, zone)
        weekend = zone_weekend_of(zone, slot.start_at, slot.end_at, kind)
        result.append(
            MemberShiftFacts(
                unavailable=None,
                off_minutes=slot.minutes - covered_minutes(working, slot.start_at, slot.end_at),
                night_minutes=covered_minutes(night, slot.start_at, slot.end_at),
                holiday_minutes=covered_minutes(holidays, slot.start_at, slot.end_at),
                start_date=start_date,
                end_date=local_date(slot.end_at, zone),
                weekend=weekend,
                day=start_date.weekday(),
            )
        )
    return tuple(result)


@cache
def _country_holidays(country: str, first_year: int, last_year: int) -> frozenset[date]:
    import holidays

    return frozenset(
        holidays.country_holidays(country, years=range(first_year, last_year + 1)).keys()
    )


def holiday_dates(country: str | None, first: date, last: date) -> frozenset[date]:
    """Public holidays of ``country`` between ``first`` and ``last`` (inclusive)."""
    if country is None:
        return frozenset()
    days = _country_holidays(country, first.year, last.year)
    return frozenset(d for d in days if first <= d <= last)


def holiday_intervals(member: Member, begin: datetime, finish: datetime) -> list[Interval]:
    zone = member.timezone
    days = sorted(holiday_dates(member.country, local_date(begin, zone), local_date(finish, zone)))
    return [local_day_bounds(day, zone) for day in days]


def covered_minutes(intervals: Sequence[Interval], start: datetime, end: datetime) -> int:
    """Minutes of ``[start, end)`` covered by the sorted, disjoint ``intervals``."""
    if not intervals:
        return 0
    k = max(_bisect_end(intervals, start), 0)
    total = 0.0
    while k < len(intervals) and intervals[k].start < end:
        lo, hi = max(intervals[k].start, start), min(intervals[k].end, end)
        if lo < hi:
            total += (hi - lo).total_seconds()
        k += 1
    return int(total // 60)


def _bisect_end(intervals: Sequence[Interval], instant: datetime) -> int:
    """Index of the first interval whose end is after ``instant``."""
    lo, hi = 0, len(intervals)
    while lo < hi:
        mid = (lo + hi) // 2
        if intervals[mid].end <= instant:
            lo = mid + 1
        else:
            hi = mid
    return lo
