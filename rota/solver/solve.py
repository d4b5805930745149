"""Run CP-SAT on a team's grid and map the answer back to a :class:`~rota.model.Schedule`.

:func:`solve` is a short sequence of steps sharing the time limit (``docs/solver.md`` says
why each exists; every threshold and share is a field of
:class:`~rota.solver.strategy.Strategy`):

1. the first valid rota (:mod:`rota.solver.first_rota`), from the hard rules alone (every
   penalty variable of the objective already exists, so it is a *complete* hint for what
   follows);
2. the proven floors of off-hours and night hours (:mod:`rota.solver.floors`);
3. a better start on large models of teams that kinds group
   (:meth:`~rota.solver.strategy.Strategy.grouped`): the member plan's rota
   (:mod:`rota.solver.member_plan`), or on very large ones the kinds split
   (:mod:`rota.solver.split`); very large models of other teams, or when the split fails,
   start from rolling windows (:mod:`rota.solver.windows`); each start is fixed into the
   whole model, which checks every rule (:mod:`rota.solver.starts`); after rolling windows
   ``fair`` is lowered span by span of two windows first (:mod:`rota.solver.spans`) and
   repaired by its members where the spans stall above its floor, then ``humane`` is
   lowered by groups of members (:mod:`rota.solver.repair`); where ``fair`` is still above
   its floor, the stages are searched together;
4. the lexicographic stages (:func:`~rota.solver.stages.search_stages`), one at a time or,
   on large models, as one weighted sum unless ``fair`` settles alone first; each stops at
   a proven optimum, at its floor from the relaxation over kinds (:mod:`rota.solver.bounds`)
   or when its share of the time is up, and is then locked;
5. load moved off part-timers who carry more off-hours or night hours than the most-loaded
   full-timer of their group (:mod:`rota.solver.part_timers`), every stage held.

A re-solve (``baseline``, :mod:`rota.solver.stability`) fixes the holders of every shift
before the freeze, leaves overriding members busy, hints the feasibility phase with the
published holders and adds the number of changed assignments to the ``fair`` stage.

Each improving solution is reported through ``options.on_progress``. The result's objective and
bound are the sums over the stages (weighted minutes); its gap is the largest stage gap; it is
``optimal`` when every stage was proven optimal.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from ortools.sat.python import cp_model

from rota.errors import InfeasibleRotaError, RotaNotFoundInTime
from rota.model import Grid, OffHoursPolicy, Schedule
from rota.solver.bounds import Floors
from rota.solver.constraints import build_model
from rota.solver.explain import explain_infeasible, precheck
from rota.solver.first_rota import first_rota, planned_first_rota
from rota.solver.floors import Unavoidable
from rota.solver.floors import unavoidable as proven_floors
from rota.solver.model import RotaModel
from rota.solver.objective import (
    Objective,
    Stage,
    build_objective,
    prepare,
)
from rota.solver.part_timers import unload_part_timers
from rota.solver.plan import member_kinds
from rota.solver.repair import lower_in_members, repair_in_members
from rota.solver.search import (
    DEFAULT_OPTIONS,
    Reporter,
    SolveOptions,
)
from rota.solver.spans import settle_in_spans
from rota.solver.stability import (
    Baseline,
    add_change_count,
    apply_freeze,
    changed_assignments,
    diagnose_freeze,
    plan_freeze,
    stable_feasibility,
)
from rota.solver.stages import search_stages
from rota.solver.starts import PartsRun, Start, member_planned, no_worse, start_in_parts
from rota.solver.strategy import Route, Strategy
from rota.solver.windows import (
    add_weekend_pace,
    paced_weekends,
    plan_windows,
)
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
    """Rolling windows the fair start was solved in (1: the whole horizon at once). Fewer than
    planned when a window found no rota: the weeks after the last one solved were then filled
    in on the whole horizon."""
    unavoidable: Unavoidable | None = None
    """Proven floors of the off-hours and night hours of every valid rota
    (:mod:`rota.solver.floors`); None for a rolling window."""


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
    started = time.monotonic()
    strategy = options.strategy
    if baseline is not None:  # its model leaves out assignments the pre-check counts on
        precheck(team, grid, history)
    freeze = plan_freeze(team, grid, baseline) if baseline is not None else None

    def model() -> RotaModel:
        if freeze is None:
            return build_model(team, grid, history, lookback=lookback)
        return build_model(team, grid, history, skip=freeze.skip, outside=dict(freeze.outside))

    m = model()
    if baseline is None:
        # A timeline of the grid alone (no history counted) gives the very variables the
        # pre-check counts on, so they are built once (100 members x 26 weeks: 3 s saved).
        precheck(team, grid, history, m if m.timeline.first_grid == 0 else None)
    if m.broken:
        explain_infeasible(team, grid, history, time_limit_s=options.time_limit_s)

    def remaining() -> float:
        return options.time_limit_s - (time.monotonic() - started)

    paced = None  # each member's least and most weekends (a window's pace)
    if weekend_pace is not None:
        weeks = (grid.end - grid.start) / timedelta(days=7)
        paced = paced_weekends(m, weekend_pace, weeks)

    windows = (
        plan_windows(team, grid, len(m.x), strategy)
        if baseline is None and lookback is None
        else []
    )

    def setup(m: RotaModel) -> tuple[cp_model.CpModel, Objective]:
        """The hard rules alone (the feasibility phase is fastest without helpers), and the
        objective added to ``m``."""
        if freeze is not None:
            apply_freeze(m, freeze)
        prepare(m)
        if paced is not None:
            add_weekend_pace(m, paced)
        hard = m.cp.clone()
        if freeze is not None:
            stable_feasibility(m, freeze, hard)
        changes = add_change_count(m, freeze) if freeze is not None else None
        # The hours range where the bands may not all hold (see build_objective)
        even_hours = len(m.x) <= strategy.lp_proof_max_assignments or len(windows) > 1
        return hard, build_objective(m, changes, even_hours=even_hours)

    feasibility_s = options.time_limit_s * options.strategy.feasibility_share
    planned = None
    avoid = team.config.rotation.off_hours is OffHoursPolicy.AVOID
    if lookback is not None and freeze is None and avoid:  # a rolling window
        planned = planned_first_rota(m, paced, setup, options, min(feasibility_s / 2, remaining()))
        if planned is None and m.withheld:
            m = model()  # the plan's rota failed: everyone again, on a clean model
    if planned is not None:
        hard, objective, solver, status = planned
    else:
        hard, objective = setup(m)
        solver, status = first_rota(
            hard, options, max(0.1, min(feasibility_s, remaining())), unpresolved=len(windows) > 1
        )
    first_solution_s = time.monotonic() - started
    if weekend_pace is not None and status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InfeasibleRotaError(f"no rota of this window keeps the weekend pace {weekend_pace}")
    if status == cp_model.INFEASIBLE:
        if freeze is not None and freeze.fixed:
            diagnose_freeze(model(), freeze, time_limit_s=max(1.0, remaining()))
        explain_infeasible(team, grid, history, time_limit_s=options.time_limit_s)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RotaNotFoundInTime(
            f"no valid rota for team {team.id} found within the time limit of "
            f"{options.time_limit_s:g} s (not proven impossible; allow more time)",
        )
    solution = objective.complete(list(solver.response_proto.solution))
    reporter = Reporter(options.on_progress, started)
    unavoidable = None  # the whole horizon's floors (a rolling window needs none)
    if lookback is None:
        reporter.phase("floors")
        floor_s = strategy.floor_s(options.time_limit_s, remaining())
        unavoidable = proven_floors(
            hard, m, time_limit_s=floor_s, workers=options.workers, seed=options.seed
        )
    # Only the kinds split and the member plan read it: a fresh solve of the whole horizon
    # that is windowed or large (not each rolling window, nor a small model)
    grouped = (
        lookback is None
        and (len(windows) > 1 or len(m.x) > strategy.lp_proof_max_assignments)
        and _kinds_group(m, strategy)
    )
    # Hours weighed, then off-hours avoided: what the member plan and the kinds split plan for
    fair_and_humane = objective.hours_weight > 0 and [s.name for s in objective.stages] == [
        "fair",
        "humane",
    ]
    start = Start(solution)
    if len(windows) > 1:
        run = PartsRun(team, grid, history, options, reporter, remaining, _solve_window)
        start = start_in_parts(
            run, hard, m, objective, solution, windows, split=fair_and_humane and grouped
        )
    solution, used_windows = start.solution, start.windows

    def route_of(stalled: bool) -> Route:
        """The model solved's, after the kinds split (which leaves the stages the whole
        model)."""
        return strategy.route(
            len(m.x) - m.withheld,
            windowed=len(windows) > 1 and not start.split,
            whole=lookback is None,
            grouped=grouped,
            stalled=stalled,
        )

    route = route_of(stalled=False)
    stages = objective.stages
    if not stages:
        reporter.report(0.0, 0.0)
    floors = Floors(
        m,
        objective.hours_weight,
        (objective.off_hours_weight, objective.night_weight),
        peaks=objective.peaks,
        workers=options.workers,
        seed=options.seed,
    )
    # A rolling window's gap is never reported and CP-SAT's own bound still ends its stages,
    # so its time goes to the search rather than to floors of the kinds' relaxation
    floor_of = _stage_floors(
        floors if lookback is None else None, strategy, options.time_limit_s, remaining
    )

    named = {stage.name: stage for stage in stages}
    if route.member_plan and freeze is None and fair_and_humane and not start.split:
        better = member_planned(m, objective, floors, options, remaining(), reporter)
        if better is not None and no_worse(stages, better, solution):
            solution = better
    if "fair" in named and "humane" in named:  # in case ``fair`` reaches its floor
        floor_of(named["humane"], floor_of(named["fair"], None))
    # After rolling windows ``fair`` is searched alone, and it may not raise ``humane`` above
    # what the windows reached (see the module docstring)
    capped = named.get("humane") if used_windows and "fair" in named else None
    fair_share = strategy.fair_share_after_windows if used_windows else strategy.fair_share
    # Kept for after the stages: ``humane``'s floor when stages searched together lock
    # ``fair`` above its own, and the part-timers' step (whole horizons only)
    part_timers = lookback is None and any(
        peak.excess or peak.part_time for peak in objective.peaks
    )
    spans = bool(used_windows) and bool(stages)
    after_s = 0.0
    if lookback is None and (route.together or part_timers or spans):
        after_s = options.time_limit_s * strategy.after_share
    if spans:
        reporter.phase("spans")
        for stage in stages:  # ``fair``, then ``humane`` at the ``fair`` value reached
            fair_value = named["fair"].value(solution) if "fair" in named else None
            share = fair_share if stage.name == "fair" else strategy.humane_groups_share
            ends = time.monotonic() + (remaining() - after_s) * share
            floor = floor_of(stage, fair_value, compute=False)
            if stage.name == "humane":
                solution = lower_in_members(
                    m,
                    objective,
                    solution,
                    options,
                    ends - time.monotonic(),
                    stage=stage,
                    floor=floor,
                )
                continue
            solution = settle_in_spans(
                m,
                objective,
                solution,
                windows,
                options,
                ends - time.monotonic(),
                stage=stage,
                floor=floor,
            )
            if stage.name == "fair" and stage.value(solution) > floor:
                reporter.phase("repair")
                left = ends - time.monotonic()
                solution = repair_in_members(m, objective, solution, options, left, floor=floor)
        if "fair" in named:
            route = route_of(stalled=named["fair"].value(solution) > floor_of(named["fair"], None))
    searched = search_stages(
        m,
        objective,
        stages,
        solution,
        floor_of,
        capped,
        fair_share,
        route,
        options,
        lambda: remaining() - after_s,
        reporter,
    )
    if part_timers:
        reporter.phase("part-timers")
        humane = named["humane"]
        unloaded = unload_part_timers(
            m,
            objective,
            searched.solution,
            options,
            remaining(),
            released=searched.locks[humane.name],
            lns_only=route.large,
        )
        searched.rescore(humane, unloaded)
    solution = searched.solution
    m.cp.clear_hints()  # type: ignore[no-untyped-call]
    schedule = m.schedule(grid, lambda var: solution[var.index])
    changed = None
    if baseline is not None:
        changed = changed_assignments(baseline.previous, schedule, after=baseline.frozen_until)
    optimal = searched.all_optimal
    return SolveResult(
        schedule=schedule,
        status="optimal" if optimal else "feasible",
        objective=searched.done,
        bound=searched.done if optimal else min(searched.bound_done, searched.done),
        gap=0.0 if optimal else searched.worst_gap,
        wall_s=time.monotonic() - started,
        first_solution_s=first_solution_s,
        num_variables=len(m.cp.proto.variables),
        num_constraints=len(m.cp.proto.constraints),
        changed=changed,
        frozen_shifts=freeze.frozen_shifts if freeze is not None else 0,
        warnings=freeze.warnings if freeze is not None else (),
        windows=max(1, used_windows),
        unavoidable=unavoidable,
    )


def _stage_floors(
    floors: Floors | None,
    strategy: Strategy,
    limit_s: float,
    remaining: Callable[[], float],
) -> Callable[..., int]:
    """``floor_of(stage, fair_value, *, compute=True)`` for the stage search: the stage's
    proven floor; ``humane``'s once the ``fair`` value is locked (computed only if
    ``compute``, else from floors already known). 0 for every stage without ``floors``."""

    def floor_of(stage: Stage, fair_value: int | None, *, compute: bool = True) -> int:
        if floors is None:
            return 0
        budget = strategy.stage_floor_s(limit_s, remaining())
        if stage.name == "fair":
            return floors.fair(budget)
        if stage.name == "humane" and fair_value is not None:
            return floors.humane(fair_value, budget if compute else None)
        return 0

    return floor_of


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
