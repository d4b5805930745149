"""Config -> shift grid: the half-open UTC shifts that tile the team's horizon (docs/rules.md,
rule 1).

The horizon starts at the first handoff at or after 00:00 of ``horizon.start`` in the team's zone
and ends at the first handoff at or after 00:00 of ``start + 7 * weeks`` days, so every shift is
whole. Daily and weekly handoffs are wall-clock times in the team zone, converted to UTC one date
at a time, so a shift across a DST change lasts 23 or 25 hours (or 167/169 for weekly).
Follow-the-sun cuts are fixed UTC times of day (``handoffs_utc``) or derived from the members'
working windows by :mod:`rota.sunpattern`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from rota.config import WEEKDAYS
from rota.localtime import local_midnight_utc, local_to_utc
from rota.model import Grid, RotationKind, Shift
from rota.team import Team


def horizon_dates(team: Team) -> tuple[date, date]:
    """The first and the end local date (exclusive) named by ``horizon``."""
    start = team.config.horizon.start
    return start, start + timedelta(days=7 * team.config.horizon.weeks)


def build_grid(team: Team) -> Grid:
    """The shift grid of ``team`` over its configured horizon."""
    first_day, end_day = horizon_dates(team)
    cuts = handoff_instants(team, first_day, end_day)
    shifts = tuple(
        Shift(index=i, start=start, end=end) for i, (start, end) in enumerate(pairwise(cuts))
    )
    return Grid(team_id=team.id, start=cuts[0], end=cuts[-1], shifts=shifts, roles=team.roles)


def handoff_instants(team: Team, first_day: date, end_day: date) -> list[datetime]:
    """Every handoff from the horizon start to the horizon end, both included, in UTC."""
    rotation = team.config.rotation
    zone = team.zone
    if rotation.kind is RotationKind.DAILY:
        days = (end_day - first_day).days
        return [
            local_to_utc(first_day + timedelta(days=k), rotation.handoff, zone)
            for k in range(days + 1)
        ]
    if rotation.kind is RotationKind.WEEKLY:
        weekday = WEEKDAYS.index(rotation.handoff_day)
        first = first_day + timedelta(days=(weekday - first_day.weekday()) % 7)
        last = end_day + timedelta(days=(weekday - end_day.weekday()) % 7)
        weeks = (last - first).days // 7
        return [
            local_to_utc(first + timedelta(weeks=k), rotation.handoff, zone)
            for k in range(weeks + 1)
        ]
    begin = local_midnight_utc(first_day, zone)
    finish = local_midnight_utc(end_day, zone)
    if rotation.handoffs_utc is not None:
        return _fixed_utc_cuts(
            [t.hour * 60 + t.minute for t in rotation.handoffs_utc], begin, finish
        )
    from rota.sunpattern import derive_cuts

    return derive_cuts(team, begin, finish)


def _fixed_utc_cuts(minutes_of_day: list[int], begin: datetime, finish: datetime) -> list[datetime]:
    """Cuts at fixed UTC times of day, from the first at/after ``begin`` to the first at/after
    ``finish``."""
    day = begin.astimezone(UTC).date() - timedelta(days=1)
    cuts: list[datetime] = []
    while True:
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        for minute in sorted(minutes_of_day):
            instant = midnight + timedelta(minutes=minute)
            if instant < begin:
                continue
            cuts.append(instant)
            if instant >= finish:
                return cuts
        day += timedelta(days=1)
