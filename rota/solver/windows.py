"""Rolling windows: a fair start for teams too large to balance in one model.

On a large team CP-SAT's neighbourhood search is slow to bring everyone's hours within a shift
of their fair share; on a few weeks at a time it is fast. Each window counts the earlier ones
as history: their hours, weekends and holiday hours join the loads and targets, so window *j*
corrects what windows *1..j-1* left uneven, and rules 5 and 6 look back into them as into a
published schedule (``docs/rules.md``), so the windows join without a broken rule. The solver
fixes their union into the whole-horizon model, which checks every rule once more and gives
the stages a complete, already fair hint. Weekends are held to a pace
(:func:`add_weekend_pace`). Why: ``docs/solver.md``, "How the search works", step 3.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import pairwise

from rota.errors import InfeasibleRotaError
from rota.metrics import member_loads
from rota.model import Grid, Schedule, ScheduledShift, Shift
from rota.solver.constraints import lookback_days
from rota.solver.loads import shares, weekend_load
from rota.solver.model import RotaModel
from rota.solver.search import Reporter, SolveOptions
from rota.solver.strategy import DEFAULT, Strategy
from rota.team import Team

SolveWindow = Callable[[Team, Grid, Schedule | None, SolveOptions, int, float | None], Schedule]
"""Solves one window: its team, grid, history (the horizon before it), options, lookback in
days and weekend pace (:func:`rota.solver.solve.solve`); raises
:class:`~rota.errors.InfeasibleRotaError` when it finds no rota."""


@dataclass(frozen=True, slots=True)
class Window:
    """One sub-grid and how many days of the horizon lie before it."""

    grid: Grid
    days_before: int


def plan_windows(
    team: Team, grid: Grid, assignments: int, strategy: Strategy = DEFAULT
) -> list[Window]:
    """Consecutive windows of whole weeks covering ``grid`` (one window: no split needed).

    ``assignments`` is the number of assignment variables of the whole-horizon model. With
    ``limits.max_hours_per_week`` set, cuts are shift starts exactly at ``grid.start + 7 * k``
    days, because rule 7 counts 7-day blocks from the horizon start and a window counts them
    from its own start; without it, the shift start nearest to the week mark.
    """
    weeks = max(1, round((grid.end - grid.start) / timedelta(days=7)))
    count = min(weeks, math.ceil(assignments / strategy.window_assignments))
    if assignments < strategy.window_min_assignments or count < 2:
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


def solve_windows(
    team: Team,
    grid: Grid,
    history: Schedule | None,
    windows: Sequence[Window],
    options: SolveOptions,
    budget_s: float,
    reporter: Reporter,
    solve_window: SolveWindow,
) -> tuple[Schedule, int]:
    """The horizon solved window by window, and how many windows that took.

    Each window gets an equal part of ``budget_s`` at most: time a window leaves unused goes
    to the whole horizon after the windows (:mod:`rota.solver.spans`), not to the last window.
    The first window's weekends per week (:func:`weekend_rate`) set the later windows' pace;
    a window that finds no rota at that pace is solved again without it.

    When a window finds no rota (within its time, with the weekend pace or without), the
    windows before it are kept and the rest of the horizon is left open (the schedule holds
    their shifts only; 0 windows: none at all). The caller completes it on the whole horizon,
    so one slow window does not throw away the weeks already solved.
    """
    counted = history if team.config.fairness.history else None
    window_team = with_history(team)
    base = lookback_days(team, grid)
    parts: list[Schedule] = []
    pace: float | None = None  # weekends per week, set by the first window
    deadline = time.monotonic() + budget_s
    for number, window in enumerate(windows, start=1):
        reporter.phase(f"window {number}/{len(windows)}")
        solved = None
        for window_pace in (pace, None) if pace is not None else (None,):
            left = deadline - time.monotonic()
            per_window = min(budget_s / len(windows), left / (len(windows) - number + 1))
            window_options = SolveOptions(
                time_limit_s=max(1.0, per_window),
                workers=options.workers,
                seed=options.seed,
                strategy=options.strategy,
            )
            try:
                solved = solve_window(
                    window_team,
                    window.grid,
                    joined(grid, counted, parts),
                    window_options,
                    base + window.days_before,
                    window_pace,
                )
                break
            except InfeasibleRotaError:
                continue
        if solved is None:
            break
        if pace is None:
            pace = weekend_rate(team, solved)
        parts.append(solved)
    shifts = tuple(s for part in parts for s in part.shifts)
    return Schedule(grid.team_id, grid.start, grid.end, shifts), len(parts)


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


def weekend_rate(team: Team, part: Schedule) -> float:
    """Weekends worked per week of ``part``, all members together (a window's natural pace)."""
    weeks = (part.horizon_end - part.horizon_start) / timedelta(days=7)
    worked = sum(load.weekends_worked for load in member_loads(team, part).values())
    return worked / weeks if weeks > 0 else 0.0


def add_weekend_pace(m: RotaModel, paced: Mapping[int, tuple[int, int]]) -> None:
    """Keep every member's weekends, history included, within their ``paced`` least and most
    (:func:`paced_weekends`).

    The weekend range of the ``fair`` stage asks the same, but a range moves only when its
    extreme members do, and a window's short search often does not get there. Hard bounds, not
    penalties, so the search never trades them away; a window they make infeasible is solved
    again without them (:func:`solve_windows`).
    """
    for i, (least, most) in paced.items():
        load = weekend_load(m, i)
        m.cp.add(load.expr() <= most)
        m.cp.add(load.expr() >= least)


def paced_weekends(m: RotaModel, rate: float, weeks: float) -> dict[int, tuple[int, int]]:
    """Each member's least and most weekends, history included, at their share of a paced
    total (members with nothing to decide are left out).

    The total is what the earlier windows and history hold plus ``rate`` weekends per week of
    this window (``weeks``); member ``i`` then works ``ceil(e) - 1`` or ``ceil(e)`` weekends,
    ``e`` their share of it, so members of one share end at most one weekend apart.
    """
    share = shares(m)
    loads = {i: weekend_load(m, i) for i in m.members if share[i] > 0}
    members = [i for i, load in loads.items() if load.upper > 0]
    denominator = sum(share[i] for i in members)
    if len(members) < 2 or denominator == 0:
        return {}
    total = sum(loads[i].lower for i in members) + rate * weeks
    paced = {}
    for i in members:
        load = loads[i]
        if load.lower == load.upper:  # nothing to decide here (away on every weekend)
            continue
        most = math.ceil(total * share[i] / denominator)
        # Never below what history already holds nor above what the window can still give.
        paced[i] = (min(most - 1, load.upper), max(most, load.lower))
    return paced
