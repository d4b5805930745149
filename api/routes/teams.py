"""Teams, their schedules and who is on call: the read side paging code uses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.deps import ReadKey, StatesDep, StoreDep, clock_of, states_of
from api.routes.params import aware_instant, invalid, ordered
from api.schemas import (
    ErrorPublic,
    Instant,
    OnCallPublic,
    SchedulePublic,
    TeamPublic,
    TeamsPublic,
)
from api.stale import stale_headers, stale_limit
from rota.errors import StoreError, UsageError
from rota.oncall import oncall_view, resolve_oncall
from rota.views import schedule_view

router = APIRouter(
    prefix="/v1/teams",
    tags=["teams"],
    responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)

AtQuery = Annotated[
    Instant | None,
    Query(description="RFC 3339 instant with offset; default: now."),
]
FromQuery = Annotated[
    Instant | None, Query(alias="from", description="RFC 3339 instant with offset.")
]
ToQuery = Annotated[Instant | None, Query(alias="to", description="RFC 3339 instant with offset.")]


@router.get("", response_model=TeamsPublic)
def list_teams(_key: ReadKey, store: StoreDep) -> TeamsPublic:
    return TeamsPublic(
        teams=[
            TeamPublic(
                id=t.id,
                name=t.name,
                timezone=t.timezone,
                latest_version=t.latest_version,
                updated_at=t.updated_at,
            )
            for t in store.list_teams()
        ]
    )


@router.get("/{team}/oncall", response_model=OnCallPublic, response_model_by_alias=True)
async def oncall(
    request: Request,
    team: str,
    _key: ReadKey,
    at: AtQuery = None,
    severity: Annotated[
        str | None, Query(description="A severity the team defines (e.g. outage).")
    ] = None,
) -> Any:
    """Who holds each role at ``at``, the escalation chain resolved to people, the next handoff."""
    # The paging hot path: the state cache and the clock are read from the app directly rather
    # than through dependencies (each one FastAPI resolves costs tens of microseconds).
    instant = aware_instant(at, "at") or clock_of(request)()
    states = states_of(request)
    # Answered on the event loop while the cached state is fresh (no store access); checking
    # the revision or rebuilding (up to a few hundred ms for a large team) runs in a thread, so
    # a slow or unreachable store never holds up the loop.
    headers: dict[str, str] | None = None
    state = states.fresh(team)
    if state is None:
        try:
            state = await run_in_threadpool(states.get, team)
        except StoreError:
            last = states.last_known(team)
            if last is None or last[1] >= stale_limit(request):
                raise
            state, headers = last[0], stale_headers(last[1])
    try:
        answer = resolve_oncall(state.team, state.index, instant, severity)
    except UsageError as exc:
        raise invalid("query", "severity", str(exc), severity) from exc
    # The view is already plain JSON data of the documented shape (tests check it against the
    # schema); skipping a second validation pass keeps the hot path of paging code short.
    return JSONResponse(oncall_view(answer), headers=headers)


@router.get("/{team}/schedule", response_model=SchedulePublic)
def schedule(
    team: str,
    _key: ReadKey,
    states: StatesDep,
    start: FromQuery = None,
    end: ToQuery = None,
    planned: Annotated[bool, Query(description="The solver's schedule without overrides.")] = False,
) -> Any:
    """The effective schedule (overrides applied) overlapping ``[from, to)``."""
    lo, hi = aware_instant(start, "from"), aware_instant(end, "to")
    ordered(lo, hi)
    state = states.get(team)
    shifts = state.schedule.shifts if planned else state.index.shifts
    chosen = [s for s in shifts if (lo is None or s.end > lo) and (hi is None or s.start < hi)]
    return schedule_view(state.schedule, chosen)
