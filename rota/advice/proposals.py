"""The search for ways to bend, over the relaxed model (:mod:`rota.advice.relaxed`).

:func:`find_proposals` minimises the bending (:class:`~rota.advice.costs.BendCosts`) and, to
offer alternatives, forbids each answer and everything that bends at least as much, then solves
again. For a team that already has a rota it instead minimises off-hours and night minutes with
exactly one step of bending, giving the single changes that cut them most.
"""

from __future__ import annotations

import time
from typing import Any

from ortools.sat.python import cp_model

from rota.advice.alone import least_value
from rota.advice.relaxed import Bend, Proposal, RelaxedModel
from rota.solver.model import RotaModel


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
