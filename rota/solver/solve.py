"""Run CP-SAT on a team's grid and map the answer back to a :class:`~rota.model.Schedule`.

Three phases share the time limit, so a valid rota comes fast even on large teams:

1. *feasibility*: the hard rules alone, no objective (CP-SAT finds a valid rota in a fraction of
   the time it needs with the fairness objective in the model);
2. *completion*: the full model with every assignment fixed to phase 1's, which sets the
   objective's helper variables (deviations, maxima, totals) in milliseconds;
3. *optimisation*: the full model, hinted with the complete phase-2 solution (CP-SAT ignores an
   incomplete hint), until optimal, the relative gap reaches :data:`RELATIVE_GAP_LIMIT` or the
   time is up.

Each improving solution is reported through ``options.on_progress``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ortools.sat.python import cp_model

from rota.errors import InfeasibleRotaError
from rota.model import Grid, Schedule, ScheduledShift
from rota.solver.constraints import build_model
from rota.solver.explain import explain_infeasible, precheck
from rota.solver.model import RotaModel
from rota.solver.objective import build_objective
from rota.team import Team

RELATIVE_GAP_LIMIT = 0.001
"""Stop at a proven 0.1 % gap: the remaining improvement is below one minute of spread."""

FEASIBILITY_SHARE = 0.5
"""At most this share of the time limit goes to phase 1 (it usually takes far less)."""


@dataclass(frozen=True, slots=True)
class Progress:
    """One improving solution: seconds since the start, its objective, the proven bound."""

    elapsed_s: float
    objective: float
    bound: float
    solutions: int


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """How long and how hard to search; same options and seed give the same rota."""

    time_limit_s: float = 60.0
    workers: int = 2
    seed: int = 0
    on_progress: Callable[[Progress], None] | None = None


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


def solve(
    team: Team,
    grid: Grid,
    history: Schedule | None = None,
    options: SolveOptions = SolveOptions(),
) -> SolveResult:
    """A valid, fair rota for ``grid``.

    Raises:
        InfeasibleRotaError: no rota keeps every hard rule (the message says why, in the team's
            terms), or none was found within the time limit.
    """
    started = time.monotonic()
    precheck(team, grid, history)
    m = build_model(team, grid, history)
    if m.broken:
        explain_infeasible(team, grid, history, time_limit_s=options.time_limit_s)
    objective = build_objective(m)

    feasible = _phase(
        m.cp,
        options,
        min(options.time_limit_s * FEASIBILITY_SHARE, options.time_limit_s),
        with_objective=False,
    )
    first_solution_s = time.monotonic() - started
    if feasible.status == cp_model.INFEASIBLE:
        explain_infeasible(team, grid, history, time_limit_s=options.time_limit_s)
    if feasible.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InfeasibleRotaError(
            f"no valid rota for team {team.id} found within the time limit of "
            f"{options.time_limit_s:g} s (not proven impossible; allow more time)",
        )
    values = _complete(m, feasible.solver, options)
    reporter = _Reporter(options.on_progress, started, objective.scale)
    if values is not None:
        reporter.report(values.objective, values.bound)
        for index, value in enumerate(values.assignment):
            m.cp.add_hint(m.cp.get_int_var_from_proto_index(index), value)

    remaining = options.time_limit_s - (time.monotonic() - started)
    final = _phase(m.cp, options, max(remaining, 0.1), with_objective=True, callback=reporter)
    status_code = final.status
    if status_code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        solver = final.solver
        value_of: Callable[[cp_model.IntVar], int] = solver.value
        obj, bound = solver.objective_value, solver.best_objective_bound
    elif values is not None:  # the optimisation phase found nothing new in its time
        assignment = values.assignment

        def value_of(var: cp_model.IntVar) -> int:
            return assignment[var.index]

        obj, bound = values.objective, values.bound
    else:
        raise InfeasibleRotaError(
            f"no valid rota for team {team.id} found within the time limit of "
            f"{options.time_limit_s:g} s (not proven impossible; allow more time)",
        )
    schedule = _schedule(m, grid, value_of)
    status: Literal["optimal", "feasible"] = (
        "optimal" if status_code == cp_model.OPTIMAL else "feasible"
    )
    objective_value = obj / objective.scale
    bound_value = min(bound, obj) / objective.scale
    gap = 0.0 if status == "optimal" else _gap(objective_value, bound_value)
    return SolveResult(
        schedule=schedule,
        status=status,
        objective=objective_value,
        bound=bound_value if status != "optimal" else objective_value,
        gap=gap,
        wall_s=time.monotonic() - started,
        first_solution_s=first_solution_s,
        num_variables=len(m.cp.proto.variables),
        num_constraints=len(m.cp.proto.constraints),
    )


def _gap(objective: float, bound: float) -> float:
    if objective <= 0:
        return 0.0
    return max(0.0, min(1.0, (objective - bound) / abs(objective)))


@dataclass(frozen=True, slots=True)
class _Phase:
    solver: cp_model.CpSolver
    status: cp_model.CpSolverStatus


@dataclass(frozen=True, slots=True)
class _Complete:
    assignment: list[int]
    objective: float
    bound: float


def _solver(options: SolveOptions, time_limit_s: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(time_limit_s, 0.05)
    params.num_workers = options.workers
    params.random_seed = options.seed
    params.relative_gap_limit = RELATIVE_GAP_LIMIT
    return solver


def _phase(
    model: cp_model.CpModel,
    options: SolveOptions,
    time_limit_s: float,
    *,
    with_objective: bool,
    callback: cp_model.CpSolverSolutionCallback | None = None,
) -> _Phase:
    solver = _solver(options, time_limit_s)
    if with_objective:
        status = solver.solve(model, callback)
        return _Phase(solver, status)
    plain = model.clone()
    plain.clear_objective()  # type: ignore[no-untyped-call]
    status = solver.solve(plain)
    return _Phase(solver, status)


def _complete(m: RotaModel, feasible: cp_model.CpSolver, options: SolveOptions) -> _Complete | None:
    """Fix the phase-1 assignment in the full model; solve for the helpers (a complete hint)."""
    fixed = m.cp.clone()
    for var in m.x.values():
        value = feasible.value(var)
        target = fixed.get_bool_var_from_proto_index(var.index)
        fixed.add(target == value)
    solver = _solver(options, max(1.0, options.time_limit_s / 10))
    solver.parameters.relative_gap_limit = 0.0
    status = solver.solve(fixed)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    assignment = [
        solver.value(fixed.get_int_var_from_proto_index(i))
        for i in range(len(fixed.proto.variables))
    ]
    return _Complete(assignment, solver.objective_value, solver.objective_value)


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Calls ``on_progress`` with each improving solution (objective in weighted minutes)."""

    def __init__(
        self, on_progress: Callable[[Progress], None] | None, started: float, scale: float
    ) -> None:
        super().__init__()
        self._on_progress = on_progress
        self._started = started
        self._scale = scale
        self._count = 0

    def report(self, objective: float, bound: float) -> None:
        self._count += 1
        if self._on_progress is not None:
            self._on_progress(
                Progress(
                    elapsed_s=time.monotonic() - self._started,
                    objective=objective / self._scale,
                    bound=min(bound, objective) / self._scale,
                    solutions=self._count,
                )
            )

    def on_solution_callback(self) -> None:
        self.report(self.objective_value, self.best_objective_bound)


def _schedule(m: RotaModel, grid: Grid, value_of: Callable[[cp_model.IntVar], int]) -> Schedule:
    holder: dict[tuple[int, str], str] = {}
    for (i, k, role), var in m.x.items():
        if value_of(var):
            holder[k, role] = m.member_id(i)
    tl = m.timeline
    shifts = []
    for k in tl.grid_slots:
        slot = tl.slots[k]
        shifts.append(
            ScheduledShift(
                start=slot.start_at,
                end=slot.end_at,
                assignments={role: holder[k, role] for role in grid.roles},
            )
        )
    return Schedule(
        team_id=grid.team_id,
        horizon_start=grid.start,
        horizon_end=grid.end,
        shifts=tuple(shifts),
    )
