"""A member's load in one metric, and their fair share (docs/rules.md, What a good rota is).

**Loads** are a linear expression over the model plus a constant from history (the previously
published shifts in the look-back window), in integer units of :func:`load_unit` minutes:
``hours`` of the shifts a member holds, their ``off_hours`` (outside the working window),
``night`` (inside the night window), ``holidays`` (public holidays of their ``country``, on
their local dates) and ``weekends`` worked (``W`` variables, history weekends as constants).

**Fair share.** A member's share ``p`` is proportional to ``fte`` times the timeline's minutes
(history window and horizon) in which they are available and eligible, rounded to a whole
percent of the best-available member's, so identical members get identical shares. Member
``m``'s hours target is ``p_m / D * T`` (``D`` the sum of the shares, ``T`` the team's hours,
history included): a constant, since every role of every shift is covered.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rota.solver.facts import MemberShiftFacts, barred
from rota.solver.helpers import terms_value
from rota.solver.model import RotaModel, Value

SHARE_RESOLUTION = 100
"""Shares are whole percent of the best-available member's ``fte`` x available minutes."""

MIN_UNIT_MINUTES = 15
"""Loads are counted in units of at least a quarter-hour (amounts are rounded to a unit)."""


@dataclass(frozen=True, slots=True)
class Load:
    """A member's load in one metric, in units: ``constant + sum(coef * value)``."""

    constant: int
    terms: tuple[tuple[int, Value], ...]

    @property
    def upper(self) -> int:
        return self.constant + sum(c for c, v in self.terms if v is not False and c > 0)

    @property
    def lower(self) -> int:
        """The load's least value (terms fixed to true count, free ones only when negative)."""
        fixed = sum(c for c, v in self.terms if v is True)
        free = sum(c for c, v in self.terms if not isinstance(v, bool) and c < 0)
        return self.constant + fixed + free

    def expr(self) -> cp_model.LinearExpr:
        fixed = self.constant + sum(c for c, v in self.terms if v is True)
        lits = [(c, v) for c, v in self.terms if not isinstance(v, bool)]
        weighted = cp_model.LinearExpr.weighted_sum([v for _, v in lits], [c for c, _ in lits])
        return weighted + fixed

    def value(self) -> Callable[[Sequence[int]], int]:
        """The load's value on a solution (constant included)."""
        return terms_value([*self.terms, (self.constant, True)])


def shares(m: RotaModel) -> list[int]:
    """Each member's share ``p`` (0 for a member who is never available and eligible)."""
    tl = m.timeline
    weights = []
    for i, member in enumerate(tl.members):
        minutes = 0
        eligible = any(role in member.roles for role in tl.roles)
        for k, slot in enumerate(tl.slots):
            if slot.grid_index is not None:
                if (i, k) in m.w:
                    minutes += slot.minutes
            elif (
                eligible
                and tl.facts[i][k].unavailable is None
                and barred(m.team, tl.facts[i][k]) is None
            ):
                minutes += slot.minutes
        weights.append(member.fte * minutes)
    best = max(weights, default=0.0)
    if best <= 0:
        return [0 for _ in weights]
    return [round(SHARE_RESOLUTION * q / best) for q in weights]


def load_unit(m: RotaModel) -> int:
    """Minutes per load unit: the gcd of every amount, at least :data:`MIN_UNIT_MINUTES`."""
    tl = m.timeline
    unit = 0
    for slot in tl.slots:
        unit = math.gcd(unit, slot.minutes)
    for facts in tl.facts:
        for f in facts:
            unit = math.gcd(unit, f.off_minutes, f.holiday_minutes)
    return max(unit, MIN_UNIT_MINUTES)


def night_unit(m: RotaModel, unit: int) -> int:
    """Minutes per unit of night hours: a divisor of ``unit`` that divides every night amount
    (a night window often starts inside a shift, where no handoff is), at least
    :data:`MIN_UNIT_MINUTES`."""
    common = unit
    for facts in m.timeline.facts:
        for f in facts:
            common = math.gcd(common, f.night_minutes)
    return min(d for d in range(max(common, MIN_UNIT_MINUTES), unit + 1) if unit % d == 0)


def _slot_load(m: RotaModel, i: int, amount: Sequence[int], unit: int) -> Load:
    constant = 0
    terms: list[tuple[int, Value]] = []
    for k, minutes in enumerate(amount):
        value = round(minutes / unit)
        if not value:
            continue
        work = m.work(i, k)
        if isinstance(work, bool):
            constant += value if work else 0
        else:
            terms.append((value, work))
    return Load(constant, tuple(terms))


def hours_load(m: RotaModel, i: int, unit: int) -> Load:
    return _slot_load(m, i, [s.minutes for s in m.timeline.slots], unit)


def off_hours_load(m: RotaModel, i: int, unit: int) -> Load:
    return _slot_load(m, i, [f.off_minutes for f in m.timeline.facts[i]], unit)


def night_load(m: RotaModel, i: int, unit: int) -> Load:
    return _slot_load(m, i, [f.night_minutes for f in m.timeline.facts[i]], unit)


def holiday_load(m: RotaModel, i: int, unit: int) -> Load:
    return _slot_load(m, i, [f.holiday_minutes for f in m.timeline.facts[i]], unit)


def weekend_load(m: RotaModel, i: int) -> Load:
    constant = 0
    terms: list[tuple[int, Value]] = []
    for saturday in m.weekends_of(i):
        worked = m.weekend_worked(i, saturday)
        if isinstance(worked, bool):
            constant += int(worked)
        else:
            terms.append((1, worked))
    return Load(constant, tuple(terms))


Metric = tuple[Callable[[MemberShiftFacts], int], Callable[[int], Load]]
"""What one shift adds to a member's load (from the member's facts of it), and a member's
:class:`Load`."""


def peak_metrics(m: RotaModel) -> dict[str, Metric]:
    """The metrics the ``humane`` stage weighs peaks of (``off_hours`` in load units,
    ``night`` in night units), for the relaxations that bound those peaks."""
    unit = load_unit(m)
    small = night_unit(m, unit)
    return {
        "off_hours": (lambda f: round(f.off_minutes / unit), lambda i: off_hours_load(m, i, unit)),
        "night": (lambda f: round(f.night_minutes / small), lambda i: night_load(m, i, small)),
    }


def typical_shift_minutes(m: RotaModel) -> int:
    minutes = sorted(m.timeline.slots[k].minutes for k in m.timeline.grid_slots)
    return minutes[len(minutes) // 2] if minutes else 60


def typical_shift_units(m: RotaModel, unit: int) -> int:
    """:func:`typical_shift_minutes` in load units (at least 1)."""
    return max(1, round(typical_shift_minutes(m) / unit))
