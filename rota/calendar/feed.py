"""Calendar events -> an RFC 5545 iCalendar feed (``icalendar.Calendar`` or bytes).

Three scopes (:class:`FeedScope`): a whole team (every role), one member (all their on-call,
across every team whose events are passed in) and one role of one team.

Every time is written in UTC (``...Z``): no TZID, hence no VTIMEZONE, and every client reads the
same instants whatever zone its user is in (checked against ical.js, vobject, icalendar,
khal and calcurse in ``tests/calendar/test_clients.py``). Wall-clock handoff times for people are in
the DESCRIPTION text. ``DTSTAMP`` is the ``stamp`` the caller passes (the schedule's
``created_at``), never the wall clock, so a feed is a pure function of its input.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from icalendar import Calendar, Event
from icalendar.prop import vDuration, vText

from rota.calendar.events import FeedEvent, shown_text
from rota.errors import FeedError
from rota.team import Team

PRODID = "-//rota//rota on-call feed 1.0//EN"
DEFAULT_REFRESH = timedelta(hours=1)


class FeedKind(StrEnum):
    TEAM = "team"
    MEMBER = "member"
    ROLE = "role"


@dataclass(frozen=True, slots=True)
class FeedScope:
    """Which events a feed holds, and the calendar's display name.

    Build one with :meth:`for_team`, :meth:`for_member` or :meth:`for_role`.
    """

    kind: FeedKind
    name: str
    team_id: str | None = None
    role: str | None = None
    member_id: str | None = None

    @classmethod
    def for_team(cls, team: Team) -> FeedScope:
        """Every role of ``team``."""
        return cls(FeedKind.TEAM, f"On call: {_team_name(team)}", team_id=team.id)

    @classmethod
    def for_member(cls, member_id: str, display_name: str | None = None) -> FeedScope:
        """Every event ``member_id`` holds, in whichever team."""
        shown = shown_text(display_name or "", member_id)
        label = f"{member_id} ({shown})" if shown != member_id else member_id
        return cls(FeedKind.MEMBER, f"On call: {label}", member_id=member_id)

    @classmethod
    def for_role(cls, team: Team, role: str) -> FeedScope:
        """One role of ``team``.

        Raises:
            FeedError: ``team`` has no such role.
        """
        if role not in team.roles:
            raise FeedError(
                f"team {team.id}: unknown role {role!r} (roles: {', '.join(team.roles)})"
            )
        return cls(
            FeedKind.ROLE, f"On call: {_team_name(team)} — {role}", team_id=team.id, role=role
        )

    def includes(self, event: FeedEvent) -> bool:
        """Whether ``event`` belongs in a feed of this scope."""
        if self.kind is FeedKind.MEMBER:
            return event.member_id == self.member_id
        if event.team_id != self.team_id:
            return False
        return self.kind is FeedKind.TEAM or event.role == self.role


def build_calendar(
    events: Iterable[FeedEvent],
    scope: FeedScope,
    *,
    stamp: datetime,
    refresh: timedelta = DEFAULT_REFRESH,
) -> Calendar:
    """The feed of ``scope``: the events it includes, as a ``VCALENDAR`` with METHOD:PUBLISH.

    Args:
        events: events from :func:`rota.calendar.events.build_events`; for a member feed, the
            events of every team concerned. Events outside ``scope`` are left out.
        scope: which events, and the calendar name.
        stamp: DTSTAMP of every event: when this feed's content was produced (the schedule's
            ``created_at``, or the latest of several schedules' for a member feed).
        refresh: how often clients should poll (REFRESH-INTERVAL, X-PUBLISHED-TTL).

    Returns:
        The calendar; ``to_ical()`` gives RFC 5545 bytes (CRLF, folded at 75 octets).

    Raises:
        FeedError: ``stamp`` is naive, ``refresh`` is not positive or two events share a UID.
    """
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise FeedError(f"feed stamp {stamp.isoformat()} has no zone")
    if refresh <= timedelta(0):
        raise FeedError(f"refresh interval must be positive, got {refresh}")
    stamp = stamp.astimezone(UTC).replace(microsecond=0)
    chosen = sorted((e for e in events if scope.includes(e)), key=lambda e: (e.start, e.team_id))
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", vText(scope.name))  # TEXT (RFC 7986): escaped like SUMMARY
    calendar.add("x-wr-calname", vText(scope.name))
    calendar.add("refresh-interval", vDuration(refresh), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    seen: set[str] = set()
    for event in chosen:
        if event.uid in seen:
            raise FeedError(f"two events share the UID {event.uid}; pass each team's events once")
        seen.add(event.uid)
        calendar.add_component(_vevent(event, stamp))
    return calendar


def feed_bytes(
    events: Iterable[FeedEvent],
    scope: FeedScope,
    *,
    stamp: datetime,
    refresh: timedelta = DEFAULT_REFRESH,
) -> bytes:
    """:func:`build_calendar` serialised: the body of a ``text/calendar`` response or file.

    The content lines come from ``icalendar``; they are folded here (same rule as icalendar's
    own folding, tested byte for byte) because its character-by-character folding took most of
    the time of a year-long team feed.
    """
    calendar = build_calendar(events, scope, stamp=stamp, refresh=refresh)
    return b"".join(
        fold_line(str(line)).encode("utf-8") + b"\r\n" for line in calendar.content_lines() if line
    )


FOLD_LIMIT = 75
"""RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break."""


def fold_line(line: str) -> str:
    r"""Fold a content line to at most 75 octets per physical line (CRLF + space between).

    Same rule as icalendar's folding: a segment holds fewer than ``FOLD_LIMIT`` octets, is never
    cut inside a UTF-8 character, and a backslash or caret that ends a segment moves to the next
    one so TEXT escapes and RFC 6868 parameter escapes stay whole.

    >>> [len(part) for part in fold_line("x" * 160).split("\r\n ")]
    [74, 74, 12]
    """
    if line.isascii():  # one octet per character: cut by slicing
        parts: list[str] = []
        start = 0
        while len(line) - start >= FOLD_LIMIT:
            cut = start + FOLD_LIMIT - 1
            if line[cut - 1] in "\\^":
                cut -= 1
            parts.append(line[start:cut])
            start = cut
        parts.append(line[start:])
        return "\r\n ".join(parts)
    segments: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = 1 if char < "\x80" else len(char.encode("utf-8"))
        if current and size + width >= FOLD_LIMIT:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                segments.append("".join(current))
                current, size = [carried], len(carried.encode("utf-8"))
            else:
                segments.append("".join(current))
                current, size = [], 0
        current.append(char)
        size += width
    if current:
        segments.append("".join(current))
    return "\r\n ".join(segments)


def _team_name(team: Team) -> str:
    return shown_text(team.config.team_name, team.id)


def _vevent(event: FeedEvent, stamp: datetime) -> Event:
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.start.astimezone(UTC))
    vevent.add("dtend", event.end.astimezone(UTC))
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.summary)
    vevent.add("description", event.description)
    vevent.add("categories", ["On call", event.role])
    vevent.add("transp", "TRANSPARENT")  # on call is not busy: meetings can still be booked
    return vevent


__all__ = ["DEFAULT_REFRESH", "PRODID", "FeedKind", "FeedScope", "build_calendar", "feed_bytes"]
