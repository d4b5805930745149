"""Dependencies of the routes: the store, the cached team state, the clock, and API-key checks."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPBearer

from rota.calendar.publish import FeedPublisher
from rota.config import is_id
from rota.errors import StoreError, TeamNotFound
from rota.keys import secret_hash, secret_matches
from rota.service import TeamStateCache
from rota.store import ApiKey, Store


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def states_of(request: Request) -> TeamStateCache:
    """The app's cache of team states."""
    states: TeamStateCache = request.app.state.states
    return states


async def get_states(request: Request) -> TeamStateCache:
    return states_of(request)


async def get_feeds(request: Request) -> FeedPublisher:
    feeds: FeedPublisher = request.app.state.feeds
    return feeds


def clock_of(request: Request) -> Callable[[], datetime]:
    """The app's clock (tests inject a fixed one)."""
    now: Callable[[], datetime] = request.app.state.settings.now
    return now


async def get_clock(request: Request) -> Callable[[], datetime]:
    return clock_of(request)


StoreDep = Annotated[Store, Depends(get_store)]
StatesDep = Annotated[TeamStateCache, Depends(get_states)]
FeedsDep = Annotated[FeedPublisher, Depends(get_feeds)]
ClockDep = Annotated[Callable[[], datetime], Depends(get_clock)]


async def known_ids(request: Request) -> None:
    """Answer 404 for a ``{team}`` in the path that no team file allows (``[a-z0-9-]+``, at most
    64 characters), before it reaches the store: so NUL bytes, control characters and overlong
    ids get the same answer on SQLite and PostgreSQL."""
    team = request.path_params.get("team")
    if isinstance(team, str) and not is_id(team):
        raise TeamNotFound(f"unknown team {team!r}")


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


class KeyCache:
    """Recent answers of the key table by hash, so a busy server does not query it per request.

    A revoked key stops working within ``max_age_s`` seconds. While the store does not answer,
    the last answer for a key is used for up to ``stale_s`` seconds after it was read (so paging
    lookups keep working through an outage: ``api/stale.py``).
    """

    def __init__(self, store: Store, max_age_s: float, stale_s: float = 0.0) -> None:
        self._store = store
        self._max_age_s = max_age_s
        self._stale_s = stale_s
        self._answers: dict[str, tuple[ApiKey | None, float]] = {}

    def find(self, key_hash: str) -> ApiKey | None:
        now = time.monotonic()
        cached = self._answers.get(key_hash)
        if cached is not None and now - cached[1] < self._max_age_s:
            return cached[0]
        try:
            found = self._store.find_api_key(key_hash)
        except StoreError:
            if cached is not None and now - cached[1] < self._stale_s:
                return cached[0]
            raise
        if len(self._answers) > 10_000:  # bound memory against floods of random keys
            self._answers.clear()
        self._answers[key_hash] = (found, now)
        return found


class _KeyAccess(HTTPBearer):
    """The API key of a request (``Authorization: Bearer <key>``), checked against the store.

    One dependency that both documents the scheme (OpenAPI ``HTTPBearer``) and checks the key:
    each dependency FastAPI resolves costs tens of microseconds, which on the paging hot path
    (``oncall``) was about a third of a request, so the header, the key and the scope are read
    here in one step rather than through a chain of three.
    """

    def __init__(self, *, write: bool) -> None:
        super().__init__(
            auto_error=False,
            scheme_name="HTTPBearer",
            description="An API key from `rota key create`.",
        )
        self._write = write

    async def __call__(self, request: Request) -> ApiKey:  # type: ignore[override]
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        credentials = credentials.strip()
        if scheme.lower() != "bearer" or not credentials:
            raise _unauthorized("Missing API key (Authorization: Bearer <key>)")
        keys: KeyCache = request.app.state.keys
        key = keys.find(secret_hash(credentials))
        if key is None or not secret_matches(credentials, key.key_hash):
            raise _unauthorized("Invalid or revoked API key")
        if self._write and key.scope != "write":
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="This API key may only read")
        return key


require_read = _KeyAccess(write=False)
"""Any active key may read."""

require_write = _KeyAccess(write=True)
"""Only a key created with ``--scope write`` may change overrides."""

ReadKey = Annotated[ApiKey, Depends(require_read)]
WriteKey = Annotated[ApiKey, Depends(require_write)]
