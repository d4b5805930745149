"""The weekend rules of docs/rules.md (rules 5 and 6 ``after_weekend``), one ``add_<rule>()``
each, in the notation of :mod:`rota.solver.constraints` (``W`` = member works the weekend):

* whole weekends: ``x[m, sat, r] -> x[m, partner(sat), r]`` where ``partner`` is the shift
  overlapping most with the Saturday shift moved 24 h later, when it starts on m's local Sunday.
* single-day weekends: ``D_sat >= w`` for the Saturday shifts, ``D_sat + w <= 1`` for Sunday's.
* weekend limit: ``sum W <= max`` over every ``per_weeks`` consecutive local weekends.
* after weekend: ``W[m, sat] -> not w[t]`` for every ``t`` starting on the following local Monday.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from rota.model import WeekendSplit
from rota.solver.facts import SATURDAY, SUNDAY
from rota.solver.model import RotaModel, Value, negate


def weekend_partner(m: RotaModel, i: int, k: int) -> int | None:
    """The Sunday slot a ``whole`` weekend requires of member ``i`` after Saturday slot ``k``."""
    if m.team.config.weekends.split is not WeekendSplit.WHOLE:
        return None
    tl = m.timeline
    facts = tl.facts[i][k]
    if facts.day != SATURDAY:
        return None
    p = tl.partner[k]
    if p is None or p == k:
        return None
    later = tl.facts[i][p]
    if later.day != SUNDAY or later.start_date != facts.start_date + timedelta(days=1):
        return None
    return p


def add_whole_weekends(m: RotaModel) -> None:
    """Rule 5 ``whole``: the Saturday holder of a role holds it in the Sunday partner shift."""
    if m.team.config.weekends.split is not WeekendSplit.WHOLE:
        return
    tl = m.timeline
    for i in m.members:
        for k in range(len(tl.slots)):
            p = weekend_partner(m, i, k)
            if p is None or (k < tl.first_grid and p < tl.first_grid):
                continue
            for role in tl.roles:
                m.add_clause(
                    [negate(m.holds(i, k, role)), m.holds(i, p, role)],
                    "whole_weekend",
                    i,
                    tl.facts[i][k].start_date,
                )


def add_single_day_weekends(m: RotaModel) -> None:
    """Rule 5 ``single-day``: weekend shifts on at most one of the two days of a weekend."""
    if m.team.config.weekends.split is not WeekendSplit.SINGLE_DAY:
        return
    tl = m.timeline
    for i in m.members:
        days: dict[tuple[date, int], list[Value]] = defaultdict(list)
        for k, facts in enumerate(tl.facts[i]):
            if facts.weekend is not None:
                days[facts.weekend, facts.day].append(m.work(i, k))
        for saturday in m.weekends_of(i):
            sat = [v for v in days[saturday, SATURDAY] if v is not False]
            sun = [v for v in days[saturday, SUNDAY] if v is not False]
            if not sat or not sun:
                continue
            if any(v is True for v in sat) or len(sat) == 1:
                day: Value = True if any(v is True for v in sat) else sat[0]
            else:
                var = m.cp.new_bool_var(f"D[{m.member_id(i)},{saturday.isoformat()}]")
                for v in sat:
                    m.cp.add_implication(v, var)
                day = var
            for v in sun:
                m.add_clause([negate(day), negate(v)], "single_day", i, saturday)


def add_weekend_limit(m: RotaModel) -> None:
    """Rule 5: in any ``per_weeks`` consecutive weekends a member works at most ``max``."""
    cfg = m.team.config.weekends
    span = timedelta(days=7 * (cfg.per_weeks - 1))
    for i in m.members:
        weekends = m.weekends_of(i)
        if not weekends:
            continue
        first, last = weekends[0], weekends[-1]
        starts = [first]
        if last - first >= span:
            count = (last - span - first).days // 7 + 1
            starts = [first + timedelta(days=7 * j) for j in range(count)]
        for start in starts:
            end = max(start + span, last) if start == first and len(starts) == 1 else start + span
            terms = [
                (1, m.weekend_worked(i, saturday))
                for saturday in weekends
                if start <= saturday <= end
            ]
            if all(isinstance(v, bool) for _, v in terms):
                continue  # history only
            m.add_at_most(terms, cfg.max, "weekend_limit", i, start)


def add_after_weekend(m: RotaModel) -> None:
    """Rule 6 ``after_weekend``: no shift starting on the local Monday after a worked weekend."""
    if not m.team.config.rest.after_weekend:
        return
    tl = m.timeline
    for i in m.members:
        mondays: dict[date, list[int]] = defaultdict(list)
        for k in tl.grid_slots:
            if m.work(i, k) is not False and tl.facts[i][k].day == 0:
                mondays[tl.facts[i][k].start_date].append(k)
        for saturday in m.weekends_of(i):
            monday = saturday + timedelta(days=2)
            if not mondays[monday]:
                continue
            worked = m.weekend_worked(i, saturday)
            if worked is False:
                continue
            for t in mondays[monday]:
                m.add_clause([negate(worked), negate(m.work(i, t))], "after_weekend", i, saturday)
