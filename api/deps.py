"""Dependencies of the routes: the store, the cached team state, the clock, and API-key checks."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from rota.calendar.publish import FeedPublisher
from rota.keys import secret_hash, secret_matches
from rota.service import TeamStateCache
from rota.store import ApiKey, Store

_bearer = HTTPBearer(auto_error=False, description="An API key from `rota key create`.")


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def get_states(request: Request) -> TeamStateCache:
    states: TeamStateCache = request.app.state.states
    return states


async def get_feeds(request: Request) -> FeedPublisher:
    feeds: FeedPublisher = request.app.state.feeds
    return feeds


async def get_clock(request: Request) -> Callable[[], datetime]:
    now: Callable[[], datetime] = request.app.state.settings.now
    return now


StoreDep = Annotated[Store, Depends(get_store)]
StatesDep = Annotated[TeamStateCache, Depends(get_states)]
FeedsDep = Annotated[FeedPublisher, Depends(get_feeds)]
ClockDep = Annotated[Callable[[], datetime], Depends(get_clock)]


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


class KeyCache:
    """Recent answers of the key table by hash, so a busy server does not query it per request.

    A revoked key stops working within ``max_age_s`` seconds.
    """

    def __init__(self, store: Store, max_age_s: float) -> None:
        self._store = store
        self._max_age_s = max_age_s
        self._answers: dict[str, tuple[ApiKey | None, float]] = {}

    def find(self, key_hash: str) -> ApiKey | None:
        now = time.monotonic()
        cached = self._answers.get(key_hash)
        if cached is not None and now - cached[1] < self._max_age_s:
            return cached[0]
        found = self._store.find_api_key(key_hash)
        if len(self._answers) > 10_000:  # bound memory against floods of random keys
            self._answers.clear()
        self._answers[key_hash] = (found, now)
        return found


async def _api_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKey:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise _unauthorized("Missing API key (Authorization: Bearer <key>)")
    keys: KeyCache = request.app.state.keys
    key = keys.find(secret_hash(credentials.credentials))
    if key is None or not secret_matches(credentials.credentials, key.key_hash):
        raise _unauthorized("Invalid or revoked API key")
    return key


async def require_read(key: Annotated[ApiKey, Depends(_api_key)]) -> ApiKey:
    """Any active key may read."""
    return key


async def require_write(key: Annotated[ApiKey, Depends(_api_key)]) -> ApiKey:
    """Only a key created with ``--scope write`` may change overrides."""
    if key.scope != "write":
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="This API key may only read")
    return key


ReadKey = Annotated[ApiKey, Depends(require_read)]
WriteKey = Annotated[ApiKey, Depends(require_write)]
