"""The first valid rota of a solve: of the hard rules alone (CP-SAT finds one far faster
without an objective), in a rolling window with the off-hours assignments the plan has no
place for withheld (:mod:`rota.solver.plan`). It is the fallback for every later step.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from rota.solver.model import RotaModel
from rota.solver.objective import Objective
from rota.solver.plan import off_hours_skip
from rota.solver.search import SolveOptions, new_solver


def first_rota(
    hard: cp_model.CpModel, options: SolveOptions, time_limit_s: float, *, unpresolved: bool
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """A first valid rota of ``hard`` (the hard rules alone) within ``time_limit_s``.

    ``unpresolved`` first searches without CP-SAT's presolve, for at most
    :attr:`~rota.solver.strategy.Strategy.unpresolved_share` of the time, and only when that
    ends without an answer (neither a rota nor a proof that none exists) with it, for the
    rest.
    """
    begun = time.monotonic()
    if unpresolved:
        solver = new_solver(options, max(0.1, time_limit_s * options.strategy.unpresolved_share))
        solver.parameters.cp_model_presolve = False
        status = solver.solve(hard)
        if status != cp_model.UNKNOWN:
            return solver, status
    solver = new_solver(options, max(0.1, time_limit_s - (time.monotonic() - begun)))
    return solver, solver.solve(hard)


def planned_first_rota(
    m: RotaModel,
    paced: dict[int, tuple[int, int]] | None,
    setup: Callable[[RotaModel], tuple[cp_model.CpModel, Objective]],
    options: SolveOptions,
    time_limit_s: float,
) -> tuple[cp_model.CpModel, Objective, cp_model.CpSolver, cp_model.CpSolverStatus] | None:
    """``m`` with the off-hours assignments the plan has no place for withheld
    (:mod:`rota.solver.plan`, :meth:`~rota.solver.model.RotaModel.withhold`), its hard rules,
    objective and first valid rota; None when there is no plan or the withheld model has no
    valid rota within ``time_limit_s`` (``m`` is then left with its assignments withheld).

    The plan leaves out rules that tie a member's shifts to each other (rest, blocks, days off
    after nights and weekends), so the withheld model may have no valid rota; the window
    then uses everyone.
    """
    begun = time.monotonic()
    skip = off_hours_skip(
        m, time_limit_s * options.strategy.plan_share, options.workers, options.seed, paced
    )
    m.withhold(skip)
    if not m.withheld:
        return None
    hard, objective = setup(m)
    solver = new_solver(options, max(0.1, time_limit_s - (time.monotonic() - begun)))
    status = solver.solve(hard)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return hard, objective, solver, status
