"""Re-solving a published rota: the freeze, absences, overrides in force, changes and history.

People already have the published rota in their calendars, so a re-solve keeps what it can.
Grid shifts before the freeze (the past included) keep their published holders, matched by
``(start, end, role)``; a frozen holder who can no longer keep one is an error naming it, never
silently broken. Absences (:mod:`rota.replan`) plan a span again; overriding members are busy
during their overrides. Every other published assignment that changes counts in ``changed``, a
term of the ``fair`` stage (:data:`CHANGE_WEIGHT_SHIFTS`) locked on its own after that stage, so
``humane`` cannot buy off-hours with changes. A hint alone does not keep a rota stable, so
stability is in the objective. Why: docs/solver.md, Re-solving.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ortools.sat.python import cp_model

from rota.errors import InfeasibleRotaError
from rota.model import Grid, Override, Schedule, ScheduledShift
from rota.solver.facts import Slot, barred
from rota.solver.model import RotaModel
from rota.team import Team
from rota.views import rfc3339

CHANGE_WEIGHT_SHIFTS = 0.5
"""One changed assignment costs as much as this many typical shifts of hours band excess."""

MAX_LISTED = 12


@dataclass(frozen=True, slots=True)
class Baseline:
    """The published schedule a re-solve stays close to.

    Attributes:
        previous: the latest published version (planned, without overrides).
        frozen_until: grid shifts starting before this instant keep their published holders.
        overrides: overrides in force; their members are busy while they apply.
        now: the current instant; frozen shifts of former members ending after it are planned
            again (nobody pages a former member). None keeps every frozen shift with its
            published holder.
        replan: only grid shifts overlapping ``[start, end)`` may change; every other published
            shift keeps its holders as if frozen. None: every shift after the freeze may.
        released: ``(member, start, end)``: the member's published shifts overlapping the span
            are planned again, frozen or not (an absence), unless over by ``now``.
    """

    previous: Schedule
    frozen_until: datetime
    overrides: tuple[Override, ...] = ()
    now: datetime | None = None
    replan: tuple[datetime, datetime] | None = None
    released: tuple[tuple[str, datetime, datetime], ...] = ()

    def keeps(self, start: datetime, end: datetime) -> bool:
        """Whether a published shift ``[start, end)`` keeps its holders (frozen)."""
        if start < self.frozen_until:
            return True
        return self.replan is not None and not (self.replan[0] < end and start < self.replan[1])

    def away(self, member_id: str, start: datetime, end: datetime) -> bool:
        """Whether the member's shift ``[start, end)`` overlaps a ``released`` span."""
        return any(m == member_id and lo < end and start < hi for m, lo, hi in self.released)


@dataclass(frozen=True, slots=True)
class Freeze:
    """A :class:`Baseline` read against the new grid and team.

    Keys are ``(grid index, role)``. ``skip`` holds ``(member, grid index, role)`` that get no
    variable: an overriding member's other roles in non-frozen shifts overlapping the override.
    """

    frozen_until: datetime
    fixed: Mapping[tuple[int, str], str] = field(default_factory=dict)
    outside: Mapping[tuple[int, str], str] = field(default_factory=dict)
    previous: Mapping[tuple[int, str], str] = field(default_factory=dict)
    skip: frozenset[tuple[str, int, str]] = frozenset()
    frozen_shifts: int = 0
    warnings: tuple[str, ...] = ()


def overlaps(schedule: Schedule, grid: Grid) -> bool:
    """Whether ``schedule``'s horizon overlaps ``grid``'s (a re-solve, not a new horizon)."""
    return schedule.horizon_start < grid.end and grid.start < schedule.horizon_end


def plan_freeze(team: Team, grid: Grid, baseline: Baseline) -> Freeze:
    """Match the published schedule to the new grid: frozen holders, previous holders, busy.

    Raises:
        InfeasibleRotaError: a frozen shift does not line up with the published handoffs.
    """
    previous = baseline.previous
    published = {(s.start, s.end): s for s in previous.shifts}
    members = {m.id for m in team.members}
    until = baseline.frozen_until
    fixed: dict[tuple[int, str], str] = {}
    outside: dict[tuple[int, str], str] = {}
    before: dict[tuple[int, str], str] = {}
    warnings: list[str] = []
    problems: list[str] = []
    frozen_shifts = 0
    open_cells: set[int] = set()
    for cell in grid.shifts:
        match = published.get((cell.start, cell.end))
        if baseline.keeps(cell.start, cell.end):
            if match is None:
                if previous.horizon_start < cell.end and cell.start < previous.horizon_end:
                    problems.append(
                        f"shift {_span(cell.start, cell.end)} is before the freeze but does "
                        "not line up with the published shifts (the handoffs changed)"
                    )
                continue  # never published: nothing to keep
            frozen_shifts += 1
            for role in grid.roles:
                holder = match.assignments.get(role)
                if holder is None:
                    continue
                if holder in members and baseline.away(holder, cell.start, cell.end):
                    if baseline.now is not None and cell.end <= baseline.now:
                        outside[cell.index, role] = holder  # over already: history
                    else:
                        before[cell.index, role] = holder  # away: a forced change
                        open_cells.add(cell.index)
                elif holder in members:
                    fixed[cell.index, role] = holder
                elif baseline.now is not None and cell.end > baseline.now:
                    before[cell.index, role] = holder  # a forced change
                    warnings.append(
                        f"{holder} is no longer in the team: {_span(cell.start, cell.end)} "
                        f"({role}), before the freeze, is planned again"
                    )
                else:
                    outside[cell.index, role] = holder
                    warnings.append(
                        f"{holder} is no longer in the team but keeps "
                        f"{_span(cell.start, cell.end)} ({role}): it is before the freeze "
                        f"({rfc3339(until)}); hand it over with `rota override add`"
                    )
        else:
            open_cells.add(cell.index)
            for role, holder in (match.assignments if match is not None else {}).items():
                if role in grid.roles:
                    before[cell.index, role] = holder
    if problems:
        raise InfeasibleRotaError(
            f"cannot keep the published schedule of team {team.id} before {rfc3339(until)}",
            [*_shorten(problems), "re-solve with a shorter --freeze, or keep the handoffs"],
        )
    skip: set[tuple[str, int, str]] = set()
    for override in baseline.overrides:
        for cell in grid.shifts:
            if cell.index not in open_cells or not (
                cell.start < override.end and override.start < cell.end
            ):
                continue
            for role in grid.roles:
                if role != override.role:
                    skip.add((override.member_id, cell.index, role))
    return Freeze(
        frozen_until=until,
        fixed=fixed,
        outside=outside,
        previous=before,
        skip=frozenset(skip),
        frozen_shifts=frozen_shifts,
        warnings=tuple(warnings),
    )


def apply_freeze(m: RotaModel, freeze: Freeze) -> None:
    """Fix every frozen holder's ``x`` to 1.

    Raises:
        InfeasibleRotaError: a frozen holder can no longer hold their shift (unavailable now,
            no longer eligible for the role, or barred by ``off_hours``/``night: forbid``).
    """
    index = {member.id: i for i, member in enumerate(m.timeline.members)}
    first = m.timeline.first_grid
    problems: list[str] = []
    for (g, role), holder in sorted(freeze.fixed.items()):
        i, k = index[holder], first + g
        var = m.x.get((i, k, role))
        if var is None:
            slot = m.timeline.slots[k]
            problems.append(
                f"{holder} holds {slot.label} ({role}), before the freeze, but now "
                f"{_why(m, i, k, role)}: record who takes it with `rota override add "
                f"{m.team.id} --member ID --role {role} --start {rfc3339(slot.start_at)} "
                f"--end {rfc3339(slot.end_at)}` (or re-solve with a shorter --freeze)"
            )
            continue
        m.cp.add(var == 1)
    if problems:
        raise InfeasibleRotaError(
            f"the published schedule of team {m.team.id} before the freeze at "
            f"{rfc3339(freeze.frozen_until)} breaks the team file's rules",
            _shorten(problems),
        )


def _why(m: RotaModel, i: int, k: int, role: str) -> str:
    member = m.timeline.members[i]
    reason = m.timeline.facts[i][k].unavailable
    if reason is not None:
        return f"is unavailable ({reason})"
    if role not in member.roles:
        return f"may not fill {role}"
    bar = barred(m.team, m.timeline.facts[i][k])
    return f"is {bar}" if bar is not None else "may not hold it"


@dataclass(frozen=True, slots=True)
class ChangeCount:
    """``var == forced + sum(1 - lit)``: changed assignments after the freeze."""

    var: cp_model.IntVar
    lits: tuple[cp_model.IntVar, ...]
    forced: int

    def value(self, solution: Sequence[int]) -> int:
        return self.forced + sum(1 - solution[v.index] for v in self.lits)


def kept_literals(m: RotaModel, freeze: Freeze) -> tuple[list[cp_model.IntVar], int]:
    """``x`` of every published holder after the freeze who may still hold their shift, and
    the number who may not (forced changes: left the team, unavailable or ineligible)."""
    index = {member.id: i for i, member in enumerate(m.timeline.members)}
    first = m.timeline.first_grid
    lits: list[cp_model.IntVar] = []
    forced = 0
    for (g, role), holder in sorted(freeze.previous.items()):
        i = index.get(holder)
        var = None if i is None else m.x.get((i, first + g, role))
        if var is None:
            forced += 1
        else:
            lits.append(var)
    return lits, forced


def stable_feasibility(m: RotaModel, freeze: Freeze, hard: cp_model.CpModel) -> None:
    """Give the feasibility phase (``hard``, a copy of ``m.cp``) the published holders as a
    hint and "keep as many as possible" as its objective, so its first rota is already close
    to the published one (the stages then start near it instead of walking back)."""
    hint_previous(m, freeze, hard)
    lits, _ = kept_literals(m, freeze)
    if lits:
        copies = [hard.get_bool_var_from_proto_index(v.index) for v in lits]
        hard.maximize(sum(copies))


def add_change_count(m: RotaModel, freeze: Freeze) -> ChangeCount | None:
    """The ``changed`` variable over the previously published assignments after the freeze."""
    if not freeze.previous:
        return None
    lits, forced = kept_literals(m, freeze)
    changed = m.cp.new_int_var(forced, forced + len(lits), "changed")
    m.cp.add(changed == forced + len(lits) - sum(lits))
    return ChangeCount(changed, tuple(lits), forced)


def hint_previous(m: RotaModel, freeze: Freeze, model: cp_model.CpModel) -> None:
    """Hint ``model`` (a copy of ``m.cp``) with the published holders (a partial hint)."""
    index = {member.id: i for i, member in enumerate(m.timeline.members)}
    first = m.timeline.first_grid
    holders = {**freeze.previous, **freeze.fixed}
    model.clear_hints()  # type: ignore[no-untyped-call]
    for (i, k, role), var in m.x.items():
        slot: Slot = m.timeline.slots[k]
        assert slot.grid_index is not None
        holder = holders.get((slot.grid_index, role))
        if holder is None:
            continue
        model.add_hint(var, index.get(holder) == i and k >= first)


def diagnose_freeze(m: RotaModel, freeze: Freeze, time_limit_s: float) -> None:
    """When the model with frozen holders is infeasible: name the frozen assignments at fault.

    ``m`` is a fresh model *without* the frozen holders fixed; they become assumptions, and a
    core of them (if the rules alone are satisfiable) is reported. Returns when the freeze is
    not to blame.

    Raises:
        InfeasibleRotaError: the frozen assignments (listed) cannot all be kept.
    """
    index = {member.id: i for i, member in enumerate(m.timeline.members)}
    first = m.timeline.first_grid
    named: dict[int, str] = {}
    for (g, role), holder in sorted(freeze.fixed.items()):
        var = m.x.get((index[holder], first + g, role))
        if var is None:
            continue
        named[var.index] = f"{holder} on {m.timeline.slots[first + g].label} ({role})"
        m.cp.add_assumption(var)
    if not named:
        return
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit_s, 1.0)
    solver.parameters.num_workers = 1
    if solver.solve(m.cp) != cp_model.INFEASIBLE:
        return
    core = [named[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in named]
    if not core:
        return
    raise InfeasibleRotaError(
        f"the published schedule of team {m.team.id} before the freeze at "
        f"{rfc3339(freeze.frozen_until)} can no longer be kept: these frozen assignments "
        "break the hard rules of the team file together",
        [
            *_shorten(core),
            "replace one of them with `rota override add`, or re-solve with a shorter --freeze",
        ],
    )


def changed_assignments(previous: Schedule, new: Schedule, *, after: datetime) -> int:
    """Published ``(shift, role)`` pairs within the new horizon from ``after`` on whose holder
    no longer holds them (a shift that is no longer in the grid counts as changed)."""
    held = {(s.start, s.end, role): who for s in new.shifts for role, who in s.assignments.items()}
    count = 0
    for shift in previous.shifts:
        if shift.start < new.horizon_start or shift.end > new.horizon_end or shift.start < after:
            continue
        for role, who in shift.assignments.items():
            if held.get((shift.start, shift.end, role)) != who:
                count += 1
    return count


def merge_history(versions: Sequence[Schedule], before: datetime) -> Schedule | None:
    """Published shifts ending at or before ``before``, newest version first wins a time.

    ``versions`` are the team's stored schedules, newest first. For each version only the
    shifts that no newer version covers (by horizon) count, so re-solving the same horizon
    keeps the previous quarter's history and the newest plan of every past day.
    """
    taken: list[tuple[datetime, datetime]] = []
    shifts: list[ScheduledShift] = []
    team_id = ""
    for schedule in versions:
        team_id = schedule.team_id
        for shift in schedule.shifts:
            if shift.end > before:
                continue
            if any(lo < shift.end and shift.start < hi for lo, hi in taken):
                continue
            shifts.append(shift)
        taken.append((schedule.horizon_start, schedule.horizon_end))
    if not shifts:
        return None
    shifts.sort(key=lambda s: s.start)
    return Schedule(
        team_id=team_id,
        horizon_start=shifts[0].start,
        horizon_end=shifts[-1].end,
        shifts=tuple(shifts),
    )


def _span(start: datetime, end: datetime) -> str:
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M} UTC"
    return f"{start:%Y-%m-%d %H:%M}-{end:%Y-%m-%d %H:%M} UTC"


def _shorten(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_LISTED:
        return lines
    return [*lines[:MAX_LISTED], f"... and {len(lines) - MAX_LISTED} more"]
