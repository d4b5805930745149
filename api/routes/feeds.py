"""Calendar feeds at unguessable URLs (calendar clients cannot send headers).

``GET /feeds/{token}.ics`` serves the feed the token was created for, with a strong ``ETag`` and
``Last-Modified`` so a client polling an unchanged feed gets ``304 Not Modified``; the feed's
bytes are built once per schedule state (:mod:`rota.calendar.publish`) and the token lookup is
cached (:class:`FeedTokenCache`). ``POST /v1/feeds`` (write key) creates a token and returns its
URLs once; ``GET /v1/feeds`` lists feeds and ``DELETE /v1/feeds/{id}`` revokes one (write key:
which feeds exist and who uses them is not for every reader). Only the token's hash is stored.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Literal

from fastapi import (
    APIRouter,
    BackgroundTasks,
    HTTPException,
    Path,
    Query,
    Request,
    Response,
    status,
)
from pydantic import BaseModel, ConfigDict, Field

from api.deps import FeedsDep, StatesDep, StoreDep, WriteKey
from api.routes.params import invalid
from api.schemas import ErrorPublic, TeamId
from api.stale import LastFeeds, stale_headers, stale_limit
from rota.calendar.links import base_url_problem, feed_links
from rota.calendar.publish import FeedPublisher, PublishedFeed
from rota.calendar.tokens import minute_text, tokens_of_team
from rota.errors import FeedError, StoreError
from rota.keys import FEED_TOKEN_PREFIX, new_secret, secret_hash
from rota.store import FeedToken, Store

router = APIRouter(tags=["feeds"])

CALENDAR_TYPE = "text/calendar; charset=utf-8"
USE_RESOLUTION = timedelta(minutes=1)
"""``last_used_at`` is written when the stored one is at least this old (listings show minutes)."""

_log = logging.getLogger("rota.api")


class FeedTokenCache:
    """Recent answers of the feed-token table by hash, so a polled feed costs no query.

    A token revoked through this process (:meth:`forget`) stops working at once; one revoked by
    the CLI or another server within ``max_age_s`` seconds.
    """

    def __init__(self, store: Store, max_age_s: float) -> None:
        self._store = store
        self._max_age_s = max_age_s
        self._lock = threading.Lock()
        self._answers: dict[str, tuple[FeedToken | None, float]] = {}

    def find(self, token_hash: str) -> FeedToken | None:
        """The active token with this hash, or None."""
        now = time.monotonic()
        cached = self._answers.get(token_hash)
        if cached is not None and now - cached[1] < self._max_age_s:
            return cached[0]
        found = self._store.find_feed_token(token_hash)
        with self._lock:
            if len(self._answers) > 10_000:  # bound memory against floods of random tokens
                self._answers.clear()
            self._answers[token_hash] = (found, now)
        return found

    def use_due(self, token_hash: str, token: FeedToken, at: datetime) -> bool:
        """Whether this use should be recorded (the last one recorded is a minute old); if so,
        the cached token is marked used at ``at`` so the next requests do not record again."""
        if token.last_used_at is not None and at - token.last_used_at < USE_RESOLUTION:
            return False
        with self._lock:
            cached = self._answers.get(token_hash)
            if cached is not None and cached[0] is not None:
                self._answers[token_hash] = (replace(cached[0], last_used_at=at), cached[1])
        return True

    def forget(self) -> None:
        """Drop every cached answer (after a token was revoked through this process)."""
        with self._lock:
            self._answers.clear()


def feed_tokens_of(request: Request) -> FeedTokenCache:
    """The app's feed-token cache."""
    cache: FeedTokenCache = request.app.state.feed_tokens
    return cache


class FeedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["team", "member", "role"]
    team: TeamId | None = Field(default=None, description="Team id (team and role feeds).")
    member: str | None = Field(default=None, description="Member id (member feeds).")
    role: str | None = Field(default=None, description="Role (role feeds).")


class FeedCreated(BaseModel):
    url: str = Field(description="HTTPS/HTTP URL of the feed; shown once, keep it secret.")
    webcal: str = Field(description="The same feed as webcal:// for one-click subscription.")


class FeedPublic(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    kind: Literal["team", "member", "role"]
    team: str | None = Field(description="Team id (team and role feeds), else null.")
    role: str | None = Field(description="Role (role feeds), else null.")
    member: str | None = Field(description="Member id (member feeds), else null.")
    created: str = Field(description="When the URL was made, RFC 3339 UTC, to the minute.")
    last_used: str | None = Field(
        description="When a calendar last fetched it, to the minute; null if never."
    )


class FeedsPublic(BaseModel):
    model_config = ConfigDict(frozen=True)

    feeds: list[FeedPublic]


def feed_urls(base: str, token: str) -> FeedCreated:
    """The URLs of a feed under ``base`` (check ``base`` with :func:`request_base` first)."""
    links = feed_links(base, token)
    return FeedCreated(url=links.url, webcal=links.webcal)


def request_base(request: Request) -> str:
    """Where feed links point: ``--public-url``, else the URL the request came to.

    Raises:
        HTTPException: 503 when the configured ``--public-url`` is unusable (``rota serve``
            refuses one at start; an app built by hand may not), 400 when the request's own
            ``Host`` gives no usable URL. Either way before any token is stored.
    """
    configured: str | None = request.app.state.settings.public_url
    if configured is not None:
        problem = base_url_problem(configured)
        if problem is not None:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                detail=f"The server's public URL {problem}; set --public-url to an http(s) URL",
            )
        return configured
    base = str(request.base_url)
    if base_url_problem(base) is not None:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="Unusable Host header")
    return base


@router.post(
    "/v1/feeds",
    response_model=FeedCreated,
    status_code=status.HTTP_201_CREATED,
    responses={
        400: {"model": ErrorPublic},
        401: {"model": ErrorPublic},
        403: {"model": ErrorPublic},
        404: {"model": ErrorPublic},
        503: {"model": ErrorPublic},
    },
)
def create_feed(
    body: FeedCreate, request: Request, _key: WriteKey, store: StoreDep, states: StatesDep
) -> FeedCreated:
    if body.kind == "member":
        if not body.member:
            raise invalid("body", "member", "a member feed needs 'member'", None)
        if not any(
            body.member in {m.id for m in states.get(t.id).team.members}
            for t in store.list_teams()
            if t.latest_version is not None
        ):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"Unknown member {body.member!r}")
    else:
        if not body.team:
            raise invalid("body", "team", f"a {body.kind} feed needs 'team'", None)
        state = states.get(body.team)
        if body.kind == "role" and body.role not in state.team.roles:
            raise invalid("body", "role", f"not a role of team {body.team!r}", body.role)
    base = request_base(request)
    token = new_secret(FEED_TOKEN_PREFIX)
    store.add_feed_token(
        token_hash=secret_hash(token),
        kind=body.kind,
        team_id=body.team if body.kind != "member" else None,
        member_id=body.member if body.kind == "member" else None,
        role=body.role if body.kind == "role" else None,
    )
    return feed_urls(base, token)


@router.get(
    "/v1/feeds",
    response_model=FeedsPublic,
    responses={
        401: {"model": ErrorPublic},
        403: {"model": ErrorPublic},
        404: {"model": ErrorPublic},
    },
)
def list_feeds(
    _key: WriteKey,
    store: StoreDep,
    states: StatesDep,
    team: Annotated[
        TeamId | None,
        Query(description="Only the team and role feeds of this team and its members' feeds."),
    ] = None,
) -> FeedsPublic:
    """Active feed URLs (never the tokens): who they are for, made and last used when."""
    tokens = [t for t in store.list_feed_tokens() if t.revoked_at is None]
    if team is not None:
        members = {m.id for m in states.get(team).team.members}
        tokens = tokens_of_team(tokens, team, members)
    return FeedsPublic(feeds=[feed_public(t) for t in tokens])


def feed_public(token: FeedToken) -> FeedPublic:
    return FeedPublic(
        id=token.id,
        kind=token.kind,  # the table's CHECK allows only these three
        team=token.team_id,
        role=token.role,
        member=token.member_id,
        created=minute_text(token.created_at) or "",
        last_used=minute_text(token.last_used_at),
    )


@router.delete(
    "/v1/feeds/{feed_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={
        401: {"model": ErrorPublic},
        403: {"model": ErrorPublic},
        404: {"model": ErrorPublic},
    },
)
def revoke_feed(
    feed_id: Annotated[int, Path(ge=1, le=2**63 - 1, description="Feed id (see GET /v1/feeds).")],
    request: Request,
    _key: WriteKey,
    store: StoreDep,
) -> Response:
    """Revoke a feed URL: it answers 404 from now on."""
    revoke_token(request, store, feed_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def revoke_token(request: Request, store: Store, feed_id: int) -> None:
    """Revoke feed ``feed_id`` in the store and in this process's token cache.

    Raises:
        HTTPException: 404, no such active feed.
    """
    if not store.revoke_feed_token(feed_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"Unknown feed {feed_id}")
    feed_tokens_of(request).forget()


@router.get(
    "/feeds/{token}.ics",
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {}}},
        304: {"description": "Unchanged since the client's copy (If-None-Match)."},
        404: {"model": ErrorPublic},
    },
)
def feed(token: str, request: Request, feeds: FeedsDep, background: BackgroundTasks) -> Response:
    """The iCalendar feed of a token (subscribe with ``webcal://``)."""
    token_hash = secret_hash(token)
    last_feeds: LastFeeds = request.app.state.last_feeds
    try:
        published = _published(token_hash, request, feeds, background)
    except StoreError:
        last = last_feeds.recall(token_hash, stale_limit(request))
        if last is None:
            raise
        published, stale = last[0], stale_headers(last[1])
    else:
        last_feeds.remember(token_hash, published)
        stale = {}
    headers = {
        "ETag": published.etag,
        "Last-Modified": format_datetime(published.last_modified.astimezone(UTC), usegmt=True),
        "Cache-Control": "private, max-age=300",
        **stale,
    }
    if not_modified(request, published):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(
        content=published.body,
        media_type=CALENDAR_TYPE,
        headers={**headers, "Content-Disposition": "inline"},
    )


def _published(
    token_hash: str, request: Request, feeds: FeedPublisher, background: BackgroundTasks
) -> PublishedFeed:
    """The current feed of the token (its use recorded after the response), or 404."""
    tokens = feed_tokens_of(request)
    found = tokens.find(token_hash)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Unknown feed")
    try:
        if found.kind == "member":
            assert found.member_id is not None
            published = feeds.member_published(found.member_id)
        else:
            assert found.team_id is not None
            published = feeds.team_published(
                found.team_id, found.role if found.kind == "role" else None
            )
    except FeedError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Feed has no schedule") from exc
    now: datetime = request.app.state.settings.now()
    if tokens.use_due(token_hash, found, now):
        background.add_task(_record_use, request.app.state.store, found.id, now)
    return published


def not_modified(request: Request, published: PublishedFeed) -> bool:
    """Whether the client's copy is current (RFC 9110 §13.1.2-3): ``If-None-Match`` naming the
    feed's ETag (or ``*``); without that header, ``If-Modified-Since`` at or after its
    ``Last-Modified``. A date that does not parse is ignored."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or published.etag in tags
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        moment = parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return published.last_modified <= moment


def _record_use(store: Store, token_id: int, at: datetime) -> None:
    """Stamp the token as used (after the response is sent; a failure costs only the stamp)."""
    try:
        store.record_feed_use(token_id, at, every=USE_RESOLUTION)
    except StoreError as exc:
        _log.warning("could not record the use of feed %s: %s", token_id, exc)
