"""The PagerDuty-compatible read API under ``/pagerduty`` (``docs/pagerduty.md``).

A client of PagerDuty's REST API v2 (``pagerduty.RestApiV2Client``, ``pdpyras``) pointed at
``https://HOST:PORT/pagerduty`` lists on-calls, schedules, escalation policies and users as it
would from PagerDuty. Only GET is served; anything else under the prefix answers in PagerDuty's
error shape.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Query, Request

from api.deps import StatesDep, StoreDep, clock_of
from api.pagerduty.access import (
    ACCESS_DENIED,
    ERROR_RESPONSES,
    PagerDutyError,
    PagerDutyKey,
    PagerDutyRoute,
    invalid_input,
    not_found,
)
from api.pagerduty.directory import BlockCache, Directory, PublishedTeam, User
from api.pagerduty.shapes import (
    JSON,
    Links,
    OnCall,
    oncall_entry,
    paginated,
    policy_object,
    policy_targets_user,
    rendered_entries,
    schedule_object,
    user_object,
)
from rota.oncall.blocks import holder_blocks

router = APIRouter(
    prefix="/pagerduty",
    tags=["pagerduty"],
    route_class=PagerDutyRoute,
    responses=ERROR_RESPONSES,
)

DEFAULT_LIMIT = 25
"""Results per page when the client does not say (PagerDuty's default)."""

MAX_LIMIT = 100
"""The most results per page; a larger ``limit`` is lowered to this and echoed (as PagerDuty)."""

RENDER_SPAN = timedelta(weeks=2)
"""How far a schedule's rendered entries reach when only one of ``since``/``until`` is given."""

EARLIEST = datetime.min.replace(tzinfo=UTC) + RENDER_SPAN
LATEST = datetime.max.replace(tzinfo=UTC) - RENDER_SPAN
"""The range of ``since``/``until``: a rendered schedule may reach ``RENDER_SPAN`` beyond them."""

Limit = Annotated[int, Query(ge=1, description="Results per page (at most 100).")]
Offset = Annotated[int, Query(ge=0, description="Results to skip.")]
Total = Annotated[bool, Query(description="Count every result in `total`.")]
TextQuery = Annotated[str | None, Query(description="Only results whose name contains this.")]
TimeZone = Annotated[str | None, Query(description="IANA zone to render times in.")]
Instant = Annotated[str | None, Query(description="ISO 8601; without an offset: in time_zone.")]
Ids = Annotated[list[str] | None, Query()]


def _directory(request: Request, store: StoreDep, states: StatesDep) -> Directory:
    cache: BlockCache | None = getattr(request.app.state, "pagerduty_blocks", None)
    if cache is None:
        cache = request.app.state.pagerduty_blocks = BlockCache()
    return Directory.load(store, states, cache)


def _links(request: Request) -> Links:
    configured: str | None = request.app.state.settings.public_url
    root = (configured or str(request.base_url)).rstrip("/")
    return Links(api=f"{root}{router.prefix}", web=root)


def _zone(name: str | None, default: ZoneInfo) -> ZoneInfo:
    if name is None:
        return default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise invalid_input(f"time_zone: unknown time zone {name!r}") from None


def _instant(value: str | None, name: str, zone: ZoneInfo) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise invalid_input(f"{name}: not an ISO 8601 date-time: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    try:
        utc: datetime | None = parsed.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise invalid_input(f"{name}: out of range: {value!r}")
    return utc


def _range(since: datetime | None, until: datetime | None) -> None:
    if since is not None and until is not None and until < since:
        raise invalid_input("until: cannot be before since")


def _page(
    name: str,
    rows: list[Any],
    render: Callable[[Any], JSON],
    limit: int,
    offset: int,
    total: bool,
) -> JSON:
    return paginated(
        name, rows, render, limit=min(limit, MAX_LIMIT), offset=offset, with_total=total
    )


def _matches(query: str | None, *texts: str | None) -> bool:
    if query is None:
        return True
    needle = query.lower()
    return any(text is not None and needle in text.lower() for text in texts)


# --- on-calls ---------------------------------------------------------------------------------


@router.get("/oncalls")
def list_oncalls(
    request: Request,
    _key: PagerDutyKey,
    store: StoreDep,
    states: StatesDep,
    since: Instant = None,
    until: Instant = None,
    earliest: bool = False,
    time_zone: TimeZone = None,
    schedule_ids: Annotated[Ids, Query(alias="schedule_ids[]")] = None,
    escalation_policy_ids: Annotated[Ids, Query(alias="escalation_policy_ids[]")] = None,
    user_ids: Annotated[Ids, Query(alias="user_ids[]")] = None,
    include: Annotated[Ids, Query(alias="include[]")] = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    total: Total = False,
) -> JSON:
    """Who is paged at which level of which policy over ``[since, until]`` (default: now; one
    bound alone asks for that instant).

    Each entry's ``start``/``end`` is the person's whole continuous block at that level, which
    may reach beyond the range asked.
    """
    zone = _zone(time_zone, ZoneInfo("UTC"))
    lo, hi = _instant(since, "since", zone), _instant(until, "until", zone)
    _range(lo, hi)
    # A missing bound is the other one (one instant), both missing: now.
    lo = lo or hi or clock_of(request)()
    hi = hi or lo
    directory = _directory(request, store, states)
    wanted = set(include or ())
    rows = [
        OnCall(team, block)
        for team in directory.teams
        for block in team.blocks
        if block.end > lo and (block.start < hi or block.start <= lo)
    ]
    rows = [
        row
        for row in rows
        if (schedule_ids is None or row.schedule_id in schedule_ids)
        and (escalation_policy_ids is None or row.policy_id in escalation_policy_ids)
        and (user_ids is None or row.block.person_id in user_ids)
    ]
    rows.sort(key=lambda row: row.sort_key)
    if earliest:
        first: dict[tuple[str, int, str], OnCall] = {}
        for row in rows:
            first.setdefault((row.policy_id, row.block.level, row.block.person_id), row)
        rows = sorted(first.values(), key=lambda row: row.sort_key)
    links = _links(request)
    return _page(
        "oncalls",
        rows,
        lambda row: oncall_entry(directory, row, links, zone, wanted),
        limit,
        offset,
        total,
    )


# --- schedules --------------------------------------------------------------------------------


def _schedule(directory: Directory, schedule_id: str) -> tuple[PublishedTeam, str]:
    found = directory.schedule(schedule_id)
    if found is None:
        raise not_found(f"no schedule {schedule_id!r} (schedule ids are TEAM:ROLE)")
    return found


@router.get("/schedules")
def list_schedules(
    request: Request,
    _key: PagerDutyKey,
    store: StoreDep,
    states: StatesDep,
    query: TextQuery = None,
    time_zone: TimeZone = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    total: Total = False,
) -> JSON:
    """Every role of every team, as a schedule."""
    directory = _directory(request, store, states)
    links = _links(request)
    rows = [
        (team, role)
        for team, role in directory.schedules()
        if _matches(query, f"{team.name}: {role}")
    ]
    return _page(
        "schedules",
        rows,
        lambda row: schedule_object(
            directory, row[0], row[1], links, _zone(time_zone, row[0].state.team.zone)
        ),
        limit,
        offset,
        total,
    )


@router.get("/schedules/{schedule_id}")
def get_schedule(
    request: Request,
    schedule_id: str,
    _key: PagerDutyKey,
    store: StoreDep,
    states: StatesDep,
    since: Instant = None,
    until: Instant = None,
    time_zone: TimeZone = None,
    overflow: bool = False,
) -> JSON:
    """One schedule; with ``since`` or ``until``, its ``final_schedule`` entries in the range."""
    directory = _directory(request, store, states)
    team, role = _schedule(directory, schedule_id)
    zone = _zone(time_zone, team.state.team.zone)
    lo, hi = _instant(since, "since", zone), _instant(until, "until", zone)
    _range(lo, hi)
    links = _links(request)
    schedule = schedule_object(directory, team, role, links, zone)
    if lo is not None or hi is not None:
        start = lo if lo is not None else cast(datetime, hi) - RENDER_SPAN
        end = hi if hi is not None else start + RENDER_SPAN
        schedule["final_schedule"] = rendered_entries(
            directory,
            holder_blocks(team.state.index, role),
            start,
            end,
            zone,
            links,
            overflow=overflow,
        )
    return {"schedule": schedule}


@router.get("/schedules/{schedule_id}/users")
def list_schedule_users(
    request: Request,
    schedule_id: str,
    _key: PagerDutyKey,
    store: StoreDep,
    states: StatesDep,
    since: Instant = None,
    until: Instant = None,
) -> JSON:
    """The users holding the schedule's role in ``[since, until)`` (default: the whole
    stored schedule), in order of their first block."""
    directory = _directory(request, store, states)
    team, role = _schedule(directory, schedule_id)
    utc = ZoneInfo("UTC")
    lo, hi = _instant(since, "since", utc), _instant(until, "until", utc)
    _range(lo, hi)
    holders: list[str] = []
    for block in holder_blocks(team.state.index, role):
        inside = (lo is None or block.end > lo) and (hi is None or block.start < hi)
        if inside and block.member_id not in holders:
            holders.append(block.member_id)
    links = _links(request)
    users = [directory.user(holder) for holder in holders]
    return {"users": [user_object(user, links) for user in users if user is not None]}


# --- escalation policies ----------------------------------------------------------------------


@router.get("/escalation_policies")
def list_escalation_policies(
    request: Request,
    _key: PagerDutyKey,
    store: StoreDep,
    states: StatesDep,
    query: TextQuery = None,
    user_ids: Annotated[Ids, Query(alias="user_ids[]")] = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    total: Total = False,
) -> JSON:
    """Every team's default chain and each of its severities' chains."""
    directory = _directory(request, store, states)
    links = _links(request)
    rows = [
        (team, severity)
        for team, severity in directory.policies()
        if _matches(query, team.name if severity is None else f"{team.name}: {severity}")
        and (user_ids is None or any(policy_targets_user(team, severity, u) for u in user_ids))
    ]
    return _page(
        "escalation_policies",
        rows,
        lambda row: policy_object(directory, row[0], row[1], links),
        limit,
        offset,
        total,
    )


@router.get("/escalation_policies/{policy_id}")
def get_escalation_policy(
    request: Request, policy_id: str, _key: PagerDutyKey, store: StoreDep, states: StatesDep
) -> JSON:
    directory = _directory(request, store, states)
    found = directory.policy(policy_id)
    if found is None:
        raise not_found(f"no escalation policy {policy_id!r} (ids are TEAM or TEAM:SEVERITY)")
    return {"escalation_policy": policy_object(directory, *found, _links(request))}


# --- users ------------------------------------------------------------------------------------


@router.get("/users")
def list_users(
    request: Request,
    _key: PagerDutyKey,
    store: StoreDep,
    states: StatesDep,
    query: TextQuery = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    total: Total = False,
) -> JSON:
    """Every member and contact of every team, one user per id; ``query`` matches name or
    email."""
    directory = _directory(request, store, states)
    links = _links(request)
    rows = [u for u in directory.users if _matches(query, u.person.name, u.person.email)]
    render: Callable[[User], JSON] = lambda user: user_object(user, links)  # noqa: E731
    return _page("users", rows, render, limit, offset, total)


@router.get("/users/{user_id}")
def get_user(
    request: Request, user_id: str, _key: PagerDutyKey, store: StoreDep, states: StatesDep
) -> JSON:
    directory = _directory(request, store, states)
    user = directory.user(user_id)
    if user is None:
        raise not_found(f"no user {user_id!r}")
    return {"user": user_object(user, _links(request))}


# --- anything else ----------------------------------------------------------------------------


@router.api_route(
    "/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
)
def unsupported(request: Request, rest: str) -> JSON:
    """PagerDuty's shape for paths rota does not serve and for any write."""
    if request.method != "GET":
        raise PagerDutyError(
            403, ACCESS_DENIED, "Access Denied", ["rota's PagerDuty-compatible API is read-only"]
        )
    raise not_found(f"rota does not serve /{rest} (see docs/pagerduty.md)")
