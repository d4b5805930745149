"""Dependencies of the routes: the store, the cached team state, the clock, and API-key checks."""

from __future__ import annotations

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


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_states(request: Request) -> TeamStateCache:
    states: TeamStateCache = request.app.state.states
    return states


def get_feeds(request: Request) -> FeedPublisher:
    feeds: FeedPublisher = request.app.state.feeds
    return feeds


def get_clock(request: Request) -> Callable[[], datetime]:
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


def _api_key(
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKey:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise _unauthorized("Missing API key (Authorization: Bearer <key>)")
    key = store.find_api_key(secret_hash(credentials.credentials))
    if key is None or not secret_matches(credentials.credentials, key.key_hash):
        raise _unauthorized("Invalid or revoked API key")
    return key


def require_read(key: Annotated[ApiKey, Depends(_api_key)]) -> ApiKey:
    """Any active key may read."""
    return key


def require_write(key: Annotated[ApiKey, Depends(_api_key)]) -> ApiKey:
    """Only a key created with ``--scope write`` may change overrides."""
    if key.scope != "write":
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="This API key may only read")
    return key


ReadKey = Annotated[ApiKey, Depends(require_read)]
WriteKey = Annotated[ApiKey, Depends(require_write)]
