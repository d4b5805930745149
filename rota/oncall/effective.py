"""The effective schedule: overrides applied on top of the planned schedule, and their validation.

Definitions (the contract the CLI, the API and the calendar feeds rely on):

* An override ``[start, end)`` replaces the planned holder of its role wherever it is in force,
  at any instant, not only at handoffs. Its start and end cut the planned shift they fall in.
* Overrides overlapping each other for the same role: the one created later wins. "Later" is the
  order of ``(created_at, id)``, a missing value counting as earliest; ties keep the order of the
  sequence given (the later in the sequence wins).
* Only the part of an override inside the horizon applies; an override entirely outside it is
  ignored. An override with ``start >= end``, or for a role the planned shift does not have (a role
  removed from the team file since), is ignored too: :func:`validate_override` keeps such overrides
  out of the store, this module only has to stay total.
* Pieces of one planned shift are merged back where neither the holders nor the overrides in
  force change, so an override that is entirely shadowed by a later one leaves no cut. Pieces of
  different planned shifts are never merged, even with identical holders: every planned handoff
  stays visible. An override naming the planned holder still cuts the shift (it is in force there,
  and stays in force if a re-solve changes the planned holder).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise

from rota.errors import UsageError
from rota.model import Override, Schedule, ScheduledShift
from rota.team import Team
from rota.views import rfc3339


@dataclass(frozen=True, slots=True)
class EffectivePiece:
    """One piece of the effective schedule and where its holders come from.

    Attributes:
        shift: ``[start, end)`` and the holder of every role in it.
        planned_index: index of the planned shift this piece was cut from.
        overrides: role -> the override in force for that role here (absent: planned holder).
    """

    shift: ScheduledShift
    planned_index: int
    overrides: Mapping[str, Override] = field(default_factory=dict)


def require_aware(instant: datetime, what: str) -> None:
    """Raise ValueError for a naive datetime: callers convert to an aware instant first."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {instant.isoformat()}")


def priority(overrides: Sequence[Override]) -> list[Override]:
    """Overrides sorted from the earliest-created to the latest-created (the latter wins)."""
    floor = datetime.min.replace(tzinfo=UTC)
    ranked = sorted(
        enumerate(overrides),
        key=lambda item: (
            item[1].created_at if item[1].created_at is not None else floor,
            item[1].id if item[1].id is not None else -1,
            item[0],
        ),
    )
    return [override for _, override in ranked]


def effective_pieces(
    schedule: Schedule, overrides: Sequence[Override]
) -> tuple[EffectivePiece, ...]:
    """The planned shifts of ``schedule`` with ``overrides`` applied, with provenance.

    Args:
        schedule: the planned schedule; its shifts tile ``[horizon_start, horizon_end)``.
        overrides: overrides of the same team, in any order.

    Returns:
        Pieces tiling the same interval, in time order (see the module docstring for the rules).

    Raises:
        ValueError: an override belongs to another team or has naive datetimes.
    """
    planned = schedule.shifts
    starts = [shift.start for shift in planned]
    per_shift: dict[int, list[Override]] = {}
    for override in priority(overrides):
        require_aware(override.start, "override start")
        require_aware(override.end, "override end")
        if override.team_id != schedule.team_id:
            raise ValueError(
                f"override of team {override.team_id!r} given for team {schedule.team_id!r}"
            )
        if override.start >= override.end:
            continue
        first = max(bisect_right(starts, override.start) - 1, 0)
        last = bisect_left(starts, override.end)  # shifts [first, last) may overlap
        for index in range(first, last):
            shift = planned[index]
            overlaps = shift.start < override.end and override.start < shift.end
            if overlaps and override.role in shift.assignments:
                per_shift.setdefault(index, []).append(override)

    pieces: list[EffectivePiece] = []
    for index, shift in enumerate(planned):
        applying = per_shift.get(index)
        if not applying:
            pieces.append(EffectivePiece(shift=shift, planned_index=index))
            continue
        pieces.extend(_cut(shift, index, applying))
    return tuple(pieces)


def _cut(shift: ScheduledShift, index: int, applying: list[Override]) -> list[EffectivePiece]:
    """Cut one planned shift at the bounds of the overrides (in priority order) overlapping it."""
    cuts = {shift.start, shift.end}
    for override in applying:
        cuts.update(t for t in (override.start, override.end) if shift.start < t < shift.end)
    bounds = sorted(cuts)
    pieces: list[EffectivePiece] = []
    for start, end in pairwise(bounds):
        in_force: dict[str, Override] = {}
        for override in applying:  # ascending priority: later overwrite earlier
            if override.start <= start and end <= override.end:
                in_force[override.role] = override
        previous = pieces[-1] if pieces else None
        if previous is not None and _same_overrides(previous.overrides, in_force):
            merged = ScheduledShift(previous.shift.start, end, previous.shift.assignments)
            pieces[-1] = EffectivePiece(merged, index, previous.overrides)
            continue
        assignments = dict(shift.assignments)
        for role, override in in_force.items():
            assignments[role] = override.member_id
        pieces.append(EffectivePiece(ScheduledShift(start, end, assignments), index, in_force))
    return pieces


def _same_overrides(left: Mapping[str, Override], right: Mapping[str, Override]) -> bool:
    return left.keys() == right.keys() and all(left[role] is right[role] for role in left)


def effective_shifts(
    schedule: Schedule, overrides: Sequence[Override]
) -> tuple[ScheduledShift, ...]:
    """The planned shifts with ``overrides`` applied; they still tile the horizon.

    See the module docstring for how overrides cut, win and are clipped.

    Raises:
        ValueError: an override belongs to another team or has naive datetimes.
    """
    return tuple(piece.shift for piece in effective_pieces(schedule, overrides))


# ----------------------------------------------------------------------------------------------
# Validation of a new override against the team and the current effective schedule.


DASH = "\N{EN DASH}"


def span_text(start: datetime, end: datetime) -> str:
    """Both instants in RFC 3339 UTC joined by an en dash (spaces around it)."""
    return f"{rfc3339(start)} {DASH} {rfc3339(end)}"


def validate_override(team: Team, effective: Sequence[ScheduledShift], override: Override) -> None:
    """Check that ``override`` can be stored on top of the ``effective`` schedule of ``team``.

    The checks, in order: the interval is not empty, the team, member and role exist, the member
    may fill the role, the override lies inside the horizon, the member is available during all
    of it, and the member does not hold another role at an overlapping time.

    Args:
        team: the team the override belongs to.
        effective: the current effective schedule (existing overrides applied), in time order.
        override: the override to check.

    Raises:
        UsageError: the first problem found, in words the user can act on.
        ValueError: ``override`` has naive datetimes.
    """
    require_aware(override.start, "override start")
    require_aware(override.end, "override end")
    span = span_text(override.start, override.end)
    if override.start >= override.end:
        raise UsageError(
            f"override start {rfc3339(override.start)} "
            f"must be before its end {rfc3339(override.end)}"
        )
    if override.team_id != team.id:
        raise UsageError(f"override is for team {override.team_id!r}, not {team.id!r}")
    ids = [member.id for member in team.members]
    if override.member_id not in ids:
        raise UsageError(
            f"no member {override.member_id!r} in team {team.id!r} (members: {', '.join(ids)})"
        )
    if override.role not in team.roles:
        raise UsageError(
            f"no role {override.role!r} in team {team.id!r} (roles: {', '.join(team.roles)})"
        )
    member = team.member(override.member_id)
    if override.role not in member.roles:
        raise UsageError(
            f"member {member.id!r} cannot fill role {override.role!r} "
            f"(their roles: {', '.join(member.roles) or 'none'})"
        )
    if not effective:
        raise UsageError(f"team {team.id!r} has no schedule to override; run `rota solve` first")
    horizon_start, horizon_end = effective[0].start, effective[-1].end
    if override.start < horizon_start or override.end > horizon_end:
        raise UsageError(
            f"override {span} is outside the schedule of team {team.id!r}, "
            f"which covers {span_text(horizon_start, horizon_end)}"
        )
    blocked = member.unavailable_during(override.start, override.end)
    if blocked is not None:
        local_start = blocked.start.astimezone(member.timezone).strftime("%Y-%m-%d %H:%M")
        local_end = blocked.end.astimezone(member.timezone).strftime("%Y-%m-%d %H:%M")
        raise UsageError(
            f"member {member.id!r} is unavailable ({blocked.reason}) "
            f"{span_text(blocked.start, blocked.end)} "
            f"[{local_start} {DASH} {local_end} {member.timezone.key}], "
            f"which overlaps override {span}"
        )
    conflict = _other_role_held(effective, override)
    if conflict is not None:
        role, start, end = conflict
        raise UsageError(
            f"member {member.id!r} already holds role {role!r} {span_text(start, end)}, "
            f"which overlaps override {span} for role {override.role!r}; "
            "one member fills at most one role at a time"
        )


def validate_overrides(
    team: Team, schedule: Schedule, current: Sequence[Override], new: Sequence[Override]
) -> None:
    """Validate ``new`` one by one like :func:`validate_override`, each on top of the ones before.

    Args:
        team: the team file of ``schedule``'s version.
        schedule: the planned schedule.
        current: the overrides applied today.
        new: the overrides to add, in the order they will be stored.

    Raises:
        UsageError: the first override of ``new`` that cannot be stored.
    """
    applied = list(current)
    for override in new:
        validate_override(team, effective_shifts(schedule, applied), override)
        applied.append(override)


def _other_role_held(
    effective: Sequence[ScheduledShift], override: Override
) -> tuple[str, datetime, datetime] | None:
    """The first (role, start, end) in which the override's member holds another role during it.

    ``start``/``end`` are the overlap with the override, contiguous pieces joined.
    """
    starts = [shift.start for shift in effective]
    first = max(bisect_right(starts, override.start) - 1, 0)
    found: tuple[str, datetime, datetime] | None = None
    for shift in effective[first:]:
        if shift.start >= override.end:
            break
        if shift.end <= override.start:
            continue
        roles = [
            role
            for role, holder in shift.assignments.items()
            if holder == override.member_id and role != override.role
        ]
        start, end = max(shift.start, override.start), min(shift.end, override.end)
        if found is not None:
            if roles and roles[0] == found[0] and found[2] == start:
                found = (found[0], found[1], end)
                continue
            return found
        if roles:
            found = (roles[0], start, end)
    return found
