"""Night hours: every hour of on-call time inside the holder's own night window.

The night window is member-local (``night`` in the team file), so its UTC hours follow the
member's zone and its daylight-saving changes. This module counts night hours of an interval
for a member, and names the night hours a change adds or removes, per member, in the words
``rota solve``, ``rota diff`` and ``rota swap`` print (``+4.5 night h for harish``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from rota.localtime import overlap_seconds, window_intervals
from rota.model import Member

_HOUR = 3600.0


def night_seconds(member: Member, start: datetime, end: datetime) -> float:
    """Seconds of ``[start, end)`` inside ``member``'s night window."""
    if start >= end:
        return 0.0
    nights = window_intervals(member.night, member.timezone, start, end)
    return overlap_seconds(nights, start, end)


def night_hours(member: Member, start: datetime, end: datetime) -> float:
    """Hours of ``[start, end)`` inside ``member``'s night window."""
    return night_seconds(member, start, end) / _HOUR


@dataclass(frozen=True, slots=True)
class NightDelta:
    """Night hours a change gives ``member_id`` (negative: takes away)."""

    member_id: str
    hours: float

    def text(self) -> str:
        """``+4.5 night h for harish``."""
        return f"{self.hours:+g} night h for {self.member_id}"


class NightTally:
    """Night hours gained and lost per member, added up interval by interval."""

    def __init__(self, members: Iterable[Member]) -> None:
        self._members = {m.id: m for m in members}
        self._hours: dict[str, float] = {}

    def add(self, member_id: str | None, start: datetime, end: datetime, sign: int = 1) -> None:
        """Count ``[start, end)`` for ``member_id`` (``sign`` -1: the member no longer holds
        it); members no longer in the team and None are ignored."""
        member = self._members.get(member_id) if member_id is not None else None
        if member is None:
            return
        hours = night_hours(member, start, end)
        if hours:
            self._hours[member.id] = self._hours.get(member.id, 0.0) + sign * hours

    def deltas(self) -> list[NightDelta]:
        """Members whose night hours change, by id (rounded to the second)."""
        return [
            NightDelta(member_id, round(hours, 4) + 0.0)
            for member_id, hours in sorted(self._hours.items())
            if round(hours, 4)
        ]


def night_text(deltas: Iterable[NightDelta]) -> str:
    """``+4.5 night h for harish, -4.5 night h for bob``, or ``no night hours added or
    removed``."""
    texts = [d.text() for d in deltas]
    return ", ".join(texts) if texts else "no night hours added or removed"


def deltas_json(deltas: Iterable[NightDelta]) -> list[dict[str, object]]:
    return [{"member": d.member_id, "night_hours": d.hours} for d in deltas]


def night_totals(hours: Mapping[str, float]) -> list[NightDelta]:
    """A first rota's night hours as deltas from nothing (members with none left out)."""
    return [NightDelta(m, round(h, 4) + 0.0) for m, h in sorted(hours.items()) if round(h, 4)]
