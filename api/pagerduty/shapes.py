"""PagerDuty REST API v2 shapes of rota's objects: references, users, schedules, policies,
on-call entries, pages of results and errors (``docs/pagerduty.md`` lists the fields).

Pure functions from :mod:`api.pagerduty.directory` objects to JSON-ready dicts. ``Links`` carries
the URLs the answer needs: ``api`` for ``self`` (``https://HOST/pagerduty``) and ``web`` for
``html_url`` (rota's web view of the team).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from api.pagerduty.directory import (
    SEPARATOR,
    Directory,
    PublishedTeam,
    User,
    policy_id,
    schedule_id,
)
from rota.oncall.blocks import HolderBlock, PagedBlock

JSON = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Links:
    api: str
    web: str

    def team_page(self, team_id: str) -> str:
        return f"{self.web}/teams/{team_id}"


def local(instant: datetime, zone: ZoneInfo) -> str:
    """``instant`` in ``zone`` with its offset, whole seconds (``2027-03-28T03:00:00+02:00``)."""
    return instant.astimezone(zone).isoformat(timespec="seconds")


def _reference(
    kind: str, plural: str, ident: str, summary: str, links: Links, html: str | None
) -> JSON:
    return {
        "id": ident,
        "type": f"{kind}_reference",
        "summary": summary,
        "self": f"{links.api}/{plural}/{ident}",
        "html_url": html,
    }


def _full(reference: JSON, kind: str) -> JSON:
    return {**reference, "type": kind}


# --- users ------------------------------------------------------------------------------------


def user_reference(user: User, links: Links) -> JSON:
    return _reference("user", "users", user.person.id, user.person.name, links, None)


def user_object(user: User, links: Links) -> JSON:
    person = user.person
    listed = [
        f"{kind} of {', '.join(teams)}"
        for kind, teams in (("member", user.member_of), ("contact", user.contact_of))
        if teams
    ]
    return {
        **_full(user_reference(user, links), "user"),
        "name": person.name,
        "email": person.email,
        "time_zone": person.timezone.key,
        "role": "user",
        "description": f"rota {'; '.join(listed)}",
        "job_title": None,
        "invitation_sent": False,
        "teams": [],
        "contact_methods": [],
        "notification_rules": [],
    }


# --- schedules --------------------------------------------------------------------------------


def schedule_name(team: PublishedTeam, role: str) -> str:
    return f"{team.name}: {role}"


def schedule_reference(team: PublishedTeam, role: str, links: Links) -> JSON:
    ident = schedule_id(team.id, role)
    summary = schedule_name(team, role)
    return _reference("schedule", "schedules", ident, summary, links, links.team_page(team.id))


def _policies_naming_role(team: PublishedTeam, role: str) -> list[str | None]:
    config = team.state.team.config
    return [
        severity
        for severity in team.severities()
        if any(role in level.targets for level in config.escalation_levels(severity))
    ]


def schedule_object(
    directory: Directory, team: PublishedTeam, role: str, links: Links, zone: ZoneInfo
) -> JSON:
    fillers = [m for m in team.state.team.members if role in m.roles]
    return {
        **_full(schedule_reference(team, role, links), "schedule"),
        "name": schedule_name(team, role),
        "time_zone": zone.key,
        "description": f"Role {role!r} of rota team {team.id!r}",
        "escalation_policies": [
            policy_reference(team, severity, links)
            for severity in _policies_naming_role(team, role)
        ],
        "users": [_user_ref_by_id(directory, m.id, links) for m in fillers],
        "teams": [],
        "schedule_layers": [],
    }


def rendered_entries(
    directory: Directory,
    blocks: Sequence[HolderBlock],
    since: datetime,
    until: datetime,
    zone: ZoneInfo,
    links: Links,
    *,
    overflow: bool,
) -> JSON:
    """``final_schedule``: the holder blocks overlapping ``[since, until)``, cut at the bounds
    unless ``overflow``, and the share of the range that has a holder."""
    entries: list[JSON] = []
    covered = 0.0
    for block in blocks:
        if block.end <= since or block.start >= until:
            continue
        start, end = max(block.start, since), min(block.end, until)
        covered += (end - start).total_seconds()
        if overflow:
            start, end = block.start, block.end
        entries.append(
            {
                "start": local(start, zone),
                "end": local(end, zone),
                "user": _user_ref_by_id(directory, block.member_id, links),
            }
        )
    span = (until - since).total_seconds()
    return {
        "name": "Final Schedule",
        "rendered_schedule_entries": entries,
        "rendered_coverage_percentage": round(100 * covered / span, 2) if span > 0 else None,
    }


def _user_ref_by_id(directory: Directory, user_id: str, links: Links) -> JSON:
    user = directory.user(user_id)
    if user is None:  # a holder the team file no longer lists: named by id, like `rota who`
        return _reference("user", "users", user_id, user_id, links, None)
    return user_reference(user, links)


# --- escalation policies ----------------------------------------------------------------------


def policy_name(team: PublishedTeam, severity: str | None) -> str:
    return team.name if severity is None else f"{team.name}: {severity}"


def policy_reference(team: PublishedTeam, severity: str | None, links: Links) -> JSON:
    ident = policy_id(team.id, severity)
    summary = policy_name(team, severity)
    return _reference(
        "escalation_policy", "escalation_policies", ident, summary, links, links.team_page(team.id)
    )


def policy_object(
    directory: Directory, team: PublishedTeam, severity: str | None, links: Links
) -> JSON:
    team_obj = team.state.team
    config = team_obj.config
    roles = set(team_obj.roles)
    contacts = {c.id for c in team_obj.contacts}
    default_timeout = config.escalation.ack_timeout_minutes
    ident = policy_id(team.id, severity)
    rules = []
    for number, level in enumerate(config.escalation_levels(severity), start=1):
        targets = [
            schedule_reference(team, target, links)
            if target in roles
            else _user_ref_by_id(directory, target, links)
            for target in level.targets
            if target in roles or target in contacts or directory.user(target) is not None
        ]
        rules.append(
            {
                "id": f"{ident}{SEPARATOR}{number}",
                "escalation_delay_in_minutes": level.ack_timeout_minutes or default_timeout,
                "targets": targets,
            }
        )
    return {
        **_full(policy_reference(team, severity, links), "escalation_policy"),
        "name": policy_name(team, severity),
        "description": f"Default escalation chain of rota team {team.id!r}"
        if severity is None
        else f"Escalation chain of rota team {team.id!r} for severity {severity!r}",
        "num_loops": config.escalation.repeat - 1,
        "on_call_handoff_notifications": "if_has_services",
        "escalation_rules": rules,
        "services": [],
        "teams": [],
    }


def policy_targets_user(team: PublishedTeam, severity: str | None, user_id: str) -> bool:
    """Whether a level names ``user_id`` or a role the user may fill."""
    team_obj = team.state.team
    roles_of_user = next((m.roles for m in team_obj.members if m.id == user_id), ())
    return any(
        target == user_id or target in roles_of_user
        for level in team_obj.config.escalation_levels(severity)
        for target in level.targets
    )


# --- on-calls ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OnCall:
    """One block of one team, with its ids (the filters and the sort read these)."""

    team: PublishedTeam
    block: PagedBlock

    @property
    def policy_id(self) -> str:
        return policy_id(self.team.id, self.block.severity)

    @property
    def schedule_id(self) -> str | None:
        role = self.block.via_role
        return None if role is None else schedule_id(self.team.id, role)

    @property
    def sort_key(self) -> tuple[str, int, datetime, str, str]:
        b = self.block
        return (self.policy_id, b.level, b.start, b.person_id, self.schedule_id or "")


def oncall_entry(
    directory: Directory, oncall: OnCall, links: Links, zone: ZoneInfo, include: set[str]
) -> JSON:
    team, block = oncall.team, oncall.block
    user = directory.user(block.person_id)
    if "users" in include and user is not None:
        user_json = user_object(user, links)
    else:
        user_json = _user_ref_by_id(directory, block.person_id, links)
    policy = (
        policy_object(directory, team, block.severity, links)
        if "escalation_policies" in include
        else policy_reference(team, block.severity, links)
    )
    schedule: JSON | None = None
    if block.via_role is not None:
        schedule = (
            schedule_object(directory, team, block.via_role, links, team.state.team.zone)
            if "schedules" in include
            else schedule_reference(team, block.via_role, links)
        )
    return {
        "user": user_json,
        "schedule": schedule,
        "escalation_policy": policy,
        "escalation_level": block.level,
        "start": local(block.start, zone),
        "end": local(block.end, zone),
    }


# --- pages and errors -------------------------------------------------------------------------


def paginated(
    name: str,
    rows: Sequence[T],
    render: Callable[[T], JSON],
    *,
    limit: int,
    offset: int,
    with_total: bool,
) -> JSON:
    """One page of an index (classic pagination): ``rows[offset:offset + limit]`` rendered,
    ``more`` when rows follow, ``total`` only when asked (PagerDuty sends null otherwise)."""
    return {
        name: [render(row) for row in rows[offset : offset + limit]],
        "limit": limit,
        "offset": offset,
        "more": offset + limit < len(rows),
        "total": len(rows) if with_total else None,
    }


def error_body(code: int, message: str, errors: Sequence[str] = ()) -> JSON:
    """PagerDuty's error shape: ``{"error": {"code", "message", "errors"}}``."""
    return {"error": {"code": code, "message": message, "errors": list(errors)}}
