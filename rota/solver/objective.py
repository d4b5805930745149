"""The objective (docs/rules.md, What a good rota is): penalties in lexicographic stages.

Hours use a band per member (:func:`~rota.solver.bands.band_excess`). Weekends, holiday time,
off-hours and night hours use a range per group of comparable members of one share
(:mod:`rota.solver.groups`, :func:`~rota.solver.bands.range_excess`); across shares, off-hours
and night hours use a peak per share (:mod:`rota.solver.peaks`), not a range, which would reward
load on whoever has the least at the cost of the total and keep the search from a proof.
``fair`` weighs hours, weekends (one weekend as one typical shift), holidays, and off-hours when
the team does not ``avoid`` them; ``humane`` (``night`` when only night hours are avoided)
weighs the off-hours and night totals, ranges and peaks, each by its ``fairness.weights``.
:mod:`rota.solver.stages` searches the stages (:class:`Stage`) in order, or as one sum weighted
by :func:`lexicographic_weights`. Fairness comes first: minimising off-hours first would push
every shift into the zone with the most in-hours capacity.

Why bands, ranges and stages: docs/solver.md, The model and Why it is built this way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ortools.sat.python import cp_model

from rota.model import NightPolicy, OffHoursPolicy
from rota.solver.bands import band_excess, hours_total, range_excess
from rota.solver.groups import (
    holiday_groups,
    night_groups,
    off_hours_groups,
    off_hours_peak_groups,
    share_groups,
)
from rota.solver.helpers import Helper
from rota.solver.loads import (
    Load,
    holiday_load,
    hours_load,
    load_unit,
    night_load,
    night_unit,
    off_hours_load,
    shares,
    typical_shift_units,
    weekend_load,
)
from rota.solver.model import RotaModel
from rota.solver.peaks import Peak, Peaks, peaked, share_peak
from rota.solver.stability import CHANGE_WEIGHT_SHIFTS, ChangeCount

WEIGHT_RESOLUTION = 100
"""Non-integer ``fairness.weights`` are scaled by this factor to integer coefficients."""


@dataclass(frozen=True, slots=True)
class Stage:
    """One lexicographic objective: ``sum(coef * var)``; one point is ``minutes`` weighted min."""

    name: str
    terms: tuple[tuple[cp_model.IntVar, int], ...]
    minutes: float
    parts: tuple[tuple[tuple[cp_model.IntVar, int], ...], ...] = ()
    """Sub-sums locked one by one after the stage (empty: the whole sum is locked)."""

    def expr(self) -> cp_model.LinearExpr:
        return _weighted(self.terms)

    def lock(self, model: cp_model.CpModel, solution: Sequence[int]) -> tuple[int, ...]:
        """Add ``part <= value at solution`` for each part (or the whole stage); the indices
        of the constraints added."""
        return tuple(
            model.add(_weighted(part) <= sum(c * solution[v.index] for v, c in part)).index
            for part in self.parts or (self.terms,)
            if part
        )

    def value(self, solution: Sequence[int]) -> int:
        """The stage's objective on a complete solution (values by proto index)."""
        return sum(c * solution[v.index] for v, c in self.terms)

    def upper(self) -> int:
        """The largest value the stage can take (every variable at the top of its domain)."""
        # The proto's repeated field does not take negative indices (domain[-1] reads 0).
        return sum(c * max(v.proto.domain) for v, c in self.terms)

    def lower(self) -> int:
        """The least value the domains allow (0 for sums of penalties): a trivial floor."""
        return sum(
            c * (min(v.proto.domain) if c > 0 else max(v.proto.domain)) for v, c in self.terms
        )


def lexicographic_weights(uppers: Sequence[int]) -> list[int]:
    """Weights under which ``sum(w * stage)`` ranks solutions as the stages do, in order.

    ``uppers`` are the stages' largest values. The last stage weighs 1, each earlier one 1 more
    than all later stages can add up to, so one point of an earlier stage outweighs any change
    of the later ones (the optimum of the sum is the lexicographic optimum):

    >>> lexicographic_weights([2, 3, 4])
    [20, 5, 1]
    """
    weights = [1] * len(uppers)
    for j in range(len(uppers) - 2, -1, -1):
        weights[j] = 1 + sum(w * u for w, u in zip(weights[j + 1 :], uppers[j + 1 :], strict=True))
    return weights


def split_bound(bound: int, weights: Sequence[int], values: Sequence[int]) -> list[int]:
    """Each stage's proven bound, from a bound on ``sum(w * stage)`` and the stages' values.

    Stage ``j`` can be no lower than ``(bound - earlier stages at their values) // w_j``: the
    later stages add less than ``w_j``. A stage whose value is above its bound leaves the later
    ones little to go on (their bounds are then usually 0).

    >>> split_bound(5, [11, 1], [0, 7])  # the first stage is proven optimal, the second >= 5
    [0, 5]
    >>> split_bound(20, [11, 1], [2, 3])
    [1, 0]
    """
    bounds = []
    rest = bound
    for weight, value in zip(weights, values, strict=True):
        bounds.append(max(0, min(value, rest // weight)))
        rest -= weight * value
    return bounds


def _weighted(terms: Sequence[tuple[cp_model.IntVar, int]]) -> cp_model.LinearExpr:
    return cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [c for _, c in terms])


@dataclass(slots=True)
class Objective:
    """The lexicographic stages and the load unit (minutes) they count in."""

    stages: list[Stage] = field(default_factory=list)
    unit: int = 60
    helpers: list[Helper] = field(default_factory=list)
    hours_weight: int = 0
    """Coefficient of a unit of hours band excess in the ``fair`` stage (0: hours not weighed)."""
    weekend_weight: int = 0
    """Coefficient of a weekend of range excess in the ``fair`` stage (0: not weighed)."""
    holiday_weight: int = 0
    """Coefficient of a unit of holiday range excess in the ``fair`` stage (0: not weighed)."""
    off_hours_weight: int = 0
    """Coefficient of a unit of off-hours in the ``humane`` stage (0: none there): a floor on
    the team's off-hours times this is a floor on the stage."""
    night_weight: int = 0
    """Coefficient of a night unit (:func:`~rota.solver.loads.night_unit`) of night hours in
    the ``humane`` stage (0: none there)."""
    peaks: Peaks = ()
    """The ``humane`` stage's peaks per share (:mod:`rota.solver.peaks`)."""
    exact_peaks: bool = False
    """Each peak's ``most`` is held at the largest load (:meth:`hold_exact_peaks`)."""
    blame: dict[int, Callable[[Sequence[int]], tuple[int, ...]]] = field(default_factory=dict)
    """Per ``fair`` term (by variable index), the members who carry its excess on a solution:
    the member out of band, or a group's most and least loaded (:mod:`rota.solver.repair`)."""

    def hold_exact_peaks(self, cp: cp_model.CpModel) -> None:
        """Hold each peak's ``most`` at exactly its largest share's most-loaded member, so the
        excesses are exact (bounded from below only, the search may raise it and read every
        excess as 0): for ``humane`` capping the search of ``fair`` after rolling windows, and
        searched after it."""
        if not self.exact_peaks:
            for peak in self.peaks:
                cp.add_max_equality(peak.most, peak.largest)
            self.exact_peaks = True

    def complete(self, solution: list[int]) -> list[int]:
        """``solution`` (of the hard rules alone, or of the whole model) with every penalty
        variable at the least value its assignments allow (computed in order)."""
        if not self.helpers:
            return list(solution)
        full = solution + [0] * (max(v.index for v, _ in self.helpers) + 1 - len(solution))
        for var, value in self.helpers:
            full[var.index] = value(full)
        return full


def covered_minutes(m: RotaModel) -> int:
    """Minutes the grid asks of the team: every role of every shift."""
    tl = m.timeline
    return sum(tl.slots[k].minutes for k in tl.grid_slots) * len(tl.roles)


def _integer_weights(weights: Sequence[float]) -> tuple[list[int], int]:
    if all(float(w).is_integer() for w in weights):
        return [int(w) for w in weights], 1
    return [round(w * WEIGHT_RESOLUTION) for w in weights], WEIGHT_RESOLUTION


def prepare(m: RotaModel) -> None:
    """Create the weekend variables the objective reads (before the model is copied)."""
    for i in m.members:
        weekend_load(m, i)


def build_objective(
    m: RotaModel, changes: ChangeCount | None = None, *, even_hours: bool = True
) -> Objective:
    """Create every penalty variable (each with a :data:`Helper`) and the stages.

    ``changes`` (a re-solve, :mod:`rota.solver.stability`) joins the ``fair`` stage at
    :data:`~rota.solver.stability.CHANGE_WEIGHT_SHIFTS` typical shifts of hours excess per
    change; fairness and changes are then locked separately.

    ``even_hours`` adds to ``fair`` the hours range of each share (beyond one shift): 0 while
    the bands hold, it spreads the excess evenly among comparable members where they cannot.
    Locked, it ties every member's hours to shared max/min variables and slows the ``humane``
    search, so :mod:`rota.solver.solve` uses it for small models and for the whole horizon
    after rolling windows (where the bands often cannot all hold).
    """
    cfg = m.team.config
    weights = cfg.fairness.weights
    avoid = cfg.rotation.off_hours is OffHoursPolicy.AVOID
    share = shares(m)
    unit = load_unit(m)
    shift = typical_shift_units(m, unit)
    half = Fraction(shift, 2)
    everyone = list(m.members)
    (w_hours, w_off, w_weekends, w_holidays, w_night), resolution = _integer_weights(
        [weights.hours, weights.off_hours, weights.weekends, weights.holidays, weights.night]
    )
    nights = cfg.rotation.night is NightPolicy.AVOID and w_night > 0

    helpers: list[Helper] = []
    fair: list[tuple[cp_model.IntVar, int]] = []
    blame: dict[int, Callable[[Sequence[int]], tuple[int, ...]]] = {}
    same_share = share_groups(everyone, share)
    if w_hours > 0:
        loads = [hours_load(m, i, unit) for i in everyone]
        fixed = hours_total(m, loads, share, unit)
        for i, d, step in band_excess(m, "hours", loads, share, fixed, half, helpers):
            fair.append((d, w_hours * step))
            blame[d.index] = _alone(i)
        if even_hours:
            for group in same_share:
                spread = range_excess(m, "hours", loads, group, shift, helpers)
                fair.extend((d, w_hours) for d in spread)
                blame.update((d.index, _extremes(loads, group)) for d in spread)
    if w_weekends > 0:
        loads = [weekend_load(m, i) for i in everyone]
        for group in same_share:
            spread = range_excess(m, "weekends", loads, group, 1, helpers)
            fair.extend((d, w_weekends * shift) for d in spread)
            blame.update((d.index, _extremes(loads, group)) for d in spread)
    if w_holidays > 0:
        loads = [holiday_load(m, i, unit) for i in everyone]
        for group in holiday_groups(m, share):
            spread = range_excess(m, "holidays", loads, group, shift, helpers)
            fair.extend((d, w_holidays) for d in spread)
            blame.update((d.index, _extremes(loads, group)) for d in spread)

    # The humane stage: off-hours (``avoid``) and night hours (``night: avoid``, counted in
    # their own, finer unit), each as the team's total plus the ranges per share, weighed
    # against each other by their weights.
    small = night_unit(m, unit) if nights else unit
    off_coef, night_coef = (max(w_off, 1) * unit // small, w_night) if avoid and nights else (1, 1)
    humane: list[tuple[cp_model.IntVar, int]] = []
    totals: list[tuple[int, Load]] = []
    off_loads = [off_hours_load(m, i, unit) for i in everyone]
    if w_off > 0:
        for group in off_hours_groups(m, share):
            spread = range_excess(m, "off_hours", off_loads, group, shift, helpers)
            (humane if avoid else fair).extend((d, off_coef if avoid else w_off) for d in spread)
    peaks: list[Peak] = []
    if avoid and w_off > 0:  # a peak is never 0: it belongs with the totals
        for group in off_hours_peak_groups(m, share):
            if members := peaked(off_loads, group, share):
                peak, terms = share_peak(
                    m, "off_hours", off_coef, off_loads, members, share, helpers
                )
                peaks.append(peak)
                humane.extend((d, off_coef) for d in terms)
    if avoid:
        totals.extend((off_coef, load) for load in off_loads)
    if nights:
        night_loads = [night_load(m, i, small) for i in everyone]
        night_shift = shift * unit // small
        for group in night_groups(m, share):
            if members := peaked(night_loads, group, share):
                peak, terms = share_peak(
                    m, "night", night_coef, night_loads, members, share, helpers
                )
                peaks.append(peak)
                humane.extend((d, night_coef) for d in terms)
            for same in share_groups(group, share):
                spread = range_excess(m, "night", night_loads, same, night_shift, helpers)
                humane.extend((d, night_coef) for d in spread)
        totals.extend((night_coef, load) for load in night_loads)
    humane.extend(_merged_terms(totals))

    objective = Objective(
        unit=unit,
        helpers=helpers,
        hours_weight=max(w_hours, 0),
        off_hours_weight=off_coef if avoid else 0,
        night_weight=night_coef if avoid and nights else 0,
        weekend_weight=max(w_weekends, 0) * shift,
        holiday_weight=max(w_holidays, 0),
        peaks=tuple(peaks) if avoid else (),
        blame=blame,
    )
    stable: list[tuple[cp_model.IntVar, int]] = []
    if changes is not None:
        per_hour_unit = w_hours if w_hours > 0 else resolution
        weight = max(1, round(CHANGE_WEIGHT_SHIFTS * shift * per_hour_unit))
        stable.append((changes.var, weight))
        helpers.append((changes.var, changes.value))
    if fair or stable:
        objective.stages.append(
            Stage("fair", (*fair, *stable), unit / resolution, parts=(tuple(fair), tuple(stable)))
        )
    if humane:
        # Off-hours alone, night alone, or both with their weights in the coefficients
        alone = w_off if avoid and not nights else w_night if nights and not avoid else 0
        weight = alone if alone > 0 else (1 if avoid and nights else resolution)
        # Named ``night`` without off-hours: the off-hours floors (bounds.py) are not its own
        name = "humane" if avoid else "night"
        objective.stages.append(Stage(name, tuple(humane), small * weight / resolution))
    return objective


def _alone(i: int) -> Callable[[Sequence[int]], tuple[int, ...]]:
    return lambda _: (i,)


def _extremes(
    loads: Sequence[Load], group: Sequence[int]
) -> Callable[[Sequence[int]], tuple[int, ...]]:
    """The members of ``group`` at its most and at its least load on a solution."""
    values = {i: loads[i].value() for i in group}

    def extremes(solution: Sequence[int]) -> tuple[int, ...]:
        load = {i: value(solution) for i, value in values.items()}
        ends = (max(load.values()), min(load.values()))
        return tuple(i for i in group if load[i] in ends)

    return extremes


def _merged_terms(
    totals: Sequence[tuple[int, Load]],
) -> list[tuple[cp_model.IntVar, int]]:
    """``sum(coef * load)`` over ``totals`` as one term per variable (constants dropped)."""
    merged: dict[int, tuple[cp_model.IntVar, int]] = {}
    for coef, load in totals:
        for c, v in load.terms:
            if isinstance(v, bool):
                continue
            assert isinstance(v, cp_model.IntVar)
            old = merged.get(v.index)
            merged[v.index] = (v, coef * c + (old[1] if old else 0))
    return list(merged.values())
