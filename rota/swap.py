"""Who can take my shift? Swap candidates and one-for-one trades, checked by the solver's rules.

A member asks to give away one role of one shift of the effective schedule (overrides applied).
The rota the rules are checked on is the published grid with, for every ``(shift, role)``, its
effective holder (the planned holder where an override covers only part of the shift).

**Rule check.** The solver's own model of the team (:func:`rota.solver.constraints.build_model`,
history included) is built once; a candidate rota is a value for every variable of it (``x``
from the holders, ``w``/``W``/``D`` from their definitions), and it breaks no hard rule when
every constraint of the model that reads a changed variable holds. Constraints reading no
changed variable keep their current truth value, so the answer is "breaks no rule that the
current rota keeps": exact when the current rota is valid. Each check evaluates a few dozen
constraints, so every member and every trade is checked in well under a second.

* A *candidate* B takes A's role in the shift; ranked by the effect on fairness: the change of
  ``|hours - fair share|`` summed over A and B (metrics of the effective schedule,
  :mod:`rota.metrics`), then B's off-hours in the shift, then id; candidates for whom the
  shift runs into their night (:mod:`rota.night`) rank after all who would not.
* A *trade* is B taking A's shift while A takes one of B's later shifts of the same length (so
  nobody's hours change); ranked by night hours added (trades adding none first), weekends
  moved, off-hours added, then closeness in time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from rota.errors import UsageError
from rota.metrics import member_loads
from rota.model import Grid, Override, Schedule, ScheduledShift, Shift
from rota.night import NightDelta, deltas_json
from rota.oncall.effective import effective_shifts
from rota.solver.constraints import build_model
from rota.solver.facts import SATURDAY
from rota.solver.model import RotaModel
from rota.team import Team
from rota.views import rfc3339

if TYPE_CHECKING:
    from rota.service import TeamState
    from rota.store import Store

MAX_TRADES = 20
"""Trades listed (the best ranked)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """``member_id`` can take the shift; their hours now and after, and the fairness effect."""

    member_id: str
    hours: float
    fair_share_hours: float
    hours_after: float
    fairness_effect: float
    """Change of ``|hours - fair share|`` summed over giver and taker (negative: fairer)."""
    off_hours: float
    """Hours of the shift outside the taker's working window."""
    night_hours: float = 0.0
    """Hours of the shift inside the taker's night window."""


@dataclass(frozen=True, slots=True)
class Trade:
    """``member_id`` takes the shift; the giver takes ``role`` of theirs in ``[start, end)``."""

    member_id: str
    role: str
    start: datetime
    end: datetime
    weekends_moved: int
    off_hours_added: float
    night: tuple[NightDelta, ...] = ()
    """Night hours the trade adds or removes, per member (giver and taker)."""

    @property
    def night_added(self) -> float:
        return sum(d.hours for d in self.night)


@dataclass(frozen=True, slots=True)
class SwapOptions:
    """Everything ``rota swap`` shows for one shift of one member."""

    team_id: str
    member_id: str
    role: str
    start: datetime
    end: datetime
    candidates: tuple[Candidate, ...]
    trades: tuple[Trade, ...]

    def overrides(self, to: str | None = None) -> list[Override]:
        """The override(s) recording a swap: the best candidate, or ``to`` (a candidate, else
        their best trade).

        Raises:
            UsageError: nobody can take the shift, or ``to`` can neither take nor trade it.
        """
        reason = f"swap: takes {self.member_id}'s shift"
        pick = next((c for c in self.candidates if to is None or c.member_id == to), None)
        if pick is not None:
            return [self._override(pick.member_id, self.role, self.start, self.end, reason)]
        trade = next((t for t in self.trades if to is None or t.member_id == to), None)
        if trade is None:
            who = f"{to!r}" if to is not None else "nobody"
            raise UsageError(
                f"{who} can take {self.member_id}'s {self.role} shift starting "
                f"{rfc3339(self.start)} or trade for it without breaking a hard rule"
                if to is None
                else f"member {to!r} can neither take {self.member_id}'s {self.role} shift "
                f"starting {rfc3339(self.start)} nor trade for it without breaking a hard rule"
            )
        back = f"swap: trades with {trade.member_id}"
        return [
            self._override(trade.member_id, self.role, self.start, self.end, reason),
            self._override(self.member_id, trade.role, trade.start, trade.end, back),
        ]

    def _override(
        self, member: str, role: str, start: datetime, end: datetime, reason: str
    ) -> Override:
        return Override(
            team_id=self.team_id,
            role=role,
            member_id=member,
            start=start,
            end=end,
            reason=reason,
        )


def swap_options(
    team: Team,
    schedule: Schedule,
    overrides: Sequence[Override],
    member_id: str,
    start: datetime,
    *,
    history: Schedule | None = None,
    now: datetime | None = None,
) -> SwapOptions:
    """Who can take ``member_id``'s shift starting at ``start``, and the trades on offer.

    Args:
        team: the team as published with ``schedule``.
        schedule: the planned schedule (latest version).
        overrides: overrides in force.
        member_id: the member giving the shift away.
        start: the start instant of one of their shifts (effective schedule).
        history: earlier published shifts (rules 5 and 6 look back into them).
        now: trades only offer shifts starting at or after this instant (default: ``start``).

    Raises:
        UsageError: no such member, or no shift of theirs starts at ``start``.
    """
    ids = [m.id for m in team.members]
    if member_id not in ids:
        raise UsageError(f"no member {member_id!r} in team {team.id!r} (members: {', '.join(ids)})")
    effective = effective_shifts(schedule, overrides)
    piece = next(
        (s for s in effective if s.start == start and member_id in s.assignments.values()), None
    )
    if piece is None:
        upcoming = [s.start for s in effective if member_id in s.assignments.values()]
        later = [t for t in upcoming if t >= start][:3]
        hint = (
            f"; their next shifts start {', '.join(rfc3339(t) for t in later)}"
            if later
            else "; they hold no later shift"
        )
        raise UsageError(
            f"member {member_id!r} holds no shift starting {rfc3339(start)} in team "
            f"{team.id!r}{hint}"
        )
    role = next(r for r, who in piece.assignments.items() if who == member_id)
    grid, holders = _current_rota(team, schedule, effective)
    k_grid = next((g for g, s in enumerate(grid.shifts) if s.start == start), None)
    if k_grid is None or grid.shifts[k_grid].end != piece.end:
        raise UsageError(
            f"{member_id}'s {role} time starting {rfc3339(start)} is part of a shift cut by an "
            "override; change or remove that override instead (`rota override list`)"
        )
    rota = _Rota(team, grid, holders, history)
    giver = rota.index[member_id]
    k = rota.first + k_grid
    loads = member_loads(team, Schedule(schedule.team_id, grid.start, grid.end, effective))
    hours = (piece.end - piece.start).total_seconds() / 3600

    def deviation(mid: str, delta: float) -> float:
        load = loads[mid]
        return abs(load.hours + delta - load.fair_share_hours)

    candidates: list[Candidate] = []
    for b, member in enumerate(team.members):
        if b == giver or not rota.allowed([(giver, k, role, b)]):
            continue
        effect = (
            deviation(member.id, hours)
            + deviation(member_id, -hours)
            - deviation(member.id, 0)
            - deviation(member_id, 0)
        )
        candidates.append(
            Candidate(
                member_id=member.id,
                hours=loads[member.id].hours,
                fair_share_hours=loads[member.id].fair_share_hours,
                hours_after=loads[member.id].hours + hours,
                fairness_effect=round(effect, 4),
                off_hours=rota.off_minutes(b, k) / 60,
                night_hours=rota.night_minutes(b, k) / 60,
            )
        )
    candidates.sort(key=lambda c: (c.night_hours > 0, c.fairness_effect, c.off_hours, c.member_id))

    earliest = now if now is not None else start
    slots = rota.model.timeline.slots
    trades: list[tuple[tuple[bool, int, float, float], Trade]] = []
    for b, member in enumerate(team.members):
        if b == giver:
            continue
        for t, role_b in rota.held_by(b):
            slot = slots[t]
            if t == k or slot.start_at < earliest or slot.minutes != slots[k].minutes:
                continue
            if not rota.allowed([(giver, k, role, b), (b, t, role_b, giver)]):
                continue
            moved = rota.weekend(giver, t) != rota.weekend(giver, k)
            moved_b = rota.weekend(b, k) != rota.weekend(b, t)
            added = (
                rota.off_minutes(giver, t)
                - rota.off_minutes(giver, k)
                + rota.off_minutes(b, k)
                - rota.off_minutes(b, t)
            ) / 60
            night = [
                NightDelta(
                    member_id, (rota.night_minutes(giver, t) - rota.night_minutes(giver, k)) / 60
                ),
                NightDelta(member.id, (rota.night_minutes(b, k) - rota.night_minutes(b, t)) / 60),
            ]
            trade = Trade(
                member_id=member.id,
                role=role_b,
                start=slot.start_at,
                end=slot.end_at,
                weekends_moved=int(moved) + int(moved_b),
                off_hours_added=added,
                night=tuple(d for d in night if d.hours),
            )
            distance = abs((slot.start_at - start).total_seconds())
            key = (trade.night_added > 0, trade.weekends_moved, added, distance)
            trades.append((key, trade))
    trades.sort(key=lambda item: (item[0], item[1].member_id))
    return SwapOptions(
        team_id=team.id,
        member_id=member_id,
        role=role,
        start=piece.start,
        end=piece.end,
        candidates=tuple(candidates),
        trades=tuple(t for _, t in trades[:MAX_TRADES]),
    )


def history_before(store: Store, team_id: str, before: datetime) -> Schedule | None:
    """Published shifts of every stored version ending at or before ``before`` (newest wins)."""
    from rota.errors import TeamNotFound
    from rota.solver.stability import merge_history

    try:
        versions = store.list_versions(team_id)
    except TeamNotFound:
        return None
    schedules = [
        store.load_schedule(team_id, info.version)
        for info in reversed(versions)
        if info.horizon_start < before
    ]
    return merge_history(schedules, before)


def published_swap_options(
    store: Store, state: TeamState, member_id: str, start: datetime, now: datetime
) -> SwapOptions:
    """:func:`swap_options` for a team as published, with its history when fairness counts it."""
    history = None
    if state.team.config.fairness.history:
        history = history_before(store, state.team.id, state.schedule.horizon_start)
    return swap_options(
        state.team,
        state.schedule,
        state.overrides,
        member_id,
        start,
        history=history,
        now=max(now, start),
    )


def swap_view(options: SwapOptions) -> dict[str, object]:
    """``rota swap --json`` and ``GET /v1/teams/{team}/swaps``."""
    return {
        "team": options.team_id,
        "member": options.member_id,
        "role": options.role,
        "start": rfc3339(options.start),
        "end": rfc3339(options.end),
        "candidates": [
            {
                "member": c.member_id,
                "hours": round(c.hours, 2),
                "fair_share_hours": round(c.fair_share_hours, 2),
                "hours_after": round(c.hours_after, 2),
                "fairness_effect": round(c.fairness_effect, 2),
                "off_hours": round(c.off_hours, 2),
                "night_hours": round(c.night_hours, 2),
            }
            for c in options.candidates
        ],
        "trades": [
            {
                "member": t.member_id,
                "role": t.role,
                "start": rfc3339(t.start),
                "end": rfc3339(t.end),
                "weekends_moved": t.weekends_moved,
                "off_hours_added": round(t.off_hours_added, 2),
                "night": deltas_json(t.night),
            }
            for t in options.trades
        ],
    }


# ----------------------------------------------------------------------------------------------
# The current rota on the solver's model


def _current_rota(
    team: Team, schedule: Schedule, effective: Sequence[ScheduledShift]
) -> tuple[Grid, dict[tuple[int, str], str]]:
    """The published grid and the effective holder of every (shift, role) on it."""
    cells = tuple(Shift(i, s.start, s.end) for i, s in enumerate(schedule.shifts))
    grid = Grid(schedule.team_id, schedule.horizon_start, schedule.horizon_end, cells, team.roles)
    holders: dict[tuple[int, str], str] = {}
    pos = 0
    for i, shift in enumerate(schedule.shifts):
        pieces: list[ScheduledShift] = []
        while pos < len(effective) and effective[pos].start < shift.end:
            if effective[pos].end > shift.start:
                pieces.append(effective[pos])
            pos += 1
        for role, planned in shift.assignments.items():
            seen = {p.assignments.get(role, planned) for p in pieces}
            holders[i, role] = seen.pop() if len(seen) == 1 else planned
    return grid, holders


_AUX = re.compile(r"^([wWD])\[([^,\]]+),([^\]]+)\]$")


class _Rota:
    """The team's model and a full assignment of its variables for the current rota."""

    def __init__(
        self,
        team: Team,
        grid: Grid,
        holders: dict[tuple[int, str], str],
        history: Schedule | None,
    ) -> None:
        self.model: RotaModel = build_model(team, grid, history)
        m = self.model
        self.first = m.timeline.first_grid
        self.index = {member.id: i for i, member in enumerate(team.members)}
        self.held: dict[int, set[tuple[int, str]]] = {i: set() for i in m.members}
        for (g, role), who in holders.items():
            if who in self.index:
                self.held[self.index[who]].add((self.first + g, role))
        proto = m.cp.proto
        self.x_of = {var.index: key for key, var in m.x.items()}
        self.aux: dict[int, tuple[str, int, object]] = {}
        for position, var in enumerate(proto.variables):
            if position in self.x_of:
                continue
            match = _AUX.match(var.name)
            if match is None:
                raise AssertionError(f"unexpected model variable {var.name!r}")
            kind, mid, what = match.groups()
            i = self.index[mid]
            key: object = int(what) if kind == "w" else date.fromisoformat(what)
            self.aux[position] = (kind, i, key)
        self.x_by_member: dict[int, list[tuple[int, str, int]]] = {i: [] for i in m.members}
        for (i, k, role), var in m.x.items():
            self.x_by_member[i].append((k, role, var.index))
        self.aux_by_member: dict[int, list[tuple[int, str, object]]] = {i: [] for i in m.members}
        for position, (kind, i, key) in self.aux.items():
            self.aux_by_member[i].append((position, kind, key))
        self.days: dict[tuple[int, str, object], list[int]] = {}
        for i in m.members:
            for k, f in enumerate(m.timeline.facts[i]):
                if f.weekend is not None:
                    self.days.setdefault((i, "W", f.weekend), []).append(k)
                    if f.day == SATURDAY:
                        self.days.setdefault((i, "D", f.weekend), []).append(k)
        self.constraints = [_Constraint.read(c) for c in proto.constraints]
        self.reads: dict[int, list[int]] = {}
        for c, constraint in enumerate(self.constraints):
            for position in constraint.variables():
                self.reads.setdefault(position, []).append(c)
        self.values = [0] * len(proto.variables)
        for i in m.members:
            self._fill(i, self.held[i], self.values)

    def held_by(self, i: int) -> list[tuple[int, str]]:
        return sorted(self.held[i])

    def off_minutes(self, i: int, k: int) -> int:
        return self.model.timeline.facts[i][k].off_minutes

    def night_minutes(self, i: int, k: int) -> int:
        return self.model.timeline.facts[i][k].night_minutes

    def weekend(self, i: int, k: int) -> date | None:
        return self.model.timeline.facts[i][k].weekend

    def _fill(self, i: int, held: set[tuple[int, str]], values: list[int]) -> set[int]:
        """Set member ``i``'s variables for ``held``; return the positions that changed."""
        m = self.model
        works = {k for k, _ in held}
        slots = m.timeline.slots
        changed: set[int] = set()

        def worked(k: int) -> bool:
            if slots[k].grid_index is None:
                return m.work(i, k) is True
            return k in works

        def put(position: int, value: int) -> None:
            if values[position] != value:
                values[position] = value
                changed.add(position)

        for k, role, position in self.x_by_member[i]:
            put(position, int((k, role) in held))
        for position, kind, key in self.aux_by_member[i]:
            if kind == "w":
                put(position, int(self.first + int(str(key)) in works))
            else:  # W: works a shift of that weekend; D: a Saturday shift of it
                put(position, int(any(worked(k) for k in self.days.get((i, kind, key), ()))))
        return changed

    def allowed(self, moves: Sequence[tuple[int, int, str, int]]) -> bool:
        """Whether moving each ``(from member, slot, role, to member)`` breaks no checked rule."""
        m = self.model
        held = {i: set(h) for i, h in self.held.items()}
        for giver, k, role, taker in moves:
            if (taker, k, role) not in m.x or (k, role) not in held[giver]:
                return False
            held[giver].discard((k, role))
            held[taker].add((k, role))
        values = list(self.values)
        changed: set[int] = set()
        for i in {i for move in moves for i in (move[0], move[3])}:
            changed |= self._fill(i, held[i], values)
        touched = {c for position in changed for c in self.reads.get(position, ())}
        return all(self.constraints[c].holds(values) for c in touched)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"_Rota({len(self.values)} variables)"


_KINDS = ("bool_or", "bool_and", "exactly_one", "at_most_one", "bool_xor", "linear")


@dataclass(frozen=True, slots=True)
class _Constraint:
    """A constraint of the model as plain data: kind, enforcement, literals or linear terms."""

    kind: str
    enforcement: tuple[int, ...]
    refs: tuple[int, ...]
    coeffs: tuple[int, ...] = ()
    domain: tuple[int, ...] = ()

    @classmethod
    def read(cls, proto: Any) -> _Constraint:
        kind = next((k for k in _KINDS if getattr(proto, f"has_{k}")()), None)
        if kind is None:
            raise AssertionError(f"unexpected constraint in the model: {proto}")
        enforcement = tuple(proto.enforcement_literal)
        if kind == "linear":
            body = proto.linear
            return cls(kind, enforcement, tuple(body.vars), tuple(body.coeffs), tuple(body.domain))
        return cls(kind, enforcement, tuple(getattr(proto, kind).literals))

    def variables(self) -> set[int]:
        return {ref if ref >= 0 else -ref - 1 for ref in (*self.enforcement, *self.refs)}

    def holds(self, values: list[int]) -> bool:
        """Whether the constraint holds for a full assignment (``values`` by variable)."""
        if not all(_lit(values, ref) for ref in self.enforcement):
            return True
        if self.kind == "linear":
            total = sum(c * _lit(values, r) for c, r in zip(self.coeffs, self.refs, strict=True))
            d = self.domain
            return any(d[j] <= total <= d[j + 1] for j in range(0, len(d), 2))
        true = sum(_lit(values, ref) for ref in self.refs)
        if self.kind == "bool_or":
            return true >= 1
        if self.kind == "bool_and":
            return true == len(self.refs)
        if self.kind == "exactly_one":
            return true == 1
        if self.kind == "at_most_one":
            return true <= 1
        return true % 2 == 1  # bool_xor


def _lit(values: list[int], ref: int) -> int:
    return values[ref] if ref >= 0 else 1 - values[-ref - 1]
