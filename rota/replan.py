"""Recording an absence: re-plan the shifts it touches, publish, store both at once.

:func:`add_absence` reads the team as published (the newest version, the team file stored with
it, the absences and overrides in the store), adds the new absence to the member's
``unavailable`` and re-solves with the minimal-change solver (:mod:`rota.solver.stability`):

- Only shifts overlapping the absence may change at first (every rule kept, fairness counted);
  everything else keeps its published holders. The freeze (``rotation.freeze_hours``) keeps
  every other member's shifts, but never the absent member's: theirs overlapping the absence
  are planned again unless already over (those stay as history).
- When no such re-plan exists (rest, blocks, whole weekends or the weekly cap need a
  neighbouring shift to move too), the span widens to a day either side; then the freeze is
  released (only what is over stays); then any shift after now may change
  (:data:`WIDENINGS`). The last refusal, with nothing but the past kept, is the one explained.
- The absence and the new version are written in one transaction, against the team's revision
  read before planning; a write that lands in between makes it plan again
  (:data:`rota.service.WRITE_ATTEMPTS` times), and a refusal stores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from rota.absence import Absence, with_absences
from rota.diff import Change, diff_schedules
from rota.errors import ConcurrentChange, DuplicateAbsence, InfeasibleRotaError, UsageError
from rota.localtime import overlap_seconds, window_intervals
from rota.model import Schedule
from rota.service import WRITE_ATTEMPTS, config_from_text
from rota.solver import SolveOptions
from rota.store import Store
from rota.store.absences import duplicate_message
from rota.team import Team, team_from_config

WIDENINGS: tuple[tuple[timedelta | None, bool], ...] = (
    (timedelta(0), True),
    (timedelta(days=1), True),
    (timedelta(days=1), False),
    (None, False),
)
"""Tried in turn: how far either side of the absence shifts may change (None: anywhere), and
whether the freeze keeps other members' shifts."""


@dataclass(frozen=True, slots=True)
class Replan:
    """A re-plan around one absence, before or after it is stored."""

    absence: Absence
    team: Team
    previous: Schedule
    schedule: Schedule
    changes: tuple[Change, ...]
    night_hours: dict[str, float]
    widened_by: timedelta | None
    freeze_kept: bool = True
    meta: dict[str, Any] = field(default_factory=dict)

    def scope_text(self) -> str:
        if self.widened_by == timedelta(0):
            where = "only shifts overlapping the absence"
        elif self.widened_by is None:
            where = "shifts anywhere after now"
        else:
            days = self.widened_by.days
            where = f"shifts within {days} day{'s' if days != 1 else ''} of the absence"
        if self.freeze_kept:
            return where
        return f"{where}, the freeze released (nothing that kept it kept every rule)"


def add_absence(
    store: Store,
    absence: Absence,
    *,
    options: SolveOptions,
    now: datetime,
    created_by: str | None,
) -> Replan:
    """Re-plan the team around ``absence``, publish the new version and record the absence.

    Returns:
        The re-plan, with the stored absence and schedule.

    Raises:
        UsageError: not a member of the team, or the absence is empty.
        DuplicateAbsence: the member already has an absence overlapping it.
        InfeasibleRotaError: no re-plan keeps every rule (the solver's explanation).
        ConcurrentChange: the team kept changing; nothing was stored.
        TeamNotFound, ScheduleNotFound: nothing published to re-plan.
    """
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        revision = store.revision(absence.team_id)
        plan = plan_absence(store, absence, options=options, now=now)
        versions = store.list_versions(absence.team_id)
        try:
            stored, schedule = store.add_absence(
                absence,
                plan.schedule,
                config_text=store.team_config_text(absence.team_id, plan.previous.version),
                config_name=versions[-1].config_name,
                meta=plan.meta,
                created_by=created_by,
                expected_revision=revision,
            )
        except ConcurrentChange:
            if attempt == WRITE_ATTEMPTS:
                raise
            continue
        return Replan(
            absence=stored,
            team=plan.team,
            previous=plan.previous,
            schedule=schedule,
            changes=plan.changes,
            night_hours=plan.night_hours,
            widened_by=plan.widened_by,
            freeze_kept=plan.freeze_kept,
            meta=dict(schedule.meta),
        )
    raise AssertionError("unreachable")


def plan_absence(store: Store, absence: Absence, *, options: SolveOptions, now: datetime) -> Replan:
    """The re-plan around ``absence`` of the team as published (nothing is stored)."""
    from rota.horizon import build_grid
    from rota.service import history_before
    from rota.solver import solve
    from rota.solver.stability import Baseline

    team_id = absence.team_id
    previous = store.load_schedule(team_id)
    text = store.team_config_text(team_id, previous.version)
    team = team_from_config(config_from_text(text, f"{team_id} (stored v{previous.version})"))
    _check_absence(team, absence)
    existing = store.list_absences(team_id)
    for other in existing:
        if other.member_id == absence.member_id and other.overlaps(absence.start, absence.end):
            assert other.id is not None
            raise DuplicateAbsence(duplicate_message(other), other.id)
    away = with_absences(team, [*existing, absence])
    grid = build_grid(away)
    history = history_before(store, team_id, grid.start) if team.config.fairness.history else None
    overrides = tuple(store.list_overrides(team_id))
    frozen_until = now + timedelta(hours=team.config.rotation.freeze_hours)
    refusal: InfeasibleRotaError | None = None
    for widen, freeze_kept in WIDENINGS:
        window = None if widen is None else (absence.start - widen, absence.end + widen)
        baseline = Baseline(
            previous=previous,
            frozen_until=frozen_until if freeze_kept else now,
            overrides=overrides,
            now=now,
            replan=window,
            released=tuple((a.member_id, a.start, a.end) for a in (*existing, absence)),
        )
        try:
            result = solve(away, grid, history, options, baseline)
        except InfeasibleRotaError as exc:
            refusal = exc
            continue
        changes = tuple(
            c
            for c in diff_schedules(previous, result.schedule)
            if c.start >= result.schedule.horizon_start and c.end <= result.schedule.horizon_end
        )
        meta: dict[str, Any] = {
            "strategy": "cp-sat",
            "status": result.status,
            "objective": result.objective,
            "wall_s": result.wall_s,
            "seed": options.seed,
            "time_limit_s": options.time_limit_s,
            "resolved_from": previous.version,
            "frozen_until": (frozen_until if freeze_kept else now).isoformat(),
            "changed_assignments": result.changed,
            "warnings": [*result.warnings, *_history_kept(previous, absence, now)],
            "absence": {
                "member": absence.member_id,
                "start": absence.start.isoformat(),
                "end": absence.end.isoformat(),
                "widened_by_h": None if widen is None else widen / timedelta(hours=1),
                "freeze_kept": freeze_kept,
            },
        }
        return Replan(
            absence=absence,
            team=away,
            previous=previous,
            schedule=result.schedule,
            changes=changes,
            night_hours=night_hours_added(away, changes),
            widened_by=widen,
            freeze_kept=freeze_kept,
            meta=meta,
        )
    assert refusal is not None
    raise InfeasibleRotaError(
        f"no re-plan of team {team_id} keeps every rule with {absence.member_id} away "
        f"(nothing was stored): {refusal.summary}",
        refusal.reasons,
    )


def published_team(store: Store, team_id: str) -> Team:
    """The team as its newest version was solved (its stored team file), without absences.

    Raises:
        TeamNotFound, ScheduleNotFound: nothing published.
    """
    text = store.team_config_text(team_id)
    return team_from_config(config_from_text(text, f"{team_id} (stored)"))


def night_hours_added(team: Team, changes: Sequence[Change]) -> dict[str, float]:
    """Per member, night hours (inside their own night window) gained minus lost by
    ``changes``; members with no change in night hours are left out."""
    members = {m.id: m for m in team.members}
    delta: dict[str, float] = {}
    for change in changes:
        for who, sign in ((change.after, 1), (change.before, -1)):
            member = members.get(who) if who is not None else None
            if member is None:
                continue
            nights = window_intervals(member.night, member.timezone, change.start, change.end)
            seconds = overlap_seconds(nights, change.start, change.end)
            delta[member.id] = delta.get(member.id, 0.0) + sign * seconds / 3600
    return {who: hours for who, hours in sorted(delta.items()) if abs(hours) > 1e-9}


def _history_kept(previous: Schedule, absence: Absence, now: datetime) -> list[str]:
    """A warning per shift of the absent member during the absence that was over before now."""
    return [
        f"{absence.member_id} is away but held {_span(s.start, s.end)} ({role}), already over: "
        "it stays as published"
        for s in previous.shifts
        if s.end <= now and absence.overlaps(s.start, s.end)
        for role, who in s.assignments.items()
        if who == absence.member_id
    ]


def _span(start: datetime, end: datetime) -> str:
    return f"{start:%Y-%m-%d %H:%M}-{end:%Y-%m-%d %H:%M} UTC"


def _check_absence(team: Team, absence: Absence) -> None:
    if absence.end <= absence.start:
        raise UsageError(
            f"an absence must end after it starts: {absence.start.isoformat()} .. "
            f"{absence.end.isoformat()} (a date as --to counts that whole day)"
        )
    if absence.member_id not in {m.id for m in team.members}:
        known = ", ".join(m.id for m in team.members)
        raise UsageError(
            f"--member: {absence.member_id!r} is not a member of team {team.id} (members: {known})"
        )
