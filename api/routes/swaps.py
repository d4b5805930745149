"""Who can take a member's shift (read key); apply one through the overrides POST."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import ClockDep, ReadKey, StatesDep, StoreDep
from api.routes.params import aware_instant
from api.schemas import ErrorPublic, ExactInstant
from rota.swap import published_swap_options, swap_view

router = APIRouter(
    prefix="/v1/teams/{team}/swaps",
    tags=["swaps"],
    responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)


@router.get("")
def list_swaps(
    team: str,
    _key: ReadKey,
    states: StatesDep,
    store: StoreDep,
    clock: ClockDep,
    member: Annotated[str, Query(description="The member giving the shift away.")],
    shift: Annotated[
        ExactInstant, Query(description="Start instant of their shift (RFC 3339, whole seconds).")
    ],
) -> Any:
    """Members who can take ``member``'s shift starting at ``shift`` without breaking a hard
    rule (fairest first), and one-for-one trades that keep everybody's hours. Record the
    chosen one with ``POST /v1/teams/{team}/overrides`` (one override per move)."""
    start = aware_instant(shift, "shift")
    assert start is not None
    options = published_swap_options(store, states.get(team), member, start, clock())
    return swap_view(options)
