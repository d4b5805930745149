"""Rotas to start the stages from, better than the first valid one: the member plan's
(:mod:`rota.solver.member_plan`), the kinds split's (:mod:`rota.solver.split`) and a
schedule solved elsewhere (rolling windows, :mod:`rota.solver.windows`), each fixed into the
whole model, which checks every rule; :func:`start_in_parts` chooses between the last two for a
horizon planned in windows. When each is used: ``docs/solver.md``, "How the search works".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rota.model import Grid, Schedule
from rota.solver.bounds import Floors
from rota.solver.member_plan import hold_counts, member_plan
from rota.solver.model import RotaModel
from rota.solver.objective import Objective, Stage, lexicographic_weights
from rota.solver.search import Reporter, SolveOptions, hint, new_solver, set_objective_floor
from rota.solver.split import split_plan, split_rota
from rota.solver.windows import SolveWindow, Window, solve_windows
from rota.team import Team


def member_planned(
    m: RotaModel,
    objective: Objective,
    floors: Floors,
    options: SolveOptions,
    time_limit_s: float,
    reporter: Reporter,
) -> list[int] | None:
    """A rota searched with each kind's counts held as the member plan has them
    (:mod:`rota.solver.member_plan`), completed; None when there is no plan or no such rota
    within its share of ``time_limit_s``. The plan's proven floors go to ``floors``.

    The search stops at the plan's floors, where the rota is proven optimal. Its stages are
    searched at once, weighted as the stages that follow search them.
    """
    begun = time.monotonic()
    strategy = options.strategy
    least_excess = floors.fair(strategy.stage_floor_s(options.time_limit_s, time_limit_s))
    least_excess //= objective.hours_weight
    plan_s = time_limit_s * strategy.member_plan_share - (time.monotonic() - begun)
    plan = member_plan(
        m,
        least_excess,
        max(0.1, plan_s),
        options.workers,
        options.seed,
        weights=(objective.hours_weight, objective.weekend_weight),
        humane=(objective.off_hours_weight, objective.night_weight),
        peaks=objective.peaks,
        excess_share=strategy.excess_share,
    )
    if plan is None:
        return None
    floors.add_plan(plan)
    stages = tuple(objective.stages)
    weights = lexicographic_weights([stage.upper() for stage in stages])
    held = m.cp.clone()
    hold_counts(held, m, plan)
    held.minimize(sum(w * stage.expr() for w, stage in zip(weights, stages, strict=True)))
    if plan.excess_proven:  # fair can be no lower, nor humane at that fair value
        fair_floor = objective.hours_weight * plan.excess
        set_objective_floor(held, weights[0] * fair_floor + weights[1] * plan.humane_bound)
    reporter.step(stages, weights, 0.0, 0.0)
    left = time_limit_s - (time.monotonic() - begun)
    solver = new_solver(options, max(0.1, left * strategy.member_search_share), lexicographic=True)
    status = solver.solve(held, reporter)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return objective.complete(list(solver.response_proto.solution))


def kinds_split(
    hard: cp_model.CpModel,
    m: RotaModel,
    objective: Objective,
    options: SolveOptions,
    time_limit_s: float,
    remaining: Callable[[], float],
) -> list[int] | None:
    """A rota solved one kind of member at a time (:mod:`rota.solver.split`), as a solution
    of ``hard``; None when there is no plan or a kind has no rota under it within
    ``time_limit_s``, or the whole model cannot give its shifts roles.

    Fixing the kinds' rotas into the whole model may use all the solve's time left
    (``remaining()``), not only ``time_limit_s``: the kinds may use nearly all of the split's
    time, and a fix cut short would throw a valid rota away."""
    begun = time.monotonic()
    strategy = options.strategy
    plan = split_plan(
        m,
        objective,
        time_limit_s * strategy.split_plan_share,
        options.workers,
        options.seed,
        strategy=strategy,
    )
    if plan is None:
        return None
    left = time_limit_s - (time.monotonic() - begun)
    works = split_rota(m, plan, objective, left, options.workers, options.seed, strategy=strategy)
    if works is None:
        return None
    variables = [(m.w[key].index, value) for key, value in works.items()]
    variables += [(m.w[key].index, 0) for key in m.w.keys() - works.keys()]
    return fix(hard, [v for v, _ in variables], [x for _, x in variables], options, remaining())


def fixed_schedule(
    hard: cp_model.CpModel,
    m: RotaModel,
    schedule: Schedule,
    options: SolveOptions,
    time_limit_s: float,
) -> list[int] | None:
    """``schedule`` as a complete solution of ``hard`` (None if it breaks a rule there).

    Every assignment variable of a shift the schedule holds is fixed to it; the solve derives
    the rest, finds holders for the shifts it leaves open, and checks every rule over the
    whole horizon, window joins included.
    """
    holder = {
        (shift.start, role): member
        for shift in schedule.shifts
        for role, member in shift.assignments.items()
    }
    slots = m.timeline.slots
    indices, values = [], []
    for (i, k, role), var in m.x.items():
        held = holder.get((slots[k].start_at, role))
        if held is None:  # a shift the schedule leaves open
            continue
        indices.append(var.index)
        values.append(int(held == m.member_id(i)))
    return fix(hard, indices, values, options, time_limit_s)


def fix(
    hard: cp_model.CpModel,
    indices: Sequence[int],
    values: Sequence[int],
    options: SolveOptions,
    time_limit_s: float,
) -> list[int] | None:
    """A solution of ``hard`` with the variables at ``indices`` fixed to ``values`` (None if
    there is none within ``time_limit_s``, at least a second)."""
    hint(hard, values, indices)
    solver = new_solver(options, max(1.0, time_limit_s))
    solver.parameters.fix_variables_to_their_hinted_value = True
    status = solver.solve(hard)
    hard.clear_hints()  # type: ignore[no-untyped-call]
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return list(solver.response_proto.solution)


@dataclass(frozen=True, slots=True)
class PartsRun:
    """What a start in parts needs of the solve: its inputs, the progress reporter, the clock
    and how to solve one rolling window."""

    team: Team
    grid: Grid
    history: Schedule | None
    options: SolveOptions
    reporter: Reporter
    remaining: Callable[[], float]
    solve_window: SolveWindow


@dataclass(frozen=True, slots=True)
class Start:
    """The rota the stages start from, and how it was found."""

    solution: list[int]
    windows: int = 0
    """Rolling windows whose rota it is (0: not from windows)."""
    split: bool = False
    """The kinds split found a rota and replaced the windows (the start is the better of its
    rota and the first valid one)."""


def start_in_parts(
    run: PartsRun,
    hard: cp_model.CpModel,
    m: RotaModel,
    objective: Objective,
    solution: list[int],
    windows: Sequence[Window],
    *,
    split: bool,
) -> Start:
    """A start for a horizon planned in ``windows``: the kinds split's rota when ``split``
    (kinds group the team, hours and off-hours weighed) and it succeeds, else the rolling
    windows' rota fixed into the whole model; ``solution`` when neither gives one."""
    strategy, options, reporter = run.options.strategy, run.options, run.reporter
    stages = objective.stages
    if stages:  # the first valid rota, shown while the parts run
        reporter.report(stages[0].value(solution) * stages[0].minutes, 0.0)
    if split and strategy.kinds_split:
        reporter.phase("kinds")
        budget = run.remaining() * strategy.split_share
        found = kinds_split(hard, m, objective, options, budget, run.remaining)
        if found is not None:
            found = objective.complete(found)
            return Start(found if no_worse(stages, found, solution) else solution, split=True)
    budget = run.remaining() * strategy.windows_share
    rota, solved = solve_windows(
        run.team, run.grid, run.history, windows, options, budget, reporter, run.solve_window
    )
    fixed = fixed_schedule(hard, m, rota, options, run.remaining()) if solved else None
    if fixed is None:
        return Start(solution)
    return Start(objective.complete(fixed), windows=solved)


def no_worse(stages: Sequence[Stage], candidate: Sequence[int], than: Sequence[int]) -> bool:
    """Whether complete rota ``candidate`` is at least as good as ``than`` as the stages rank
    them (lexicographically, first stage first)."""
    return [stage.value(candidate) for stage in stages] <= [stage.value(than) for stage in stages]
