"""Who can take my shift? Swap candidates and one-for-one trades, checked by the solver's rules.

A member asks to give away one role of one shift of the effective schedule (overrides applied).
The rota the rules are checked on is the published grid with, for every ``(shift, role)``, its
effective holder (the planned holder where an override covers only part of the shift).

**Rule check** (:mod:`rota.rulecheck`): each move is checked against the solver's own model
of the team, history included, so every member and every trade is checked in well under a
second.

* A *candidate* B takes A's role in the shift; ranked by the effect on fairness: the change of
  ``|hours - fair share|`` summed over A and B (metrics of the effective schedule,
  :mod:`rota.metrics`), then B's off-hours in the shift, then id; candidates for whom the
  shift runs into their night (:mod:`rota.night`) rank after all who would not.
* A *trade* is B taking A's shift while A takes one of B's later shifts of the same length (so
  nobody's hours change); ranked by night hours added (trades adding none first), weekends
  moved, off-hours added, then closeness in time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rota.errors import UsageError
from rota.metrics import member_loads
from rota.model import Override, Schedule
from rota.night import NightDelta, deltas_json
from rota.oncall.effective import effective_shifts
from rota.rulecheck import CheckedRota, current_rota
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
    grid, holders = current_rota(team, schedule, effective)
    k_grid = next((g for g, s in enumerate(grid.shifts) if s.start == start), None)
    if k_grid is None or grid.shifts[k_grid].end != piece.end:
        raise UsageError(
            f"{member_id}'s {role} time starting {rfc3339(start)} is part of a shift cut by an "
            "override; change or remove that override instead (`rota override list`)"
        )
    rota = CheckedRota(team, grid, holders, history)
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


def published_swap_options(
    store: Store, state: TeamState, member_id: str, start: datetime, now: datetime
) -> SwapOptions:
    """:func:`swap_options` for a team as published, with its history when fairness counts it."""
    history = None
    if state.team.config.fairness.history:
        from rota.service import history_before

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
