"""The kinds split: a large team solved one kind of member at a time, under a plan's counts.

Under each kind's count on every shift (:func:`split_plan`) the rota falls apart into one
problem per kind: every hard rule but coverage is about one member (docs/rules.md), and the
counts fix off-hours and night totals, so the plan weighs those as the ``humane`` stage does.
Each *part* (a kind, or kinds one holiday group spans) is searched alone
(:mod:`rota.solver.split_parts`, whose ``fair`` terms keep the ranges that span kinds), which
evens out hours and weekends where the whole model's neighbourhood search does not. The plan
counts weekends one shift per member (``one_shift_weekends``): the floors' looser count can
hand a kind fewer weekend shifts than its members' levels need. :mod:`rota.solver.solve` fixes
the parts' rotas into the whole model, which checks every rule and gives the roles; a part
without a rota in the first pass ends the split, and the solve goes on with rolling windows.
Why: docs/solver.md, How the search works.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rota.solver.bands import hours_bands
from rota.solver.groups import holiday_groups, share_groups
from rota.solver.loads import load_unit, shares, typical_shift_units
from rota.solver.model import RotaModel
from rota.solver.objective import Objective
from rota.solver.plan import add_peaks, kind_model, relaxation_solver
from rota.solver.split_parts import (
    Part,
    PartProblem,
    PartRota,
    SplitTeam,
    Works,
    solve_part,
)
from rota.solver.strategy import DEFAULT, Strategy


@dataclass(frozen=True, slots=True)
class SplitPlan:
    """Each kind's count on every grid slot and each member's planned weekends."""

    kinds: tuple[tuple[int, ...], ...]
    counts: tuple[dict[int, int], ...]
    weekends: dict[int, int]


def split_plan(
    m: RotaModel,
    weights: Objective,
    time_limit_s: float,
    workers: int,
    seed: int,
    *,
    strategy: Strategy = DEFAULT,
) -> SplitPlan | None:
    """The counts the kinds are solved under: the least hours excess with every group's
    weekends within one (when no plan has them so, the least of both, weighed as the ``fair``
    stage of ``weights`` weighs them), then the least off-hours, night hours and peaks per
    share, weighed as its ``humane`` stage weighs them (None: one kind, or no plan within
    ``time_limit_s``).

    Weekends are first counted one shift per member (see the module docstring); when no plan
    counts them so (a small team whose members must hold two shifts of a weekend each), as
    the floors' relaxation counts them.
    """
    begun = time.monotonic()
    for one_shift in (True, False):
        kinds = kind_model(m, one_shift_weekends=one_shift)
        if kinds is None:
            return None
        fair = weights.hours_weight * kinds.excess + weights.weekend_weight * kinds.weekend_excess
        for even_weekends in (True, False):
            step = kinds.cp.clone()
            if even_weekends:
                step.add(kinds.weekend_excess <= 0)
            step.minimize(fair)
            left = time_limit_s - (time.monotonic() - begun)
            solver = relaxation_solver(left * strategy.even_share, workers, seed, lp=True)
            status = solver.solve(step)
            if status != cp_model.INFEASIBLE:
                break
        if status == cp_model.INFEASIBLE and one_shift:
            continue
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        kinds.cp.add(kinds.excess <= solver.value(kinds.excess))
        kinds.cp.add(kinds.weekend_excess <= solver.value(kinds.weekend_excess))
        off, night = weights.off_hours_weight, weights.night_weight
        peaked = add_peaks(kinds.cp, kinds, weights.peaks)
        kinds.cp.minimize(max(off, 1) * kinds.off_hours + night * kinds.night_hours + peaked)
        solver = relaxation_solver(
            time_limit_s - (time.monotonic() - begun), workers, seed, lp=True
        )
        if solver.solve(kinds.cp) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return SplitPlan(
            kinds=tuple(tuple(kind) for kind in kinds.kinds),
            counts=tuple({k: solver.value(n) for k, n in c.items()} for c in kinds.counts),
            weekends={i: solver.value(total) for i, total in kinds.weekends.items()},
        )
    return None


def split_rota(
    m: RotaModel,
    plan: SplitPlan,
    weights: Objective,
    time_limit_s: float,
    workers: int,
    seed: int,
    *,
    strategy: Strategy = DEFAULT,
) -> Works | None:
    """Who works each grid slot, every kind solved on its own under ``plan`` (see the module
    docstring); None when a kind has no such rota within its share of ``time_limit_s`` (in
    the second pass: the first pass's rota).

    ``weights``: the team's objective, whose ``fair`` coefficients the kinds' problems use."""
    begun = time.monotonic()
    share = shares(m)
    unit = load_unit(m)
    team = SplitTeam(share, hours_bands(m), unit, typical_shift_units(m, unit), weights)
    levels = _weekend_levels(plan, share) if weights.weekend_weight > 0 else {}
    holidays = _holiday_groups(m, plan, share) if weights.holiday_weight > 0 else []
    parts = _parts(plan, holidays, strategy.part_max_members)
    spanning = [group for group in holidays if not any(set(group) <= p.members for p in parts)]
    works: Works = {}
    holiday_bands: dict[int, int] = {}
    for done in range(strategy.split_passes):
        realised = PartRota({}, {}, {})
        ends = begun + time_limit_s * (strategy.first_pass_share if done == 0 else 1.0)
        for j, part in enumerate(parts):
            to_solve = sum(len(later.members) for later in parts[j:])
            budget = (ends - time.monotonic()) * len(part.members) / to_solve
            problem = PartProblem(part, team, levels, holidays, holiday_bands)
            found = solve_part(m, problem, works, budget, workers, seed)
            if found is None:  # the first pass's rota (hinted here) keeps the counts too
                return works or None
            realised.works.update(found.works)
            realised.holidays.update(found.holidays)
            realised.weekends.update(found.weekends)
        works = realised.works
        uneven = [i for i, level in levels.items() if not 0 <= realised.weekends[i] - level <= 1]
        if not spanning and not uneven:
            break
        for group in spanning:
            level = best_level([realised.holidays[i] for i in group], team.shift)
            holiday_bands.update((i, level) for i in group)
        if uneven:  # the plan's weekends did not fit: levels where the kinds' rotas put them
            for group in share_groups(levels, share):
                level = best_level([realised.weekends[i] for i in group], 1)
                levels.update((i, level) for i in group)
    return works


def best_level(values: Sequence[int], width: int) -> int:
    """The ``level`` whose band ``[level, level + width]`` leaves ``values`` least outside it
    (summed); the lowest such level.

    >>> best_level([0, 0, 12, 24], 12)
    0
    >>> best_level([10, 30, 30], 12)
    18
    """
    candidates = sorted(set(values) | {v - width for v in values})
    return min(candidates, key=lambda level: (_outside(values, level, width), level))


def _outside(values: Iterable[int], level: int, width: int) -> int:
    return sum(max(0, level - v, v - level - width) for v in values)


def _parts(plan: SplitPlan, holidays: Sequence[Sequence[int]], max_members: int) -> list[Part]:
    """The plan's kinds, those that one holiday group spans joined while the joined part
    has at most ``max_members`` members (their group's range is then exact)."""
    part_of = list(range(len(plan.kinds)))  # each kind's part, by its first kind
    kind_of = {i: j for j, kind in enumerate(plan.kinds) for i in kind}

    def size(part: int) -> int:
        return sum(len(plan.kinds[j]) for j in range(len(plan.kinds)) if part_of[j] == part)

    for group in holidays:
        spanned = sorted({part_of[kind_of[i]] for i in group})
        if len(spanned) > 1 and sum(size(p) for p in spanned) <= max_members:
            for j, part in enumerate(part_of):
                if part in spanned:
                    part_of[j] = spanned[0]
    parts = []
    for first in sorted(set(part_of)):
        joined = [j for j, part in enumerate(part_of) if part == first]
        parts.append(
            Part(tuple(plan.kinds[j] for j in joined), tuple(plan.counts[j] for j in joined))
        )
    return parts


def _weekend_levels(plan: SplitPlan, share: Sequence[int]) -> dict[int, int]:
    """Each member's least weekends: the fewest the plan gives a member of their share."""
    return {
        i: min(plan.weekends[j] for j in group)
        for group in share_groups(plan.weekends, share)
        for i in group
    }


def _holiday_groups(m: RotaModel, plan: SplitPlan, share: Sequence[int]) -> list[list[int]]:
    """The ``fair`` stage's holiday groups, of members in some kind, two or more each."""
    planned = {i for kind in plan.kinds for i in kind}
    groups = ([i for i in group if i in planned] for group in holiday_groups(m, share))
    return [group for group in groups if len(group) > 1]
