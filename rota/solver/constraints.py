"""The hard rules of docs/rules.md, one ``add_<rule>()`` each, on the timeline of :mod:`.facts`.

Rules use the words of docs/rules.md, over timeline slots (history shifts first, as constants,
then the grid). Constraints whose slots are all history are skipped (the past cannot be
repaired); the others fold history in as constants, so rules 5 and 6 look back across the
horizon start.

Encodings (``w`` = member works the slot, ``x`` = member holds a role in it):

* coverage: ``exactly_one(x[*, s, r])`` per grid shift ``s`` and role ``r``.
* one role per shift: ``sum_r x[m, s, r] == w[m, s]`` (``w`` is 0/1).
* unavailability, ``off_hours: forbid``, eligibility: no variable exists (asserted).
* ``night: forbid``: the same; in a model built to explain or relax, ``not w[m, s]`` per shift
  overlapping the member's night.
* the weekend rules: :mod:`rota.solver.weekend_rules`.
* rest gap: ``not (w[a] and w[b])`` per pair not touching with a gap below ``min_hours``.
* block length: ``not all(w[a..e])`` per shortest run of touching shifts longer than
  ``max_block_hours`` (a single shift included; with no cap, two shifts), the run cut where a
  ``whole`` weekend's Saturday and Sunday shifts join and each piece checked on its own.
* after night: per possible block ``b..e`` (``not w[b-1]``, ``w[b..e]``, ``not w[e+1]``)
  overlapping the member's night, no shift starting at or after its end on the member-local date
  of the end instant, unless it is the Sunday partner of a Saturday shift the member holds.
* max hours per week: per 7-day block from the horizon start, the minutes in it (a shift across
  two blocks counts in each with its part) at most ``max_hours_per_week * 60``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from rota.model import Grid, NightPolicy, OffHoursPolicy, Schedule
from rota.solver.facts import build_timeline
from rota.solver.model import GuardKey, RotaModel, Value, negate
from rota.solver.weekend_rules import (
    add_after_weekend,
    add_single_day_weekends,
    add_weekend_limit,
    add_whole_weekends,
    weekend_partner,
)
from rota.team import Team

MINUTES_PER_WEEK = 7 * 24 * 60


def add_coverage(m: RotaModel) -> None:
    """Rule 2: every role of every grid shift is held by exactly one member who has that role."""
    tl = m.timeline
    for k in tl.grid_slots:
        for role in tl.roles:
            if (k, role) in m.outside:
                continue  # frozen, held by a former member
            holders = [m.x[i, k, role] for i in m.members if (i, k, role) in m.x]
            if not holders:  # the pre-check explains this; never guarded
                m.broken.append(GuardKey("coverage", None, tl.slots[k].start_at.date()))
                m.cp.add_bool_or([])
                continue
            m.cp.add_exactly_one(holders)


def add_one_role_per_shift(m: RotaModel) -> None:
    """Rule 2: one member fills at most one role of a shift (``w`` = the sum of its ``x``)."""
    tl = m.timeline
    for (i, k), work in m.w.items():
        held = [m.x[i, k, role] for role in tl.roles if (i, k, role) in m.x]
        if len(held) > 1:
            m.cp.add(sum(held) == work)


def add_unavailability(m: RotaModel) -> None:
    """Rule 3: no variable exists for a shift overlapping the member's unavailable time."""
    tl = m.timeline
    for i, k, _ in m.x:
        assert tl.facts[i][k].unavailable is None, "variable for an unavailable member"


def add_off_hours(m: RotaModel) -> None:
    """Rule 4 (``off_hours: forbid``): no variable exists for a shift outside the window."""
    if m.team.config.rotation.off_hours is not OffHoursPolicy.FORBID:
        return
    tl = m.timeline
    for i, k, _ in m.x:
        assert tl.facts[i][k].off_minutes == 0, "variable outside the working window"


def add_night(m: RotaModel) -> None:
    """``night: forbid``: no member holds a shift overlapping their night window by a minute.

    Solving, no variable exists for such a shift (asserted). Explaining or relaxing (a model
    built with a ``scope``), the variables exist and this rule keeps them at 0, one clause per
    member and shift in the ``night`` family, so the rule can be named or relaxed.
    """
    if m.team.config.rotation.night is not NightPolicy.FORBID:
        return
    tl = m.timeline
    for (i, k), work in m.w.items():
        facts = tl.facts[i][k]
        if facts.night_minutes == 0:
            continue
        assert m.scope is not None, "variable in the member's night"
        m.add_clause([negate(work)], "night", i, facts.start_date)


def add_rest_gap(m: RotaModel) -> None:
    """Rule 6: two shifts of a member that do not touch are at least ``min_hours`` apart."""
    tl = m.timeline
    gap = round(m.team.config.rest.min_hours * 60)
    slots = tl.slots
    n = len(slots)
    for i in m.members:
        works, idle = m.works(i)
        facts = tl.facts[i]
        for a in range(n):
            if works[a] is False:
                continue
            b = a + 1
            limit = slots[a].end + gap
            while b < n and slots[b].start < limit:
                if slots[b].start > slots[a].end and b >= tl.first_grid and works[b] is not False:
                    m.add_clause([idle[a], idle[b]], "rest_gap", i, facts[b].start_date)
                b += 1


def joined(m: RotaModel, i: int, k: int) -> bool:
    """Slot ``k`` and ``k + 1`` are the Saturday and Sunday shifts a ``whole`` weekend joins."""
    return m.timeline.touches_next[k] and weekend_partner(m, i, k) == k + 1


def piece_too_long(m: RotaModel, i: int, a: int, e: int) -> bool:
    """Whether the touching run ``a..e`` (no weekend join inside) breaks the block length."""
    cap = m.team.config.max_block_hours()
    if cap is None:
        return e > a
    slots = m.timeline.slots
    return slots[e].end - slots[a].start > round(cap * 60)


def add_block_length(m: RotaModel) -> None:
    """Rule 6: a block lasts at most ``max_block_hours`` (daily/weekly default: one shift).

    The Saturday and Sunday shifts a ``whole`` weekend joins may form one block: the block is
    cut where they join and each piece must keep the limit (daily: Saturday + Sunday is fine,
    Friday + Saturday + Sunday is not).
    """
    tl = m.timeline
    n = len(tl.slots)
    touches = tl.touches_next
    for i in m.members:
        works, idle = m.works(i)
        join = _joins(m, i)
        for a in range(n):
            if works[a] is False:
                continue
            if piece_too_long(m, i, a, a):  # one shift longer than the cap is a block too long
                if a >= tl.first_grid:
                    m.add_clause([idle[a]], "block_length", i, tl.facts[i][a].start_date)
                continue
            e = a
            while touches[e] and not join[e] and works[e + 1] is not False:
                e += 1
                if piece_too_long(m, i, a, e):
                    if e >= tl.first_grid:
                        m.add_clause(idle[a : e + 1], "block_length", i, tl.facts[i][a].start_date)
                    break


def _joins(m: RotaModel, i: int) -> list[bool]:
    """:func:`joined` for every slot of member ``i``."""
    touches = m.timeline.touches_next
    return [touches[k] and weekend_partner(m, i, k) == k + 1 for k in range(len(m.timeline.slots))]


def add_after_night(m: RotaModel) -> None:
    """Rule 6 ``after_night``: a block overlapping the night ends the member's working day.

    "The local date on which that block ends" is the member-local date of its end instant (a
    block ending at 00:00 ends on the new day). The Sunday shift a ``whole`` weekend requires
    (the partner of a Saturday shift the member holds) stays allowed.

    In a normal solve (no explanation guards, rest gap and block length in the model) the
    clauses are generated compactly, with the same solutions: for a block end ``e`` the clauses
    of every possible block start ``b`` up to the last night shift ``n`` before ``e`` are
    replaced by the one clause ``w[n..e] and not w[e+1] -> not w[t]`` (it subsumes each of them,
    and a block starting before the first possible start would break the block length), and a
    shift ``t`` that starts within the rest gap of ``e`` gets none (the rest-gap clause
    ``not (w[e] and w[t])`` already forbids it).
    """
    if not m.team.config.rest.after_night:
        return
    compact = m.scope is None and add_rest_gap in ALL_RULES and add_block_length in ALL_RULES
    gap = round(m.team.config.rest.min_hours * 60) if compact else 0
    tl = m.timeline
    slots = tl.slots
    touches = tl.touches_next
    n = len(slots)
    for i in m.members:
        facts = tl.facts[i]
        works, idle = m.works(i)
        partner = [weekend_partner(m, i, k) for k in range(n)]
        join = [touches[k] and partner[k] == k + 1 for k in range(n)]
        night = [f.night_minutes > 0 for f in facts]
        possible = _block_checker(m, join)
        starts_on: dict[date, list[int]] = defaultdict(list)
        for k in tl.grid_slots:
            if works[k] is not False:
                starts_on[facts[k].start_date].append(k)
        saturday_of = {p: k for k, p in enumerate(partner) if p is not None}
        for e in range(n):
            if works[e] is False:
                continue
            candidates = starts_on.get(facts[e].end_date)
            if not candidates:
                continue
            end = slots[e].end
            later = [t for t in candidates if slots[t].start >= end + gap and t != e + 1]
            if not later:
                continue
            # The possible block starts b..e: a touching run of workable slots, block length kept.
            b = e
            last_night = e if night[e] else -1
            while b > 0 and touches[b - 1] and works[b - 1] is not False and possible(b - 1, e):
                b -= 1
                if last_night < 0 and night[b]:
                    last_night = b
            if last_night < 0:
                continue
            stopped_by_length = (
                b > 0 and touches[b - 1] and works[b - 1] is not False  # not possible(b - 1, e)
            )
            single = compact and not (stopped_by_length and b - 1 < tl.first_grid)
            for first in [last_night] if single else range(b, last_night + 1):
                condition = idle[first : e + 1]
                if not single and first > 0 and touches[first - 1]:
                    condition.append(works[first - 1])
                if touches[e]:
                    condition.append(works[e + 1])
                for t in later:
                    exempt: list[Value] = []
                    if t in saturday_of:
                        exempt.append(works[saturday_of[t]])
                    m.add_clause(
                        [*condition, idle[t], *exempt],
                        "after_night",
                        i,
                        facts[e].end_date,
                    )


def _block_checker(m: RotaModel, join: list[bool]) -> Callable[[int, int], bool]:
    """Whether ``b..e`` can be one of a member's blocks under the block-length rule.

    ``join`` is :func:`joined` for each slot of the member.
    """
    cap = m.team.config.max_block_hours()
    slots = m.timeline.slots
    limit = None if cap is None else round(cap * 60)

    def possible(b: int, e: int) -> bool:
        start = b
        for k in range(b, e + 1):
            if k > start and join[k - 1]:
                start = k
            if limit is None:
                if k > start:
                    return False
            elif slots[k].end - slots[start].start > limit:
                return False
        return True

    return possible


def add_max_hours_per_week(m: RotaModel) -> None:
    """Rule 7: at most ``max_hours_per_week`` in every 7-day block from the horizon start."""
    cap = m.team.config.limits.max_hours_per_week
    if cap is None:
        return
    tl = m.timeline
    limit = round(cap * 60)
    for i in m.members:
        weeks: dict[int, list[tuple[int, Value]]] = defaultdict(list)
        for k in tl.grid_slots:
            work = m.work(i, k)
            if work is False:
                continue
            slot = tl.slots[k]
            week = slot.start // MINUTES_PER_WEEK
            while week * MINUTES_PER_WEEK < slot.end:
                lo = max(slot.start, week * MINUTES_PER_WEEK)
                hi = min(slot.end, (week + 1) * MINUTES_PER_WEEK)
                weeks[week].append((hi - lo, work))
                week += 1
        origin = tl.slots[tl.first_grid].start_at.date()
        for week, terms in weeks.items():
            m.add_at_most(terms, limit, "max_hours", i, origin + timedelta(days=7 * week))


ALL_RULES: tuple[Callable[[RotaModel], None], ...] = (
    add_coverage,
    add_one_role_per_shift,
    add_unavailability,
    add_off_hours,
    add_night,
    add_whole_weekends,
    add_single_day_weekends,
    add_weekend_limit,
    add_rest_gap,
    add_block_length,
    add_after_night,
    add_after_weekend,
    add_max_hours_per_week,
)

MEMBER_RULES = tuple(rule for rule in ALL_RULES if rule is not add_coverage)
"""Every rule but coverage: each is about one member (:mod:`rota.solver.split` solves the
members of one kind on their own)."""


def add_hard_rules(m: RotaModel) -> None:
    """Every hard rule of docs/rules.md (rule 1, the tiling, is the grid's)."""
    for rule in ALL_RULES:
        rule(m)


def lookback_days(team: Team, grid: Grid) -> int:
    """History counted: the horizon's length, and at least what rules 5 and 6 can see."""
    horizon_days = (grid.end - grid.start).days + 1
    return max(horizon_days, 7 * team.config.weekends.per_weeks + 7)


def build_model(
    team: Team,
    grid: Grid,
    history: Schedule | None,
    scope: Callable[[GuardKey], GuardKey | None] | None = None,
    *,
    skip: frozenset[tuple[str, int, str]] = frozenset(),
    outside: dict[tuple[int, str], str] | None = None,
    lookback: int | None = None,
) -> RotaModel:
    """The variables and every hard rule (no objective); ``scope`` guards rules to explain.

    ``skip`` and ``outside`` come from a re-solve (:mod:`rota.solver.stability`): triples
    without a variable, and frozen (slot, role) pairs held by former members. ``lookback``
    (days of history counted) defaults to :func:`lookback_days`.
    """
    days = lookback_days(team, grid) if lookback is None else lookback
    timeline = build_timeline(team, grid, history, lookback_days=days)
    m = RotaModel.build(team, timeline, scope, skip=skip, outside=outside)
    add_hard_rules(m)
    return m
