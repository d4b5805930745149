"""Bands and ranges: the two shapes of the ``fair`` and ``humane`` stages' penalties
(:mod:`rota.solver.objective`), shared with the relaxations that plan and bound them
(:mod:`rota.solver.plan`, :mod:`rota.solver.member_plan`, :mod:`rota.solver.split`).

A *band* holds a member's load within ``fair share +- half a typical shift`` (where those
bands cannot add up to the team's total, to the whole step beyond; :func:`member_bands`); its
excess is 0 whenever a fair rota exists, which keeps the LP bound meaningful. A *range* holds
the loads within a group to ``allowed`` of each other (max - min).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction

from ortools.sat.python import cp_model

from rota.solver.helpers import Helper, terms_value
from rota.solver.loads import Load, hours_load, load_unit, shares, typical_shift_units
from rota.solver.model import RotaModel, Value


def band_steps(
    load: Load,
    target: Fraction,
    half_width: Fraction,
    *,
    reach_down: bool = False,
    reach_up: bool = False,
) -> tuple[int, int, int, int] | None:
    """``(step, base, lo, hi)``: the band ``target +- half_width`` as ``base + step * n`` with
    ``lo <= n <= hi``, or None when the load has no free terms.

    ``step`` is the gcd of the free terms' coefficients (a shift's length when every shift is as
    long), so the LP sees how many shifts fit in the band, not how many minutes; ``base`` is
    the load's fixed part. ``reach_down`` (``reach_up``) takes the band at least to the whole
    step just below (above) the target (:func:`member_bands` says when).

    >>> x = cp_model.CpModel().new_bool_var("x")
    >>> band_steps(Load(4, ((6, x),)), Fraction(19), Fraction(3))
    (6, 4, 2, 3)
    >>> band_steps(Load(0, ((6, x),)), Fraction(56), Fraction(3))  # 9 1/3 steps
    (6, 0, 9, 9)
    >>> band_steps(Load(0, ((6, x),)), Fraction(56), Fraction(3), reach_up=True)
    (6, 0, 9, 10)
    """
    lits = [c for c, v in load.terms if not isinstance(v, bool)]
    if not lits:
        return None
    step = math.gcd(*lits)
    base = load.constant + sum(c for c, v in load.terms if v is True)
    lo = math.ceil((target - half_width - base) / step)
    hi = math.floor((target + half_width - base) / step)
    if reach_down:
        lo = min(lo, math.floor((target - base) / step))
    if reach_up:
        hi = max(hi, math.ceil((target - base) / step))
    return step, base, lo, hi


def member_bands(
    m: RotaModel, loads: Sequence[Load], share: Sequence[int], total: int, half_width: Fraction
) -> dict[int, tuple[int, int, int, int]]:
    """Each banded member's band ``p / D * total +- half_width`` as :func:`band_steps` gives
    it (members whose load has no free terms have none); none when fewer than two members
    are banded (the objective then has no bands).

    Where a step is at least as wide as the band, a band holds one step, and those steps need
    not add up to ``total``: then some member is out of band in every rota. So where the bands'
    lows add up to more than ``total``, every band reaches down to the step below its target,
    and where their highs add up to less, up to the step above (docs/solver.md, The model)."""
    members = banded_members(m, loads, share)
    if len(members) < 2:
        return {}
    denominator = sum(share[i] for i in members)
    targets = {i: Fraction(share[i] * total, denominator) for i in members}
    half = {i: band_steps(loads[i], targets[i], half_width) for i in members}
    low = sum(loads[i].lower if b is None else b[1] + b[0] * b[2] for i, b in half.items())
    high = sum(loads[i].lower if b is None else b[1] + b[0] * b[3] for i, b in half.items())
    if low <= total <= high:
        return {i: b for i, b in half.items() if b is not None}
    bands = {}
    for i in members:
        band = band_steps(
            loads[i], targets[i], half_width, reach_down=low > total, reach_up=high < total
        )
        if band is not None:
            bands[i] = band
    return bands


def hours_bands(m: RotaModel) -> dict[int, tuple[int, int, int, int]]:
    """Each member's hours band as the ``fair`` stage draws it (:func:`band_excess`)."""
    unit = load_unit(m)
    share = shares(m)
    loads = [hours_load(m, i, unit) for i in m.members]
    total = hours_total(m, loads, share, unit)
    return member_bands(m, loads, share, total, Fraction(typical_shift_units(m, unit), 2))


def banded_members(m: RotaModel, loads: Sequence[Load], share: Sequence[int]) -> list[int]:
    """Members who get a band: a share, and a load that can be above 0."""
    return [i for i in m.members if share[i] > 0 and loads[i].upper > 0]


def hours_total(m: RotaModel, loads: Sequence[Load], share: Sequence[int], unit: int) -> int:
    """The hours all members with a share carry, history included, in units: a constant,
    because every role of every grid shift is covered."""
    tl = m.timeline
    covered = sum(round(tl.slots[k].minutes / unit) for k in tl.grid_slots) * len(tl.roles)
    return covered + sum(loads[i].constant for i in banded_members(m, loads, share))


def band_excess(
    m: RotaModel,
    metric: str,
    loads: Sequence[Load],
    share: Sequence[int],
    total: int,
    half_width: Fraction,
    helpers: list[Helper],
) -> list[tuple[int, cp_model.IntVar, int]]:
    """Per member: the member, steps of load outside ``[t - half_width, t + half_width]``,
    and the step.

    ``t = p / D * total`` is a constant (the data fixes ``total``), so the band's ends are
    integers computed here and ``dev >= lo - L``, ``dev >= L - hi`` is tight in the LP. Loads
    are counted in steps (:func:`band_steps`) so integrality shows in the LP.
    """
    members = banded_members(m, loads, share)
    if len(members) < 2:
        return []
    # Redundant (coverage implies it) but linear, so the LP relaxation knows the total.
    m.cp.add(sum(loads[i].expr() for i in members) == total)
    devs: list[tuple[int, cp_model.IntVar, int]] = []
    for i, (step, _, lo, hi) in member_bands(m, loads, share, total, half_width).items():
        lits = [(c, v) for c, v in loads[i].terms if not isinstance(v, bool)]
        steps = sum(c // step for c, _ in lits)
        dev = m.cp.new_int_var(0, max(steps - hi, lo, 0), f"dev[{metric},{m.member_id(i)}]")
        load = cp_model.LinearExpr.weighted_sum([v for _, v in lits], [c // step for c, _ in lits])
        m.cp.add(dev >= lo - load)
        m.cp.add(dev >= load - hi)
        helpers.append((dev, _band_value([(c // step, v) for c, v in lits], lo, hi)))
        devs.append((i, dev, step))
    return devs


def range_excess(
    m: RotaModel,
    metric: str,
    loads: Sequence[Load],
    group: Sequence[int],
    allowed: int,
    helpers: list[Helper],
) -> list[cp_model.IntVar]:
    """Units by which the spread (max - min load) within ``group`` exceeds ``allowed``."""
    members = [i for i in group if loads[i].upper > 0]
    if len(members) < 2:
        return []
    if all(isinstance(v, bool) for i in members for _, v in loads[i].terms):
        return []
    name = f"{metric},{m.member_id(members[0])}"
    upper = max(loads[i].upper for i in members)
    top, bottom, dev = add_spread(
        m.cp, [loads[i].expr() for i in members], upper, allowed, name=name
    )
    values = [loads[i].value() for i in members]
    helpers.append((top, lambda sol: max(f(sol) for f in values)))
    helpers.append((bottom, lambda sol: min(f(sol) for f in values)))
    helpers.append((dev, lambda sol: max(0, sol[top.index] - sol[bottom.index] - allowed)))
    return [dev]


def add_spread(
    cp: cp_model.CpModel,
    exprs: Sequence[cp_model.LinearExprT],
    upper: int,
    allowed: int,
    *,
    name: str = "",
) -> tuple[cp_model.IntVar, cp_model.IntVar, cp_model.IntVar]:
    """``(top, bottom, dev)`` with ``top >= each``, ``bottom <= each`` and ``dev >= top - bottom
    - allowed`` (all in ``0..upper``): at their least, the amount by which ``exprs`` spread
    beyond ``allowed``."""
    top = cp.new_int_var(0, upper, f"max[{name}]" if name else "")
    bottom = cp.new_int_var(0, upper, f"min[{name}]" if name else "")
    for expr in exprs:
        cp.add(top >= expr)
        cp.add(bottom <= expr)
    dev = cp.new_int_var(0, upper, f"spread[{name}]" if name else "")
    cp.add(dev >= top - bottom - allowed)
    return top, bottom, dev


def _band_value(
    terms: Sequence[tuple[int, Value]], lo: int, hi: int
) -> Callable[[Sequence[int]], int]:
    count = terms_value(terms)

    def value(solution: Sequence[int]) -> int:
        n = count(solution)
        return max(0, lo - n, n - hi)

    return value
