"""The page's "up next" list: the coming handoffs, each holder's local time, and where it ends.

A pure function of the team, its effective shifts (in time order, touching) and an instant:

* *before* the schedule starts, the first item is the start itself, listing every role's first
  holder ("first on call"), followed by the first handoffs;
* *during* the schedule, the items are the next instants at which any role's holder changes;
* the end of the stored schedule is listed as an item of its own (every holder hands over to
  nobody) once it is among the next items; *after* it there are no items.

Each holder's local time is the handoff instant in the holder's own zone (one entry per zone,
:meth:`UpNextChange.local_times`), so a handoff at 14:00 UTC reads 09:00 in New York in winter
and 10:00 in summer.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from rota.model import Member, ScheduledShift
from rota.oncall.resolve import _unknown_member
from rota.team import Team


class Phase(StrEnum):
    BEFORE = "before"
    DURING = "during"
    AFTER = "after"
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class UpNextChange:
    """``role`` passes from ``before`` to ``after`` (None: nobody, at the schedule's bounds)."""

    role: str
    before: Member | None
    after: Member | None

    def local_times(self, at: datetime) -> list[datetime]:
        """``at`` in each holder's own zone, one entry per distinct zone, holders in order."""
        zones = [m.timezone for m in (self.before, self.after) if m is not None]
        unique = [z for k, z in enumerate(zones) if z.key not in {y.key for y in zones[:k]}]
        return [at.astimezone(zone) for zone in unique]


@dataclass(frozen=True, slots=True)
class UpNextItem:
    at: datetime
    changes: tuple[UpNextChange, ...]

    @property
    def first(self) -> bool:
        """The schedule's start: nobody held any role before."""
        return all(c.before is None for c in self.changes)

    @property
    def last(self) -> bool:
        """The schedule's end: nobody holds any role after."""
        return all(c.after is None for c in self.changes)


@dataclass(frozen=True, slots=True)
class UpNext:
    phase: Phase
    items: tuple[UpNextItem, ...]
    start: datetime | None
    end: datetime | None
    """The stored schedule's bounds (None when nothing is stored)."""


def up_next(team: Team, shifts: Sequence[ScheduledShift], now: datetime, count: int = 4) -> UpNext:
    """At most ``count`` coming handoffs after ``now`` (see the module docstring)."""
    if not shifts:
        return UpNext(Phase.EMPTY, (), None, None)
    start, end = shifts[0].start, shifts[-1].end
    if now >= end:
        return UpNext(Phase.AFTER, (), start, end)
    members = {m.id: m for m in team.members}

    def member(member_id: str | None) -> Member | None:
        if member_id is None:
            return None
        return members.get(member_id) or _unknown_member(team, member_id)

    def item(at: datetime, before: dict[str, str], after: dict[str, str]) -> UpNextItem | None:
        roles = [*before, *(r for r in after if r not in before)]
        changes = tuple(
            UpNextChange(role, member(before.get(role)), member(after.get(role)))
            for role in roles
            if before.get(role) != after.get(role)
        )
        return UpNextItem(at, changes) if changes else None

    opening = item(start, {}, dict(shifts[0].assignments)) if now < start else None
    items = [opening] if opening is not None else []
    position = bisect_right([s.start for s in shifts], now) - 1 if now >= start else 0
    for following in range(position + 1, len(shifts) + 1):
        if len(items) >= count:
            break
        before = dict(shifts[following - 1].assignments)
        if following == len(shifts):
            found = item(end, before, {})
        else:
            found = item(shifts[following].start, before, dict(shifts[following].assignments))
        if found is not None:
            items.append(found)
    phase = Phase.BEFORE if now < start else Phase.DURING
    return UpNext(phase, tuple(items), start, end)


__all__ = ["Phase", "UpNext", "UpNextChange", "UpNextItem", "up_next"]
