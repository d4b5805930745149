"""``GET /healthz``: the process is up and the store answers; ``GET /readyz``: ready for traffic.

A load balancer sends requests only to servers whose ``/readyz`` answers 200: the store is
reachable and its schema is the one this rota ships (not mid-migration, not made by another
version). While the store is down it answers 503, and 200 again once the store is back.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.deps import StoreDep
from api.schemas import ErrorPublic, HealthPublic
from rota.errors import StoreError

router = APIRouter(tags=["health"])


class ReadyPublic(BaseModel):
    status: Literal["ready"]


RETRY_AFTER_S = "2"
"""Seconds a client is asked to wait after a 503 (the store did not answer) before trying again."""


@router.get("/healthz", response_model=HealthPublic)
def healthz(store: StoreDep) -> HealthPublic:
    return HealthPublic(status="ok", teams=len(store.list_teams()))


@router.get(
    "/readyz",
    response_model=ReadyPublic,
    responses={503: {"model": ErrorPublic, "description": "Store unreachable or schema old"}},
)
def readyz(store: StoreDep) -> JSONResponse:
    """200 when the store answers and its schema is current, else 503 with ``Retry-After``."""
    try:
        current = store.schema_current()
    except StoreError:
        return _unready("Store unavailable")
    if not current:
        return _unready("Store schema is not the one this server expects (run rota db upgrade)")
    return JSONResponse({"status": "ready"})


def _unready(detail: str) -> JSONResponse:
    return JSONResponse(
        {"detail": detail},
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": RETRY_AFTER_S},
    )
