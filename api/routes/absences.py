"""Absences: list (read key), add with its re-plan and remove (write key)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Response, status

from api.deps import ClockDep, ReadKey, StatesDep, StoreDep, WriteKey
from api.routes.params import invalid
from api.schemas import (
    AbsenceCreate,
    AbsencePublic,
    AbsenceReplanPublic,
    AbsencesPublic,
    ErrorPublic,
)
from rota.absence import Absence, absence_when
from rota.errors import ConcurrentChange, DuplicateAbsence, InfeasibleRotaError, UsageError
from rota.keys import api_key_actor
from rota.replan import add_absence, published_team
from rota.solver import SolveOptions

router = APIRouter(
    prefix="/v1/teams/{team}/absences",
    tags=["absences"],
    responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)

REPLAN_TIME_LIMIT_S = 30.0
"""Seconds the solver may search for the re-plan of one absence."""


def absence_public(absence: Absence) -> AbsencePublic:
    assert absence.id is not None
    return AbsencePublic(
        id=absence.id,
        team=absence.team_id,
        member=absence.member_id,
        start=absence.start,
        end=absence.end,
        reason=absence.reason,
        created_at=absence.created_at,
        created_by=absence.created_by,
    )


@router.get("", response_model=AbsencesPublic)
def list_absences(team: str, _key: ReadKey, store: StoreDep) -> Any:
    store.revision(team)  # unknown team -> 404
    return AbsencesPublic(absences=[absence_public(a) for a in store.list_absences(team)])


@router.post(
    "",
    response_model=AbsenceReplanPublic,
    status_code=status.HTTP_201_CREATED,
    responses={403: {"model": ErrorPublic}, 409: {"model": ErrorPublic}},
)
def add(
    team: str,
    body: AbsenceCreate,
    key: WriteKey,
    store: StoreDep,
    states: StatesDep,
    clock: ClockDep,
) -> Any:
    """Record that ``member`` is away, re-plan the shifts it touches and publish the new version;
    answers once the version is stored. 409: an overlapping absence of the member, no re-plan
    keeps every rule (the explanation in ``detail``; nothing stored), or the team kept changing.
    """
    published = published_team(store, team)
    try:
        absence = absence_when(
            published,
            body.member,
            body.start,
            body.end,
            reason=body.reason,
            naive=False,
            names=("start", "end"),
        )
    except UsageError as exc:
        raise invalid("body", "absence", str(exc), body.member) from exc
    options = SolveOptions(time_limit_s=REPLAN_TIME_LIMIT_S)
    try:
        replan = add_absence(
            store,
            absence,
            options=options,
            now=clock(),
            created_by=api_key_actor(key.name),
        )
    except (DuplicateAbsence, ConcurrentChange, InfeasibleRotaError) as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from exc
    finally:
        states.invalidate(team)
    return AbsenceReplanPublic(
        absence=absence_public(replan.absence),
        version=replan.schedule.version or 0,
        changes=[c.sentence() for c in replan.changes],
        night_hours=replan.night_hours,
    )


@router.delete(
    "/{absence_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={403: {"model": ErrorPublic}},
)
def remove(
    team: str,
    absence_id: Annotated[int, Path(ge=1, le=2**63 - 1, description="Absence id.")],
    _key: WriteKey,
    store: StoreDep,
    states: StatesDep,
) -> Response:
    """Delete the absence; the published rota stays as it is (a solve plans the member again)."""
    removed = store.remove_absence(team, absence_id)
    states.invalidate(team)
    if removed is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"No absence {absence_id} in team {team!r}"
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
