"""Member loads and fairness spreads: the one place where on-call work is counted.

``rota solve`` (its per-member table), ``rota report`` and the benchmark all read their numbers
from here, so a figure means the same everywhere. Definitions (docs/rules.md):

- *hours*: the time a member holds a role, summed over every role they hold.
- *off-hours*: hours outside the member's working window (member-local, DST-correct).
- *night hours*: hours inside the member's night window.
- *weekend hours*: hours on the member's local Saturday and Sunday.
- *weekends worked*: distinct weekends of which the member holds a weekend shift. A shift is a
  weekend shift of the weekend whose local Saturday or Sunday it starts on; a weekly shift is a
  weekend shift of the weekend it contains, read as the weekend (local Saturday + Sunday) the shift
  overlaps longest, the earlier one on a tie. A weekend is named by the date of its Saturday.
- *holiday hours*: hours on the member's local dates that are public holidays of ``member.country``
  (the ``holidays`` package); none without a country.
- *fair share*: see :func:`fair_shares`.
- *off-hours share*, *night share*: the off-hours (night hours) the members of one time zone
  carry, split among them in proportion to ``fte * available`` as hours are
  (:func:`zone_shares`): people in different zones cannot trade them without adding more.

Everything is summed in whole seconds (``timedelta``) and turned into hours once, at the end;
rounding is left to whoever displays the numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo

import holidays

from rota.localtime import local_date, local_day_bounds, overlap_seconds, window_intervals
from rota.model import Interval, Member, RotationKind, Schedule
from rota.night import night_seconds
from rota.team import Team

_HOUR = 3600.0


class TimeSpan(Protocol):
    """Anything with a UTC ``[start, end)``: a grid ``Shift`` or a ``ScheduledShift``."""

    @property
    def start(self) -> datetime: ...

    @property
    def end(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class MemberLoad:
    """What one member carries in a period; every ``*_hours`` figure is in (unrounded) hours."""

    member_id: str
    blocks: int
    """On-call blocks: the member's shifts in the period, consecutive ones joined."""
    hours: float
    off_hours: float
    night_hours: float
    weekend_hours: float
    weekends_worked: int
    holiday_hours: float
    fair_share_hours: float
    unavailable_hours: float = 0.0
    """Hours of the period during which the member was unavailable (drives comparability)."""
    off_hours_share: float = 0.0
    """The member's share of their zone's off-hours (see :func:`zone_shares`)."""
    night_share: float = 0.0
    """The member's share of their zone's night hours."""


@dataclass(frozen=True, slots=True)
class FairnessSummary:
    """Max - min of each metric among the comparable members (see :func:`comparable_members`).

    ``fair_share_deviation`` is the largest ``|hours - fair share|`` over *all* members: the fair
    share already accounts for ``fte`` and availability, so nobody needs to be left out of it.
    """

    comparable: tuple[str, ...]
    hours: float
    off_hours: float
    night_hours: float
    weekend_hours: float
    weekends_worked: int
    holiday_hours: float
    fair_share_deviation: float


# --------------------------------------------------------------------------------------------
# Calendar helpers


@cache
def holiday_dates(country: str, year: int) -> frozenset[date]:
    """The public holidays of ``country`` in ``year`` (cached; the package is slow to build)."""
    return frozenset(holidays.country_holidays(country, years=year).keys())


def is_holiday(member: Member, day: date) -> bool:
    """True when ``day`` is a public holiday in ``member.country`` (False without a country)."""
    return member.country is not None and day in holiday_dates(member.country, day.year)


def _local_days(start: datetime, end: datetime, member: Member) -> Iterable[date]:
    day = local_date(start, member.timezone)
    last = local_date(end, member.timezone)
    while day <= last:
        yield day
        day += timedelta(days=1)


def _seconds_on_days(
    member: Member, start: datetime, end: datetime, keep: frozenset[int] | None, holiday: bool
) -> int:
    """Seconds of ``[start, end)`` on member-local days that are weekend days or holidays."""
    total = 0
    for day in _local_days(start, end, member):
        if keep is not None and day.weekday() not in keep:
            continue
        if holiday and not is_holiday(member, day):
            continue
        bounds = local_day_bounds(day, member.timezone)
        lo, hi = max(bounds.start, start), min(bounds.end, end)
        if lo < hi:
            total += int((hi - lo).total_seconds())
    return total


_WEEKEND = frozenset({5, 6})


def weekend_of(member: Member, start: datetime, end: datetime, kind: RotationKind) -> date | None:
    """The Saturday naming the weekend of which ``[start, end)`` is a weekend shift of ``member``
    (:func:`zone_weekend_of` in the member's zone)."""
    return zone_weekend_of(member.timezone, start, end, kind)


def zone_weekend_of(
    zone: ZoneInfo, start: datetime, end: datetime, kind: RotationKind
) -> date | None:
    """The Saturday naming the weekend of which ``[start, end)`` is a weekend shift in ``zone``:
    the one definition the solver (:mod:`rota.solver.facts`) and the metrics share.

    Daily and follow-the-sun: the shift starts on the local Saturday or Sunday. Weekly: the
    weekend the shift overlaps longest (the earlier on a tie); None when it overlaps none.
    """
    day = local_date(start, zone)
    if kind is not RotationKind.WEEKLY:
        if day.weekday() == 5:
            return day
        if day.weekday() == 6:
            return day - timedelta(days=1)
        return None
    best: date | None = None
    best_seconds = 0
    last = local_date(end, zone)
    day -= timedelta(days=1)  # a shift starting on a Sunday overlaps the Saturday's weekend
    while day <= last:
        if day.weekday() == 5:
            weekend_start = local_day_bounds(day, zone).start
            weekend_end = local_day_bounds(day + timedelta(days=1), zone).end
            seconds = (min(end, weekend_end) - max(start, weekend_start)).total_seconds()
            if seconds > best_seconds:
                best, best_seconds = day, int(seconds)
        day += timedelta(days=1)
    return best


# --------------------------------------------------------------------------------------------
# Fair shares


def available_seconds(member: Member, spans: Iterable[TimeSpan]) -> int:
    """Seconds of ``spans`` during which ``member`` is not unavailable."""
    total = 0
    for span in spans:
        busy = overlap_seconds(
            [Interval(u.start, u.end) for u in member.unavailable], span.start, span.end
        )
        total += int((span.end - span.start).total_seconds() - busy)
    return total


def share_weights(team: Team, shifts: Sequence[TimeSpan]) -> dict[str, float]:
    """Each member's ``fte * available`` seconds over ``shifts`` (0 without a team role)."""
    weights: dict[str, float] = {}
    for member in team.members:
        eligible = any(role in team.roles for role in member.roles)
        weights[member.id] = member.fte * available_seconds(member, shifts) if eligible else 0.0
    return weights


def zone_shares(
    team: Team, weights: Mapping[str, float], carried: Mapping[str, float]
) -> dict[str, float]:
    """``carried`` (e.g. night hours per member) summed per time zone and split among the
    zone's members in proportion to ``weights`` (a zone without weight keeps zeros)."""
    zones: dict[str, list[str]] = {}
    for member in team.members:
        zones.setdefault(member.timezone.key, []).append(member.id)
    result: dict[str, float] = {}
    for ids in zones.values():
        total = sum(carried[i] for i in ids)
        weight = sum(weights[i] for i in ids)
        for i in ids:
            result[i] = total * weights[i] / weight if weight > 0 else 0.0
    return result


def fair_shares(team: Team, shifts: Sequence[TimeSpan]) -> dict[str, float]:
    """The hours each member should carry over ``shifts``.

    The work to share is every role of every shift: ``sum(shift hours) * len(team.roles)``. It is
    split in proportion to ``fte * available``, where ``available`` is the time within ``shifts``
    the member is not ``unavailable`` and is zero for a member with none of the team's roles.
    No water-filling: a member whose share exceeds what they could physically hold keeps it (the
    overflow is visible as a deviation rather than silently moved to others).

    Args:
        team: the team (members, roles, fte and unavailability).
        shifts: the shifts of the period, e.g. a grid or a schedule clipped to a report window.

    Returns:
        member id -> hours, for every member of the team (all zero when nobody is available).
    """
    role_seconds = sum((s.end - s.start).total_seconds() for s in shifts) * len(team.roles)
    weights = share_weights(team, shifts)
    total_weight = sum(weights.values())
    if total_weight <= 0:
        return {member.id: 0.0 for member in team.members}
    return {
        member_id: role_seconds * weight / total_weight / _HOUR
        for member_id, weight in weights.items()
    }


# --------------------------------------------------------------------------------------------
# Loads


def on_call_blocks(spans: Iterable[Interval]) -> list[Interval]:
    """Spans joined where they touch or overlap: a member's continuous on-call blocks.

    >>> from datetime import UTC
    >>> t = lambda h: datetime(2026, 12, 7, h, tzinfo=UTC)
    >>> [(b.start.hour, b.end.hour) for b in on_call_blocks(
    ...     [Interval(t(8), t(12)), Interval(t(18), t(20)), Interval(t(12), t(16))])]
    [(8, 16), (18, 20)]
    """
    blocks: list[Interval] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if blocks and span.start <= blocks[-1].end:
            last = blocks[-1]
            blocks[-1] = Interval(last.start, max(last.end, span.end))
        else:
            blocks.append(span)
    return blocks


@dataclass(slots=True)
class _Tally:
    spans: list[Interval] = field(default_factory=list)
    seconds: int = 0
    off: int = 0
    night: int = 0
    weekend: int = 0
    holiday: int = 0


def _clip(
    span: TimeSpan, start: datetime | None, end: datetime | None
) -> tuple[datetime, datetime] | None:
    lo = span.start if start is None else max(span.start, start)
    hi = span.end if end is None else min(span.end, end)
    return (lo, hi) if lo < hi else None


def member_loads(
    team: Team,
    schedule: Schedule,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[str, MemberLoad]:
    """Every member's load in ``schedule`` (optionally only the part inside ``[start, end)``).

    Only shifts overlapping the bounds count, and only their overlapping part; consecutive
    shifts of a member form one of their ``blocks``; a weekend shift counts its weekend toward
    ``weekends_worked`` even when cut by the bounds. Members of the team who hold nothing get
    zeros; member ids in the schedule that are no longer in the team are ignored.

    Returns:
        member id -> :class:`MemberLoad`, in team-file order.
    """
    members = {m.id: m for m in team.members}
    tallies = {member_id: _Tally() for member_id in members}
    weekends: dict[str, set[date]] = {member_id: set() for member_id in members}
    clipped: list[Interval] = []
    for shift in schedule.shifts:
        bounds = _clip(shift, start, end)
        if bounds is None:
            continue
        lo, hi = bounds
        clipped.append(Interval(lo, hi))
        for member_id in shift.assignments.values():
            member = members.get(member_id)
            if member is None:
                continue
            tally = tallies[member_id]
            seconds = int((hi - lo).total_seconds())
            tally.spans.append(Interval(lo, hi))
            tally.seconds += seconds
            working = window_intervals(member.working_hours, member.timezone, lo, hi)
            tally.off += seconds - int(overlap_seconds(working, lo, hi))
            tally.night += int(night_seconds(member, lo, hi))
            tally.weekend += _seconds_on_days(member, lo, hi, _WEEKEND, holiday=False)
            tally.holiday += _seconds_on_days(member, lo, hi, None, holiday=True)
            weekend = weekend_of(member, shift.start, shift.end, team.kind)
            if weekend is not None:
                weekends[member_id].add(weekend)
    shares = fair_shares(team, clipped)
    weights = share_weights(team, clipped)
    off_shares = zone_shares(team, weights, {m: t.off / _HOUR for m, t in tallies.items()})
    night_shares = zone_shares(team, weights, {m: t.night / _HOUR for m, t in tallies.items()})
    period = sum(int((c.end - c.start).total_seconds()) for c in clipped)
    result: dict[str, MemberLoad] = {}
    for member_id, tally in tallies.items():
        unavailable = period - available_seconds(members[member_id], clipped)
        result[member_id] = MemberLoad(
            member_id=member_id,
            blocks=len(on_call_blocks(tally.spans)),
            hours=tally.seconds / _HOUR,
            off_hours=tally.off / _HOUR,
            night_hours=tally.night / _HOUR,
            weekend_hours=tally.weekend / _HOUR,
            weekends_worked=len(weekends[member_id]),
            holiday_hours=tally.holiday / _HOUR,
            fair_share_hours=shares[member_id],
            unavailable_hours=unavailable / _HOUR,
            off_hours_share=off_shares[member_id],
            night_share=night_shares[member_id],
        )
    return result


# --------------------------------------------------------------------------------------------
# Spreads


def comparable_members(team: Team, loads: Mapping[str, MemberLoad]) -> tuple[str, ...]:
    """Members whose loads should be equal: full-time and fully available in the period.

    A member is comparable when ``fte == 1``, they hold at least one of the team's roles and
    they had no unavailable time within the loads' period (``unavailable_hours == 0``). With fewer
    than two such members, the full-time members with a role are compared (time away then shows
    in the spread; ``fair_share_deviation`` accounts for it); with fewer than two of those, every
    member of ``loads``, so a spread is always defined.
    """
    full_time = tuple(
        member.id
        for member in team.members
        if member.id in loads
        and member.fte == 1
        and any(role in team.roles for role in member.roles)
    )
    chosen = tuple(i for i in full_time if loads[i].unavailable_hours == 0)
    if len(chosen) >= 2:
        return chosen
    if len(full_time) >= 2:
        return full_time
    return tuple(member.id for member in team.members if member.id in loads)


def spreads(team: Team, loads: Mapping[str, MemberLoad]) -> FairnessSummary:
    """Max - min of hours, off-hours, night, weekend and holiday hours and weekends worked among
    the comparable members, plus the largest gap between anyone's hours and fair share."""
    ids = comparable_members(team, loads)
    chosen = [loads[i] for i in ids]

    def spread(values: list[float]) -> float:
        return max(values) - min(values) if values else 0.0

    worked = [c.weekends_worked for c in chosen]
    return FairnessSummary(
        comparable=ids,
        hours=spread([c.hours for c in chosen]),
        off_hours=spread([c.off_hours for c in chosen]),
        night_hours=spread([c.night_hours for c in chosen]),
        weekend_hours=spread([c.weekend_hours for c in chosen]),
        weekends_worked=max(worked) - min(worked) if worked else 0,
        holiday_hours=spread([c.holiday_hours for c in chosen]),
        fair_share_deviation=max(
            (abs(load.hours - load.fair_share_hours) for load in loads.values()), default=0.0
        ),
    )


__all__ = [
    "FairnessSummary",
    "MemberLoad",
    "comparable_members",
    "fair_shares",
    "holiday_dates",
    "is_holiday",
    "member_loads",
    "on_call_blocks",
    "spreads",
    "weekend_of",
    "zone_weekend_of",
]
