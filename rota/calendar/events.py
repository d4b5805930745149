"""Effective shifts -> calendar events: one per member, role and run of adjacent shifts.

An *event* is a maximal run of shifts in which one member holds one role of one team without a
break: adjacent shifts (one ends where the next starts) of the same holder in the same role merge.

UIDs (stable across re-solves)
    ``UID = {team id}-{role}-{event start, UTC, YYYYMMDDTHHMMSSZ}@rota``.
    The *slot* of an event is (team, role, start instant). Within a team and role events never
    overlap, so the start identifies the event. Consequences, for a re-solve (or an override):

    * an event whose start does not move keeps its UID, even if its end or holder changes: the
      subscribed calendar updates it in place (with a higher SEQUENCE);
    * when a change splits an event, the first part keeps the UID (shorter, SEQUENCE + 1) and the
      later parts get new UIDs (their own starts);
    * when a change merges two events, the earlier UID survives (longer, SEQUENCE + 1) and the
      later UID disappears from the feed (clients drop it on the next refresh);
    * events elsewhere in the schedule are not touched at all.

SEQUENCE (monotonic, no database here)
    :func:`build_events` takes ``previous``: the events of the previously published feed (or any
    earlier events; per UID the one with the highest SEQUENCE is the reference). An event whose UID
    is new gets SEQUENCE 0; one whose content (:attr:`FeedEvent.content`: start, end, holder,
    summary, description) equals the reference keeps its SEQUENCE; otherwise it gets reference
    SEQUENCE + 1. :class:`PublishedHistory` folds this over every state a feed went through (each
    version with the overrides in force at each moment, see :mod:`rota.calendar.publish`), so an
    event rises exactly when what subscribers saw of it changed.

Odd stored data never breaks a feed
    Instants are floored to whole seconds (a shift left shorter than a second is dropped), and
    names are shown with control and invisible format characters replaced by a space
    (:func:`shown_text`); the feed writer escapes TEXT values as RFC 5545 §3.3.11 requires.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

from rota.errors import FeedError
from rota.instants import floor_second
from rota.model import Member, ScheduledShift
from rota.team import Team

UID_DOMAIN = "rota"
_UTC_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu", "GMT", "Etc/GMT"})


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One on-call event of a feed: ``member_id`` holds ``role`` of ``team_id`` in ``[start, end)``.

    ``start`` and ``end`` are aware UTC instants on whole seconds.
    """

    uid: str
    team_id: str
    role: str
    member_id: str
    start: datetime
    end: datetime
    summary: str
    description: str
    sequence: int = 0

    @property
    def content(self) -> tuple[datetime, datetime, str, str, str]:
        """What a subscriber sees change; a difference raises SEQUENCE."""
        return (self.start, self.end, self.member_id, self.summary, self.description)


@dataclass(frozen=True, slots=True)
class _Run:
    """A maximal run of adjacent shifts in which ``member_id`` holds ``role``."""

    role: str
    member_id: str
    start: datetime
    end: datetime


def event_uid(team_id: str, role: str, start: datetime) -> str:
    """The UID of the event of ``team_id``'s ``role`` starting at ``start``.

    >>> event_uid("platform", "primary", datetime(2026, 12, 7, 8, tzinfo=UTC))
    'platform-primary-20261207T080000Z@rota'
    """
    return f"{team_id}-{role}-{_compact_utc(start)}@{UID_DOMAIN}"


def build_events(
    team: Team,
    shifts: Sequence[ScheduledShift],
    *,
    previous: Iterable[FeedEvent] = (),
) -> tuple[FeedEvent, ...]:
    """Merge a team's effective shifts into per-member, per-role events.

    Args:
        team: the team the shifts belong to (names, zones, roles).
        shifts: effective shifts (overrides already applied), in any order; they must not overlap.
            A role missing from a shift's assignments is unheld there (no event, a gap).
        previous: events of the previously published feed, for SEQUENCE (see module doc).

    Returns:
        Events sorted by start, then by the team's role order.

    Shift times are floored to whole seconds (iCalendar has no finer unit); a shift that
    becomes empty by that is left out.

    Raises:
        FeedError: a shift has naive times, ends before it starts, or overlaps another.
    """
    ordered = _whole_seconds(_checked(team.id, shifts))
    runs = {role: _runs(role, ordered) for role in _roles_in(team, ordered)}
    reference = _latest_by_uid(previous)
    events: list[FeedEvent] = []
    for role, role_runs in runs.items():
        for index, run in enumerate(role_runs):
            before = role_runs[index - 1] if index > 0 else None
            after = role_runs[index + 1] if index + 1 < len(role_runs) else None
            event = FeedEvent(
                uid=event_uid(team.id, role, run.start),
                team_id=team.id,
                role=role,
                member_id=run.member_id,
                start=run.start,
                end=run.end,
                summary=f"On call: {role} — {_team_name(team)}",
                description=_description(team, run, before, after, runs),
            )
            events.append(_sequenced(event, reference.get(event.uid)))
    role_order = {role: i for i, role in enumerate(runs)}
    return tuple(sorted(events, key=lambda e: (e.start, role_order[e.role])))


def events_across_versions(
    team: Team, versions: Iterable[Sequence[ScheduledShift]]
) -> tuple[FeedEvent, ...]:
    """Events of the last of ``versions`` (oldest first), SEQUENCE carried through all of them.

    A UID that vanishes in one version and comes back later is compared with its last published
    form: same content keeps that SEQUENCE, other content gets it + 1.
    """
    history = PublishedHistory()
    events: tuple[FeedEvent, ...] = ()
    for shifts in versions:
        events = history.publish(team, shifts)
    return events


class PublishedHistory:
    """The events a feed published so far, as a fold: each :meth:`publish` is the next state.

    Keeps, per UID, the event last published under it; :meth:`copy` lets a caller keep a
    prefix of the history and continue it later without replaying it.
    """

    def __init__(self, seen: Mapping[str, FeedEvent] | None = None) -> None:
        self._seen: dict[str, FeedEvent] = dict(seen or {})

    def publish(self, team: Team, shifts: Sequence[ScheduledShift]) -> tuple[FeedEvent, ...]:
        """The events of the next published state, SEQUENCE set against everything before it."""
        events = build_events(team, shifts, previous=self._seen.values())
        self._seen.update((event.uid, event) for event in events)
        return events

    def copy(self) -> PublishedHistory:
        return PublishedHistory(self._seen)


def _sequenced(event: FeedEvent, before: FeedEvent | None) -> FeedEvent:
    if before is None:
        return event
    if before.content == event.content:
        return replace(event, sequence=before.sequence)
    return replace(event, sequence=before.sequence + 1)


def _latest_by_uid(events: Iterable[FeedEvent]) -> dict[str, FeedEvent]:
    latest: dict[str, FeedEvent] = {}
    for event in events:
        known = latest.get(event.uid)
        if known is None or event.sequence >= known.sequence:
            latest[event.uid] = event
    return latest


def _checked(team_id: str, shifts: Sequence[ScheduledShift]) -> list[ScheduledShift]:
    for shift in shifts:
        for instant in (shift.start, shift.end):
            if instant.tzinfo is None or instant.utcoffset() is None:
                raise FeedError(f"team {team_id}: shift time {instant.isoformat()} has no zone")
        if shift.end <= shift.start:
            raise FeedError(
                f"team {team_id}: shift {shift.start.isoformat()} ends at or before its start"
            )
    ordered = sorted(shifts, key=lambda s: s.start)
    for first, second in pairwise(ordered):
        if second.start < first.end:
            raise FeedError(
                f"team {team_id}: shifts starting {first.start.astimezone(UTC).isoformat()} "
                f"and {second.start.astimezone(UTC).isoformat()} overlap"
            )
    return ordered


def _whole_seconds(shifts: Sequence[ScheduledShift]) -> list[ScheduledShift]:
    """Shifts with times floored to whole seconds, without those that become empty.

    Stores of older versions accepted overrides at sub-second instants; flooring every bound the
    same way keeps adjacent shifts adjacent and non-overlapping ones non-overlapping.
    """
    if not any(s.start.microsecond or s.end.microsecond for s in shifts):
        return list(shifts)
    floored = (replace(s, start=floor_second(s.start), end=floor_second(s.end)) for s in shifts)
    return [s for s in floored if s.end > s.start]


def _roles_in(team: Team, shifts: Sequence[ScheduledShift]) -> list[str]:
    """The team's roles in configured order, then any other role the shifts name (sorted)."""
    extra = {role for shift in shifts for role in shift.assignments} - set(team.roles)
    return [*team.roles, *sorted(extra)]


def _runs(role: str, shifts: Sequence[ScheduledShift]) -> list[_Run]:
    runs: list[_Run] = []
    for shift in shifts:
        holder = shift.assignments.get(role)
        if holder is None:
            continue
        start, end = shift.start.astimezone(UTC), shift.end.astimezone(UTC)
        last = runs[-1] if runs else None
        if last is not None and last.member_id == holder and last.end == start:
            runs[-1] = replace(last, end=end)
        else:
            runs.append(_Run(role=role, member_id=holder, start=start, end=end))
    return runs


def _description(
    team: Team,
    run: _Run,
    before: _Run | None,
    after: _Run | None,
    runs: Mapping[str, Sequence[_Run]],
) -> str:
    holder = _member(team, run.member_id)
    zone = holder.timezone if holder is not None else team.zone
    lines = [f"{_who(team, run.member_id)} is {run.role} for {_team_name(team)}."]
    for role, role_runs in runs.items():
        if role != run.role:
            lines.append(_partners(team, role, role_runs, run))
    if before is not None and before.end == run.start:
        lines.append(f"Takes over from {_who(team, before.member_id)} at {_when(run.start, zone)}.")
    if after is not None and after.start == run.end:
        lines.append(f"Hands over to {_who(team, after.member_id)} at {_when(run.end, zone)}.")
    elif after is not None:
        lines.append(
            f"Ends at {_when(run.end, zone)}; nobody holds {run.role} until "
            f"{_when(after.start, zone)}."
        )
    else:
        lines.append(f"Ends at {_when(run.end, zone)}: end of the published schedule.")
    return "\n".join(lines)


def _partners(team: Team, role: str, role_runs: Sequence[_Run], run: _Run) -> str:
    """Who holds ``role`` while ``run`` lasts.

    For example ``Secondary: erin (Erin Li) until 2026-12-08 08:00 UTC, then bob``: each holder
    but the last is followed by when they hand over; the last holds the role to the event's end.
    """
    parts: list[str] = []
    cursor = run.start
    first = bisect_right(role_runs, run.start, key=lambda r: r.end)  # first ending after start
    for index in range(first, len(role_runs)):
        other = role_runs[index]
        if other.start >= run.end:
            break
        if other.start > cursor:
            parts.append(f"nobody until {_utc(other.start)}")
        end = min(other.end, run.end)
        who = _who(team, other.member_id)
        parts.append(who if end == run.end else f"{who} until {_utc(end)}")
        cursor = end
    if cursor < run.end:
        parts.append("nobody")
    return f"{role.capitalize()}: " + ", then ".join(parts)


def _member(team: Team, member_id: str) -> Member | None:
    try:
        return team.member(member_id)
    except KeyError:
        return None  # a member since removed from the team file still shows by id


def _who(team: Team, member_id: str) -> str:
    member = _member(team, member_id)
    if member is None:
        return member_id
    name = shown_text(member.name, member_id)
    return member_id if name == member_id else f"{member_id} ({name})"


def _team_name(team: Team) -> str:
    return shown_text(team.config.team_name, team.id)


_UNSHOWN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_JOINERS = frozenset({"\u200c", "\u200d"})  # zero-width (non-)joiner: emoji and scripts need them
_SPACES = re.compile(r"\s+")


def shown_text(text: str, fallback: str) -> str:
    """A stored name as a calendar shows it: one line, control and format characters replaced.

    Team files are checked when they are read, but a file stored by an older version may hold a
    newline or an escape in a name; the feed shows it with every such character (and runs of
    white space) as one space, and ``fallback`` (the id) when nothing printable is left.

    >>> shown_text("Ann\\r\\nLee\\x1b", "ann")
    'Ann Lee'
    >>> shown_text("\\u202e\\t", "ann")
    'ann'
    """
    if text.isprintable():
        return text or fallback
    kept = "".join(
        " " if unicodedata.category(char) in _UNSHOWN and char not in _JOINERS else char
        for char in text
    )
    return _SPACES.sub(" ", kept).strip() or fallback


def _when(instant: datetime, zone: ZoneInfo) -> str:
    """An instant for a person: UTC, then wall-clock time in ``zone`` (with date if it differs).

    >>> _when(datetime(2026, 12, 8, 8, tzinfo=UTC), ZoneInfo("Europe/Warsaw"))
    '2026-12-08 08:00 UTC (09:00 Europe/Warsaw)'
    >>> _when(datetime(2026, 12, 8, 20, 30, tzinfo=UTC), ZoneInfo("Asia/Kolkata"))
    '2026-12-08 20:30 UTC (2026-12-09 02:00 Asia/Kolkata)'
    """
    utc = instant.astimezone(UTC)
    text = _utc(instant)
    if zone.key in _UTC_ZONES:
        return text
    local = instant.astimezone(zone)
    shown = f"{local:%H:%M}" if local.date() == utc.date() else f"{local:%Y-%m-%d %H:%M}"
    return f"{text} ({shown} {zone.key})"


def _utc(instant: datetime) -> str:
    return f"{instant.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _compact_utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


__all__ = [
    "FeedEvent",
    "PublishedHistory",
    "build_events",
    "event_uid",
    "events_across_versions",
    "shown_text",
]
