"""Why no rota exists, in the team's terms: a cheap pre-check, then a minimal core of rules.

:func:`precheck` runs before any solving and catches the common cases by exact, sound counting:
a shift whose roles cannot each get a different available, eligible member (a bipartite
matching), a 7-day block needing more hours than ``max_hours_per_week`` lets the available
members give, and a weekend shift (one for all its possible holders) needing more
member-weekends than ``max`` in ``per_weeks`` lets them work.
When the model is infeasible all the same, :func:`explain_infeasible` guards each rule family
with an assumption literal, takes CP-SAT's sufficient assumptions and shrinks them by deletion
to a minimal set of families, then refines those per member and per member-week the same way.
Coverage, eligibility and availability are never relaxed.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import NoReturn

from ortools.sat.python import cp_model

from rota.capacity.weekend_hours import weekend_hours, weekend_hours_text
from rota.coverage import matching_size
from rota.errors import InfeasibleRotaError
from rota.model import Grid, Schedule
from rota.solver.constraints import MINUTES_PER_WEEK, build_model
from rota.solver.facts import barred, build_timeline
from rota.solver.model import GuardKey, RotaModel
from rota.team import Team

MAX_REASONS = 12


def precheck(
    team: Team, grid: Grid, history: Schedule | None, model: RotaModel | None = None
) -> None:
    """Raise :class:`InfeasibleRotaError` when counting alone shows no rota exists.

    The count runs on the grid's variables without history. ``model`` is a model that already
    has exactly those (built without counted history or a re-solve's skipped assignments);
    without it one is built here.
    """
    m = model
    if m is None:
        m = RotaModel.build(team, build_timeline(team, grid, None, lookback_days=0))
    reasons = _coverage_reasons(m)
    if reasons:
        raise InfeasibleRotaError(
            f"no rota for team {team.id}: {len(reasons)} shift(s) cannot be covered",
            _shorten(reasons),
        )
    reasons = _too_long_reasons(m)
    if reasons:
        raise InfeasibleRotaError(
            f"no rota for team {team.id}: {len(reasons)} shift(s) last longer than "
            f"rest.max_block_hours {team.config.max_block_hours():g}, so nobody may work them",
            _shorten(reasons),
        )
    reasons = _hours_reasons(m)
    if reasons:
        raise InfeasibleRotaError(
            f"no rota for team {team.id}: limits.max_hours_per_week "
            f"{team.config.limits.max_hours_per_week:g} leaves too few hours",
            _shorten(reasons),
        )
    reasons = _weekend_reasons(m) or _weekend_hours_reasons(m)
    if reasons:
        cfg = team.config.weekends
        raise InfeasibleRotaError(
            f"no rota for team {team.id}: too few members for the weekend limit "
            f"(at most {cfg.max} in any {cfg.per_weeks} weekends)",
            _shorten(reasons),
        )


def _shorten(reasons: list[str]) -> list[str]:
    if len(reasons) <= MAX_REASONS:
        return reasons
    return [*reasons[:MAX_REASONS], f"... and {len(reasons) - MAX_REASONS} more"]


def _why_not(m: RotaModel, i: int, k: int, roles: Sequence[str]) -> str:
    member = m.timeline.members[i]
    facts = m.timeline.facts[i][k]
    if facts.unavailable is not None:
        return facts.unavailable
    if not any(r in member.roles for r in roles):
        return "not eligible for " + ", ".join(roles)
    bar = barred(m.team, facts)
    if bar is not None:
        return bar
    missing = [r for r in roles if r not in member.roles]
    return "not eligible for " + ", ".join(missing)


def _coverage_reasons(m: RotaModel) -> list[str]:
    tl = m.timeline
    roles = tl.roles
    reasons = []
    for k in tl.grid_slots:
        candidates = {r: [i for i in m.members if (i, k, r) in m.x] for r in roles}
        if matching_size(candidates) == len(roles):
            continue
        able = [i for i in m.members if (i, k) in m.w]
        names = ", ".join(m.member_id(i) for i in able)
        # Eligible for some roles: say which roles they could not take.
        partly = [
            f"{m.member_id(i)}: {_why_not(m, i, k, roles)}"
            for i in m.members
            if (i, k) in m.w and any((i, k, r) not in m.x for r in roles)
        ]
        others = [
            f"{m.member_id(i)}: {_why_not(m, i, k, roles)}" for i in m.members if (i, k) not in m.w
        ]
        detail = ", ".join([*partly, *others])
        who = f"only {names} available" if able else "nobody is available"
        reasons.append(
            f"{tl.slots[k].label} needs {len(roles)} member{'s' if len(roles) > 1 else ''} "
            f"for {', '.join(roles)}; {who}" + (f" ({detail})" if detail else "")
        )
    return reasons


def _too_long_reasons(m: RotaModel) -> list[str]:
    """Grid shifts longer than ``max_block_hours``: each alone is a block over the cap."""
    cap = m.team.config.max_block_hours()
    if cap is None:
        return []
    tl = m.timeline
    return [
        f"{tl.slots[k].label} lasts {tl.slots[k].minutes / 60:g} h"
        for k in tl.grid_slots
        if tl.slots[k].minutes > round(cap * 60)
    ]


def _hours_reasons(m: RotaModel) -> list[str]:
    cap = m.team.config.limits.max_hours_per_week
    if cap is None:
        return []
    tl = m.timeline
    limit = round(cap * 60)
    need: dict[int, int] = defaultdict(int)
    can: dict[tuple[int, int], int] = defaultdict(int)
    for k in tl.grid_slots:
        slot = tl.slots[k]
        week = slot.start // MINUTES_PER_WEEK
        while week * MINUTES_PER_WEEK < slot.end:
            lo = max(slot.start, week * MINUTES_PER_WEEK)
            hi = min(slot.end, (week + 1) * MINUTES_PER_WEEK)
            need[week] += (hi - lo) * len(tl.roles)
            for i in m.members:
                if (i, k) in m.w:
                    can[week, i] += hi - lo
            week += 1
    reasons = []
    origin = tl.slots[tl.first_grid].start_at.date()
    for week, minutes in sorted(need.items()):
        capacity = sum(min(limit, can[week, i]) for i in m.members)
        if capacity < minutes:
            first = origin + timedelta(days=7 * week)
            reasons.append(
                f"the week from {first.isoformat()} needs {minutes / 60:g} on-call hours; "
                f"with at most {cap:g} h each the available members can give {capacity / 60:g}"
            )
    return reasons


def _weekend_reasons(m: RotaModel) -> list[str]:
    """Windows of ``per_weeks`` weekends in which one weekend shift position lacks people."""
    cfg = m.team.config.weekends
    tl = m.timeline
    roles = len(tl.roles)
    # position (UTC weekday, minute of day) -> weekend -> members able to hold it
    positions: dict[tuple[int, int], dict[date, set[int]]] = defaultdict(dict)
    for k in tl.grid_slots:
        able = {i for i in m.members if (i, k) in m.w}
        named = {tl.facts[i][k].weekend for i in able}
        weekend = named.pop() if len(named) == 1 else None
        if weekend is None:
            continue
        start = tl.slots[k].start_at
        positions[start.weekday(), start.hour * 60 + start.minute][weekend] = able
    reasons: list[str] = []
    span = timedelta(days=7 * (cfg.per_weeks - 1))
    for (weekday, minute), by_weekend in sorted(positions.items()):
        weekends = sorted(by_weekend)
        for first in weekends:
            window = [d for d in weekends if first <= d <= first + span]
            if len(window) < len(weekends) and first + span > weekends[-1]:
                break  # a shorter tail window is implied by an earlier, full one
            capacity = 0
            people: set[int] = set()
            for i in m.members:
                count = sum(i in by_weekend[d] for d in window)
                capacity += min(cfg.max, count)
                if count:
                    people.add(i)
            needed = roles * len(window)
            if capacity < needed:
                names = ", ".join(sorted(m.member_id(i) for i in people)) or "nobody"
                reasons.append(
                    f"the {_weekday(weekday)} {minute // 60:02d}:{minute % 60:02d} UTC shift on "
                    f"the weekends {window[0].isoformat()}..{window[-1].isoformat()} needs "
                    f"{roles} member(s) each weekend ({needed} member-weekends); only {names} "
                    f"can hold it, {capacity} member-weekend(s) under the limit of {cfg.max} "
                    f"in {cfg.per_weeks}"
                )
                break
    return reasons


def _weekend_hours_reasons(m: RotaModel) -> list[str]:
    """Runs of weekends whose shifts need more hours than the members can give, shortest
    of supply first (:func:`~rota.capacity.weekend_hours.weekend_hours`)."""
    tl = m.timeline
    able = [frozenset(i for i in m.members if (i, k) in m.w) for k in range(len(tl.slots))]
    short = [c for c in weekend_hours(m.team.config, tl, able) if c.slack < 0]
    return [weekend_hours_text(m.team.config, c) for c in sorted(short, key=lambda c: c.slack)]


def _weekday(day: int) -> str:
    return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[day]


# ------------------------------------------------------------------------------ the core


def describe_family(team: Team, family: str) -> str:
    cfg = team.config
    block = cfg.max_block_hours()
    texts = {
        "whole_weekend": "whole weekends (Saturday's holder keeps the role on Sunday)",
        "single_day": "single-day weekends (one weekend day each)",
        "weekend_limit": f"weekend limit ({cfg.weekends.max} in any {cfg.weekends.per_weeks} "
        "weekends)",
        "rest_gap": f"rest of {cfg.rest.min_hours:g} h between shifts that do not touch",
        "block_length": (
            f"blocks of at most {block:g} h" if block is not None else "one shift per block"
        ),
        "after_night": "after a night, the rest of that day off",
        "after_weekend": "after a worked weekend, Monday off",
        "night": "no shift in a member's night (night: forbid)",
        "max_hours": f"at most {cfg.limits.max_hours_per_week or 0:g} h per week",
    }
    return texts.get(family, family)


def explain_infeasible(
    team: Team, grid: Grid, history: Schedule | None, *, time_limit_s: float = 30.0
) -> NoReturn:
    """Find a minimal set of rules (and members, weeks) that no rota can keep; raise it."""
    deadline = time.monotonic() + max(5.0, min(time_limit_s, 60.0))

    def level(
        scope: Callable[[GuardKey], GuardKey | None],
    ) -> list[GuardKey] | None:
        m = build_model(team, grid, history, scope)
        return _minimal_core(m, deadline)

    families = level(lambda key: GuardKey(key.family, None, None))
    span = f"{grid.start.date().isoformat()}..{grid.end.date().isoformat()}"
    if families is None:
        raise InfeasibleRotaError(
            f"no rota for team {team.id} over {span}: the shifts cannot be covered by the "
            "available, eligible members"
        )
    kept = {k.family for k in families}
    members = level(
        lambda key: GuardKey(key.family, key.member, None) if key.family in kept else None
    )
    core: list[GuardKey] = families
    if members is not None:
        core = members
        pairs = {(k.family, k.member) for k in members}
        weeks = level(lambda key: key if (key.family, key.member) in pairs else None)
        if weeks is not None:
            core = weeks
    by_family: dict[str, list[GuardKey]] = defaultdict(list)
    for key in core:
        by_family[key.family].append(key)
    reasons = []
    for family, keys in sorted(by_family.items()):
        who = sorted({k.member for k in keys if k.member})
        weeks_of = sorted({k.week for k in keys if k.week})
        text = describe_family(team, family)
        if who:
            text += f" for {', '.join(who)}"
        if weeks_of:
            text += " in the week(s) from " + ", ".join(d.isoformat() for d in weeks_of)
        reasons.append(text)
    raise InfeasibleRotaError(
        f"no rota for team {team.id} over {span} keeps these rules together "
        "(with the members' roles and availability)",
        reasons,
    )


def _minimal_core(m: RotaModel, deadline: float) -> list[GuardKey] | None:
    """A minimal set of guard groups that is infeasible; None if infeasible with none of them.

    Groups the solver could not decide in time are kept (the core may then not be minimal).
    """
    keys = list(m.guards)
    if _infeasible(m, [], deadline) is True:
        return None
    status = _infeasible(m, keys, deadline, want_core=True)
    if not isinstance(status, list):
        return keys
    core = [k for k in keys if m.guards[k].index in status] or keys
    j = 0
    while j < len(core):
        trial = core[:j] + core[j + 1 :]
        if time.monotonic() < deadline and _infeasible(m, trial, deadline) is True:
            core = trial
        else:
            j += 1
    return core


def _infeasible(
    m: RotaModel, keys: Sequence[GuardKey], deadline: float, *, want_core: bool = False
) -> bool | list[int]:
    """Whether the model with ``keys`` assumed is infeasible (the core's indices if asked)."""
    model = m.cp.clone()
    model.clear_assumptions()
    model.add_assumptions([model.get_bool_var_from_proto_index(m.guards[k].index) for k in keys])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.2, min(10.0, deadline - time.monotonic()))
    solver.parameters.num_workers = 1 if want_core else 2
    solver.parameters.random_seed = 0
    status = solver.solve(model)
    if status != cp_model.INFEASIBLE:
        return False
    if want_core:
        return list(solver.sufficient_assumptions_for_infeasibility())
    return True


__all__ = ["explain_infeasible", "precheck"]
