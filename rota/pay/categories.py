"""Pay categories: every on-call second of a member falls in exactly one.

Precedence, highest first (docs/report.md): ``holiday`` (a public holiday of the member's
country, member-local date) > ``weekend`` (member-local Saturday or Sunday) > ``night`` (inside
the member's night window) > ``off_hours`` (outside the member's working window) > ``working``.
Unlike the fairness figures of :mod:`rota.metrics`, which count one hour in several of them,
these add up to the member's on-call time, as payroll needs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from rota.localtime import local_date, local_midnight_utc, window_intervals
from rota.metrics import is_holiday
from rota.model import Interval, Member


class Category(StrEnum):
    """A pay category; declaration order is precedence order (first wins)."""

    HOLIDAY = "holiday"
    WEEKEND = "weekend"
    NIGHT = "night"
    OFF_HOURS = "off_hours"
    WORKING = "working"


CATEGORIES: tuple[Category, ...] = tuple(Category)

_WEEKEND_DAYS = frozenset({5, 6})


def _inside(intervals: Sequence[Interval], instant: datetime) -> bool:
    return any(i.start <= instant < i.end for i in intervals)


def _cuts(lo: datetime, hi: datetime, edges: Iterable[datetime]) -> list[datetime]:
    return sorted({lo, hi, *(p for p in edges if lo < p < hi)})


def categorise(member: Member, start: datetime, end: datetime) -> dict[Category, int]:
    """Seconds of ``[start, end)`` in each category for ``member`` (every category present).

    The span is cut at every member-local midnight and every edge of the member's working and
    night windows; each piece lies wholly in one category, read at its start.
    """
    seconds = dict.fromkeys(CATEGORIES, 0)
    if end <= start:
        return seconds
    zone = member.timezone
    working = window_intervals(member.working_hours, zone, start, end)
    night = window_intervals(member.night, zone, start, end)
    edges = [p for i in (*working, *night) for p in (i.start, i.end)]
    points = _cuts(start, end, [*edges, *_midnights(member, start, end)])
    for lo, hi in itertools.pairwise(points):
        seconds[_category_at(member, lo, working, night)] += int((hi - lo).total_seconds())
    return seconds


def _midnights(member: Member, start: datetime, end: datetime) -> list[datetime]:
    """The member-local midnights after ``start`` up to ``end``."""
    result: list[datetime] = []
    day = local_date(start, member.timezone)
    while (midnight := local_midnight_utc(day + timedelta(days=1), member.timezone)) < end:
        result.append(midnight)
        day += timedelta(days=1)
    return result


def _category_at(
    member: Member, instant: datetime, working: Sequence[Interval], night: Sequence[Interval]
) -> Category:
    day = local_date(instant, member.timezone)
    if is_holiday(member, day):
        return Category.HOLIDAY
    if day.weekday() in _WEEKEND_DAYS:
        return Category.WEEKEND
    if _inside(night, instant):
        return Category.NIGHT
    if not _inside(working, instant):
        return Category.OFF_HOURS
    return Category.WORKING


__all__ = ["CATEGORIES", "Category", "categorise"]
