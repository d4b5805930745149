"""The web page: ``GET /`` (every team, who is on call now) and ``GET /teams/{team}``.

Server-rendered Jinja2, no JavaScript build chain (one inline script reads the browser's time
zone for the zone selector). Access control is described in docs/web.md: a page needs an API key,
sent as ``Authorization: Bearer`` or exchanged at ``/login`` for a signed, HttpOnly,
SameSite=Strict session cookie (see :mod:`api.routes.session`). Anonymous visitors are sent to
``/login``; nothing of the rota is shown to them.

Feed links carry secret tokens, so the page never mints them on its own: a signed-in write key
gets a button per feed that creates a token (``POST /teams/{team}/feeds``) and shows its URL
once, and sees the team's existing feed URLs (never their tokens) with a button that revokes
one (``POST /teams/{team}/feeds/{id}/revoke``); a read key is told to ask for one
(``rota feed create``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, available_timezones

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from api.routes.feeds import feed_urls, request_base, revoke_token
from api.routes.period import BadQuery, schedule_choice, schedule_links
from api.routes.session import (
    SESSION_COOKIE,
    SESSION_SECONDS,
    csrf_token,
    csrf_valid,
    login_key,
    make_session,
    read_form,
    safe_next,
    same_origin,
    viewer,
)
from rota.calendar.tokens import token_view, tokens_of_team
from rota.charts import CHART_CSS, fairness_charts
from rota.errors import ScheduleNotFound, TeamNotFound
from rota.keys import FEED_TOKEN_PREFIX, new_secret, secret_hash
from rota.labels import initials
from rota.localtime import local_date
from rota.oncall import OnCallAnswer, resolve_oncall
from rota.palette import PALETTE
from rota.report import build_report
from rota.service import TeamState, TeamStateCache
from rota.store import ApiKey, Store
from rota.timeline import TRACK_PX, build_timeline, hour_marks, member_colours
from rota.upnext import up_next

router = APIRouter(include_in_schema=False)

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")


def _local(instant: datetime, zone: ZoneInfo, pattern: str = "%a %d %b %H:%M") -> str:
    return instant.astimezone(zone).strftime(pattern)


def _pct(fraction: float) -> str:
    """A window fraction as an SVG percentage: ``0.5`` -> ``50.000``."""
    return f"{fraction * 100:.3f}"


def _city(zone: ZoneInfo) -> str:
    """``America/New_York`` -> ``New York``."""
    return zone.key.split("/")[-1].replace("_", " ")


TEMPLATES.env.filters["local"] = _local
TEMPLATES.env.filters["city"] = _city
TEMPLATES.env.filters["pct"] = _pct


# ------------------------------------------------------------------------------ helpers


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


class BadZone(Exception):
    """``?tz=`` names no IANA zone."""


def display_zone(value: str | None, default: ZoneInfo) -> ZoneInfo:
    """The zone asked for with ``?tz=`` (default: the team's); unknown names raise BadZone."""
    if value is None or value == "":
        return default
    if value not in _known_zones():
        raise BadZone(value)
    return ZoneInfo(value)


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept or not accept or accept.strip() == "*/*"


def _page(
    request: Request,
    name: str,
    context: dict[str, Any],
    status_code: int = status.HTTP_200_OK,
    key: ApiKey | None = None,
) -> Response:
    """Render ``name`` with the security headers every page gets (CSP with a fresh nonce)."""
    nonce = secrets.token_urlsafe(16)
    cookie = request.cookies.get(SESSION_COOKIE)
    response = TEMPLATES.TemplateResponse(
        request,
        name,
        {
            **context,
            "nonce": nonce,
            "key": key,
            "csrf": csrf_token(request, cookie) if key is not None and cookie else "",
            "chart_css": CHART_CSS,
        },
        status_code=status_code,
    )
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
        "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"  # "no-referrer" makes Origin null
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def _error(request: Request, code: int, message: str, key: ApiKey | None = None) -> Response:
    return _page(request, "error.html", {"code": code, "message": message}, code, key)


def _bad_zone(request: Request, value: str, key: ApiKey) -> Response:
    message = f"unknown time zone; use an IANA name such as Europe/Warsaw or UTC. Got: {value!r}"
    return _bad_query(request, "tz", message, key)


def _bad_query(request: Request, name: str, message: str, key: ApiKey) -> Response:
    if _wants_html(request):
        return _error(request, status.HTTP_422_UNPROCESSABLE_CONTENT, f"{name}: {message}", key)
    return JSONResponse(
        {"detail": [{"loc": ["query", name], "msg": message, "type": "value_error"}]},
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
    )


def _to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(
        f"/login?next={safe_next(target, quoted=True)}", status.HTTP_303_SEE_OTHER
    )


def _now(request: Request) -> datetime:
    now: datetime = request.app.state.settings.now()
    return now


def _oncall(state: TeamState, now: datetime) -> OnCallAnswer | None:
    try:
        return resolve_oncall(state.team, state.index, now)
    except ScheduleNotFound:
        return None


@dataclass(frozen=True, slots=True)
class ZoneChoice:
    key: str
    label: str


def zone_choices(state: TeamState, chosen: ZoneInfo) -> list[ZoneChoice]:
    """Team zone, UTC, every member zone, and the chosen one (e.g. the browser's) if other."""
    choices = [ZoneChoice(state.team.zone.key, f"Team zone ({state.team.zone.key})")]
    seen = {state.team.zone.key}
    for key in ["UTC", *(m.timezone.key for m in state.team.members), chosen.key]:
        if key not in seen:
            seen.add(key)
            choices.append(ZoneChoice(key, key))
    return choices


# ------------------------------------------------------------------------------ sign in / out


@router.get("/login")
def login_form(request: Request, target: Annotated[str, Query(alias="next")] = "/") -> Response:
    return _page(request, "login.html", {"next": safe_next(target), "failed": False})


@router.post("/login")
async def login(request: Request) -> Response:
    if not same_origin(request):
        return _error(request, status.HTTP_403_FORBIDDEN, "Cross-site sign-in refused")
    form = await read_form(request)
    target = safe_next(form.get("next", "/"))
    key = login_key(request, form.get("key", ""))
    if key is None:
        return _page(
            request,
            "login.html",
            {"next": target, "failed": True},
            status.HTTP_401_UNAUTHORIZED,
        )
    response = RedirectResponse(target, status.HTTP_303_SEE_OTHER)
    secure = request.url.scheme == "https" or (
        (request.app.state.settings.public_url or "").startswith("https:")
    )
    response.set_cookie(
        SESSION_COOKIE,
        make_session(request, key, _now(request)),
        max_age=SESSION_SECONDS,
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure,
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await read_form(request)
    if not same_origin(request) or not csrf_valid(request, form.get("csrf", "")):
        return _error(request, status.HTTP_403_FORBIDDEN, "Sign-out form expired; reload the page")
    response = RedirectResponse("/login", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


# ------------------------------------------------------------------------------ pages


@dataclass(frozen=True, slots=True)
class TeamCard:
    id: str
    name: str
    zone: ZoneInfo
    answer: OnCallAnswer | None
    has_schedule: bool


@router.get("/")
def index(request: Request, tz: str | None = None) -> Response:
    key = viewer(request, _now(request))
    if key is None:
        return _to_login(request)
    store: Store = request.app.state.store
    states: TeamStateCache = request.app.state.states
    try:
        zone = display_zone(tz, ZoneInfo("UTC"))
    except BadZone:
        return _bad_zone(request, tz or "", key)
    now = _now(request)
    cards: list[TeamCard] = []
    for info in store.list_teams():
        if info.latest_version is None:
            cards.append(
                TeamCard(info.id, info.name, display_zone(info.timezone, zone), None, False)
            )
            continue
        state = states.get(info.id)
        cards.append(
            TeamCard(
                info.id, state.team.config.team_name, state.team.zone, _oncall(state, now), True
            )
        )
    return _page(
        request,
        "index.html",
        {"cards": cards, "now": now, "zone": zone, "tz": tz or ""},
        key=key,
    )


@router.get("/teams/{team}")
def team_page(
    request: Request,
    team: str,
    tz: str | None = None,
    view: str | None = None,
    span: str | None = None,
    start: str | None = None,
) -> Response:
    key = viewer(request, _now(request))
    if key is None:
        return _to_login(request)
    states: TeamStateCache = request.app.state.states
    try:
        state = states.get(team)
    except (TeamNotFound, ScheduleNotFound):
        return _error(request, status.HTTP_404_NOT_FOUND, f"No published rota for {team!r}", key)
    try:
        zone = display_zone(tz, state.team.zone)
    except BadZone:
        return _bad_zone(request, tz or "", key)
    now = _now(request)
    today = local_date(now, zone)
    try:
        chosen_view, period = schedule_choice(view, span, start, today)
    except BadQuery as bad:
        return _bad_query(request, bad.name, str(bad), key)
    index = state.index
    timeline = build_timeline(
        state.team,
        index.shifts,
        period.window(zone),
        zone,
        now,
        [frozenset(index.overrides_at_position(k)) for k in range(len(index))],
        chosen_view,
        TRACK_PX[period.span],
    )
    report = build_report(state.team, state.schedule, index.shifts)
    existing: list[dict[str, object]] = []
    if key.scope == "write":  # which feeds exist and when they were used is for write keys
        store: Store = request.app.state.store
        members = {m.id for m in state.team.members}
        existing = [token_view(t) for t in tokens_of_team(store.list_feed_tokens(), team, members)]
    return _page(
        request,
        "team.html",
        {
            "state": state,
            "team": state.team,
            "now": now,
            "zone": zone,
            "zones": zone_choices(state, zone),
            "tz": tz or "",
            "answer": _oncall(state, now),
            "timeline": timeline,
            "period": period,
            "keep": {k: v for k, v in (("view", view), ("span", span), ("start", start)) if v},
            "hour_marks": hour_marks(timeline),
            "track_px": TRACK_PX[period.span],
            "links": schedule_links(team, tz or "", chosen_view, period, today),
            "up_next": up_next(state.team, index.shifts, now),
            "palette": PALETTE,
            "initials": initials([(m.id, m.name) for m in state.team.members]),
            "colours": member_colours(m.id for m in state.team.members),
            "report": report,
            "charts": fairness_charts(report),
            "existing_feeds": existing,
        },
        key=key,
    )


async def _write_form(
    request: Request, needs_write: str
) -> tuple[ApiKey, dict[str, str]] | Response:
    """The signed-in write key and the posted form, or the page that refuses the request."""
    key = viewer(request, _now(request))
    if key is None:
        return _to_login(request)
    form = await read_form(request)
    if not same_origin(request) or not csrf_valid(request, form.get("csrf", "")):
        return _error(request, status.HTTP_403_FORBIDDEN, "Form expired; reload the page", key)
    if key.scope != "write":
        return _error(request, status.HTTP_403_FORBIDDEN, needs_write, key)
    return key, form


@router.post("/teams/{team}/feeds")
async def create_feed(request: Request, team: str) -> Response:
    """Create a feed token for the team, one role or one member (write keys) and show it once."""
    checked = await _write_form(
        request,
        "Creating a feed link needs a write key; ask your team lead or run `rota feed create`",
    )
    if isinstance(checked, Response):
        return checked
    key, form = checked
    states: TeamStateCache = request.app.state.states
    try:
        state = states.get(team)
    except (TeamNotFound, ScheduleNotFound):
        return _error(request, status.HTTP_404_NOT_FOUND, f"No published rota for {team!r}", key)
    kind = form.get("kind", "")
    role = form.get("role") or None
    member = form.get("member") or None
    members = {m.id: m.name for m in state.team.members}
    if kind == "team":
        label = f"{state.team.config.team_name}: every role"
    elif kind == "role" and role in state.team.roles:
        label = f"{state.team.config.team_name}: {role}"
    elif kind == "member" and member in members:
        label = f"{members[member]}: on call in every team"
    else:
        return _error(request, status.HTTP_422_UNPROCESSABLE_CONTENT, "Unknown feed", key)
    try:
        base = request_base(request)
    except HTTPException as exc:
        return _error(request, exc.status_code, str(exc.detail), key)
    token = new_secret(FEED_TOKEN_PREFIX)
    request.app.state.store.add_feed_token(
        token_hash=secret_hash(token),
        kind=kind,
        team_id=team if kind != "member" else None,
        member_id=member if kind == "member" else None,
        role=role if kind == "role" else None,
    )
    return _page(
        request,
        "feed_created.html",
        {"team": state.team, "label": label, "urls": feed_urls(base, token)},
        status.HTTP_201_CREATED,
        key,
    )


@router.post("/teams/{team}/feeds/{feed_id}/revoke")
async def revoke_feed(
    request: Request, team: str, feed_id: Annotated[int, PathParam(ge=1, le=2**63 - 1)]
) -> Response:
    """Revoke one of the team's feed URLs (write keys), then back to the team page."""
    checked = await _write_form(
        request, "Revoking a feed link needs a write key; run `rota feed revoke ID`"
    )
    if isinstance(checked, Response):
        return checked
    key, _form = checked
    states: TeamStateCache = request.app.state.states
    store: Store = request.app.state.store
    try:
        state = states.get(team)
    except (TeamNotFound, ScheduleNotFound):
        return _error(request, status.HTTP_404_NOT_FOUND, f"No published rota for {team!r}", key)
    members = {m.id for m in state.team.members}
    if not any(t.id == feed_id for t in tokens_of_team(store.list_feed_tokens(), team, members)):
        return _error(request, status.HTTP_404_NOT_FOUND, f"No feed {feed_id} of {team!r}", key)
    try:
        revoke_token(request, store, feed_id)
    except HTTPException as exc:  # revoked meanwhile
        return _error(request, exc.status_code, str(exc.detail), key)
    return RedirectResponse(f"/teams/{team}#feeds", status.HTTP_303_SEE_OTHER)
