"""What changed between two schedule versions, per shift and per member, in words people read.

The two versions may have different grids (another horizon, a follow-the-sun pattern that
moved), so the comparison is made on the timeline: for each role, both versions' holders are cut
at every boundary of either, and each maximal interval with the same (before, after) pair of
holders where they differ is one change. Parts of the timeline only one version covers count as
changes too (``None`` on the other side).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

from rota.instants import local_span
from rota.model import Member, Schedule, ScheduledShift
from rota.night import NightDelta, NightTally, deltas_json
from rota.views import rfc3339


@dataclass(frozen=True, slots=True)
class Change:
    """``role`` during ``[start, end)`` was held by ``before`` and is now held by ``after``."""

    role: str
    start: datetime
    end: datetime
    before: str | None
    after: str | None

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    def sentence(self, zone: ZoneInfo | None = None) -> str:
        """``alice no longer on call 2026-12-24 08:00-14:00 UTC (primary), now bob``; with a
        ``zone`` (the command line's text), ``2026-12-24 09:00+01:00 – 15:00+01:00
        (Europe/Berlin)``."""
        span = (
            _span(self.start, self.end) if zone is None else local_span(self.start, self.end, zone)
        )
        if self.before is None:
            return f"{self.after} now on call {span} ({self.role}), newly scheduled"
        if self.after is None:
            return f"{self.before} no longer on call {span} ({self.role}), no longer scheduled"
        return f"{self.before} no longer on call {span} ({self.role}), now {self.after}"


@dataclass(frozen=True, slots=True)
class MemberDelta:
    """A member's gained and lost on-call time between two versions."""

    member_id: str
    gained: tuple[Change, ...]
    lost: tuple[Change, ...]

    @property
    def net_hours(self) -> float:
        return sum(c.hours for c in self.gained) - sum(c.hours for c in self.lost)


def _span(start: datetime, end: datetime) -> str:
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M} UTC"
    return f"{start:%Y-%m-%d %H:%M}-{end:%Y-%m-%d %H:%M} UTC"


def _holders(shifts: Sequence[ScheduledShift], role: str) -> list[tuple[datetime, datetime, str]]:
    return sorted((s.start, s.end, s.assignments[role]) for s in shifts if role in s.assignments)


def _holder_at(pieces: list[tuple[datetime, datetime, str]], at: datetime) -> str | None:
    lo, hi = 0, len(pieces)
    while lo < hi:
        mid = (lo + hi) // 2
        if pieces[mid][1] <= at:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(pieces) and pieces[lo][0] <= at < pieces[lo][1]:
        return pieces[lo][2]
    return None


def diff_schedules(old: Schedule, new: Schedule) -> list[Change]:
    """Every change of holder from ``old`` to ``new``, by start then role order."""
    roles: list[str] = []
    for shift in (*old.shifts, *new.shifts):
        for role in shift.assignments:
            if role not in roles:
                roles.append(role)
    changes: list[Change] = []
    for role in roles:
        before = _holders(old.shifts, role)
        after = _holders(new.shifts, role)
        cuts = sorted({t for s, e, _ in (*before, *after) for t in (s, e)})
        current: Change | None = None
        for start, end in pairwise(cuts):
            was, now = _holder_at(before, start), _holder_at(after, start)
            if was == now:
                if current is not None:
                    changes.append(current)
                    current = None
                continue
            if (
                current is not None
                and current.end == start
                and (current.before, current.after) == (was, now)
            ):
                current = Change(role, current.start, end, was, now)
            else:
                if current is not None:
                    changes.append(current)
                current = Change(role, start, end, was, now)
        if current is not None:
            changes.append(current)
    order = {role: i for i, role in enumerate(roles)}
    return sorted(changes, key=lambda c: (c.start, order[c.role]))


def member_deltas(changes: Iterable[Change]) -> list[MemberDelta]:
    """Per member: what they gained and what they lost, members sorted by id."""
    gained: dict[str, list[Change]] = {}
    lost: dict[str, list[Change]] = {}
    for change in changes:
        if change.after is not None:
            gained.setdefault(change.after, []).append(change)
        if change.before is not None:
            lost.setdefault(change.before, []).append(change)
    return [
        MemberDelta(m, tuple(gained.get(m, ())), tuple(lost.get(m, ())))
        for m in sorted(set(gained) | set(lost))
    ]


def night_deltas(members: Iterable[Member], changes: Iterable[Change]) -> list[NightDelta]:
    """Night hours the changes add (to the new holder) or remove (from the old), per member
    (members no longer in the team are left out)."""
    tally = NightTally(members)
    for change in changes:
        tally.add(change.after, change.start, change.end)
        tally.add(change.before, change.start, change.end, -1)
    return tally.deltas()


def diff_view(
    old: Schedule, new: Schedule, changes: Sequence[Change], members: Iterable[Member]
) -> dict[str, object]:
    """``rota diff --json`` (``night`` counted for ``members``)."""
    return {
        "team": new.team_id,
        "from_version": old.version,
        "to_version": new.version,
        "changes": [
            {
                "role": c.role,
                "start": rfc3339(c.start),
                "end": rfc3339(c.end),
                "before": c.before,
                "after": c.after,
                "text": c.sentence(),
            }
            for c in changes
        ],
        "members": [
            {
                "member": d.member_id,
                "gained_hours": round(sum(c.hours for c in d.gained), 4),
                "lost_hours": round(sum(c.hours for c in d.lost), 4),
                "net_hours": round(d.net_hours, 4),
            }
            for d in member_deltas(changes)
        ],
        "night": deltas_json(night_deltas(members, changes)),
    }
