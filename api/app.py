"""The HTTP API: ``create_app(settings)`` builds a FastAPI app around one store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from api.deps import KeyCache
from api.routes import feeds, health, members, overrides, pages, swaps, teams
from api.schemas import ErrorPublic
from api.settings import Settings
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
from rota.service import TeamStateCache
from rota.store import Store

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
        opened = store or Store.open(settings.db_url)
        app.state.store = opened
        app.state.states = TeamStateCache(opened, max_age_s=settings.cache_seconds)
        app.state.keys = KeyCache(opened, max_age_s=settings.cache_seconds)
        app.state.feeds = FeedPublisher(opened, app.state.states)
        try:
            yield
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
    async def rota_error(_request: Request, exc: RotaError) -> JSONResponse:
        if isinstance(exc, UsageError):  # same shape as FastAPI's own 422s
            return JSONResponse(
                {"detail": [{"loc": [], "msg": str(exc), "type": "value_error"}]},
                status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            )
        for kind, code, fixed in _STATUS:
            if isinstance(exc, kind):
                return JSONResponse({"detail": fixed or str(exc)}, status_code=code)
        return JSONResponse({"detail": "Internal error"}, status_code=500)

    for module in (health, teams, overrides, swaps, members, feeds, pages):
        app.include_router(module.router)
    return app
