"""Per region and hour of the UTC day: members whose working window covers it, and absences.

A member covers an hour when their working window holds some of it (a window from 07:30 counts
for the hour from 07:00; a hole shorter than an hour shows in the shifts' findings). For each
hour the table keeps the fewest members over the horizon's days (windows move in UTC with daylight
saving time). Absences are counted per 7-day block from the horizon start: the members away
for some of it.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from rota.capacity.counting import Counting
from rota.localtime import window_intervals
from rota.model import Interval, Member

HOURS = range(24)


@dataclass(frozen=True, slots=True)
class RegionTable:
    zone: str
    members: tuple[str, ...]
    covering: tuple[int, ...]  # [UTC hour] fewest members covering it on a horizon day
    away: tuple[int, ...]  # [week] members away for some of that 7-day block

    def as_json(self) -> dict[str, object]:
        return {
            "zone": self.zone,
            "members": list(self.members),
            "covering_by_utc_hour": list(self.covering),
            "away_by_week": list(self.away),
        }


def _covered_hours(member: Member, days: list[datetime]) -> list[list[bool]]:
    """For each day (UTC midnight) and hour, whether the member's window holds some of it."""
    if not days:
        return []
    begin, finish = days[0], days[-1] + timedelta(days=1)
    if member.working_hours.start == member.working_hours.end:
        spans = [Interval(begin, finish)]
    else:
        spans = window_intervals(member.working_hours, member.timezone, begin, finish)
    starts = [s.start for s in spans]
    table = []
    for day in days:
        row = []
        for h in HOURS:
            lo = day + timedelta(hours=h)
            j = bisect_left(starts, lo + timedelta(hours=1)) - 1  # last span starting in time
            row.append(j >= 0 and spans[j].end > lo)
        table.append(row)
    return table


def region_tables(c: Counting) -> list[RegionTable]:
    grid = c.grid
    first = datetime.combine(grid.start.astimezone(UTC).date(), datetime.min.time(), UTC)
    if first < grid.start:
        first += timedelta(days=1)
    days = []
    day = first
    while day + timedelta(days=1) <= grid.end:
        days.append(day)
        day += timedelta(days=1)
    weeks = -(-int((grid.end - grid.start).total_seconds()) // (7 * 86400))
    shared: dict[tuple[object, ...], list[list[bool]]] = {}
    tables = []
    for region in c.regions:
        counts = [[0] * 24 for _ in days]
        away = [0] * weeks
        for i in region.members:
            member = c.timeline.members[i]
            key = (member.timezone.key, member.working_hours)
            if key not in shared:
                shared[key] = _covered_hours(member, days)
            for d, row in enumerate(shared[key]):
                for h in HOURS:
                    counts[d][h] += row[h]
            for w in range(weeks):
                lo = grid.start + timedelta(days=7 * w)
                hi = min(grid.end, lo + timedelta(days=7))
                away[w] += member.unavailable_during(lo, hi) is not None
        covering = tuple(min((row[h] for row in counts), default=0) for h in HOURS)
        tables.append(
            RegionTable(
                zone=region.key,
                members=tuple(c.ids(region.members)),
                covering=covering,
                away=tuple(away),
            )
        )
    return tables
