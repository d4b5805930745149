"""A member's on-call shifts across every team in the store."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from api.deps import ReadKey, StatesDep, StoreDep
from api.routes.params import aware_instant, ordered
from api.routes.teams import FromQuery, ToQuery
from api.schemas import ErrorPublic, MemberShiftPublic, MemberShiftsPublic

router = APIRouter(
    prefix="/v1/members",
    tags=["members"],
    responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)


@router.get("/{member}/shifts", response_model=MemberShiftsPublic)
def member_shifts(
    member: str,
    _key: ReadKey,
    store: StoreDep,
    states: StatesDep,
    start: FromQuery = None,
    end: ToQuery = None,
) -> MemberShiftsPublic:
    """Every effective shift (overrides applied) in which ``member`` holds a role."""
    lo, hi = aware_instant(start, "from"), aware_instant(end, "to")
    ordered(lo, hi)
    found = False
    shifts: list[MemberShiftPublic] = []
    for info in store.list_teams():
        if info.latest_version is None:
            continue
        state = states.get(info.id)
        if not any(m.id == member for m in state.team.members):
            continue
        found = True
        for shift in state.index.shifts:
            if (lo is not None and shift.end <= lo) or (hi is not None and shift.start >= hi):
                continue
            for role, holder in shift.assignments.items():
                if holder == member:
                    shifts.append(
                        MemberShiftPublic(team=info.id, role=role, start=shift.start, end=shift.end)
                    )
    if not found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"Unknown member {member!r}")
    shifts.sort(key=lambda s: (s.start, s.team))
    return MemberShiftsPublic(member=member, shifts=shifts)
