"""The web page's timeline: who holds what over a day, week or month, laid out in a display zone.

A pure function of the team, its effective shifts and a window: no clock, no I/O. Positions are
fractions of the window in real (UTC) time, so a 23-hour DST day is drawn narrower than a 25-hour
one, and day lines sit at local midnights of the display zone.

Definitions:

* A *block* is a run of touching effective shifts in which one member holds one role from the
  same source (planned or override); consecutive daily shifts of one person join into one block.
* A block's *off-hours* are the parts outside the holder's working window, read in the holder's
  zone (the same definition :mod:`rota.metrics` counts); the page hatches them.
* A *hole* is a part of the window no stored shift covers (before or after the schedule).
* Two views of the same blocks: *roles* (a row per role, blocks labelled with the holder) and
  *people* (a row per member, blocks labelled with the role and patterned by it).
* A *period* is the window drawn: a local day, seven local days from a date, or a calendar month
  of the display zone (:func:`period_of`).
* Member colours: :mod:`rota.palette`; block labels (whole name, initials or none, never a
  fragment): :mod:`rota.labels`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from rota.labels import choose_label, initials, role_abbreviations
from rota.localtime import local_date, local_midnight_utc, overlap_seconds, window_intervals
from rota.model import Interval, Member, ScheduledShift
from rota.palette import PALETTE, UNKNOWN, Colour, member_colours
from rota.team import Team


@dataclass(frozen=True, slots=True)
class Segment:
    """A part of the window as fractions: ``left`` and ``width`` in [0, 1]."""

    left: float
    width: float


_SegmentOf = Callable[[datetime, datetime], "Segment"]


class View(StrEnum):
    ROLES = "roles"
    PEOPLE = "people"


class Span(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


TRACK_PX: dict[Span, float] = {Span.DAY: 1000.0, Span.WEEK: 1100.0, Span.MONTH: 1100.0}
"""The least width, in CSS pixels, of a timeline track per span (the page's stylesheet takes it
from here); labels are chosen against it (:mod:`rota.labels`)."""


@dataclass(frozen=True, slots=True)
class Period:
    """The local dates a page shows: ``[first, after)`` of the display zone, and its neighbours."""

    span: Span
    first: date
    after: date
    previous: date
    next: date

    @property
    def last(self) -> date:
        """The last local date shown."""
        return self.after - timedelta(days=1)

    def window(self, zone: ZoneInfo) -> Interval:
        """The period in UTC, from local midnight to local midnight (DST-correct)."""
        return Interval(local_midnight_utc(self.first, zone), local_midnight_utc(self.after, zone))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_of(span: Span, start: date) -> Period:
    """The ``span`` starting at ``start`` (a month: the calendar month holding ``start``).

    >>> month = period_of(Span.MONTH, date(2027, 1, 20))
    >>> month.first, month.next
    (datetime.date(2027, 1, 1), datetime.date(2027, 2, 1))
    """
    if span is Span.MONTH:
        first = start.replace(day=1)
        return Period(
            span, first, _add_months(first, 1), _add_months(first, -1), _add_months(first, 1)
        )
    step = timedelta(days=1 if span is Span.DAY else 7)
    return Period(span, start, start + step, start - step, start + step)


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
    label: str = ""
    """What the block shows: a whole name (or role), the short form, or "" (see rota.labels)."""
    role_index: int = 0
    """The role's place in the team's role list (the people view patterns blocks by it)."""


@dataclass(frozen=True, slots=True)
class Row:
    """A role (roles view) or a member (people view) and its blocks."""

    key: str
    title: str
    blocks: tuple[Block, ...]
    short: str = ""
    """The member's initials (people view), as their blocks elsewhere show them."""

    @property
    def role(self) -> str:
        return self.key


@dataclass(frozen=True, slots=True)
class Day:
    """A local day of the display zone inside the window (its column)."""

    day: date
    span: Segment
    weekend: bool


@dataclass(frozen=True, slots=True)
class Timeline:
    """Everything the page draws: rows, day columns, holes and the now marker."""

    zone: ZoneInfo
    start: datetime
    end: datetime
    rows: tuple[Row, ...]
    days: tuple[Day, ...]
    holes: tuple[Segment, ...]
    now: float | None
    """Position of "now" in [0, 1], or None when now is outside the window."""
    view: View = View.ROLES

    @property
    def block_count(self) -> int:
        return sum(len(row.blocks) for row in self.rows)


def window_from(now: datetime, zone: ZoneInfo, days: int = 14) -> Interval:
    """``[local midnight of today, + days)`` in ``zone``, DST-correct, in UTC."""
    today = local_date(now, zone)
    return Interval(
        local_midnight_utc(today, zone), local_midnight_utc(today + timedelta(days=days), zone)
    )


_Run = tuple[str, str, bool, datetime, datetime]  # member id, role, override, start, end


def build_timeline(
    team: Team,
    shifts: Sequence[ScheduledShift],
    window: Interval,
    zone: ZoneInfo,
    now: datetime | None = None,
    overridden: Sequence[frozenset[str]] | None = None,
    view: View = View.ROLES,
    track_px: float = TRACK_PX[Span.WEEK],
) -> Timeline:
    """Lay out ``shifts`` (effective, in time order) over ``window`` in ``zone``.

    Args:
        team: members (names, zones, working windows) and roles (row order).
        shifts: the effective shifts; they may cover only part of the window.
        window: the UTC interval drawn.
        zone: the display zone (day columns and weekend shading).
        now: the instant marked, when inside the window.
        overridden: per shift, the roles an override holds (drawn outlined).
        view: a row per role or a row per member.
        track_px: the least pixel width of the drawn window, for choosing labels.

    Returns:
        The :class:`Timeline`.
    """
    total = (window.end - window.start).total_seconds()

    def segment(lo: datetime, hi: datetime) -> Segment:
        return Segment(
            (lo - window.start).total_seconds() / total, (hi - lo).total_seconds() / total
        )

    roles = list(team.roles)
    people = [(m.id, m.name) for m in team.members]
    for shift in shifts:
        roles.extend(r for r in shift.assignments if r not in roles)
        known = {p for p, _ in people}
        people.extend((m, m) for m in shift.assignments.values() if m not in known)
    keys = roles if view is View.ROLES else [p for p, _ in people]
    runs: dict[str, list[_Run]] = {key: [] for key in keys}
    covered: list[Interval] = []
    for position, shift in enumerate(shifts):
        lo, hi = max(shift.start, window.start), min(shift.end, window.end)
        if lo >= hi:
            continue
        covered.append(Interval(lo, hi))
        by_override = overridden[position] if overridden is not None else frozenset()
        for role, member_id in shift.assignments.items():
            run = runs[role if view is View.ROLES else member_id]
            ovr = role in by_override
            if run and run[-1][:3] == (member_id, role, ovr) and run[-1][4] == lo:
                run[-1] = (member_id, role, ovr, run[-1][3], hi)
            else:
                run.append((member_id, role, ovr, lo, hi))
    members = {m.id: m for m in team.members}
    labels = _Labels(
        member_colours(m.id for m in team.members),
        initials(people),
        role_abbreviations(roles),
        {role: k for k, role in enumerate(roles)},
        view,
        track_px,
    )
    names = dict(people)
    short = labels.initials
    rows = tuple(
        Row(
            key,
            key if view is View.ROLES else names[key],
            tuple(_block(run, members.get(run[0]), labels, segment) for run in runs[key]),
            "" if view is View.ROLES else short[key],
        )
        for key in keys
    )
    return Timeline(
        zone=zone,
        start=window.start,
        end=window.end,
        rows=rows,
        days=tuple(_days(window, zone, segment)),
        holes=tuple(segment(h.start, h.end) for h in _gaps(window, covered)),
        now=segment(window.start, now).width if now and window.start <= now < window.end else None,
        view=view,
    )


@dataclass(frozen=True, slots=True)
class _Labels:
    colours: dict[str, Colour]
    initials: dict[str, str]
    roles: dict[str, str]
    role_index: dict[str, int]
    view: View
    track_px: float


def _block(run: _Run, member: Member | None, labels: _Labels, segment: _SegmentOf) -> Block:
    member_id, role, override, lo, hi = run
    off: list[Interval] = []
    off_seconds = 0.0
    if member is not None:
        working = window_intervals(member.working_hours, member.timezone, lo, hi)
        off = _gaps(Interval(lo, hi), working)
        off_seconds = (hi - lo).total_seconds() - overlap_seconds(working, lo, hi)
    name = member.name if member is not None else member_id
    span = segment(lo, hi)
    if labels.view is View.ROLES:
        label = choose_label(name, labels.initials[member_id], span.width * labels.track_px)
    else:
        label = choose_label(role, labels.roles[role], span.width * labels.track_px)
    return Block(
        role=role,
        member_id=member_id,
        member_name=name,
        colour=labels.colours.get(member_id, UNKNOWN),
        start=lo,
        end=hi,
        override=override,
        span=span,
        off_hours=tuple(segment(i.start, i.end) for i in off),
        off_hours_total=off_seconds / 3600,
        label=label,
        role_index=labels.role_index[role],
    )


def hour_marks(timeline: Timeline, every: int = 3) -> list[tuple[float, str]]:
    """Local hours of the display zone every ``every`` hours inside the window: (position, "HH:00").

    A DST change shows as a skipped or repeated hour label; positions follow real time.
    """
    marks: list[tuple[float, str]] = []
    total = (timeline.end - timeline.start).total_seconds()
    cursor = timeline.start
    while cursor < timeline.end:
        local = cursor.astimezone(timeline.zone)
        if local.minute == 0 and local.hour % every == 0:
            marks.append(((cursor - timeline.start).total_seconds() / total, f"{local:%H:00}"))
        cursor += timedelta(minutes=30)
    return marks


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
    "TRACK_PX",
    "Block",
    "Colour",
    "Day",
    "Period",
    "Row",
    "Segment",
    "Span",
    "Timeline",
    "View",
    "build_timeline",
    "hour_marks",
    "member_colours",
    "period_of",
    "window_from",
]
