"""Does loosening one rule family alone give a team a rota? Asked of the real model.

``rota advise`` tries each family on its own before bending several
(:mod:`rota.advice.proposals`).
A family is set to a value in the team file (:mod:`rota.advice.changes`) and the changed team's
hard rules are built by the solver's own :func:`~rota.solver.constraints.build_model` and solved
for any rota, so the answer is the one ``rota solve`` and the verification see.
"""

from __future__ import annotations

import time
from typing import Any

from ortools.sat.python import cp_model

from rota.advice.changes import SetValue, apply_changes
from rota.advice.families import Family
from rota.horizon import build_grid
from rota.solver.constraints import build_model
from rota.team import team_from_config
from rota.yamlfile import YamlDocument


def holds_with(
    doc: YamlDocument, family: Family, value: Any, time_limit_s: float, workers: int, seed: int
) -> bool | None:
    """True when the team of ``doc`` with ``family`` set to ``value`` has a rota, False when
    it is proven to have none, None when not decided in ``time_limit_s``."""
    team = team_from_config(apply_changes(doc, [SetValue(family.path, value)]))
    m = build_model(team, build_grid(team), None)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(m.cp)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    return False if status == cp_model.INFEASIBLE else None


def least_value(
    doc: YamlDocument,
    family: Family,
    values: list[Any],
    time_limit_s: float,
    workers: int,
    seed: int,
) -> tuple[int | None, bool]:
    """The index in ``values`` (the team's value first, then looser ones) of the least
    loosening of ``family`` alone that gives a rota, and whether that none does is proven.

    The loosest value is asked first (finding a rota is quick when one exists); when it gives
    one, the values between are asked from the tightest, each in an equal share of the time
    left, and the first that gives a rota wins (one undecided in its share counts as none)."""
    until = time.monotonic() + time_limit_s
    last = len(values) - 1
    found = holds_with(doc, family, values[last], time_limit_s, workers, seed)
    if not found:
        return None, found is False
    between = list(range(1, last))
    for n, j in enumerate(between):
        share = (until - time.monotonic()) / (len(between) - n)
        if share <= 0.05:
            break
        if holds_with(doc, family, values[j], share, workers, seed):
            return j, False
    return last, False
