"""The web page's timeline: who holds each role over the coming days, laid out in a display zone.

A pure function of the team, its effective shifts and a window: no clock, no I/O. Positions are
fractions of the window in real (UTC) time, so a 23-hour DST day is drawn narrower than a 25-hour
one, and day lines sit at local midnights of the display zone.

Definitions:

* A *block* is a run of touching effective shifts in which one member holds one role from the
  same source (planned or override); consecutive daily shifts of one person join into one block.
* A block's *off-hours* are the parts outside the holder's working window, read in the holder's
  zone (the same definition :mod:`rota.metrics` counts); the page hatches them.
* A *hole* is a part of the window no stored shift covers (before or after the schedule).
* Member colours come from a fixed palette: a member's preferred slot is a hash of their id
  (so it stays the same across pages, teams and reloads); a member whose slot is taken by an
  earlier member of the team file takes the next free slot.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from rota.localtime import local_date, local_midnight_utc, overlap_seconds, window_intervals
from rota.model import Interval, Member, ScheduledShift
from rota.team import Team


@dataclass(frozen=True, slots=True)
class Colour:
    """A member's fill colour and a text colour readable on it (both CSS hex)."""

    fill: str
    text: str


# Distinct hues that stay apart for colour-blind readers as far as 16 slots allow; light fills take
# dark text, dark fills white text.
PALETTE: tuple[Colour, ...] = (
    Colour("#1f77b4", "#ffffff"),
    Colour("#ff7f0e", "#111111"),
    Colour("#2ca02c", "#ffffff"),
    Colour("#d62728", "#ffffff"),
    Colour("#9467bd", "#ffffff"),
    Colour("#8c564b", "#ffffff"),
    Colour("#e377c2", "#111111"),
    Colour("#7f7f7f", "#ffffff"),
    Colour("#bcbd22", "#111111"),
    Colour("#17becf", "#111111"),
    Colour("#aec7e8", "#111111"),
    Colour("#ffbb78", "#111111"),
    Colour("#98df8a", "#111111"),
    Colour("#ff9896", "#111111"),
    Colour("#c5b0d5", "#111111"),
    Colour("#005f5f", "#ffffff"),
)
UNKNOWN = Colour("#dddddd", "#111111")

_SegmentOf = Callable[[datetime, datetime], "Segment"]


def member_colours(member_ids: Iterable[str]) -> dict[str, Colour]:
    """Member id -> colour, stable per id; ids in team-file order (see the module docstring).

    >>> colours = member_colours(["ann", "bob"])
    >>> colours == member_colours(["ann", "bob"]) and colours["ann"] != colours["bob"]
    True
    """
    taken: set[int] = set()
    result: dict[str, Colour] = {}
    for member_id in member_ids:
        slot = int(hashlib.sha256(member_id.encode("utf-8")).hexdigest(), 16) % len(PALETTE)
        if len(taken) < len(PALETTE):
            while slot in taken:
                slot = (slot + 1) % len(PALETTE)
        taken.add(slot)
        result[member_id] = PALETTE[slot]
    return result


@dataclass(frozen=True, slots=True)
class Segment:
    """A part of the window as fractions: ``left`` and ``width`` in [0, 1]."""

    left: float
    width: float


@dataclass(frozen=True, slots=True)
class Block:
    """One member holding one role over ``[start, end)`` (clipped to the window)."""

    role: str
    member_id: str
    member_name: str
    colour: Colour
    start: datetime
    end: datetime
    override: bool
    span: Segment
    off_hours: tuple[Segment, ...]
    off_hours_total: float
    """Hours of the block outside the holder's working window."""


@dataclass(frozen=True, slots=True)
class Row:
    role: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Day:
    """A local day of the display zone inside the window (its column)."""

    day: date
    span: Segment
    weekend: bool


@dataclass(frozen=True, slots=True)
class Timeline:
    """Everything the page draws: rows per role, day columns, holes and the now marker."""

    zone: ZoneInfo
    start: datetime
    end: datetime
    rows: tuple[Row, ...]
    days: tuple[Day, ...]
    holes: tuple[Segment, ...]
    now: float | None
    """Position of "now" in [0, 1], or None when now is outside the window."""


def window_from(now: datetime, zone: ZoneInfo, days: int = 14) -> Interval:
    """``[local midnight of today, + days)`` in ``zone``, DST-correct, in UTC."""
    today = local_date(now, zone)
    return Interval(
        local_midnight_utc(today, zone), local_midnight_utc(today + timedelta(days=days), zone)
    )


def build_timeline(
    team: Team,
    shifts: Sequence[ScheduledShift],
    window: Interval,
    zone: ZoneInfo,
    now: datetime | None = None,
    overridden: Sequence[frozenset[str]] | None = None,
) -> Timeline:
    """Lay out ``shifts`` (effective, in time order) over ``window`` in ``zone``.

    Args:
        team: members (names, zones, working windows) and roles (row order).
        shifts: the effective shifts; they may cover only part of the window.
        window: the UTC interval drawn.
        zone: the display zone (day columns and weekend shading).
        now: the instant marked, when inside the window.
        overridden: per shift, the roles an override holds (drawn outlined).

    Returns:
        The :class:`Timeline`.
    """
    total = (window.end - window.start).total_seconds()

    def segment(lo: datetime, hi: datetime) -> Segment:
        return Segment(
            (lo - window.start).total_seconds() / total, (hi - lo).total_seconds() / total
        )

    members = {m.id: m for m in team.members}
    colours = member_colours(m.id for m in team.members)
    roles = list(team.roles)
    for shift in shifts:
        roles.extend(r for r in shift.assignments if r not in roles)
    runs: dict[str, list[tuple[str, bool, datetime, datetime]]] = {role: [] for role in roles}
    covered: list[Interval] = []
    for position, shift in enumerate(shifts):
        lo, hi = max(shift.start, window.start), min(shift.end, window.end)
        if lo >= hi:
            continue
        covered.append(Interval(lo, hi))
        by_override = overridden[position] if overridden is not None else frozenset()
        for role, member_id in shift.assignments.items():
            run = runs[role]
            is_override = role in by_override
            if run and run[-1][0] == member_id and run[-1][1] == is_override and run[-1][3] == lo:
                run[-1] = (member_id, is_override, run[-1][2], hi)
            else:
                run.append((member_id, is_override, lo, hi))
    rows = tuple(
        Row(
            role,
            tuple(
                _block(role, members.get(mid), mid, colours, ovr, lo, hi, segment)
                for mid, ovr, lo, hi in runs[role]
            ),
        )
        for role in roles
    )
    return Timeline(
        zone=zone,
        start=window.start,
        end=window.end,
        rows=rows,
        days=tuple(_days(window, zone, segment)),
        holes=tuple(segment(h.start, h.end) for h in _gaps(window, covered)),
        now=segment(window.start, now).width if now and window.start <= now < window.end else None,
    )


def _block(
    role: str,
    member: Member | None,
    member_id: str,
    colours: dict[str, Colour],
    override: bool,
    lo: datetime,
    hi: datetime,
    segment: _SegmentOf,
) -> Block:
    off: list[Interval] = []
    off_seconds = 0.0
    if member is not None:
        working = window_intervals(member.working_hours, member.timezone, lo, hi)
        off = _gaps(Interval(lo, hi), working)
        off_seconds = (hi - lo).total_seconds() - overlap_seconds(working, lo, hi)
    return Block(
        role=role,
        member_id=member_id,
        member_name=member.name if member is not None else member_id,
        colour=colours.get(member_id, UNKNOWN),
        start=lo,
        end=hi,
        override=override,
        span=segment(lo, hi),
        off_hours=tuple(segment(i.start, i.end) for i in off),
        off_hours_total=off_seconds / 3600,
    )


def _gaps(outer: Interval, inside: Sequence[Interval]) -> list[Interval]:
    """The parts of ``outer`` not covered by the sorted, disjoint ``inside`` intervals."""
    gaps: list[Interval] = []
    cursor = outer.start
    for part in inside:
        if part.start > cursor:
            gaps.append(Interval(cursor, min(part.start, outer.end)))
        cursor = max(cursor, part.end)
    if cursor < outer.end:
        gaps.append(Interval(cursor, outer.end))
    return [g for g in gaps if g.start < g.end]


def _days(window: Interval, zone: ZoneInfo, segment: _SegmentOf) -> list[Day]:
    days: list[Day] = []
    day = local_date(window.start, zone)
    while True:
        lo = max(local_midnight_utc(day, zone), window.start)
        hi = min(local_midnight_utc(day + timedelta(days=1), zone), window.end)
        if lo >= window.end:
            return days
        if lo < hi:
            days.append(Day(day=day, span=segment(lo, hi), weekend=day.weekday() >= 5))
        day += timedelta(days=1)


__all__ = [
    "PALETTE",
    "Block",
    "Colour",
    "Day",
    "Row",
    "Segment",
    "Timeline",
    "build_timeline",
    "member_colours",
    "window_from",
]
