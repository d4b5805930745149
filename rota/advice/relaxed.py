"""The relaxed model: the rota's CP-SAT model where every rule family may bend at a cost.

Built with the solver's own pieces (:class:`~rota.solver.model.RotaModel` and the
``add_<rule>`` functions of :mod:`rota.solver.constraints`), on the team plus candidate new
members (:mod:`rota.advice.newcomers`):

* the rules no family bends (coverage, one role per shift, availability, whole or single-day
  weekends) are added as in a normal solve;
* each family's rule is added once per value (:mod:`rota.advice.families`), the copy for value
  ``j`` guarded by a literal ``H[j]`` ("the rule holds at value j"), with ``H[j] -> H[j+1]``;
  the model's guard mechanism, which explanations use, does the guarding;
* a candidate member works only when their literal ``new[p, n]`` holds (``new[p, n] ->
  new[p, n-1]``, so the candidates of a profile are used in order).

The search for ways to bend over it is :mod:`rota.advice.proposals`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ortools.sat.python import cp_model

from rota.advice.changes import AddMember, Change, SetValue, apply_changes
from rota.advice.costs import BendCosts
from rota.advice.families import BENT_RULES, FAMILIES, Family
from rota.advice.newcomers import Profile, candidates_per_profile, new_member_id, profiles
from rota.model import Grid
from rota.solver.constraints import ALL_RULES, lookback_days
from rota.solver.facts import build_timeline
from rota.solver.model import GuardKey, RotaModel, Value
from rota.team import Team, team_from_config
from rota.yamlfile import YamlDocument


@dataclass(frozen=True, slots=True)
class Bend:
    """A family loosened to ``value`` (the ``depth``-th value after the team's)."""

    family: Family
    value: Any
    depth: int


@dataclass(frozen=True, slots=True)
class Proposal:
    """One way to bend: families loosened and members added (with their mappings)."""

    bends: tuple[Bend, ...]
    added: tuple[tuple[Profile, tuple[dict[str, Any], ...]], ...]
    cost: int

    @property
    def parts(self) -> int:
        """Parts bent: each family loosened and each member added (a hire of nine people is
        nine parts, not one)."""
        return len(self.bends) + sum(len(members) for _, members in self.added)

    def changes(self) -> list[Change]:
        found: list[Change] = [SetValue(b.family.path, b.value) for b in self.bends]
        for _, members in self.added:
            found += [AddMember(member) for member in members]
        return found


@dataclass(slots=True)
class _Family:
    family: Family
    values: list[Any]
    holds: list[Value]  # H[j], True when the rule at value j says nothing


@dataclass(slots=True)
class RelaxedModel:
    """The model, its family literals and candidate members."""

    m: RotaModel
    families: list[_Family]
    newcomers: list[tuple[Profile, list[dict[str, Any]], list[cp_model.IntVar]]]
    costs: BendCosts
    doc: YamlDocument
    """The team file the model was built from."""

    def bend_cost(self) -> cp_model.LinearExprT:
        terms: list[Any] = []
        for fam in self.families:
            for j, held in enumerate(fam.holds):
                if not isinstance(held, bool):
                    weight = self.costs.rule_change if j == 0 else self.costs.rule_step
                    terms.append(weight * (1 - held))
        for _, _, used in self.newcomers:
            terms += [self.costs.member * u for u in used]
        return cp_model.LinearExpr.sum(terms)

    def rule_steps(self) -> list[Any]:
        """One 0/1 expression per step of a family (1: bent that far)."""
        return [
            1 - held for fam in self.families for held in fam.holds if not isinstance(held, bool)
        ]

    def steps(self) -> list[Any]:
        """One 0/1 expression per step of bending (a family's value, a member)."""
        return self.rule_steps() + [u for _, _, used in self.newcomers for u in used]

    def read(self, solver: cp_model.CpSolver) -> Proposal:
        bends: list[Bend] = []
        for fam in self.families:
            depth = next(
                (j for j, h in enumerate(fam.holds) if h is True or solver.boolean_value(h)),
                len(fam.values) - 1,
            )
            if depth > 0:
                bends.append(Bend(fam.family, fam.values[depth], depth))
        added = []
        for profile, members, used in self.newcomers:
            count = sum(solver.boolean_value(u) for u in used)
            if count:
                added.append((profile, tuple(members[:count])))
        cost = round(solver.value(self.bend_cost()))
        return Proposal(tuple(bends), tuple(added), cost)

    def forbid(self, proposal: Proposal) -> None:
        """No later answer bends every part of ``proposal`` at least as much."""
        less: list[Any] = []
        for bend in proposal.bends:
            fam = next(f for f in self.families if f.family is bend.family)
            held = fam.holds[bend.depth - 1]
            if not isinstance(held, bool):
                less.append(held)
        for profile, members in proposal.added:
            used = next(u for p, _, u in self.newcomers if p is profile)
            less.append(~used[len(members) - 1])
        self.m.cp.add_bool_or(less)


def build_relaxed(
    doc: YamlDocument, team: Team, grid: Grid, costs: BendCosts, *, newcomers: bool = True
) -> RelaxedModel:
    """The relaxed model of the team in ``doc`` (validated as ``team``) over ``grid``."""
    cfg = team.config
    taken = {member.id for member in cfg.members}
    offered: list[tuple[Profile, list[dict[str, Any]]]] = []
    if newcomers:
        for profile in profiles(cfg):
            count = candidates_per_profile(cfg, profile)
            offered.append(
                (
                    profile,
                    [profile.member(new_member_id(cfg, profile, taken)) for _ in range(count)],
                )
            )
    added: list[Change] = [AddMember(member) for _, members in offered for member in members]
    probe = build_timeline(team, grid, None, lookback_days=lookback_days(team, grid))
    values = {f.name: f.values(cfg, probe) for f in FAMILIES}
    loosest: list[Change] = [
        SetValue(f.path, values[f.name][-1]) for f in FAMILIES if values[f.name]
    ]
    base = team_from_config(apply_changes(doc, [*added, *loosest]))
    timeline = build_timeline(base, grid, None, lookback_days=lookback_days(team, grid))
    m = RotaModel.build(base, timeline)
    for rule in ALL_RULES:
        if rule not in BENT_RULES:
            rule(m)
    families = []
    for family in FAMILIES:
        if values[family.name]:
            families.append(_add_family(m, doc, base, family, values[family.name], added, loosest))
    m.team, m.scope = base, None
    works_of: dict[int, list[cp_model.IntVar]] = {}
    for (i, _), works in m.w.items():
        works_of.setdefault(i, []).append(works)
    newcomer_vars = []
    index = len(cfg.members)  # candidates follow the team's members on the timeline
    for profile, members in offered:
        used = [m.cp.new_bool_var(f"new[{member['id']}]") for member in members]
        for n, member_used in enumerate(used):
            for works in works_of.get(index, []):
                m.cp.add_implication(works, member_used)
            if n:
                m.cp.add_implication(member_used, used[n - 1])
            index += 1
        newcomer_vars.append((profile, members, used))
    # Searches start from the team as it is: every rule held, nobody added.
    for fam in families:
        for held in fam.holds:
            if not isinstance(held, bool):
                m.cp.add_hint(held, True)
    for _, _, used in newcomer_vars:
        for u in used:
            m.cp.add_hint(u, False)
    return RelaxedModel(m, families, newcomer_vars, costs, doc)


def _add_family(
    m: RotaModel,
    doc: YamlDocument,
    base: Team,
    family: Family,
    values: list[Any],
    added: list[Change],
    loosest: list[Change],
) -> _Family:
    """``family``'s rule once per value, each copy guarded by its own literal."""
    others = [c for c in loosest if not (isinstance(c, SetValue) and c.path == family.path)]
    holds: list[Value] = []
    for j, value in enumerate(values):
        cfg = apply_changes(doc, [*added, *others, SetValue(family.path, value)])
        key = GuardKey(f"{family.name}@{j}", None, None)
        m.team = replace(base, config=cfg)
        m.scope = _one_guard(key)
        family.rule(m)
        holds.append(m.guards.get(key, True))
    for stricter, looser in itertools.pairwise(holds):
        if not isinstance(stricter, bool) and not isinstance(looser, bool):
            m.cp.add_implication(stricter, looser)
    return _Family(family, values, holds)


def _one_guard(key: GuardKey) -> Callable[[GuardKey], GuardKey]:
    """A scope putting every constraint of a rule copy under the one literal ``key``."""
    return lambda _: key
