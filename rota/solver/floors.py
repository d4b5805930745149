"""Off-hours and night hours that every valid rota of the model must carry (proven floors).

A floor is the larger of two sound lower bounds: *counting* shift by shift
(:func:`rota.coverage.least_paid`, the floor ``rota check`` reports, :mod:`rota.capacity.floors`),
and CP-SAT's proven bound on the model of the hard rules alone minimising that one quantity,
which sees the rest, block and weekend rules that counting cannot. Both count minutes as
:mod:`rota.metrics` reads a rota, over the grid's shifts. Why: docs/solver.md, Proven floors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rota.coverage import least_paid
from rota.solver.bounds import least_bound
from rota.solver.facts import MemberShiftFacts
from rota.solver.model import RotaModel
from rota.solver.strategy import DEFAULT


@dataclass(frozen=True, slots=True)
class Unavoidable:
    """Proven floors, in minutes, of the off-hours and night hours of every valid rota."""

    off_minutes: int
    night_minutes: int

    def as_json(self) -> dict[str, float]:
        return {"off_hours": self.off_minutes / 60, "night_hours": self.night_minutes / 60}


Cost = Callable[[MemberShiftFacts], int]


def off_cost(facts: MemberShiftFacts) -> int:
    return facts.off_minutes


def night_cost(facts: MemberShiftFacts) -> int:
    return facts.night_minutes


def unavoidable(
    hard: cp_model.CpModel,
    m: RotaModel,
    *,
    time_limit_s: float,
    workers: int,
    seed: int,
    flat_share: float = DEFAULT.floor_flat_share,
) -> Unavoidable:
    """The floors of ``m``'s rotas; ``hard`` holds its hard rules alone (left as it was).
    Each floor's search gets at most ``time_limit_s`` (stopped early as the stage floors
    are, :class:`~rota.solver.bounds.BoundWatch`)."""
    floors = [
        cost_floor(hard, m, cost, time_limit_s, workers, seed, flat_share)
        for cost in (off_cost, night_cost)
    ]
    return Unavoidable(off_minutes=floors[0], night_minutes=floors[1])


def cost_floor(
    hard: cp_model.CpModel,
    m: RotaModel,
    cost: Cost,
    time_limit_s: float,
    workers: int,
    seed: int,
    flat_share: float,
) -> int:
    """The larger of the counting floor and the hard rules' proven bound on ``cost``."""
    counted = counting_floor(m, cost)
    terms = _terms(m, cost)
    if not terms or time_limit_s <= 0:
        return counted
    model = hard.clone()
    model.clear_hints()  # type: ignore[no-untyped-call]
    model.clear_objective()  # type: ignore[no-untyped-call]
    objective = model.proto.objective
    objective.vars.extend(v for v, _ in terms)
    objective.coeffs.extend(c for _, c in terms)
    return max(counted, least_bound(model, time_limit_s, workers, seed, flat_share))


def _terms(m: RotaModel, cost: Cost) -> list[tuple[int, int]]:
    """(variable index, minutes) of every grid assignment that costs something."""
    facts = m.timeline.facts
    first = m.timeline.first_grid
    terms = []
    for (i, k, _), var in m.x.items():
        minutes = cost(facts[i][k])
        if k >= first and minutes > 0:
            terms.append((var.index, minutes))
    return terms


def counting_floor(m: RotaModel, cost: Cost) -> int:
    """The counting floor over the model's own candidates: per shift, the roles that members at
    no cost cannot all take go to distinct paying members, at least the cheapest such costs."""
    candidates: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, k, role in m.x:
        if k >= m.timeline.first_grid:
            candidates[k][role].append(i)
    facts = m.timeline.facts
    total = 0
    for k, by_role in candidates.items():
        able = {i for who in by_role.values() for i in who}
        _, minutes = least_paid(by_role, {i: cost(facts[i][k]) for i in able})
        total += minutes
    return total
