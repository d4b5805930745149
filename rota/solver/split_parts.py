"""One part of the kinds split (:mod:`rota.solver.split`): a model of its members alone under
their kinds' counts, its share of the stages' objective, and its rota.

A part is small, and CP-SAT with a level-2 LP worker proves it optimal in seconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rota.solver.bands import add_spread
from rota.solver.constraints import MEMBER_RULES
from rota.solver.groups import off_hours_groups
from rota.solver.loads import Load, holiday_load, off_hours_load, peak_metrics, weekend_load
from rota.solver.model import RotaModel
from rota.solver.objective import Objective, lexicographic_weights
from rota.solver.peaks import peak_terms
from rota.solver.plan import relaxation_solver

Works = dict[tuple[int, int], int]
"""``(member, slot) -> 0/1``: who works each grid slot (roles are left to the whole model)."""


@dataclass(frozen=True, slots=True)
class PartRota:
    """Who works each slot, and each member's holiday time (load units) and weekends."""

    works: Works
    holidays: dict[int, int]
    weekends: dict[int, int]


@dataclass(frozen=True, slots=True)
class Part:
    """Kinds solved together (one kind, or kinds a holiday group spans) and their counts."""

    kinds: tuple[tuple[int, ...], ...]
    counts: tuple[Mapping[int, int], ...]

    @property
    def members(self) -> frozenset[int]:
        return frozenset(i for kind in self.kinds for i in kind)


@dataclass(frozen=True, slots=True)
class SplitTeam:
    """What every part's problem reads of the whole team, computed once per split."""

    share: Sequence[int]
    hours_bands: Mapping[int, tuple[int, int, int, int]]
    unit: int
    shift: int
    weights: Objective


@dataclass(frozen=True, slots=True)
class PartProblem:
    part: Part
    team: SplitTeam
    weekend_levels: Mapping[int, int]
    holiday_groups: Sequence[Sequence[int]]
    holiday_bands: Mapping[int, int]


def solve_part(
    m: RotaModel,
    problem: PartProblem,
    hint: Works,
    time_limit_s: float,
    workers: int,
    seed: int,
) -> PartRota | None:
    """The rota of one part under its kinds' counts (None when none is found in time)."""
    sub = _part_rules(m, problem.part)
    fair = _fair_terms(sub, problem)
    humane = _humane_terms(sub, problem)
    stage_weights = lexicographic_weights([_upper(fair), _upper(humane)])
    sub.cp.minimize(stage_weights[0] * _weighted(fair) + stage_weights[1] * _weighted(humane))
    for (i, k), var in sub.w.items():
        if (i, k) in hint:
            sub.cp.add_hint(var, hint[i, k])
    solver = relaxation_solver(time_limit_s, workers, seed, lp=True)
    if solver.solve(sub.cp) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    members = problem.part.members
    return PartRota(
        works={key: solver.value(var) for key, var in sub.w.items()},
        holidays={i: solver.value(holiday_load(sub, i, problem.team.unit).expr()) for i in members},
        weekends={i: solver.value(weekend_load(sub, i).expr()) for i in members},
    )


def _part_rules(m: RotaModel, part: Part) -> RotaModel:
    """A model of ``m``'s timeline with variables for the part's members on the slots their
    kind holds, every rule about one member, and each kind's counts held (roles: at most one
    member of a kind each, the whole model matches them)."""
    tl = m.timeline
    counts_of = {
        i: counts for kind, counts in zip(part.kinds, part.counts, strict=True) for i in kind
    }
    skip: set[tuple[str, int, str]] = set()
    for k in tl.grid_slots:
        index = tl.slots[k].grid_index
        assert index is not None
        for i in m.members:
            if i not in counts_of or not counts_of[i].get(k, 0):
                skip.update((tl.members[i].id, index, role) for role in tl.roles)
    sub = RotaModel.build(m.team, tl, skip=frozenset(skip))
    for rule in MEMBER_RULES:
        rule(sub)
    for kind, counts in zip(part.kinds, part.counts, strict=True):
        for k, count in counts.items():
            if count:
                sub.cp.add(sum(sub.w[i, k] for i in kind if (i, k) in sub.w) == count)
                for role in tl.roles:
                    holders = [sub.x[i, k, role] for i in kind if (i, k, role) in sub.x]
                    if len(holders) > 1:
                        sub.cp.add_at_most_one(holders)
    return sub


Terms = list[tuple[int, cp_model.IntVar]]


def _fair_terms(sub: RotaModel, problem: PartProblem) -> Terms:
    """The part's share of the ``fair`` stage, with the ranges that span kinds as bands:

    * hours: a second step out of a member's band costs twice, so where the bands cannot all
      hold the excess spreads one step per member;
    * weekends: weekends outside ``[level, level + 1]``, the member's group's planned level
      (:func:`~rota.solver.split.best_level` moves it in a second pass when a kind cannot keep it);
    * holiday time: a group's exact range when the part holds it all, else (in a second pass)
      a band of one shift placed where the first pass left its members; bands alone can leave
      two kinds of one country a day apart, so the split joins the kinds a group spans.
    """
    tl = sub.timeline
    team = problem.team
    weights = team.weights
    members = problem.part.members
    terms: Terms = []
    for i, (step, _, lo, hi) in team.hours_bands.items():
        if i not in members:
            continue
        held = [
            (round(tl.slots[k].minutes / team.unit) // step, sub.w[i, k])
            for k in tl.grid_slots
            if (i, k) in sub.w
        ]
        steps = cp_model.LinearExpr.weighted_sum([v for _, v in held], [c for c, _ in held])
        most = max(sum(c for c, _ in held) - hi, lo, 0)
        dev, wider = sub.cp.new_int_var(0, most, ""), sub.cp.new_int_var(0, most, "")
        sub.cp.add(dev >= lo - steps)
        sub.cp.add(dev >= steps - hi)
        sub.cp.add(wider >= dev - 1)  # a second step out widens the share's hours range
        terms += [(weights.hours_weight * step, dev), (weights.hours_weight * step, wider)]
    for i in sorted(members):
        if i in problem.weekend_levels:
            worked = weekend_load(sub, i)
            level = problem.weekend_levels[i]
            terms.append((weights.weekend_weight, _band_excess(sub, worked, level, 1)))
    for group in problem.holiday_groups:
        inside = [i for i in group if i in members]
        loads = [holiday_load(sub, i, team.unit) for i in inside]
        if len(inside) == len(group):
            if len(inside) > 1:
                top = max(load.upper for load in loads)
                _, _, dev = add_spread(sub.cp, [load.expr() for load in loads], top, team.shift)
                terms.append((weights.holiday_weight, dev))
        else:
            for i, load in zip(inside, loads, strict=True):
                if i in problem.holiday_bands:
                    excess = _band_excess(sub, load, problem.holiday_bands[i], team.shift)
                    terms.append((weights.holiday_weight, excess))
    return terms


def _humane_terms(sub: RotaModel, problem: PartProblem) -> Terms:
    """The part's share of the ``humane`` stage (its totals are fixed by the counts): the
    off-hours ranges (every off-hours group lies within one kind) and the peaks per share
    among the part's members, weighed as the stage weighs them."""
    team = problem.team
    weights = team.weights
    terms: Terms = []
    for group in off_hours_groups(sub, team.share):
        inside = [i for i in group if i in problem.part.members]
        if len(inside) > 1:
            loads = [off_hours_load(sub, i, team.unit) for i in inside]
            top = max(load.upper for load in loads)
            _, _, dev = add_spread(sub.cp, [load.expr() for load in loads], top, team.shift)
            terms.append((max(weights.off_hours_weight, 1), dev))
    metrics = peak_metrics(sub)

    def load(metric: str, i: int) -> tuple[cp_model.LinearExprT, int] | None:
        if i not in problem.part.members:
            return None
        given = metrics[metric][1](i)
        return given.expr(), given.upper

    terms.extend(peak_terms(sub.cp, weights.peaks, team.share, load))
    return terms


def _band_excess(sub: RotaModel, load: Load, level: int, width: int) -> cp_model.IntVar:
    """Units of ``load`` outside ``[level, level + width]``."""
    excess = sub.cp.new_int_var(0, max(load.upper, level, 0), "")
    sub.cp.add(excess >= level - load.expr())
    sub.cp.add(excess >= load.expr() - level - width)
    return excess


def _upper(terms: Terms) -> int:
    return sum(c * max(v.proto.domain) for c, v in terms)


def _weighted(terms: Terms) -> cp_model.LinearExpr:
    return cp_model.LinearExpr.weighted_sum([v for _, v in terms], [c for c, _ in terms])
