"""Part-timers unloaded: after the stages, load moved off any member of a smaller share who
carries more of a peak's metric (off-hours, night hours) than the most-loaded member of the
largest share in their group (``docs/rules.md``, "What a good rota is").

The ``humane`` stage counts that excess (:mod:`rota.solver.peaks`), but where it is searched
with ``fair`` its ``most`` is bounded from below only, so the search may raise it and never
sees the excess. Here it is exact, and only the members of the groups that carry an excess
are searched (everyone else's assignments stay as they are), with ``fair`` locked at its
value: the excess comes first, then ``humane`` counted with the exact excesses. So the rule
outranks the team's totals: ``humane`` rises only where no rota as fair, changed within those
groups, has less excess at its value.
"""

from __future__ import annotations

from collections.abc import Sequence

from ortools.sat.python import cp_model

from rota.solver.model import RotaModel
from rota.solver.objective import Objective, lexicographic_weights
from rota.solver.peaks import Peak
from rota.solver.search import SolveOptions, hint, new_solver


def excess(peaks: Sequence[Peak], solution: Sequence[int]) -> int:
    """The weighed load part-timers carry above their group's most-loaded full-timers in a
    complete ``solution`` (:meth:`~rota.solver.objective.Objective.complete`)."""
    return sum(peak.weight * solution[over.index] for peak in peaks for _, over in peak.excess)


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
    :func:`excess` found within ``time_limit_s``, and then the least ``humane``; ``solution``
    itself when none is lower in both, in that order.

    ``released``: the constraints that lock ``humane`` (:attr:`Searched.locks
    <rota.solver.stages.Searched.locks>`), dropped here. ``lns_only`` (large models) gives
    every worker to large-neighbourhood search: the step starts from ``solution``, and a
    full-model worker spends its time propagating the variables of everyone held."""
    over = [peak for peak in objective.peaks if excess([peak], solution) > 0]
    if not over:
        return solution
    free = {i for peak in over for i in peak.members}
    peaks = [peak for peak in objective.peaks if free.intersection(peak.members)]
    cp = m.cp.clone()
    for index in released:
        cp.proto.constraints[index].clear_linear()
    variables = cp.proto.variables
    for (i, _, _), var in m.x.items():
        if i not in free:
            domain = variables[var.index].domain
            domain.clear()
            domain.extend([solution[var.index]] * 2)
    hinted = list(solution) if objective.exact_peaks else _relaxed(cp, solution, peaks)
    above: dict[int, cp_model.IntVar] = {}  # by the index of the stage's relaxed excess
    weights: dict[int, int] = {}  # the same way
    for peak in peaks:  # the excess over the exact most, beside the stage's relaxed one
        most = cp.new_int_var(0, _upper(cp, peak.most), "")
        cp.add_max_equality(most, peak.largest)
        hinted.append(solution[peak.most.index])  # exact in a complete solution
        for load, stage_over in peak.excess:
            exact = above[stage_over.index] = cp.new_int_var(0, _upper(cp, stage_over), "")
            cp.add(exact >= load - most)
            weights[stage_over.index] = peak.weight
            hinted.append(solution[stage_over.index])
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
    largest = sum(weights[index] * _upper(cp, var) for index, var in above.items())
    first, then = lexicographic_weights([largest, humane.upper()])
    cp.minimize(first * excess_exact + then * humane_exact)
    hint(cp, hinted)  # complete: CP-SAT starts from it rather than searching for a rota
    solver = new_solver(options, max(0.1, time_limit_s), lns_only=lns_only)
    # Presolving the whole model costs more than the search from the hint (150 members: 11 s
    # before a first step), and most of it is fixed anyway
    solver.parameters.cp_model_presolve = False
    if solver.solve(cp) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return solution
    candidate = objective.complete(list(solver.response_proto.solution)[: len(solution)])
    less = excess(peaks, candidate), humane.value(candidate)
    return candidate if less < (excess(peaks, solution), humane.value(solution)) else solution


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
