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

:func:`find_proposals` minimises the bending (:class:`~rota.advice.costs.BendCosts`) and, to
offer alternatives, forbids each answer and everything that bends at least as much, then solves
again. For a team that already has a rota it instead minimises off-hours and night minutes with
exactly one step of bending, giving the single changes that cut them most.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ortools.sat.python import cp_model

from rota.advice.alone import least_value
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


def off_night_units(m: RotaModel) -> Any:
    """Minutes off-hours plus minutes at night of every assignment, in quarter hours."""
    facts = m.timeline.facts
    terms = []
    for (i, k), works in m.w.items():
        cost = (facts[i][k].off_minutes + facts[i][k].night_minutes) // 15
        if cost:
            terms.append(cost * works)
    return sum(terms)


SHRINK_STEP_S = 0.25
"""Share of the search's time left that one try of :func:`shrink` may use (a feasibility
solve with the proposal's bending as a ceiling, one part lower; a try that is not decided in
it counts as failed)."""


def shrink(
    relaxed: RelaxedModel,
    proposal: Proposal,
    model: cp_model.CpModel,
    deadline: float,
    workers: int,
    seed: int,
) -> Proposal:
    """``proposal`` with each part bent one step less while a rota remains (greedy, most
    costly parts first): the search stops at its time, often before its answer is minimal."""
    improved = True
    while improved:
        improved = False
        for tighter in _one_step_less(relaxed, proposal):
            left = deadline - time.monotonic()
            if left <= 0.05:
                return proposal
            probe = model.clone()
            probe.clear_objective()  # type: ignore[no-untyped-call]
            _at_most(relaxed, proposal, probe)
            probe.add(tighter == 1)
            solver = _solver(left * SHRINK_STEP_S, workers, seed)
            if solver.solve(probe) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                proposal = relaxed.read(solver)
                improved = True
                break
    return proposal


def _one_step_less(relaxed: RelaxedModel, proposal: Proposal) -> list[Any]:
    """Ways to bend ``proposal`` less, costliest parts first: each part not bent at all,
    then each one step less."""
    whole: list[Any] = []
    step: list[Any] = []
    for profile, members in proposal.added:
        used = next(u for p, _, u in relaxed.newcomers if p is profile)
        whole.append(1 - used[0])
        if len(members) > 1:
            step.append(1 - used[len(members) - 1])
    for bend in sorted(proposal.bends, key=lambda b: -b.depth):
        fam = next(f for f in relaxed.families if f.family is bend.family)
        for target, held in ((whole, fam.holds[0]), (step, fam.holds[bend.depth - 1])):
            if not isinstance(held, bool) and not any(held is h for h in target):
                target.append(held)
    return whole + [s for s in step if not any(s is w for w in whole)]


def _at_most(relaxed: RelaxedModel, proposal: Proposal, model: cp_model.CpModel) -> None:
    """No part bent more than in ``proposal``."""
    depth = {b.family.name: b.depth for b in proposal.bends}
    for fam in relaxed.families:
        held = fam.holds[depth.get(fam.family.name, 0)]
        if not isinstance(held, bool):
            model.add(held == 1)
    count = {p: len(members) for p, members in proposal.added}
    for profile, _, used in relaxed.newcomers:
        for u in used[count.get(profile, 0) :]:
            model.add(u == 0)


def parts(relaxed: RelaxedModel) -> list[list[Any]]:
    """Each thing that can bend on its own, as the 0/1 expressions that bend it: one family
    (its steps), or members added in one profile. Rule families come first; the last
    expression of each is 1 when the part is bent all the way; [] for a family whose rule
    says nothing on this team. The families' parts have the index of their family."""
    found = [[1 - h for h in fam.holds if not isinstance(h, bool)] for fam in relaxed.families]
    return found + [list(used) for _, _, used in relaxed.newcomers]


def single_parts(
    relaxed: RelaxedModel, time_limit_s: float, workers: int, seed: int
) -> list[Proposal]:
    """The ways to give the team a rota by bending one part alone (one family, or adding
    members in one profile), each bent as little as found in its try; cheapest first.

    Proving that a part alone cannot do is slow, finding a rota when it can is not, so the
    parts are tried in rounds: each try of a round gets the same time, doubled each round, for
    the parts neither found nor proven useless yet, until a round finds a rota or the time
    is spent. The first round's time is what two rounds over every part need in all, so
    the limits follow the team's size and the number of its parts, not fixed seconds."""
    pieces = parts(relaxed)
    deadline = time.monotonic() + time_limit_s
    open_ = [n for n, piece in enumerate(pieces) if piece]
    share = time_limit_s / (3 * max(1, len(open_)))  # 1 + 2 shares in two rounds
    found: list[Proposal] = []
    while open_ and not found and deadline - time.monotonic() > 0.05:
        undecided = []
        for n in open_:
            try_s = min(share, deadline - time.monotonic())
            if try_s <= 0.05:
                undecided.append(n)
                continue
            if n < len(relaxed.families):
                proposal, proven = _family_alone(relaxed, n, try_s, workers, seed)
            else:
                proposal, proven = _alone(relaxed, pieces, n, try_s, workers, seed)
            if proposal is not None:
                if not proposal.bends and not proposal.added:
                    return [proposal]
                found.append(proposal)
            elif not proven:
                undecided.append(n)
        open_ = undecided
        share *= 2
    found.sort(key=lambda p: p.cost)
    return found


def _family_alone(
    relaxed: RelaxedModel, n: int, time_limit_s: float, workers: int, seed: int
) -> tuple[Proposal | None, bool]:
    """Family ``n`` loosened alone, asked of the real model (:mod:`rota.advice.alone`)."""
    fam = relaxed.families[n]
    depth, proven = least_value(relaxed.doc, fam.family, fam.values, time_limit_s, workers, seed)
    if depth is None:
        return None, proven
    bend = Bend(fam.family, fam.values[depth], depth)
    cost = relaxed.costs.rule_change + relaxed.costs.rule_step * (depth - 1)
    return Proposal((bend,), (), cost), False


def _alone(
    relaxed: RelaxedModel,
    pieces: list[list[Any]],
    n: int,
    time_limit_s: float,
    workers: int,
    seed: int,
) -> tuple[Proposal | None, bool]:
    """A rota bending only part ``n`` (bent as little as found in the time), or None and
    whether that is proven impossible."""
    until = time.monotonic() + time_limit_s
    model = relaxed.m.cp.clone()
    for other in pieces[:n] + pieces[n + 1 :]:
        for step in other:
            model.add(step == 0)
    # First a rota with the part bent all the way (a plain feasibility question), without the
    # model's hint: the team as it is has no rota, and a hint towards it misleads the search.
    loosest = model.clone()
    loosest.add(pieces[n][-1] == 1)
    loosest.clear_hints()  # type: ignore[no-untyped-call]
    solver = _solver(time_limit_s, workers, seed)
    status = solver.solve(loosest)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, status == cp_model.INFEASIBLE
    proposal = relaxed.read(solver)
    if proposal.bends or proposal.added:
        proposal = _cheapen(relaxed, proposal, model, solver, until, workers, seed)
        proposal = shrink(relaxed, proposal, model, until, workers, seed)
    return proposal, False


SEARCHES = ("any", "rules", "members")
"""What each of the first searches may bend, so that the alternatives differ in kind: the
cheapest way at all, then keeping the team's people, then keeping its rules; later searches
may bend anything (each answer is forbidden to the searches after it)."""


def find_proposals(
    relaxed: RelaxedModel,
    *,
    feasible: bool,
    time_limit_s: float,
    first_share: float,
    workers: int,
    seed: int,
    alone_first: bool = True,
) -> tuple[list[Proposal], bool]:
    """Up to ``costs.max_suggestions`` ways to bend, cheapest first, and whether the team
    turned out to need no bending (only when not ``feasible``).

    Without a rota and with ``alone_first``, each part is tried alone (:func:`single_parts`,
    in all the time) and nothing else; ``advise`` searches again without ``alone_first`` when
    none of those answers is verified.

    Without a rota, each search finds any way to bend (a feasibility solve: every family may
    bend all the way, every candidate may join) and :func:`shrink` takes back what is not
    needed; with one, it minimises off-hours and night time with one step of bending. The
    first search may use ``first_share`` of the time, each later one an equal share of what is
    left."""
    cp = relaxed.m.cp
    if feasible:
        cp.add(sum(relaxed.steps()) == 1)
        cp.minimize(off_night_units(relaxed.m))
    deadline = time.monotonic() + time_limit_s
    found: list[Proposal] = []
    wanted = relaxed.costs.max_suggestions
    if not feasible and alone_first:
        found = single_parts(relaxed, time_limit_s, workers, seed)
        if found and not found[0].bends and not found[0].added:
            return [], True
        return found[:wanted], False
    for n in range(wanted):
        left = deadline - time.monotonic()
        if left <= 0.05:
            break
        until = time.monotonic() + left * (first_share if n == 0 else 1 / (wanted - n))
        model = _restricted(relaxed, SEARCHES[n] if n < len(SEARCHES) else "any")
        solver = _solver(until - time.monotonic(), workers, seed)
        if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        proposal = relaxed.read(solver)
        if not feasible:
            proposal = _cheapen(relaxed, proposal, model, solver, until, workers, seed)
            proposal = shrink(relaxed, proposal, model, until, workers, seed)
        if not proposal.bends and not proposal.added:
            return found, True
        found.append(proposal)
        relaxed.forbid(proposal)
    found.sort(key=lambda p: p.cost)
    return found, False


IMPROVE_SHARE = 0.6
"""Share of a search's time left after its first answer for minimising the bending from it
(CP-SAT's neighbourhood search, started from that answer); :func:`shrink` gets the rest."""


def _cheapen(
    relaxed: RelaxedModel,
    proposal: Proposal,
    model: cp_model.CpModel,
    found: cp_model.CpSolver,
    until: float,
    workers: int,
    seed: int,
) -> Proposal:
    """``proposal`` or a cheaper one: the bending minimised, starting from ``found``'s rota and
    never bending more than it."""
    improve = model.clone()
    _at_most(relaxed, proposal, improve)
    improve.minimize(relaxed.bend_cost())
    solution = found.response_proto.solution
    improve.clear_hints()  # type: ignore[no-untyped-call]
    hint = improve.proto.solution_hint
    hint.vars.extend(range(len(solution)))
    hint.values.extend(solution)
    solver = _solver((until - time.monotonic()) * IMPROVE_SHARE, workers, seed)
    if solver.solve(improve) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        better = relaxed.read(solver)
        if better.cost <= proposal.cost:
            return better
    return proposal


def _restricted(relaxed: RelaxedModel, search: str) -> cp_model.CpModel:
    """The model, or a copy that may bend only rules or only add members."""
    if search == "any":
        return relaxed.m.cp
    model = relaxed.m.cp.clone()
    fixed = (
        relaxed.rule_steps()
        if search == "members"
        else relaxed.steps()[len(relaxed.rule_steps()) :]
    )
    for step in fixed:
        model.add(step == 0)
    return model


def _solver(time_limit_s: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    return solver
