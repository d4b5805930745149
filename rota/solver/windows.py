"""Rolling windows: a fair start for teams too large to balance in one model.

On 100 members x 26 weeks (about 140k assignment variables) CP-SAT finds a valid rota in
seconds, but its large-neighbourhood search then needs minutes to move that rota's hours
within a shift of everyone's fair share (measured: band excess still 40 % of its start after
100 s). The same search on a few weeks at a time is fast, and fairness composes across weeks
when each window counts the earlier windows as history: their hours, weekends and holiday hours
join the loads and the targets, so window *j* corrects what windows *1..j-1* left uneven, and
rules 5 and 6 (weekend limits, rest, after-night, after-weekend) look back into them exactly as
they look back into a published schedule (SPEC §3), so the windows join without a broken rule.

:func:`plan_windows` cuts the grid into consecutive sub-grids of whole weeks; the solver
(:func:`rota.solver.solve.solve`) solves them in order, then fixes the whole-horizon model to
their union, which checks every rule once more on the full horizon and gives the final stages
a complete, already fair hint. A window that fails (no rota within its time) makes the solver
fall back to its single-model search.

Cuts are shift starts exactly at ``grid.start + 7 * k`` days when ``limits.max_hours_per_week``
is set, because rule 7 counts 7-day blocks from the horizon start and a window counts them
from its own start; without that limit any shift start nearest to the week mark will do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import pairwise

from rota.model import Grid, Schedule, ScheduledShift, Shift
from rota.team import Team

WINDOW_MIN_ASSIGNMENTS = 60_000
"""Assignment variables above which a fresh solve starts from rolling windows."""

WINDOW_ASSIGNMENTS = 12_000
"""About this many assignment variables per window (2 weeks of the 100-member benchmark team)."""


@dataclass(frozen=True, slots=True)
class Window:
    """One sub-grid and how many days of the horizon lie before it."""

    grid: Grid
    days_before: int


def plan_windows(team: Team, grid: Grid, assignments: int) -> list[Window]:
    """Consecutive windows of whole weeks covering ``grid`` (one window: no split needed).

    ``assignments`` is the number of assignment variables of the whole-horizon model.
    """
    weeks = max(1, round((grid.end - grid.start) / timedelta(days=7)))
    count = min(weeks, math.ceil(assignments / WINDOW_ASSIGNMENTS))
    if assignments < WINDOW_MIN_ASSIGNMENTS or count < 2:
        return [Window(grid, 0)]
    aligned = team.config.limits.max_hours_per_week is not None
    starts = [shift.start for shift in grid.shifts]
    cuts: list[int] = []
    for number in range(1, count):
        mark = grid.start + timedelta(days=7 * round(number * weeks / count))
        index = _nearest(starts, mark)
        if aligned and starts[index] != mark:
            continue
        if index > (cuts[-1] if cuts else 0):
            cuts.append(index)
    if not cuts:
        return [Window(grid, 0)]
    bounds = [0, *cuts, len(grid.shifts)]
    windows = []
    for a, b in pairwise(bounds):
        shifts = tuple(
            Shift(index=n, start=s.start, end=s.end) for n, s in enumerate(grid.shifts[a:b])
        )
        sub = Grid(
            team_id=grid.team_id,
            start=shifts[0].start,
            end=shifts[-1].end,
            shifts=shifts,
            roles=grid.roles,
        )
        days_before = math.ceil((shifts[0].start - grid.start) / timedelta(days=1))
        windows.append(Window(sub, days_before))
    return windows


def _nearest(starts: Sequence[datetime], mark: datetime) -> int:
    return min(range(len(starts)), key=lambda k: abs(starts[k] - mark))


def with_history(team: Team) -> Team:
    """``team`` with ``fairness.history`` on: windows must see the earlier windows."""
    if team.config.fairness.history:
        return team
    fairness = team.config.fairness.model_copy(update={"history": True})
    return replace(team, config=team.config.model_copy(update={"fairness": fairness}))


def joined(grid: Grid, history: Schedule | None, parts: list[Schedule]) -> Schedule:
    """``history``'s shifts before the horizon followed by the windows solved so far."""
    shifts: list[ScheduledShift] = []
    if history is not None:
        shifts.extend(s for s in history.shifts if s.end <= grid.start)
    for part in parts:
        shifts.extend(part.shifts)
    return Schedule(
        team_id=grid.team_id,
        horizon_start=shifts[0].start if shifts else grid.start,
        horizon_end=shifts[-1].end if shifts else grid.start,
        shifts=tuple(shifts),
    )
