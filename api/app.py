"""The HTTP API: ``create_app(settings)`` builds a FastAPI app around one store."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from anyio import to_thread
from fastapi import Depends, FastAPI, Request, status
from fastapi.responses import JSONResponse

from api.deps import KeyCache, known_ids
from api.logs import redact
from api.notices import notice_loop
from api.pagerduty.routes import router as pagerduty_router
from api.routes import absences, feeds, health, members, overrides, pages, swaps, teams
from api.routes.feeds import FeedTokenCache
from api.routes.health import RETRY_AFTER_S
from api.schemas import ErrorPublic
from api.settings import Settings
from api.stale import LastFeeds
from api.telemetry import RequestObserver, Telemetry, add_metrics_route
from rota import __version__
from rota.calendar.publish import FeedPublisher
from rota.errors import (
    FeedError,
    RotaError,
    ScheduleNotFound,
    StoreError,
    TeamNotFound,
    UsageError,
)
from rota.notify import NoticeSender
from rota.service import TeamStateCache
from rota.store import Store

_log = logging.getLogger("rota.api")
"""Errors the client sees only as a status (503); ``rota serve`` logs them through
:class:`api.logs.RedactSecrets`."""

_STATUS: tuple[tuple[type[RotaError], int, str | None], ...] = (
    (TeamNotFound, status.HTTP_404_NOT_FOUND, None),
    (ScheduleNotFound, status.HTTP_404_NOT_FOUND, None),
    (FeedError, status.HTTP_404_NOT_FOUND, None),
    (StoreError, status.HTTP_503_SERVICE_UNAVAILABLE, "Store unavailable"),
)


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """The API app. ``store`` may be given (tests); otherwise it is opened from settings."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Sync routes run in this many threads; see Settings.threads for why so few.
        to_thread.current_default_thread_limiter().total_tokens = settings.threads
        opened = store or Store.open(settings.db_url)
        app.state.store = opened
        app.state.states = TeamStateCache(opened, max_age_s=settings.cache_seconds)
        app.state.keys = KeyCache(
            opened, max_age_s=settings.cache_seconds, stale_s=settings.stale_seconds
        )
        app.state.feeds = FeedPublisher(opened, app.state.states, max_age_s=settings.cache_seconds)
        app.state.feed_tokens = FeedTokenCache(opened, max_age_s=settings.cache_seconds)
        app.state.last_feeds = LastFeeds()
        stop = anyio.Event()
        try:
            async with anyio.create_task_group() as tasks:
                if settings.sends_notices:
                    assert settings.notify_secret is not None
                    sender = NoticeSender(
                        opened, settings.notify_secret, now=settings.now, states=app.state.states
                    )
                    tasks.start_soon(notice_loop, sender, stop, settings.notify_interval_seconds)
                try:
                    yield
                finally:
                    stop.set()  # the pass in flight finishes before the task group exits
        finally:
            if store is None:
                opened.close()

    app = FastAPI(
        title="rota",
        version=__version__,
        summary="Who is on call, and whom to page next.",
        lifespan=lifespan,
        # Starlette answers 400 itself for a body it cannot decode; say so in the schema.
        responses={400: {"model": ErrorPublic, "description": "Undecodable request body"}},
    )
    app.state.settings = settings

    @app.exception_handler(RotaError)
    async def rota_error(request: Request, exc: RotaError) -> JSONResponse:
        if isinstance(exc, UsageError):  # same shape as FastAPI's own 422s
            return JSONResponse(
                {"detail": [{"loc": [], "msg": str(exc), "type": "value_error"}]},
                status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            )
        if isinstance(exc, StoreError):  # the client sees 503; the operator needs the cause
            _log.error(
                "%s %s failed in the store: %s (%s)",
                request.method,
                redact(request.url.path),
                redact(str(exc)),
                type(exc.__cause__).__name__ if exc.__cause__ else "StoreError",
            )
        for kind, code, fixed in _STATUS:
            if isinstance(exc, kind):
                retry = {"Retry-After": RETRY_AFTER_S} if code == 503 else None
                return JSONResponse({"detail": fixed or str(exc)}, status_code=code, headers=retry)
        return JSONResponse({"detail": "Internal error"}, status_code=500)

    for module in (health, teams, overrides, absences, swaps, members, feeds, pages):
        app.include_router(module.router, dependencies=[Depends(known_ids)])
    telemetry = Telemetry(app) if settings.metrics else None
    if telemetry is not None:
        add_metrics_route(app, telemetry)
    if telemetry is not None or settings.log_format == "json":
        app.add_middleware(
            RequestObserver, telemetry=telemetry, log_requests=settings.log_format == "json"
        )
    app.include_router(pagerduty_router)
    return app
