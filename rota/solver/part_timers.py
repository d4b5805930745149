"""Part-timers unloaded (docs/rules.md, What a good rota is): after the stages, load moves off
any part-timer above their group's most-loaded full-timer in a peak's metric (off-hours, night
hours), and off any member of a smaller share above the most-loaded member of the largest share.

Where ``humane`` is searched with ``fair``, a peak's ``most`` is bounded from below only
(:mod:`rota.solver.peaks`), so the stages never see the excess. Here it is exact: only the
groups carrying an excess are searched, everyone else held and ``fair`` locked, for the least
part-timers' excess (time away can make a part-timer's share the largest, which the share
excess cannot see), then share excess, then ``humane``, which rises only where no rota as fair,
changed within those groups, has less excess. Why: docs/solver.md, How the search works (5).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from ortools.sat.python import cp_model

from rota.solver.model import RotaModel
from rota.solver.objective import Objective, lexicographic_weights
from rota.solver.peaks import Peak
from rota.solver.reach import held_copy
from rota.solver.search import SolveOptions, hint, new_solver


def excess(peaks: Sequence[Peak], solution: Sequence[int]) -> int:
    """The weighed load members of a smaller share carry above their group's most-loaded
    member of the largest share in a complete ``solution``
    (:meth:`~rota.solver.objective.Objective.complete`)."""
    return sum(peak.weight * solution[over.index] for peak in peaks for _, over in peak.excess)


def part_time_excess(peaks: Sequence[Peak], solution: Sequence[int]) -> int:
    """The weighed load part-timers carry above their group's most-loaded full-timer
    (:meth:`Peak.part_time_excess <rota.solver.peaks.Peak.part_time_excess>`)."""
    return sum(peak.weight * peak.part_time_excess(solution) for peak in peaks)


def _excesses(peaks: Sequence[Peak], solution: Sequence[int]) -> tuple[int, int]:
    return part_time_excess(peaks, solution), excess(peaks, solution)


def unload_part_timers(
    m: RotaModel,
    objective: Objective,
    solution: list[int],
    options: SolveOptions,
    time_limit_s: float,
    *,
    released: Sequence[int],
    lns_only: bool = False,
) -> list[int]:
    """``solution`` (complete, every stage of ``m.cp`` locked at its value) with the least
    :func:`part_time_excess` found within ``time_limit_s``, then the least :func:`excess`,
    then the least ``humane``; ``solution`` itself when none is lower in that order, or when
    no time is left (earlier steps ran over; a reach costs seconds of copying and presolve).

    Two reaches, each from the last one's rota: first only the groups whose part-timers
    carry more than a full-timer (few members: presolved, the model is small enough for every
    worker to prove its answer), then every group that carries an excess.

    ``released``: the constraints that lock ``humane`` (:attr:`Searched.locks
    <rota.solver.stages.Searched.locks>`), dropped here. ``lns_only`` (large models) gives
    the second reach's workers to large-neighbourhood search: it starts from the rota, and a
    full-model worker spends its time propagating the variables of everyone held."""
    if time_limit_s <= 0:  # a reach costs seconds of copying and presolve before its search
        return solution
    deadline = time.monotonic() + time_limit_s
    rule = [peak for peak in objective.peaks if part_time_excess([peak], solution)]
    if rule:
        half = time_limit_s / 2
        solution = _unload(m, objective, solution, options, half, released, rule, presolve=True)
    over = [peak for peak in objective.peaks if any(_excesses([peak], solution))]
    if over and (left := deadline - time.monotonic()) > 0:
        solution = _unload(m, objective, solution, options, left, released, over, lns_only=lns_only)
    return solution


def _unload(
    m: RotaModel,
    objective: Objective,
    solution: list[int],
    options: SolveOptions,
    time_limit_s: float,
    released: Sequence[int],
    over: Sequence[Peak],
    *,
    presolve: bool = False,
    lns_only: bool = False,
) -> list[int]:
    """One reach of :func:`unload_part_timers`: the members of the ``over`` peaks searched,
    everyone else held. ``presolve``: for a reach of few members (presolving one of most of
    a large team costs more than its search from the hint)."""
    free = {i for peak in over for i in peak.members}
    peaks = [peak for peak in objective.peaks if free.intersection(peak.members)]
    cp = held_copy(m, solution, lambda i, _: i in free)
    for index in released:
        cp.proto.constraints[index].clear_linear()
    hinted = list(solution) if objective.exact_peaks else _relaxed(cp, solution, peaks)
    above: dict[int, cp_model.IntVar] = {}  # by the index of the stage's relaxed excess
    weights: dict[int, int] = {}  # the same way
    rule: list[tuple[cp_model.IntVar, int]] = []  # the part-timers' excess and its weight
    for peak in peaks:  # the excess over the exact most, beside the stage's relaxed one
        most = cp.new_int_var(0, _upper(cp, peak.most), "")
        cp.add_max_equality(most, peak.largest)
        hinted.append(solution[peak.most.index])  # exact in a complete solution
        for load, stage_over in peak.excess:
            exact = above[stage_over.index] = cp.new_int_var(0, _upper(cp, stage_over), "")
            cp.add(exact >= load - most)
            weights[stage_over.index] = peak.weight
            hinted.append(solution[stage_over.index])
        rule.extend(_part_time_over(cp, peak, solution, hinted))
    assert len(hinted) == len(cp.proto.variables)
    # ``humane`` with the exact excesses: the stage's own lock holds with the relaxed ones,
    # which a complete rota may count higher
    humane = next(stage for stage in objective.stages if stage.name == "humane")
    humane_exact = cp_model.LinearExpr.weighted_sum(
        [above.get(v.index, v) for v, _ in humane.terms], [c for _, c in humane.terms]
    )
    excess_exact = cp_model.LinearExpr.weighted_sum(
        list(above.values()), [weights[index] for index in above]
    )
    rule_exact = cp_model.LinearExpr.weighted_sum([v for v, _ in rule], [w for _, w in rule])
    largest = sum(weights[index] * _upper(cp, var) for index, var in above.items())
    first, second, third = lexicographic_weights(
        [sum(w * _upper(cp, v) for v, w in rule), largest, humane.upper()]
    )
    cp.minimize(first * rule_exact + second * excess_exact + third * humane_exact)
    hint(cp, hinted)  # complete: CP-SAT starts from it rather than searching for a rota
    solver = new_solver(options, max(0.1, time_limit_s), lns_only=lns_only)
    solver.parameters.cp_model_presolve = presolve
    if solver.solve(cp) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return solution
    candidate = objective.complete(list(solver.response_proto.solution)[: len(solution)])
    less = *_excesses(peaks, candidate), humane.value(candidate)
    return candidate if less < (*_excesses(peaks, solution), humane.value(solution)) else solution


def _part_time_over(
    cp: cp_model.CpModel, peak: Peak, solution: Sequence[int], hinted: list[int]
) -> list[tuple[cp_model.IntVar, int]]:
    """Per part-timer of ``peak`` a variable at least their load above the most-loaded
    full-timer's, with its weight (their values on ``solution`` appended to ``hinted``)."""
    if not peak.part_time:
        return []
    loads = [value(solution) for value in peak.values]
    most = cp.new_int_var(0, _upper(cp, peak.most), "")
    cp.add_max_equality(most, [peak.loads[k] for k in peak.full_time])
    top = max(loads[k] for k in peak.full_time)
    hinted.append(top)
    overs = []
    for k in peak.part_time:
        over = cp.new_int_var(0, _upper(cp, peak.most), "")
        cp.add(over >= peak.loads[k] - most)
        hinted.append(max(0, loads[k] - top))
        overs.append((over, peak.weight))
    return overs


def _upper(cp: cp_model.CpModel, var: cp_model.IntVar) -> int:
    return int(max(cp.proto.variables[var.index].domain))


def _relaxed(cp: cp_model.CpModel, solution: Sequence[int], peaks: Sequence[Peak]) -> list[int]:
    """``solution`` with each peak's ``most`` at its largest and no excess: values the locked
    ``humane`` stage allows (it was searched with them), so the hint keeps every lock."""
    hinted = list(solution)
    for peak in peaks:
        hinted[peak.most.index] = _upper(cp, peak.most)
        for _, over in peak.excess:
            hinted[over.index] = 0
    return hinted
