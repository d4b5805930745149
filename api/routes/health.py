"""``GET /healthz``: the process is up and the store answers."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import StoreDep
from api.schemas import HealthPublic

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthPublic)
def healthz(store: StoreDep) -> HealthPublic:
    return HealthPublic(status="ok", teams=len(store.list_teams()))
