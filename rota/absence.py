"""Absences: a member away for a while, recorded in the store rather than the team file.

An absence is kept next to the team file's own ``unavailable``: :func:`with_absences` adds the
stored absences of a team to its members' ``unavailable`` blocks, so every reader of
availability (the solver, override suspension, ``who``'s escalation, feeds) sees both alike.

``WHEN`` at the command line (and ``from``/``to`` in the API) is a date or a date-time, as in the
team file's ``unavailable``: a date means whole member-local days, ``to`` inclusive; a date-time
is an instant, ``to`` exclusive. :func:`parse_when` is the one place that reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from rota.errors import UsageError
from rota.instants import LocalTimeGap, parse_local_instant
from rota.localtime import local_midnight_utc
from rota.model import Unavailability
from rota.team import Team

DEFAULT_REASON = "absent"


@dataclass(frozen=True, slots=True)
class Absence:
    """``member_id`` of ``team_id`` is away during ``[start, end)`` (UTC)."""

    team_id: str
    member_id: str
    start: datetime
    end: datetime
    reason: str | None = None
    id: int | None = None
    created_by: str | None = None
    created_at: datetime | None = None

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end

    def block(self) -> Unavailability:
        """The absence as one of the member's ``unavailable`` blocks."""
        label = f"absence {self.id}: " if self.id is not None else ""
        return Unavailability(self.start, self.end, f"{label}{self.reason or DEFAULT_REASON}")


def with_absences(team: Team, absences: Iterable[Absence]) -> Team:
    """``team`` with each absence added to its member's ``unavailable`` (others are ignored:
    a member no longer in the team file is away from nothing)."""
    blocks: dict[str, list[Unavailability]] = {}
    for absence in absences:
        blocks.setdefault(absence.member_id, []).append(absence.block())
    if not blocks:
        return team
    members = tuple(
        replace(
            m,
            unavailable=tuple(
                sorted((*m.unavailable, *blocks.get(m.id, ())), key=lambda u: u.start)
            ),
        )
        for m in team.members
    )
    return replace(team, members=members)


def absence_when(
    team: Team,
    member_id: str,
    start: str,
    end: str,
    *,
    reason: str | None = None,
    naive: bool = True,
    zone: ZoneInfo | None = None,
    names: tuple[str, str] = ("--from", "--to"),
) -> Absence:
    """The absence of ``member_id`` from ``start`` to ``end`` as typed (see :func:`parse_when`):
    a date-time without an offset is in ``zone`` (default: the team's), or refused when not
    ``naive`` (the API).

    Raises:
        UsageError: not a member of the team, a malformed ``WHEN``, or an empty span.
    """
    try:
        member = team.member(member_id)
    except KeyError:
        known = ", ".join(m.id for m in team.members)
        raise UsageError(
            f"member: {member_id!r} is not a member of team {team.id} (members: {known})"
        ) from None
    naive_zone = (zone or team.zone) if naive else None
    lo = parse_when(start, names[0], day_zone=member.timezone, naive_zone=naive_zone, end=False)
    hi = parse_when(end, names[1], day_zone=member.timezone, naive_zone=naive_zone, end=True)
    if hi <= lo:
        raise UsageError(
            f"{names[1]}: the absence must end after it starts ({lo.isoformat()}); a date as "
            f"{names[1]} counts that whole day. Got value: {end!r}"
        )
    return Absence(team_id=team.id, member_id=member_id, start=lo, end=hi, reason=reason)


def parse_when(
    text: str, option: str, *, day_zone: ZoneInfo, naive_zone: ZoneInfo | None, end: bool
) -> datetime:
    """``WHEN`` as a UTC instant: a date is member-local midnight (``day_zone``), the day after
    it for an ``end`` (whole days, inclusive); a date-time is the instant, without an offset
    read in ``naive_zone`` (the team's zone; None refuses it). Whole seconds only.

    Raises:
        UsageError: neither a date nor a date-time, a fraction of a second, or no offset.
    """
    stripped = text.strip()
    try:
        if len(stripped) == 10:
            day = date.fromisoformat(stripped)
            return local_midnight_utc(day + timedelta(days=1) if end else day, day_zone)
        value = datetime.fromisoformat(stripped.replace("z", "Z"))
    except (ValueError, OverflowError) as exc:
        raise UsageError(
            f"{option}: expected a date (YYYY-MM-DD, whole member-local days) or a date-time "
            f"(YYYY-MM-DDTHH:MM, optional offset). Got value: {text!r}"
        ) from exc
    if value.microsecond:
        raise UsageError(f"{option}: instants are whole seconds. Got value: {text!r}")
    if value.tzinfo is None:
        if naive_zone is None:
            raise UsageError(
                f"{option}: a date-time must include a UTC offset (RFC 3339), e.g. "
                f"2026-12-07T09:00:00Z, or be a date. Got value: {text!r}"
            )
        try:  # the CLI's one reading of wall-clock time (DST gaps refused)
            return parse_local_instant(stripped, naive_zone).at
        except LocalTimeGap as exc:
            raise UsageError(f"{option}: {exc}. Got value: {text!r}") from exc
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise UsageError(f"{option}: out of range. Got value: {text!r}") from exc
