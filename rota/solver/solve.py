"""Run CP-SAT on a team's grid and map the answer back to a :class:`~rota.model.Schedule`.

:func:`solve` runs the steps of ``docs/solver.md``, "How the search works", sharing the time
limit (every threshold and share is a field of :class:`~rota.solver.strategy.Strategy`): the
first valid rota (:func:`~rota.solver.run.first_valid`), the proven floors
(:mod:`rota.solver.floors`), a better start on large models (:mod:`rota.solver.starts`; after
rolling windows :mod:`rota.solver.spans` and :mod:`rota.solver.repair`), the lexicographic
stages (:func:`~rota.solver.stages.search_stages`) and the part-timers' step
(:mod:`rota.solver.part_timers`). A re-solve (``baseline``) is :mod:`rota.solver.stability`'s.

Each improving solution is reported through ``options.on_progress``. The result's objective and
bound are the sums over the stages (weighted minutes); its gap is the largest stage gap; it is
``optimal`` when every stage was proven optimal.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from rota.model import Grid, Schedule
from rota.solver.bounds import Floors
from rota.solver.floors import Unavoidable
from rota.solver.model import RotaModel
from rota.solver.objective import Objective, Stage
from rota.solver.part_timers import unload_part_timers
from rota.solver.plan import member_kinds
from rota.solver.repair import lower_in_members, repair_in_members
from rota.solver.run import First, Run, first_valid, proven_floors
from rota.solver.search import DEFAULT_OPTIONS, SolveOptions
from rota.solver.spans import settle_in_spans
from rota.solver.stability import Baseline, changed_assignments
from rota.solver.stages import Searched, search_stages
from rota.solver.starts import PartsRun, Start, member_planned, no_worse, start_in_parts
from rota.solver.strategy import Strategy
from rota.team import Team


@dataclass(frozen=True, slots=True)
class SolveResult:
    """A valid rota and how good it is known to be (objective in weighted minutes)."""

    schedule: Schedule
    status: Literal["optimal", "feasible"]
    objective: float
    bound: float
    gap: float
    wall_s: float
    first_solution_s: float | None
    num_variables: int
    num_constraints: int
    changed: int | None = None
    """Re-solve: published assignments after the freeze that changed holder (else None)."""
    frozen_shifts: int = 0
    """Re-solve: grid shifts kept exactly as published (they start before the freeze)."""
    warnings: tuple[str, ...] = ()
    windows: int = 1
    """Rolling windows the fair start was solved in (1: the whole horizon at once); fewer than
    planned when a window found no rota (the whole horizon then filled in the weeks after)."""
    unavoidable: Unavoidable | None = None
    """Proven floors of the off-hours and night hours of every valid rota
    (:mod:`rota.solver.floors`); None for a rolling window."""
    stage_gaps: Mapping[str, float] = field(default_factory=dict)
    """Each stage's gap by name, in order (0 where proven optimal; a later stage's bound
    holds at the earlier ones' values): says which stage a ``gap`` of 100 % comes from."""


def solve(
    team: Team,
    grid: Grid,
    history: Schedule | None = None,
    options: SolveOptions = DEFAULT_OPTIONS,
    baseline: Baseline | None = None,
    *,
    lookback: int | None = None,
    weekend_pace: float | None = None,
) -> SolveResult:
    """A valid, fair rota for ``grid``; with ``baseline``, as close to it as fairness allows.

    ``lookback`` (days of history counted, default
    :func:`~rota.solver.constraints.lookback_days`) is set by rolling windows, which count the
    whole horizon before them; a solve with it set is itself a window and is not split again.
    ``weekend_pace`` (weekends per week, windows only) holds every member's weekends to their
    share of that pace (:func:`~rota.solver.windows.add_weekend_pace`); when no rota keeps it,
    the solve raises at once, without explaining.

    Raises:
        InfeasibleRotaError: no rota keeps every hard rule (the message says why, in the team's
            terms), a frozen assignment can no longer be kept, or none was found within the
            time limit.
    """
    run, m = Run.begin(team, grid, history, options, baseline, lookback, weekend_pace)
    first = first_valid(run, m)
    m, objective = first.m, first.objective
    unavoidable = proven_floors(run, first) if run.whole else None
    grouped = run.whole and run.large(m) and _kinds_group(m, run.strategy)
    start = _good_start(run, first, grouped)
    if not objective.stages:
        run.reporter.report(0.0, 0.0)
    floors, floor_of = _floors(run, first)
    solution = start.solution
    route = run.route(m, start, grouped, stalled=False)
    if route.member_plan and run.freeze is None and _fair_and_humane(objective) and not start.split:
        better = member_planned(m, objective, floors, options, run.remaining(), run.reporter)
        if better is not None and no_worse(objective.stages, better, solution):
            solution = better
    named = {stage.name: stage for stage in objective.stages}
    if "fair" in named and "humane" in named:  # in case ``fair`` reaches its floor
        floor_of(named["humane"], floor_of(named["fair"], None))
    part_timers = run.whole and any(peak.excess or peak.part_time for peak in objective.peaks)
    after_windows = bool(start.windows) and bool(objective.stages)
    after_s = 0.0  # kept for ``humane``'s floor at a locked ``fair`` and the part-timers
    if run.whole and (route.together or part_timers or after_windows):
        after_s = options.time_limit_s * run.strategy.after_share
    if after_windows:
        solution = _lower_after_windows(run, first, solution, floor_of, after_s)
        if "fair" in named:
            stalled = named["fair"].value(solution) > floor_of(named["fair"], None)
            route = run.route(m, start, grouped, stalled=stalled)
    searched = search_stages(
        m,
        objective,
        objective.stages,
        solution,
        floor_of,
        # After rolling windows ``fair`` searched alone may not raise ``humane`` above what
        # they reached
        named.get("humane") if start.windows and "fair" in named else None,
        run.strategy.fair_share_after_windows if start.windows else run.strategy.fair_share,
        route,
        options,
        lambda: run.remaining() - after_s,
        run.reporter,
    )
    if part_timers:
        _unload_part_timers(run, first, searched, lns_only=route.large)
    return _result(run, first, searched, start.windows, unavoidable)


def _parts(run: Run) -> PartsRun:
    """What a start in parts needs of the run."""
    return PartsRun(
        run.team,
        run.grid,
        run.history,
        run.options,
        run.reporter,
        run.remaining,
        _solve_window,
    )


def _floors(run: Run, first: First) -> tuple[Floors, Callable[..., int]]:
    """The kinds' relaxation of the stages (:mod:`rota.solver.bounds`) and, for the stage
    search, ``floor_of(stage, fair_value, *, compute=True)``: the stage's proven floor;
    ``humane``'s once the ``fair`` value is locked (computed only if ``compute``, else from
    floors already known). A rolling window's floors are 0: its gap is never reported and
    CP-SAT's own bound still ends its stages, so its time goes to the search."""
    objective = first.objective
    floors = Floors(
        first.m,
        objective.hours_weight,
        (objective.off_hours_weight, objective.night_weight),
        peaks=objective.peaks,
        workers=run.options.workers,
        seed=run.options.seed,
        flat_share=run.strategy.floor_flat_share,
    )

    def floor_of(stage: Stage, fair_value: int | None, *, compute: bool = True) -> int:
        if not run.whole:
            return 0
        budget = run.strategy.stage_floor_s(run.options.time_limit_s, run.remaining())
        if stage.name == "fair":
            return floors.fair(budget)
        if stage.name == "humane" and fair_value is not None:
            return floors.humane(fair_value, budget if compute else None)
        return 0

    return floors, floor_of


def _good_start(run: Run, first: First, grouped: bool) -> Start:
    """The rota the stages start from: the kinds split's or rolling windows' on a windowed
    horizon, else the first valid one."""
    if len(run.windows) <= 1:
        return Start(first.solution)
    return start_in_parts(
        _parts(run),
        first.hard,
        first.m,
        first.objective,
        first.solution,
        run.windows,
        split=grouped and _fair_and_humane(first.objective),
    )


def _lower_after_windows(
    run: Run,
    first: First,
    solution: list[int],
    floor_of: Callable[..., int],
    after_s: float,
) -> list[int]:
    """``solution`` (rolling windows' rota) with ``fair`` lowered span by span of
    :attr:`Strategy.span_windows` windows (:mod:`rota.solver.spans`) and repaired by its
    members where the spans stall above its floor, then each later stage lowered by groups
    of members (:mod:`rota.solver.repair`) at the ``fair`` value reached."""
    m, objective, reporter = first.m, first.objective, run.reporter
    stages = objective.stages
    fair = stages[0] if stages[0].name == "fair" else None
    for stage in stages:
        if stage is fair:
            reporter.phase("spans")
            share = run.strategy.fair_share_after_windows
            ends = time.monotonic() + (run.remaining() - after_s) * share
            floor = floor_of(fair, None, compute=False)
            solution = settle_in_spans(
                m,
                objective,
                solution,
                run.windows,
                run.options,
                ends - time.monotonic(),
                stage=fair,
                floor=floor,
            )
            if fair.value(solution) > floor:
                reporter.phase("repair")
                left = ends - time.monotonic()
                solution = repair_in_members(m, objective, solution, run.options, left, floor=floor)
            continue
        reporter.phase("groups")
        fair_value = fair.value(solution) if fair is not None else None
        solution = lower_in_members(
            m,
            objective,
            solution,
            run.options,
            (run.remaining() - after_s) * run.strategy.humane_groups_share,
            stage=stage,
            floor=floor_of(stage, fair_value, compute=False),
        )
    return solution


def _unload_part_timers(run: Run, first: First, searched: Searched, *, lns_only: bool) -> None:
    """Load moved off part-timers above the most-loaded full-timer of their group
    (:mod:`rota.solver.part_timers`), every stage held; ``searched`` takes the result."""
    run.reporter.phase("part-timers")
    humane = next(stage for stage in first.objective.stages if stage.name == "humane")
    unloaded = unload_part_timers(
        first.m,
        first.objective,
        searched.solution,
        run.options,
        run.remaining(),
        released=searched.locks[humane.name],
        lns_only=lns_only,
    )
    searched.rescore(humane, unloaded)


def _result(
    run: Run, first: First, searched: Searched, windows: int, unavoidable: Unavoidable | None
) -> SolveResult:
    """The rota of ``searched`` and how good it is known to be."""
    solution = searched.solution
    first.m.cp.clear_hints()  # type: ignore[no-untyped-call]
    schedule = first.m.schedule(run.grid, lambda var: solution[var.index])
    changed = None
    if run.baseline is not None:
        baseline = run.baseline
        changed = changed_assignments(baseline.previous, schedule, after=baseline.frozen_until)
    optimal = searched.all_optimal
    freeze = run.freeze
    stage_gaps = searched.gaps(first.objective.stages)
    return SolveResult(
        schedule=schedule,
        status="optimal" if optimal else "feasible",
        objective=searched.done,
        bound=searched.done if optimal else min(searched.bound_done, searched.done),
        gap=0.0 if optimal else max(stage_gaps.values(), default=0.0),
        wall_s=time.monotonic() - run.started,
        first_solution_s=first.found_s,
        num_variables=len(first.m.cp.proto.variables),
        num_constraints=len(first.m.cp.proto.constraints),
        changed=changed,
        frozen_shifts=freeze.frozen_shifts if freeze is not None else 0,
        warnings=freeze.warnings if freeze is not None else (),
        windows=max(1, windows),
        unavoidable=unavoidable,
        stage_gaps=stage_gaps,
    )


def _fair_and_humane(objective: Objective) -> bool:
    """Hours weighed, then off-hours avoided: what the member plan and the kinds split plan
    for."""
    return objective.hours_weight > 0 and [s.name for s in objective.stages] == [
        "fair",
        "humane",
    ]


def _solve_window(
    team: Team,
    grid: Grid,
    history: Schedule | None,
    options: SolveOptions,
    lookback: int,
    weekend_pace: float | None,
) -> Schedule:
    """One rolling window (:data:`~rota.solver.windows.SolveWindow`)."""
    solved = solve(team, grid, history, options, lookback=lookback, weekend_pace=weekend_pace)
    return solved.schedule


def _kinds_group(m: RotaModel, strategy: Strategy) -> bool:
    """Whether the kinds of ``m``'s members group them (:meth:`Strategy.grouped`)."""
    kinds = member_kinds(m)
    return strategy.grouped(sum(map(len, kinds)), len(kinds))
