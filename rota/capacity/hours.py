"""Weekly hours: what a group of members must hold in a 7-day block against what they can.

The 7-day blocks are those of ``limits.max_hours_per_week`` (from the horizon start, a shift
across two blocks counted in each by its minutes there). For a *pool* of members, the whole
team or one region, the shifts only the pool may hold (every member who may hold them is in
it) need ``len(roles)`` holders for all their minutes, and each member of the pool can give at
most:

* ``max_hours_per_week``, and
* the most minutes of those shifts they could work in the block under the block-length and
  rest-gap rules alone (:func:`~rota.capacity.blocks.most_minutes`). It keeps every rota's
  work (a rota's shifts of the pool, cut to the block, keep both rules), so it never counts
  too little; it leaves out ``after_night`` and ``after_weekend``, so it may count too much.

Demand above that supply proves that no rota exists (``cannot-fit``); supply above demand by
less than the largest member's part is ``tight``: one member away for the week breaks it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from rota.capacity.blocks import most_minutes, weekend_joins
from rota.capacity.counting import Counting
from rota.capacity.findings import Finding, Level, Where, hours, names, plural
from rota.localtime import local_date
from rota.solver.constraints import MINUTES_PER_WEEK


@dataclass(frozen=True, slots=True)
class WeekCount:
    """One pool's count in one 7-day block, in minutes."""

    week: int
    demand: int
    supply: int
    parts: dict[int, int]  # member -> the most they can give
    rest_binds: bool  # some member can give less than their shifts' minutes or the cap

    @property
    def slack(self) -> int:
        return self.supply - self.demand


def region_joins(c: Counting, region: int) -> frozenset[int]:
    """:func:`~rota.capacity.blocks.weekend_joins` for the region's members (one zone, so
    the same for each)."""
    i = c.regions[region].members[0]
    return weekend_joins(c.team.config.weekends.split, c.timeline.facts[i])


def week_of(c: Counting, week: int) -> date:
    """The first team-zone date of 7-day block ``week``."""
    return local_date(c.grid.start, c.team.zone) + timedelta(days=7 * week)


def pool_weeks(c: Counting, pool: frozenset[int], only: bool) -> list[WeekCount]:
    """Each week's demand and supply for ``pool``: its own shifts when ``only`` (those nobody
    outside it may hold), else every shift."""
    cfg = c.team.config
    gap = round(cfg.rest.min_hours * 60)
    block = cfg.max_block_hours()
    cap = None if block is None else round(block * 60)
    limit = cfg.limits.max_hours_per_week
    week_cap = None if limit is None else round(limit * 60)
    roles = len(c.roles)
    by_week: dict[int, list[int]] = defaultdict(list)
    for k, slot in enumerate(c.slots):
        if only and not (c.able[k] and c.able[k] <= pool):
            continue
        week = slot.start // MINUTES_PER_WEEK
        while week * MINUTES_PER_WEEK < slot.end:
            by_week[week].append(k)
            week += 1
    joins = {r: region_joins(c, r) for r in {c.region_of[i] for i in pool}}
    cache: dict[tuple[int, tuple[int, ...], int], int] = {}
    result = []
    for week, ks in sorted(by_week.items()):
        lo, hi = week * MINUTES_PER_WEEK, (week + 1) * MINUTES_PER_WEEK
        inside = {k: min(hi, c.slots[k].end) - max(lo, c.slots[k].start) for k in ks}
        demand = roles * sum(inside.values())
        parts: dict[int, int] = {}
        rest_binds = False
        for i in sorted(pool):
            workable = tuple(k for k in ks if i in c.able[k])
            if not workable:
                continue
            region = c.region_of[i]
            key = (week, workable, region)
            if key not in cache:
                cache[key] = most_minutes(
                    c.slots, workable, lo, hi, gap=gap, cap=cap, joins=joins[region]
                )
            most = cache[key]
            plain = sum(inside[k] for k in workable)
            if week_cap is not None:
                plain = min(plain, week_cap)
            rest_binds = rest_binds or most < plain
            parts[i] = most if week_cap is None else min(most, week_cap)
        result.append(WeekCount(week, demand, sum(parts.values()), parts, rest_binds))
    return result


def _limits_text(c: Counting, count: WeekCount) -> str:
    cfg = c.team.config
    said = []
    if cfg.limits.max_hours_per_week is not None:
        said.append(f"limits.max_hours_per_week {cfg.limits.max_hours_per_week:g}")
    if count.rest_binds:
        block = cfg.max_block_hours()
        said.append(
            f"rest.min_hours {cfg.rest.min_hours:g} and "
            + (f"rest.max_block_hours {block:g}" if block is not None else "one shift per block")
        )
    return " and ".join(said) if said else "their shifts"


def hours_findings(c: Counting) -> list[Finding]:
    """Per pool (each region on its own shifts, then the whole team): the week with the least
    slack, ``cannot-fit`` or ``tight``; and what each region must hold (``info``)."""
    everyone = frozenset(range(len(c.timeline.members)))
    pools: list[tuple[str, frozenset[int], bool]] = []
    if len(c.regions) > 1:
        pools += [(r.name, frozenset(r.members), True) for r in c.regions]
    pools.append(("the team", everyone, False))
    found: list[Finding] = []
    for label, pool, only in pools:
        weeks = pool_weeks(c, pool, only)
        if not weeks:
            continue
        worst = min(weeks, key=lambda w: (w.slack, w.week))
        largest = max(worst.parts.values(), default=0)
        short = [w for w in weeks if w.slack < 0]
        level = Level.CANNOT_FIT if short else Level.TIGHT if worst.slack < largest else None
        members = tuple(c.ids(pool))
        what = "the shifts only they may hold" if only else "every shift"
        first = week_of(c, worst.week)
        where = Where(
            zones=c.zones_of(pool), members=members, first=first, last=first + timedelta(days=6)
        )
        parts = ", ".join(f"{c.member_id(i)} {hours(m)}" for i, m in worst.parts.items())
        if level is not None:
            people = f"{label} ({names(list(members))})" if only else label
            verb = "need" if only else "needs"
            message = (
                f"{people}: in the week from {first.isoformat()} {what} {verb} "
                f"{hours(worst.demand)} of on-call ({len(c.roles)} roles); under "
                f"{_limits_text(c, worst)} they can give at most {hours(worst.supply)}"
                f" ({parts})"
            )
            if short:
                message += (
                    f"; {plural(len(short), 'week')} of the horizon fall short."
                    if len(short) > 1
                    else "."
                )
            else:
                message += f": if one of them is away that week, {what} cannot be covered."
            found.append(Finding("weekly-hours", level, message, where))
        if only:
            busiest = max(weeks, key=lambda w: (w.demand, -w.week))
            fte = {i: c.timeline.members[i].fte for i in pool}
            total = sum(fte.values())
            shares = ", ".join(
                f"{c.member_id(i)} {hours(busiest.demand * fte[i] / total)}" for i in sorted(pool)
            )
            found.append(
                Finding(
                    "weekly-hours",
                    Level.INFO,
                    f"{label} ({names(list(members))}): {what} need up to "
                    f"{hours(busiest.demand)} of on-call a week (week from "
                    f"{week_of(c, busiest.week).isoformat()}); split by fte that is {shares}.",
                    Where(zones=c.zones_of(pool), members=members),
                )
            )
    return found
