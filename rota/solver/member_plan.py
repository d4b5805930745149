"""The member plan: the off-hours plan with every member's hours band, whose counts then bind
a first search of the whole rota.

The kinds' plan (:mod:`rota.solver.plan`) sums a kind's hours bands, and its counts may not
split among the kind's members within their own bands. The member plan adds which members hold
each shift (``y``; a ``whole`` weekend's Saturday holder holds its Sunday too) and each member's
band excess as the ``fair`` stage counts it. Still a relaxation (rest, blocks, days off after
nights and weekends, weekend limits and roles per member are left out), it is solved in two
steps: (1) the least hours band excess with every group's weekends within one of each other;
(2) holding both, the least ``humane`` stage, peaks per share included; its counts are the plan.
:mod:`rota.solver.solve` then searches the rota with them held (:func:`hold_counts`); a rota
that reaches the plan's ``humane`` value with the bands held is proven optimal by the plan's
bound. Why, and for which teams (:meth:`~rota.solver.strategy.Strategy.route`): docs/solver.md,
How the search works.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from rota.solver.bands import hours_bands
from rota.solver.bounds import integral_bound
from rota.solver.loads import load_unit, peak_metrics, shares
from rota.solver.model import RotaModel
from rota.solver.peaks import Peaks, weighed_peaks
from rota.solver.plan import KindModel, kind_model, relaxation_solver
from rota.solver.strategy import DEFAULT
from rota.solver.weekend_rules import weekend_partner


@dataclass(frozen=True, slots=True)
class MemberPlan:
    """Each kind's count on every grid slot, and what the plan proved.

    ``excess``: the hours band excess (in load units, as the ``fair`` stage weighs it) the
    plan found least, ``excess_proven`` whether no rota has less and, when the team weighs
    weekends, whether the plan keeps every group's weekends within one of each other (so a
    rota at the plan's excess has no ``fair`` beyond its hours). ``humane``: the plan's value
    of the ``humane`` stage's totals and peaks (in the stage's points); ``humane_bound``: no
    rota whose ``fair`` stage is at its floor has less (0 when nothing was proven).
    """

    kinds: tuple[tuple[int, ...], ...]
    counts: tuple[dict[int, int], ...]
    excess: int
    excess_proven: bool
    humane: int
    humane_bound: int


def member_plan(
    m: RotaModel,
    least_excess: int,
    time_limit_s: float,
    workers: int,
    seed: int,
    *,
    weights: tuple[int, int],
    humane: tuple[int, int] = (1, 0),
    peaks: Peaks = (),
    excess_share: float = DEFAULT.excess_share,
) -> MemberPlan | None:
    """The plan of ``m`` (see the module docstring), or None when the team is one kind or no
    answer is found within ``time_limit_s``.

    ``least_excess``: a proven floor of the hours band excess in load units (the kinds'
    own, :func:`~rota.solver.bounds.fair_floor`). Step 1 first looks for a plan with no more,
    and with every group's weekends within one: finding one is far quicker than minimising
    to it. ``weights``: the ``fair`` stage's coefficients of a unit of hours
    excess and of a weekend of range excess, for when there is no such plan; ``humane`` and
    ``peaks``: the ``humane`` stage's coefficients of a unit of off-hours and of night hours,
    and its peaks per share (:attr:`~rota.solver.objective.Objective.peaks`).
    """
    kinds = kind_model(m)
    if kinds is None:
        return None
    hours_weight, weekend_weight = weights
    hours, y = _member_bands(m, kinds)
    weekends = kinds.weekend_excess if weekend_weight > 0 else cp_model.LinearExpr.constant(0)
    step1 = kinds.cp.clone()
    step1.add(hours <= least_excess)
    step1.add(weekends <= 0)
    solver = relaxation_solver(time_limit_s * excess_share, workers, seed, lp=True)
    status = solver.solve(step1)
    left = time_limit_s - solver.wall_time
    least, uneven, proven = least_excess, 0, status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if not proven:
        step1 = kinds.cp.clone()
        step1.minimize(hours_weight * hours + weekend_weight * weekends)
        solver = relaxation_solver(left * excess_share, workers, seed, lp=True)
        status = solver.solve(step1)
        left -= solver.wall_time
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        least, uneven = solver.value(hours), solver.value(weekends)
    # The least humane value is a floor for rotas whose ``fair`` stage is at its floor, and such a
    # rota's weekends are within one (see MemberPlan). The floors look it up by the hours
    # excess ``fair`` allows (``fair // hours_weight``): that excess leaves no room for a
    # weekend beyond the range only when a weekend weighs at least a unit of hours.
    floor = proven and (weekend_weight == 0 or weekend_weight >= hours_weight)
    kinds.cp.add(hours <= least)
    kinds.cp.add(weekends <= uneven)
    off, night = humane
    peaked = _peaks(m, kinds.cp, y, peaks)
    kinds.cp.minimize(off * kinds.off_hours + night * kinds.night_hours + peaked)
    solver = relaxation_solver(left, workers, seed, lp=True)
    status = solver.solve(kinds.cp)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return MemberPlan(
        kinds=tuple(tuple(kind) for kind in kinds.kinds),
        counts=tuple({k: solver.value(n) for k, n in c.items()} for c in kinds.counts),
        excess=least,
        excess_proven=proven,
        humane=round(solver.objective_value),
        humane_bound=max(0, integral_bound(solver.best_objective_bound)) if floor else 0,
    )


def hold_counts(cp: cp_model.CpModel, m: RotaModel, plan: MemberPlan) -> None:
    """Add to ``cp`` (``m``'s model or a copy of it) that each kind holds every grid slot
    exactly as many times as the plan counts (none where it has no count)."""
    for kind, counts in zip(plan.kinds, plan.counts, strict=True):
        for k in m.timeline.grid_slots:
            works = [m.w[i, k] for i in kind if (i, k) in m.w]
            if works:
                cp.add(sum(works) == counts.get(k, 0))


def _member_bands(
    m: RotaModel, kinds: KindModel
) -> tuple[cp_model.LinearExpr, dict[tuple[int, int], cp_model.IntVar]]:
    """Add ``y`` (which members of a kind hold a slot) to the kinds' model, and return the
    members' hours band excess in load units (``step x steps`` outside the band, as
    :func:`~rota.solver.bands.band_excess` counts it) and ``y``."""
    tl = m.timeline
    cp = kinds.cp
    y: dict[tuple[int, int], cp_model.IntVar] = {}
    for kind, count in zip(kinds.kinds, kinds.counts, strict=True):
        for k, n in count.items():
            held = []
            for i in kind:
                if (i, k) in m.w:
                    y[i, k] = cp.new_bool_var("")
                    held.append(y[i, k])
            cp.add(sum(held) == n)
    for (i, k), held_here in y.items():
        partner = weekend_partner(m, i, k)
        if partner is not None:
            if (i, partner) in y:
                cp.add(held_here <= y[i, partner])
            else:
                cp.add(held_here == 0)
    unit = load_unit(m)
    excess: list[tuple[int, cp_model.IntVar]] = []
    for i, (step, _, lo, hi) in hours_bands(m).items():
        terms = [
            (round(tl.slots[k].minutes / unit) // step, y[i, k])
            for k in tl.grid_slots
            if (i, k) in y
        ]
        steps = cp_model.LinearExpr.weighted_sum([v for _, v in terms], [c for c, _ in terms])
        most = sum(c for c, _ in terms)
        dev = cp.new_int_var(0, max(most - hi, lo, 0), "")
        cp.add(dev >= lo - steps)
        cp.add(dev >= steps - hi)
        excess.append((step, dev))
    total = cp_model.LinearExpr.weighted_sum([d for _, d in excess], [s for s, _ in excess])
    return total, y


def _peaks(
    m: RotaModel, cp: cp_model.CpModel, y: dict[tuple[int, int], cp_model.IntVar], peaks: Peaks
) -> cp_model.LinearExpr:
    """The ``humane`` stage's peaks per share over the members' loads in ``y``, weighed."""
    tl = m.timeline
    metrics = peak_metrics(m)

    def load(metric: str, i: int) -> tuple[cp_model.LinearExprT, int]:
        amount, load_of = metrics[metric]
        held = [(amount(tl.facts[i][k]), y[i, k]) for k in tl.grid_slots if (i, k) in y]
        history = load_of(i).constant
        expr = cp_model.LinearExpr.weighted_sum([v for _, v in held], [a for a, _ in held])
        return history + expr, history + sum(a for a, _ in held)

    return weighed_peaks(cp, peaks, shares(m), load)
