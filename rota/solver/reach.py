"""A reach: the whole model with every assignment outside a neighbourhood held at a rota's
value, so that CP-SAT searches the neighbourhood exactly instead of the whole model by
neighbourhoods of its own choosing. Presolve drops what is held, which leaves a model a
fraction of the whole one's size (:mod:`rota.solver.spans`, :mod:`rota.solver.part_timers`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from typing import Any

from ortools.sat.python import cp_model

from rota.solver.model import RotaModel
from rota.solver.objective import Objective, Stage
from rota.solver.search import hint


def held_copy(
    m: RotaModel, solution: Sequence[int], free: Callable[[int, int], bool]
) -> cp_model.CpModel:
    """A copy of ``m.cp`` with each assignment of member ``i`` to slot ``k`` held at its value
    in ``solution`` unless ``free(i, k)``."""
    cp = m.cp.clone()
    variables = cp.proto.variables
    for (i, k, _), var in m.x.items():
        if not free(i, k):
            domain = variables[var.index].domain
            domain.clear()
            domain.extend([solution[var.index]] * 2)
    return cp


def held_others(
    m: RotaModel, objective: Objective, solution: Sequence[int], stage: Stage
) -> list[tuple[Stage, int]]:
    """Every stage but ``stage`` with its value on ``solution`` (complete), for a reach to
    hold no higher; the peaks are held exact first, so ``humane`` counts its true excesses
    (:meth:`~rota.solver.objective.Objective.hold_exact_peaks`)."""
    objective.hold_exact_peaks(m.cp)
    return [(other, other.value(solution)) for other in objective.stages if other is not stage]


def search_reach(
    m: RotaModel,
    objective: Objective,
    solution: list[int],
    free: Callable[[int, int], bool],
    goal: cp_model.LinearExpr,
    held: Sequence[tuple[Stage, int]],
    solver: cp_model.CpSolver,
    callback: cp_model.CpSolverSolutionCallback | None = None,
) -> tuple[Any, list[int] | None]:
    """``goal`` minimised over the reach of ``solution`` that ``free`` leaves open (a
    :func:`held_copy`, hinted with ``solution``), each stage of ``held`` no higher than its
    value: the solver's status and the rota it found (complete), or None."""
    cp = held_copy(m, solution, free)
    for stage, value in held:
        cp.add(stage.expr() <= value)
    cp.minimize(goal)
    hint(cp, solution)
    status = solver.solve(cp, callback)
    found = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = objective.complete(list(solver.response_proto.solution))
    del cp
    gc.collect()  # a dropped CpModel is cyclic (it holds bound methods of itself)
    return status, found
