"""The off-hours plan: how many members of each kind a shift needs, so off-hours go where they must.

On a large team the ``humane`` search rarely finds, among all members, the few rotas that keep
almost everyone in their working window. The plan answers at the level of *kinds*, members the
objective cannot tell apart per shift (:func:`member_kinds`; in practice one per zone and
working window): :func:`kind_model` counts, per shift, the members of each kind who hold it,
under coverage, availability, the kinds' summed hours bands and the weekend rules. Every valid,
fair rota gives such counts, so the model is a relaxation and its optima are floors
(:mod:`rota.solver.bounds`). :func:`off_hours_skip` turns the places the least off-hours plan
leaves empty outside a kind's working window into assignments to withhold
(:meth:`~rota.solver.model.RotaModel.withhold`); the rules the plan leaves out (rest, blocks,
days off, which member holds which shift) can make the restricted model infeasible, and the
caller then falls back to the full model.

Why: docs/solver.md, How the search works and Why it is built this way; figures:
docs/benchmarks.md.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from ortools.sat.python import cp_model

from rota.solver.bands import add_spread, banded_members, hours_bands, hours_total
from rota.solver.groups import share_groups
from rota.solver.loads import (
    hours_load,
    load_unit,
    night_unit,
    peak_metrics,
    shares,
)
from rota.solver.model import RotaModel
from rota.solver.peaks import Peaks, weighed_peaks
from rota.solver.weekend_rules import weekend_partner

Skip = frozenset[tuple[str, int, str]]
"""``(member id, grid index, role)`` triples the plan leaves no place for."""


def member_kinds(m: RotaModel) -> list[list[int]]:
    """Members the objective cannot tell apart in any single shift, grouped (each list sorted):
    the same roles, and the same off-hours minutes, night minutes and local weekend in every
    shift. Members without any variable are left out.
    """
    tl = m.timeline
    kinds: dict[Hashable, list[int]] = defaultdict(list)
    working = {i for i, _ in m.w}
    for i in m.members:
        if i not in working:
            continue
        facts = tl.facts[i]
        shape = tuple(
            (facts[k].off_minutes, facts[k].night_minutes, facts[k].weekend) for k in tl.grid_slots
        )
        kinds[tl.members[i].roles, shape].append(i)
    return list(kinds.values())


@dataclass(slots=True)
class KindModel:
    """The counts model (:func:`kind_model`), with no objective yet.

    ``off_hours`` is the team's off-hours in load units, ``night_hours`` its night hours in
    night units (:func:`~rota.solver.loads.night_unit`), ``excess`` the hours the kinds carry
    beyond the sums of their members' bands (in units, both directions), ``counts[j][k]`` how
    many members of ``kinds[j]`` hold grid slot ``k``.
    """

    m: RotaModel
    """The model it relaxes."""
    cp: cp_model.CpModel
    kinds: list[list[int]]
    counts: list[dict[int, cp_model.IntVar]]
    off_hours: cp_model.LinearExpr
    off_hours_upper: int
    night_hours: cp_model.LinearExpr
    excess: cp_model.LinearExpr
    weekend_excess: cp_model.LinearExpr
    """Weekends by which each group of members with one share spreads beyond one (the
    ``fair`` stage's weekend range, :func:`~rota.solver.bands.range_excess`), summed over
    the groups: every member's weekends are their literals here, history included."""
    weekends: dict[int, cp_model.LinearExpr]
    """Each member's weekends worked, history included (members who can have one)."""


def kind_model(
    m: RotaModel,
    paced: Mapping[int, tuple[int, int]] | None = None,
    *,
    one_shift_weekends: bool = False,
) -> KindModel | None:
    """The counts model over the kinds of :func:`member_kinds` (None: fewer than two kinds).

    A kind's count on a slot is at most its members free there (on a ``whole`` weekend's
    Saturday, also on the Sunday partner) and at least those a ``whole`` weekend begun in
    history holds there; a slot's counts add up to its roles, each role held by some kind; each
    kind carries the sum of its members' hours bands (:func:`~rota.solver.bands.band_steps`,
    ``excess`` counts both ways); weekends are counted per member (``_add_weekends``). Every
    valid rota gives a solution with the same off-hours and at most its hours band excess, so
    the optimum is a floor (:mod:`rota.solver.bounds`).

    ``paced`` (a rolling window's weekend pace, :func:`~rota.solver.windows.paced_weekends`):
    each member's least and most weekends, history included, which the model then keeps.
    ``one_shift_weekends``: a kind's members working a weekend number exactly its shifts other
    than ``whole`` Saturdays (one each), not at least its largest count; the kinds split
    (:mod:`rota.solver.split`) plans so, because its kinds' rotas come close to it. The model is
    then no relaxation (a member may hold two touching weekend shifts), so the floors do not
    use it.
    """
    tl = m.timeline
    kinds = member_kinds(m)
    if len(kinds) < 2:
        return None
    unit = load_unit(m)
    share = shares(m)
    loads = [hours_load(m, i, unit) for i in m.members]
    total = hours_total(m, loads, share, unit)
    banded = banded_members(m, loads, share)
    bands = hours_bands(m)

    cp = cp_model.CpModel()
    weekends: dict[int, cp_model.LinearExpr] = {}  # each member's weekends worked
    counts: list[dict[int, cp_model.IntVar]] = []
    off_terms: list[tuple[int, cp_model.IntVar]] = []
    night_terms: list[tuple[int, cp_model.IntVar]] = []
    small = night_unit(m, unit)
    excess: list[cp_model.IntVar] = []
    for kind in kinds:
        rep = kind[0]
        roles = [r for r in tl.roles if r in tl.members[rep].roles]
        count: dict[int, cp_model.IntVar] = {}
        held = _held_on(m, kind)
        for k in tl.grid_slots:
            # A whole weekend's Saturday holder holds the Sunday partner too.
            partner = weekend_partner(m, rep, k)
            free = sum(
                1 for i in kind if (i, k) in m.w and (partner is None or (i, partner) in m.w)
            )
            if free:
                count[k] = cp.new_int_var(min(held[k], free), min(len(roles), free), "")
                off = round(tl.facts[rep][k].off_minutes / unit)
                if off:
                    off_terms.append((off, count[k]))
                night = tl.facts[rep][k].night_minutes // small
                if night:
                    night_terms.append((night, count[k]))
        counts.append(count)
        lo = hi = 0
        for i in kind:
            if i in bands:
                step, base, low, high = bands[i]
                lo += base + step * low
                hi += base + step * high
        fixed = sum(loads[i].constant for i in kind if i in banded)
        carried = fixed + sum(round(tl.slots[k].minutes / unit) * n for k, n in count.items())
        under, over = cp.new_int_var(0, total, ""), cp.new_int_var(0, total, "")
        cp.add(carried + under >= lo)
        cp.add(carried - over <= hi)
        excess += [under, over]
        weekends.update(_add_weekends(m, cp, kind, count, paced or {}, one_shift_weekends))
    for k in tl.grid_slots:
        needed = [r for r in tl.roles if (k, r) not in m.outside]
        cp.add(sum(c[k] for c in counts if k in c) == len(needed))
        for role in needed:
            holders = [
                c[k]
                for kind, c in zip(kinds, counts, strict=True)
                if k in c and role in tl.members[kind[0]].roles
            ]
            cp.add(sum(holders) >= 1)
    return KindModel(
        m=m,
        cp=cp,
        kinds=kinds,
        counts=counts,
        off_hours=cp_model.LinearExpr.weighted_sum(
            [v for _, v in off_terms], [c for c, _ in off_terms]
        ),
        off_hours_upper=sum(c * max(v.proto.domain) for c, v in off_terms),
        night_hours=cp_model.LinearExpr.weighted_sum(
            [v for _, v in night_terms], [c for c, _ in night_terms]
        ),
        excess=cp_model.LinearExpr.sum(excess),
        weekend_excess=_weekend_ranges(m, cp, weekends, share),
        weekends=weekends,
    )


def _weekend_ranges(
    m: RotaModel,
    cp: cp_model.CpModel,
    weekends: Mapping[int, cp_model.LinearExpr],
    share: list[int],
) -> cp_model.LinearExpr:
    """The weekends by which members of one share spread beyond one, summed over shares."""
    most = max((len(m.weekends_of(i)) for i in weekends), default=0)
    spreads = [
        add_spread(cp, [weekends[i] for i in group], most, 1)[2]
        for group in share_groups(weekends, share)
        if len(group) > 1
    ]
    return cp_model.LinearExpr.sum(spreads)


def add_peaks(cp: cp_model.CpModel, relaxed: KindModel, peaks: Peaks) -> cp_model.LinearExpr:
    """The ``humane`` stage's peaks per share over ``relaxed``, added to ``cp`` (a copy of its
    model), weighed. Member ``i`` carries their history plus ``g * n_i`` (``g`` the gcd of what
    one of the kind's shifts adds), and the ``n_i`` of a kind add up to its load: any rota
    gives such a split, so the peaks' least values count towards a floor, and where a group's
    load cannot split evenly by share in whole shifts, that is seen too."""
    m = relaxed.m
    facts = m.timeline.facts
    metrics = peak_metrics(m)
    kind_of = {i: j for j, kind in enumerate(relaxed.kinds) for i in kind}
    carried: dict[tuple[str, int], tuple[cp_model.LinearExprT, int]] = {}
    for metric in sorted({peak.metric for peak in peaks}):
        amount, load_of = metrics[metric]
        loads = {i: load_of(i) for peak in peaks if peak.metric == metric for i in peak.members}
        carried.update(((metric, i), (load.constant, load.upper)) for i, load in loads.items())
        for j in sorted({kind_of[i] for i in loads if i in kind_of}):
            kind, rep = relaxed.kinds[j], relaxed.kinds[j][0]
            shifts = [(amount(facts[rep][k]), n) for k, n in relaxed.counts[j].items()]
            shifts = [(a, n) for a, n in shifts if a > 0]
            step = math.gcd(*(a for a, _ in shifts)) if shifts else 0
            if not step:
                continue
            split = []
            for i in kind:
                load = loads.get(i) or load_of(i)
                split.append(cp.new_int_var(0, (load.upper - load.constant) // step, ""))
                carried[metric, i] = (load.constant + step * split[-1], load.upper)
            cp.add(step * sum(split) == sum(a * n for a, n in shifts))
    return weighed_peaks(cp, peaks, shares(m), lambda metric, i: carried[metric, i])


def relaxation_solver(
    time_limit_s: float, workers: int, seed: int, *, lp: bool = False
) -> cp_model.CpSolver:
    """The solver for a :class:`KindModel` (the plan here, the stage floors in
    :mod:`rota.solver.bounds`): default search, it proves these small models optimal.

    ``lp`` adds a level-2 LP worker (``max_lp``), for the member plan, the kinds split's plan
    and its parts: it proves their optima where the default worker's level-1 LP leaves the
    bound short."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    if lp:
        solver.parameters.subsolvers.append("max_lp")
    return solver


def off_hours_skip(
    m: RotaModel,
    time_limit_s: float,
    workers: int,
    seed: int,
    paced: Mapping[int, tuple[int, int]] | None = None,
) -> Skip:
    """Assignments outside working hours the least off-hours plan (hours excess weighed above
    all off-hours) has no place for; empty when no plan is found within ``time_limit_s``.

    ``paced``: as for :func:`kind_model`.
    """
    tl = m.timeline
    plan = kind_model(m, paced)
    if plan is None:
        return frozenset()
    plan.cp.minimize((1 + plan.off_hours_upper) * plan.excess + plan.off_hours)
    solver = relaxation_solver(time_limit_s, workers, seed)
    if solver.solve(plan.cp) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return frozenset()
    skip: set[tuple[str, int, str]] = set()
    for kind, count in zip(plan.kinds, plan.counts, strict=True):
        rep = kind[0]
        for k, n in count.items():
            if solver.value(n) or not tl.facts[rep][k].off_minutes:
                continue
            index = tl.slots[k].grid_index
            assert index is not None
            for i in kind:
                for role in tl.members[i].roles:
                    skip.add((m.member_id(i), index, role))
    return frozenset(skip)


def _held_on(m: RotaModel, kind: list[int]) -> Counter[int]:
    """Per grid slot, members of ``kind`` who must hold it: the Sunday partner of a
    ``whole`` weekend they began in history (a window's first Sunday, local time)."""
    tl = m.timeline
    held: Counter[int] = Counter()
    for i in kind:
        for k in range(tl.first_grid):
            partner = weekend_partner(m, i, k)
            if partner is not None and partner >= tl.first_grid and m.work(i, k) is True:
                held[partner] += 1
    return held


def _add_weekends(
    m: RotaModel,
    cp: cp_model.CpModel,
    kind: list[int],
    count: dict[int, cp_model.IntVar],
    paced: Mapping[int, tuple[int, int]],
    one_shift: bool = False,
) -> dict[int, cp_model.LinearExpr]:
    """Who of the kind works each weekend: every member's weekend limit (rule 5) and pace,
    history included, and ``whole`` weekends' partners; returns each member's weekends
    worked, history included.

    ``worked[saturday]``, the kind's members working that weekend in the window, is the sum of
    one literal per member free then; it is at least the largest count on the weekend's shifts
    and at most the sum over those that are not a ``whole`` weekend's Saturday (whose holders
    hold its Sunday partner too); with ``one_shift``, exactly that sum.
    """
    tl = m.timeline
    rep = kind[0]
    rule = m.team.config.weekends
    worked: dict[date, list[cp_model.IntVar]] = {}
    on_weekend: dict[date, list[cp_model.IntVar]] = defaultdict(list)
    shifts: dict[date, list[cp_model.IntVar]] = defaultdict(list)
    for k, n in count.items():
        saturday = tl.facts[rep][k].weekend
        if saturday is None:
            continue
        worked.setdefault(saturday, [])
        on_weekend[saturday].append(n)
        partner = weekend_partner(m, rep, k)
        if partner is None:
            shifts[saturday].append(n)
        elif partner in count:
            cp.add(n <= count[partner])
        else:
            cp.add(n == 0)
    span = timedelta(days=7 * (rule.per_weeks - 1))
    totals: dict[int, cp_model.LinearExpr] = {}
    for i in kind:
        weekends: dict[date, cp_model.IntVar | int] = {
            s: 1 for s in m.weekends_of(i) if m.weekend_worked(i, s) is True
        }
        for saturday, members in worked.items():
            if any((i, j) in m.w for j in m.weekend_slots(i, saturday)):
                works = cp.new_bool_var("")
                members.append(works)
                # A weekend begun in history is counted there already (and see _held_on).
                weekends.setdefault(saturday, works)
        for first in sorted(weekends):
            if any(first <= saturday <= first + span for saturday in worked):
                within = [w for s, w in weekends.items() if first <= s <= first + span]
                cp.add(sum(within) <= rule.max)
        if weekends:  # as in the objective, only members who can have a weekend at all
            totals[i] = cp_model.LinearExpr.sum(list(weekends.values()))
        if i in paced:
            least, most = paced[i]
            cp.add(sum(weekends.values()) >= least)
            cp.add(sum(weekends.values()) <= most)
    for saturday, members in worked.items():
        for n in on_weekend[saturday]:
            cp.add(sum(members) >= n)
        if one_shift:
            cp.add(sum(members) == sum(shifts[saturday]))
        else:
            cp.add(sum(members) <= sum(shifts[saturday]))
    return totals
