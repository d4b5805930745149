"""A reach: the whole model with every assignment outside a neighbourhood held at a rota's
value, so that CP-SAT searches the neighbourhood exactly instead of the whole model by
neighbourhoods of its own choosing. Presolve drops what is held, which leaves a model a
fraction of the whole one's size (:mod:`rota.solver.spans`, :mod:`rota.solver.part_timers`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ortools.sat.python import cp_model

from rota.solver.model import RotaModel


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
