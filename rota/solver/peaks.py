"""Peaks per share: the largest load per full share within a group of members.

The ``humane`` stage (:mod:`rota.solver.objective`) weighs, per group whose members hold
several shares (part-timers, time away), the group's peak load per full share next to its
total, so a half-time member carries about half a full-timer's off-hours and night hours. The
relaxations that plan and bound the stage (:mod:`rota.solver.plan`,
:mod:`rota.solver.member_plan`, :mod:`rota.solver.split`) bound the same peaks with
:func:`add_peak` over their own loads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ortools.sat.python import cp_model

from rota.solver.helpers import Helper, terms_value
from rota.solver.loads import SHARE_RESOLUTION, Load
from rota.solver.model import RotaModel

Peaks = tuple[tuple[str, tuple[int, ...]], ...]
"""Peaks per share of the ``humane`` stage: each one's metric (``off_hours`` or ``night``) and
the members it compares (:func:`peaked`)."""


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
    loads: Sequence[Load],
    members: Sequence[int],
    share: Sequence[int],
    helpers: list[Helper],
) -> list[cp_model.IntVar]:
    """The largest load per full share among ``members`` (:func:`peaked`), ``max(L * R / p)``
    (``R`` the :data:`SHARE_RESOLUTION`): ``top * p >= R * L`` for each member.

    Weighed next to the group's total, it moves load off whoever carries the most for their
    share (a half-time member counts twice their load) without rewarding load on the least
    loaded, as a range would.
    """
    upper = peak_upper(members, share, {i: loads[i].upper for i in members})
    exprs = {i: loads[i].expr() for i in members}
    top = add_peak(m.cp, members, share, exprs, upper, f"peak[{metric},{m.member_id(members[0])}]")
    values = [
        (share[i], terms_value([*loads[i].terms, (loads[i].constant, True)])) for i in members
    ]
    helpers.append((top, lambda sol: max(-(-SHARE_RESOLUTION * f(sol) // p) for p, f in values)))
    return [top, *_above_the_largest_shares(m, metric, loads, members, share, helpers)]


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
    full share (``R`` the :data:`SHARE_RESOLUTION`). The plans' relaxations
    (:mod:`rota.solver.bounds`, :mod:`rota.solver.member_plan`) bound the stage's peaks with
    the same constraint over their own loads."""
    top = cp.new_int_var(0, upper, name)
    for i in members:
        cp.add(share[i] * top >= SHARE_RESOLUTION * loads[i])
    return top


def _above_the_largest_shares(
    m: RotaModel,
    metric: str,
    loads: Sequence[Load],
    members: Sequence[int],
    share: Sequence[int],
    helpers: list[Helper],
) -> list[cp_model.IntVar]:
    """Per member of a smaller share, the load above the most any member of the group's
    largest share carries, counted in the stage's value where the peak ties (loads come in
    whole shifts).

    ``most`` is bounded from below only, so CP-SAT may raise it and reads these excesses as
    0: the value of a rota counts them, the search does not push them down. Held exact (a
    maximum over the full-timers' loads), the 60-member irregular teams' stages searched
    together missed the ``fair`` floor where they reach it without (docs/benchmarks.md)."""
    largest = max(share[i] for i in members)
    full = [i for i in members if share[i] == largest]
    upper = max(loads[i].upper for i in members)
    most = m.cp.new_int_var(0, upper, f"most[{metric},{m.member_id(full[0])}]")
    for i in full:
        m.cp.add(most >= loads[i].expr())
    fulls = [terms_value([*loads[i].terms, (loads[i].constant, True)]) for i in full]
    helpers.append((most, lambda sol: max(f(sol) for f in fulls)))
    excess = []
    for i in members:
        if share[i] == largest:
            continue
        over = m.cp.new_int_var(0, upper, f"over[{metric},{m.member_id(i)}]")
        m.cp.add(over >= loads[i].expr() - most)
        helpers.append(
            (over, _over_value(terms_value([*loads[i].terms, (loads[i].constant, True)]), most))
        )
        excess.append(over)
    return excess


def _over_value(
    load: Callable[[Sequence[int]], int], most: cp_model.IntVar
) -> Callable[[Sequence[int]], int]:
    return lambda sol: max(0, load(sol) - sol[most.index])
