"""Peaks per share: the largest load per full share within a group of members.

The ``humane`` stage (:mod:`rota.solver.objective`) weighs, per group whose members hold
several shares (part-timers, time away), the group's peak load per full share next to its
total, so a half-time member carries about half a full-timer's off-hours and night hours. The
relaxations that plan and bound the stage (:mod:`rota.solver.plan`,
:mod:`rota.solver.member_plan`, :mod:`rota.solver.split`) weigh the same peaks over their own
loads with :func:`weighed_peaks`. Why a peak and not a band per member: docs/solver.md, Why it
is built this way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rota.solver.helpers import Helper
from rota.solver.loads import SHARE_RESOLUTION, Load
from rota.solver.model import RotaModel


@dataclass(frozen=True, slots=True, eq=False)
class Peak:
    """One peak per share of the ``humane`` stage (:func:`share_peak`)."""

    metric: str
    """``off_hours`` (in load units) or ``night`` (in night units)."""
    members: tuple[int, ...]
    """The members compared (:func:`peaked`)."""
    weight: int
    """The stage's coefficient of a unit of the metric, which weighs the peak too."""
    most: cp_model.IntVar
    """At least the load of every member of the group's largest share."""
    largest: tuple[cp_model.LinearExpr, ...]
    """The loads of the members of the group's largest share."""
    excess: tuple[tuple[cp_model.LinearExpr, cp_model.IntVar], ...]
    """Per member of a smaller share, their load and at least that load above ``most``."""
    full_time: tuple[int, ...]
    """The positions in ``members`` of the group's largest ``fte``: the full-timers of the
    rule that no part-timer carries more than the most-loaded of them (``docs/rules.md``).
    Time away can give a part-timer the largest share, so these are not always the largest
    share's."""
    part_time: tuple[int, ...]
    """The positions in ``members`` of everyone else (``fte`` below the full-timers')."""
    loads: tuple[cp_model.LinearExpr, ...]
    """Each member's load, in the order of ``members``."""
    values: tuple[Callable[[Sequence[int]], int], ...]
    """Each member's load on a solution, in the order of ``members``."""

    def part_time_excess(self, solution: Sequence[int]) -> int:
        """The loads of the part-timers above the most-loaded full-timer's, summed."""
        load = [value(solution) for value in self.values]
        most = max(load[k] for k in self.full_time)
        return sum(max(0, load[k] - most) for k in self.part_time)


Peaks = tuple[Peak, ...]

PeakLoad = Callable[[str, int], tuple[cp_model.LinearExprT, int] | None]
"""A relaxation's load of a member in a metric and its largest value (None: not in it)."""


def peaked(loads: Sequence[Load], group: Sequence[int], share: Sequence[int]) -> tuple[int, ...]:
    """The members of ``group`` whose peak load per share :func:`share_peak` weighs (none
    when fewer than two can carry any load, or when no load is left to choose)."""
    members = tuple(i for i in group if loads[i].upper > 0 and share[i] > 0)
    if len(members) < 2 or all(isinstance(v, bool) for i in members for _, v in loads[i].terms):
        return ()
    return members


def share_peak(
    m: RotaModel,
    metric: str,
    weight: int,
    loads: Sequence[Load],
    members: Sequence[int],
    share: Sequence[int],
    helpers: list[Helper],
) -> tuple[Peak, list[cp_model.IntVar]]:
    """The peak of ``members`` (:func:`peaked`) and the variables the stage weighs for it: the
    largest load per full share, ``max(L * R / p)`` (``R`` the :data:`SHARE_RESOLUTION`), and
    per member of a smaller share the load above the most of the largest share's members.

    Unlike a range, the peak does not reward load on the least loaded. The excesses count a
    part-timer above every full-timer where the peak ties (loads come in whole shifts).
    """
    upper = peak_upper(members, share, {i: loads[i].upper for i in members})
    exprs = {i: loads[i].expr() for i in members}
    top = add_peak(m.cp, members, share, exprs, upper, f"peak[{metric},{m.member_id(members[0])}]")
    value = {i: loads[i].value() for i in members}
    helpers.append(
        (top, lambda sol: max(-(-SHARE_RESOLUTION * value[i](sol) // share[i]) for i in members))
    )
    largest = max(share[i] for i in members)
    full = [i for i in members if share[i] == largest]
    most = m.cp.new_int_var(
        0, max(loads[i].upper for i in members), f"most[{metric},{m.member_id(full[0])}]"
    )
    for i in full:
        m.cp.add(most >= exprs[i])
    helpers.append((most, lambda sol: max(value[i](sol) for i in full)))
    # ``most`` is bounded from below only, so the search may raise it and read the excesses as
    # 0: a rota's value counts them, a search does not push them down. It is held exact only
    # after rolling windows (``Objective.hold_exact_peaks``): held exact in the stages' weighted
    # sum, it keeps the search from ``fair``'s floor. :mod:`rota.solver.part_timers` takes what
    # is left off after the search.
    excess = []
    for i in members:
        if share[i] < largest:
            over = m.cp.new_int_var(0, loads[i].upper, f"over[{metric},{m.member_id(i)}]")
            m.cp.add(over >= exprs[i] - most)
            helpers.append((over, _over_value(value[i], most)))
            excess.append((exprs[i], over))
    fte = [m.timeline.members[i].fte for i in members]
    full_fte = max(fte)
    peak = Peak(
        metric,
        tuple(members),
        weight,
        most,
        tuple(exprs[i] for i in full),
        tuple(excess),
        tuple(k for k, f in enumerate(fte) if f == full_fte),
        tuple(k for k, f in enumerate(fte) if f < full_fte),
        tuple(exprs[i] for i in members),
        tuple(value[i] for i in members),
    )
    return peak, [top, *(over for _, over in excess)]


def peak_terms(
    cp: cp_model.CpModel, peaks: Peaks, share: Sequence[int], load: PeakLoad
) -> list[tuple[int, cp_model.IntVar]]:
    """Each of ``peaks`` as ``(weight, top)`` (:func:`add_peak`) over the loads a relaxation
    gives its members (a peak with fewer than two of them in it is left out)."""
    terms = []
    for peak in peaks:
        loads = {i: given for i in peak.members if (given := load(peak.metric, i)) is not None}
        if len(loads) > 1:
            members = list(loads)
            upper = peak_upper(members, share, {i: most for i, (_, most) in loads.items()})
            top = add_peak(cp, members, share, {i: e for i, (e, _) in loads.items()}, upper)
            terms.append((peak.weight, top))
    return terms


def weighed_peaks(
    cp: cp_model.CpModel, peaks: Peaks, share: Sequence[int], load: PeakLoad
) -> cp_model.LinearExpr:
    """``sum(weight * top)`` over :func:`peak_terms`."""
    terms = peak_terms(cp, peaks, share, load)
    return cp_model.LinearExpr.weighted_sum([v for _, v in terms], [w for w, _ in terms])


def peak_upper(members: Sequence[int], share: Sequence[int], uppers: Mapping[int, int]) -> int:
    """The most :func:`add_peak` can be, from each member's largest load."""
    return max(-(-SHARE_RESOLUTION * uppers[i] // share[i]) for i in members)


def add_peak(
    cp: cp_model.CpModel,
    members: Sequence[int],
    share: Sequence[int],
    loads: Mapping[int, cp_model.LinearExprT],
    upper: int,
    name: str = "",
) -> cp_model.IntVar:
    """``top`` with ``top * p >= R * L`` for each member: at its least, the largest load per
    full share (``R`` the :data:`SHARE_RESOLUTION`)."""
    top = cp.new_int_var(0, upper, name)
    for i in members:
        cp.add(share[i] * top >= SHARE_RESOLUTION * loads[i])
    return top


def _over_value(
    load: Callable[[Sequence[int]], int], most: cp_model.IntVar
) -> Callable[[Sequence[int]], int]:
    return lambda sol: max(0, load(sol) - sol[most.index])
