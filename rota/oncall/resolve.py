"""Who is on call at an instant, and whom to page in which order (docs/team-file.md#escalation,
docs/api.md).

Definitions:

* The shift is the effective piece ``[start, end)`` holding the instant (overrides applied), so
  its bounds may be override bounds rather than planned handoffs.
* A level's targets are role names (resolved to the holder of that role at the instant), member
  ids (that member) or contact ids (that contact: someone outside the rotation, such as a
  manager); a name that is both a role and an id is read as the role. Within one level a person is
  paged once, under the first target that named them. A person unavailable at the instant is
  skipped with the reason and the end of that unavailability (touching or overlapping blocks
  joined). A level whose targets are all skipped stays in the chain, empty, so
  level numbers and timeouts do not shift.
* The next handoff is the first instant after ``at`` when any role's holder changes; boundaries
  where nobody changes (an override piece with the planned holder, two planned shifts with the same
  holders) are skipped. None when nobody changes before the end of the stored schedule.
* A holder id the team no longer lists (a member removed from the team file after solving) is
  shown with its id as name and the team's zone, so the answer never fails on stale data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum

from rota.config import EscalationLevel
from rota.errors import UsageError
from rota.model import Contact, DailyWindow, Interval, Member
from rota.oncall.index import OnCallIndex
from rota.team import Team
from rota.views import rfc3339

Person = Member | Contact
"""Whom a level pages: a member of the rotation or a contact outside it."""


def _via(person: Person, via_role: str | None) -> str:
    if via_role is not None:
        return via_role
    return "contact" if isinstance(person, Contact) else "member"


class HolderSource(StrEnum):
    PLANNED = "planned"
    OVERRIDE = "override"


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds ``role``, and whether the solver planned it or an override put them there."""

    role: str
    member: Member
    source: HolderSource
    override_id: int | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """A person to page in a level; ``via_role`` is the target role, None for an id target."""

    member: Person
    via_role: str | None

    @property
    def via(self) -> str:
        """The target role, ``"member"`` for a member id, ``"contact"`` for a contact id."""
        return _via(self.member, self.via_role)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A target not paged because the person is unavailable at the instant asked."""

    member: Person
    via_role: str | None
    reason: str
    until: datetime

    @property
    def via(self) -> str:
        """As :attr:`Page.via`."""
        return _via(self.member, self.via_role)

    @property
    def text(self) -> str:
        """``vacation until 2027-01-03T23:00:00Z``."""
        return f"{self.reason} until {rfc3339(self.until)}"


@dataclass(frozen=True, slots=True)
class Level:
    """One escalation level: page ``members`` and wait ``ack_timeout_minutes`` for an ack."""

    number: int
    ack_timeout_minutes: int
    members: tuple[Page, ...]
    skipped: tuple[Skipped, ...]


@dataclass(frozen=True, slots=True)
class RoleChange:
    role: str
    before: Member
    after: Member


@dataclass(frozen=True, slots=True)
class Handoff:
    """The next instant any holder changes, and every role that changes then."""

    at: datetime
    changes: tuple[RoleChange, ...]


@dataclass(frozen=True, slots=True)
class OnCallAnswer:
    """Everything paging code needs for ``team`` at ``at`` (the GET oncall answer)."""

    team_id: str
    at: datetime
    shift: Interval
    holders: tuple[Holder, ...]
    severity: str | None
    repeat: int
    levels: tuple[Level, ...]
    next_handoff: Handoff | None

    def holder(self, role: str) -> Holder:
        for holder in self.holders:
            if holder.role == role:
                return holder
        raise KeyError(role)


def escalation_chain(team: Team, severity: str | None) -> list[EscalationLevel]:
    """The configured levels for ``severity`` (None: the default chain).

    Raises:
        UsageError: ``severity`` is not one the team defines.
    """
    known = sorted(team.config.escalation.severities)
    if severity is not None and severity not in known:
        if not known:
            raise UsageError(
                f"team {team.id!r} defines no severities (got {severity!r}); omit the severity"
            )
        raise UsageError(
            f"unknown severity {severity!r} for team {team.id!r} (known: {', '.join(known)})"
        )
    return team.config.escalation_levels(severity)


class _Roster:
    """Member id -> :class:`Member` for one resolution (built once per call: O(1) lookups).

    ``contacts`` maps contact ids to the team's contacts, for escalation targets that name one.
    """

    __slots__ = ("by_id", "contacts", "team")

    def __init__(self, team: Team) -> None:
        self.team = team
        self.by_id = {member.id: member for member in team.members}
        self.contacts = {contact.id: contact for contact in team.contacts}

    def __call__(self, member_id: str) -> Member:
        found = self.by_id.get(member_id)
        return found if found is not None else _unknown_member(self.team, member_id)


def _unknown_member(team: Team, member_id: str) -> Member:
    """A stand-in for a holder id the team file no longer lists."""
    cfg = team.config
    return Member(
        id=member_id,
        name=member_id,
        email=None,
        timezone=team.zone,
        country=None,
        working_hours=DailyWindow(cfg.working_hours.start, cfg.working_hours.end),
        night=DailyWindow(cfg.night.start, cfg.night.end),
        roles=(),
        fte=1.0,
    )


def unavailable_at(member: Person, at: datetime) -> Skipped | None:
    """Why ``member`` (a member or a contact) cannot be paged at ``at`` and until when.

    None when available.
    """
    blocks = sorted(member.unavailable, key=lambda b: b.start)
    current = next((b for b in blocks if b.start <= at < b.end), None)
    if current is None:
        return None
    until = current.end
    for block in blocks:  # join blocks that touch or overlap the one in force
        if block.start <= until < block.end:
            until = block.end
    return Skipped(member=member, via_role=None, reason=current.reason, until=until)


def resolve_oncall(
    team: Team, index: OnCallIndex, at: datetime, severity: str | None = None
) -> OnCallAnswer:
    """Resolve the shift, the holders and the escalation chain of ``team`` at ``at``.

    Args:
        team: the team (members, roles, escalation config).
        index: its effective schedule, see :class:`OnCallIndex`.
        at: an aware instant inside the stored schedule.
        severity: a severity the team defines, or None for the default chain.

    Returns:
        The answer; see the module docstring for the definitions.

    Raises:
        ValueError: ``at`` is naive, or ``index`` belongs to another team.
        ScheduleNotFound: ``at`` is outside the stored schedule.
        UsageError: ``severity`` is unknown.
    """
    if index.team_id != team.id:
        raise ValueError(f"index of team {index.team_id!r} used for team {team.id!r}")
    chain = escalation_chain(team, severity)
    position = index.position(at)
    shift = index.shifts[position]
    in_force = index.overrides_at_position(position)
    member_of = _Roster(team)
    holders = tuple(
        Holder(
            role=role,
            member=member_of(member_id),
            source=HolderSource.OVERRIDE if role in in_force else HolderSource.PLANNED,
            override_id=in_force[role].id if role in in_force else None,
        )
        for role, member_id in shift.assignments.items()
    )
    default_timeout = team.config.escalation.ack_timeout_minutes
    levels = tuple(
        _resolve_level(member_of, number, level, shift.assignments, at, default_timeout)
        for number, level in enumerate(chain, start=1)
    )
    return OnCallAnswer(
        team_id=team.id,
        at=at.astimezone(UTC),
        shift=Interval(shift.start, shift.end),
        holders=holders,
        severity=severity,
        repeat=team.config.escalation.repeat,
        levels=levels,
        next_handoff=_next_handoff(member_of, index, position),
    )


def _resolve_level(
    member_of: _Roster,
    number: int,
    level: EscalationLevel,
    holders: Mapping[str, str],
    at: datetime,
    default_timeout: int,
) -> Level:
    roles = set(member_of.team.roles)
    seen: set[str] = set()
    pages: list[Page] = []
    skipped: list[Skipped] = []
    for target in level.targets:
        if target in roles:
            member_id = holders.get(target)
            via: str | None = target
        else:
            member_id, via = target, None
        if member_id is None or member_id in seen:
            continue
        seen.add(member_id)
        member: Person
        if via is None and member_id in member_of.contacts:
            member = member_of.contacts[member_id]
        else:
            member = member_of(member_id)
        away = unavailable_at(member, at)
        if away is None:
            pages.append(Page(member=member, via_role=via))
        else:
            skipped.append(replace(away, via_role=via))
    timeout = level.ack_timeout_minutes or default_timeout
    return Level(number, timeout, tuple(pages), tuple(skipped))


def _next_handoff(member_of: _Roster, index: OnCallIndex, position: int) -> Handoff | None:
    following = index.next_change(position)
    if following is None:
        return None
    before = index.shifts[position].assignments
    after = index.shifts[following].assignments
    changes = tuple(
        RoleChange(role, member_of(before[role]), member_of(after[role]))
        for role in before
        if role in after and before[role] != after[role]
    )
    return Handoff(at=index.shifts[following].start, changes=changes)
