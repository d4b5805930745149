"""The round-robin baseline: the fixed-order rotation incumbent paging tools generate.

PagerDuty, Opsgenie, GoAlert and Grafana OnCall build one *layer* per role, handing over to the
next user at every handoff and covering an absent user with the next one. This module rebuilds
that, so the CP-SAT rota has something to be measured against. Each role cycles over its
members in team-file order; role number ``k`` (``rotation.roles`` order) starts ``k`` places into
its cycle, so with the same members in every role the holders differ; the position advances by
one member every shift. A member who is unavailable or already holds another role of the shift
is skipped for the next one, and the position does not jump: a skip is an override. With
``off_hours: forbid`` / ``night: forbid``, a member outside their working window or in their
night is skipped too, as incumbents' time-restricted layers keep those hard rules. Weekend, rest
and weekly-hour rules are ignored on purpose: that is what the baseline lacks.
"""

from __future__ import annotations

from rota.coverage import window_covers
from rota.errors import InfeasibleRotaError
from rota.localtime import overlap_seconds, window_intervals
from rota.model import (
    Grid,
    Member,
    NightPolicy,
    OffHoursPolicy,
    Schedule,
    ScheduledShift,
    Shift,
)
from rota.team import Team


def _why_not(
    member: Member, role: str, shift: Shift, taken: dict[str, str], forbid: tuple[bool, bool]
) -> str:
    """Why ``member`` cannot hold ``role`` in ``shift``, or "" when they can."""
    if role not in member.roles:
        return "does not have the role"
    block = member.unavailable_during(shift.start, shift.end)
    if block is not None:
        return f"unavailable: {block.reason}"
    if member.id in taken:
        return f"already holds {taken[member.id]}"
    off_hours, night = forbid
    if off_hours and not window_covers(member, shift.start, shift.end):
        return "outside working hours (off_hours: forbid)"
    nights = window_intervals(member.night, member.timezone, shift.start, shift.end)
    if night and overlap_seconds(nights, shift.start, shift.end) > 0:
        return "in their night (night: forbid)"
    return ""


def round_robin(team: Team, grid: Grid) -> Schedule:
    """Assign every role of every shift of ``grid`` by fixed-order rotation (see module docs).

    Raises:
        InfeasibleRotaError: when every member of a role's cycle is skipped for a shift; the
            message names the shift, the role and why each member was skipped.
    """
    rotation = team.config.rotation
    forbid = (
        rotation.off_hours is OffHoursPolicy.FORBID,
        rotation.night is NightPolicy.FORBID,
    )
    cycles = {role: [m for m in team.members if role in m.roles] for role in grid.roles}
    shifts: list[ScheduledShift] = []
    for position, shift in enumerate(grid.shifts):
        taken: dict[str, str] = {}  # member id -> role held in this shift
        for offset, role in enumerate(grid.roles):
            cycle = cycles[role]
            chosen: Member | None = None
            for step in range(len(cycle)):
                candidate = cycle[(position + offset + step) % len(cycle)]
                if not _why_not(candidate, role, shift, taken, forbid):
                    chosen = candidate
                    break
            if chosen is None:
                reasons = [
                    f"{m.id}: {_why_not(m, role, shift, taken, forbid)}"
                    for m in team.members
                    if _why_not(m, role, shift, taken, forbid)
                ]
                raise InfeasibleRotaError(
                    f"round-robin: nobody can hold {role} in shift {shift.index} "
                    f"({shift.start:%Y-%m-%d %H:%M}-{shift.end:%Y-%m-%d %H:%M} UTC)",
                    reasons,
                )
            taken[chosen.id] = role
        shifts.append(
            ScheduledShift(
                start=shift.start,
                end=shift.end,
                assignments={role: member_id for member_id, role in taken.items()},
            )
        )
    return Schedule(
        team_id=team.id,
        horizon_start=grid.start,
        horizon_end=grid.end,
        shifts=tuple(shifts),
        meta={"strategy": "round-robin"},
    )


__all__ = ["round_robin"]
