"""Wall-clock time in a member's zone <-> UTC instants, one local date at a time.

A local time that does not exist (spring-forward gap) or exists twice (fall-back repeat) is
resolved with ``fold=0``, as ``zoneinfo`` does: a time in the gap maps to the instant it would be
with the offset in force before the change (02:30 on a spring-forward night becomes 03:30), a
repeated time takes its first occurrence. Nothing here ever raises for a DST day.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rota.model import DailyWindow, Interval


def local_to_utc(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock ``clock`` on local ``day`` in ``zone``.

    >>> local_to_utc(date(2026, 3, 29), time(2, 30), ZoneInfo("Europe/Warsaw")).isoformat()
    '2026-03-29T01:30:00+00:00'
    """
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def local_midnight_utc(day: date, zone: ZoneInfo) -> datetime:
    """The instant local ``day`` begins in ``zone`` (00:00, or the first instant after a gap)."""
    return local_to_utc(day, time(0, 0), zone)


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    """The calendar date in ``zone`` at ``instant``."""
    return instant.astimezone(zone).date()


def local_day_bounds(day: date, zone: ZoneInfo) -> Interval:
    """``[start, end)`` in UTC of local ``day`` (23, 24 or 25 hours long)."""
    return Interval(
        local_midnight_utc(day, zone), local_midnight_utc(day + timedelta(days=1), zone)
    )


def dates_touching(start: datetime, end: datetime, zone: ZoneInfo) -> Iterator[date]:
    """Every local date in ``zone`` that overlaps ``[start, end)``, plus the one before.

    The extra day covers windows that start the day before and cross midnight.
    """
    first = local_date(start, zone) - timedelta(days=1)
    last = local_date(end, zone)
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def window_on(day: date, window: DailyWindow, zone: ZoneInfo) -> Interval:
    """The UTC interval of ``window`` starting on local ``day`` (it may end the next day)."""
    start = local_to_utc(day, window.start, zone)
    end_day = day + timedelta(days=1) if window.crosses_midnight else day
    end = local_to_utc(end_day, window.end, zone)
    if end <= start:  # a window squeezed to nothing by a DST gap
        end = start
    return Interval(start, end)


def window_intervals(
    window: DailyWindow, zone: ZoneInfo, start: datetime, end: datetime
) -> list[Interval]:
    """All occurrences of ``window`` in ``zone`` clipped to ``[start, end)``, in order."""
    result: list[Interval] = []
    for day in dates_touching(start, end, zone):
        occurrence = window_on(day, window, zone)
        lo, hi = max(occurrence.start, start), min(occurrence.end, end)
        if lo < hi:
            if result and result[-1].end >= lo:
                result[-1] = Interval(result[-1].start, max(result[-1].end, hi))
            else:
                result.append(Interval(lo, hi))
    return result


def overlap_seconds(intervals: list[Interval], start: datetime, end: datetime) -> float:
    """Seconds of ``[start, end)`` covered by the (disjoint) ``intervals``."""
    total = 0.0
    for interval in intervals:
        lo, hi = max(interval.start, start), min(interval.end, end)
        if lo < hi:
            total += (hi - lo).total_seconds()
    return total
