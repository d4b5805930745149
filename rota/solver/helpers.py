"""Penalty variables' values as functions of a solution.

CP-SAT bounds a penalty variable from below only, so a hint (or a rota found without the
objective) leaves it at any value. Each penalty comes with a :data:`Helper` that computes its
least value from the assignments, so :meth:`~rota.solver.objective.Objective.complete` can
give the next search the true cost of the rota it starts from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ortools.sat.python import cp_model

from rota.solver.model import Value

Helper = tuple[cp_model.IntVar, Callable[[Sequence[int]], int]]
"""A penalty variable and its value as a function of the solution (to complete a hint)."""


def lit_value(solution: Sequence[int], lit: Value) -> int:
    """A literal's (or constant's) value in ``solution``."""
    if isinstance(lit, bool):
        return int(lit)
    index = lit.index
    return solution[index] if index >= 0 else 1 - solution[-index - 1]


def terms_value(terms: Sequence[tuple[int, Value]]) -> Callable[[Sequence[int]], int]:
    """``sum(coef * value)`` over ``terms``, as a function of the solution."""
    return lambda sol: sum(c * lit_value(sol, v) for c, v in terms)
