"""Overrides: list (read key), add and remove (write key)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Response, status

from api.deps import ReadKey, StatesDep, StoreDep, WriteKey
from api.routes.params import aware_instant, invalid
from api.schemas import ErrorPublic, OverrideCreate, OverridePublic, OverridesPublic
from rota.errors import ConcurrentChange, DuplicateOverride, UsageError
from rota.keys import api_key_actor
from rota.model import Override
from rota.service import add_checked_overrides

router = APIRouter(
    prefix="/v1/teams/{team}/overrides",
    tags=["overrides"],
    responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)


def override_public(override: Override, suspended_because: str | None = None) -> OverridePublic:
    assert override.id is not None
    return OverridePublic(
        id=override.id,
        team=override.team_id,
        role=override.role,
        member=override.member_id,
        start=override.start,
        end=override.end,
        reason=override.reason,
        created_at=override.created_at,
        created_by=override.created_by,
        state="active" if suspended_because is None else "suspended",
        suspended_because=suspended_because,
    )


@router.get("", response_model=OverridesPublic)
def list_overrides(team: str, _key: ReadKey, states: StatesDep) -> Any:
    state = states.get(team)
    return OverridesPublic(
        overrides=[override_public(o, because) for o, because in state.listed_overrides()]
    )


@router.post(
    "",
    response_model=OverridePublic,
    status_code=status.HTTP_201_CREATED,
    responses={403: {"model": ErrorPublic}, 409: {"model": ErrorPublic}},
)
def add_override(
    team: str, body: OverrideCreate, key: WriteKey, store: StoreDep, states: StatesDep
) -> Any:
    """Put ``member`` in ``role`` during ``[start, end)``; it cuts shifts at any instant."""
    start = aware_instant(body.start, "start", location="body")
    end = aware_instant(body.end, "end", location="body")
    assert start is not None
    assert end is not None
    candidate = Override(
        team_id=team,
        role=body.role,
        member_id=body.member,
        start=start,
        end=end,
        reason=body.reason,
    )
    try:
        (stored,) = add_checked_overrides(
            store, team, [candidate], created_by=api_key_actor(key.name)
        )
    except (DuplicateOverride, ConcurrentChange) as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from exc
    except UsageError as exc:
        raise invalid("body", "override", str(exc), body.member) from exc
    finally:
        states.invalidate(team)
    return override_public(stored, states.get(team).suspension_of(stored))


@router.delete(
    "/{override_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={403: {"model": ErrorPublic}},
)
def remove_override(
    team: str,
    override_id: Annotated[int, Path(ge=1, le=2**63 - 1, description="Override id.")],
    _key: WriteKey,
    store: StoreDep,
    states: StatesDep,
) -> Response:
    removed = store.remove_override(team, override_id)
    states.invalidate(team)
    if removed is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"No active override {override_id} in team {team!r}"
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
