"""The CP-SAT model of a rota: its variables and the helpers every rule uses.

Variables exist only for eligible, available triples: ``x[member,shift,role]`` is 1 when the
member holds the role in that grid shift; ``w[member,shift]`` says they work it (their ``x`` of
the shift summed, a variable of its own only where they could hold several roles there);
``W[member,saturday]`` says they work a weekend. History shifts are constants:
:meth:`RotaModel.work` answers ``True``/``False`` for them. When the model is built to explain
infeasibility (:mod:`rota.solver.explain`), a *guard* enforces each hard-rule constraint only
if the assumption literal of its group (rule family, member, week) holds; in a normal solve the
guard is empty and costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import cast

from ortools.sat.python import cp_model

from rota.model import Grid, NightPolicy, OffHoursPolicy, Schedule, ScheduledShift
from rota.solver.facts import Timeline
from rota.team import Team

Lit = cp_model.IntVar | cp_model.NotBooleanVariable
Value = Lit | bool
"""A literal of the model, or a constant (history, or no variable because not eligible)."""


@dataclass(frozen=True, slots=True)
class GuardKey:
    """One assumption group: a rule family, for one member, about one week (or None)."""

    family: str
    member: str | None
    week: date | None


@dataclass(slots=True)
class RotaModel:
    """A ``CpModel`` with the variable index of a rota."""

    team: Team
    timeline: Timeline
    cp: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[tuple[int, int, str], cp_model.IntVar] = field(default_factory=dict)
    w: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    weekend_vars: dict[tuple[int, date], Value] = field(default_factory=dict)
    scope: Callable[[GuardKey], GuardKey | None] | None = None
    guards: dict[GuardKey, cp_model.IntVar] = field(default_factory=dict)
    broken: list[GuardKey] = field(default_factory=list)  # rules no constraint can satisfy
    outside: dict[tuple[int, str], str] = field(default_factory=dict)
    """(slot, role) held by someone who is no longer a member (kept frozen): no variables."""
    withheld: int = 0
    """Assignment variables fixed to 0 by :meth:`withhold` (of those in ``x``)."""
    _works: dict[int, tuple[list[Value], list[Value]]] = field(default_factory=dict)

    # ---------------------------------------------------------------- building

    @classmethod
    def build(
        cls,
        team: Team,
        timeline: Timeline,
        scope: Callable[[GuardKey], GuardKey | None] | None = None,
        *,
        skip: frozenset[tuple[str, int, str]] = frozenset(),
        outside: dict[tuple[int, str], str] | None = None,
    ) -> RotaModel:
        """Create the ``x`` and ``w`` variables (no constraints yet).

        Args:
            team: the team.
            timeline: history and grid slots with their facts.
            scope: guards for explanations (see the module docstring).
            skip: ``(member id, grid index, role)`` triples that get no variable (a member
                busy with an override in force then).
            outside: ``(grid index, role) -> member id`` held by a former member (frozen):
                nobody else gets a variable there and coverage leaves it alone.
        """
        first = timeline.first_grid
        held_outside = {(first + g, role): who for (g, role), who in (outside or {}).items()}
        m = cls(team=team, timeline=timeline, scope=scope, outside=held_outside)
        rotation = team.config.rotation
        off_hours = rotation.off_hours is OffHoursPolicy.FORBID
        # Explaining (or relaxing) a model, ``night: forbid`` is a guarded rule over variables
        # (:func:`~rota.solver.constraints.add_night`); solving, its shifts get none.
        night = rotation.night is NightPolicy.FORBID and scope is None
        for i, member in enumerate(timeline.members):
            for k in timeline.grid_slots:
                facts = timeline.facts[i][k]
                if (
                    facts.unavailable is not None
                    or (off_hours and facts.off_minutes > 0)
                    or (night and facts.night_minutes > 0)
                ):
                    continue
                index = timeline.slots[k].grid_index
                held: list[cp_model.IntVar] = []
                for role in timeline.roles:
                    if role in member.roles and (member.id, index, role) not in skip:
                        if (k, role) in m.outside:
                            continue
                        var = m.cp.new_bool_var(f"x[{member.id},{index},{role}]")
                        m.x[i, k, role] = var
                        held.append(var)
                if len(held) == 1:
                    m.w[i, k] = held[0]
                elif held:
                    m.w[i, k] = m.cp.new_bool_var(f"w[{member.id},{index}]")
        return m

    def withhold(self, triples: frozenset[tuple[str, int, str]]) -> None:
        """Fix ``(member id, grid index, role)`` assignments to 0, keeping their variables.

        Unlike ``skip`` in :meth:`build` (an override's member is busy, so the time is not
        theirs), a withheld shift still counts as the member's available time: their fair
        share (:func:`~rota.solver.loads.shares`) and weekend pace stay those of the
        team as it is. The off-hours plan withholds this way (:mod:`rota.solver.plan`).
        """
        slots = self.timeline.slots
        for (i, k, role), var in self.x.items():
            if (self.member_id(i), slots[k].grid_index, role) in triples:
                self.cp.add(var == 0)
                self.withheld += 1

    # ---------------------------------------------------------------- reading

    @property
    def members(self) -> range:
        return range(len(self.timeline.members))

    def member_id(self, i: int) -> str:
        return self.timeline.members[i].id

    def work(self, i: int, k: int) -> Value:
        """Member ``i`` works timeline slot ``k``: a literal, or a constant."""
        slot = self.timeline.slots[k]
        if slot.grid_index is None:
            return any(holder == self.member_id(i) for _, holder in slot.held)
        return self.w.get((i, k), False)

    def works(self, i: int) -> tuple[list[Value], list[Value]]:
        """:meth:`work` of member ``i`` for every slot, and its negation (cached; read-only)."""
        if i not in self._works:
            values = [self.work(i, k) for k in range(len(self.timeline.slots))]
            self._works[i] = (values, [negate(v) for v in values])
        return self._works[i]

    def holds(self, i: int, k: int, role: str) -> Value:
        """Member ``i`` holds ``role`` in timeline slot ``k``: a literal, or a constant."""
        slot = self.timeline.slots[k]
        if slot.grid_index is None:
            return dict(slot.held).get(role) == self.member_id(i)
        return self.x.get((i, k, role), False)

    def weekend_worked(self, i: int, saturday: date) -> Value:
        """``W[member,saturday]``: the member holds a weekend shift of that weekend.

        Linked tightly: ``W >= w`` for each of the weekend's shifts and ``W <= sum(w)``.
        """
        key = (i, saturday)
        if key in self.weekend_vars:
            return self.weekend_vars[key]
        values = [self.work(i, k) for k in self.weekend_slots(i, saturday)]
        lits = [v for v in values if not isinstance(v, bool)]
        result: Value
        if any(v is True for v in values):
            result = True
        elif not lits:
            result = False
        elif len(lits) == 1:
            result = lits[0]
        else:
            var = self.cp.new_bool_var(f"W[{self.member_id(i)},{saturday.isoformat()}]")
            for lit in lits:
                self.cp.add_implication(lit, var)
            self.cp.add_bool_or(lits).only_enforce_if(var)
            result = var
        self.weekend_vars[key] = result
        return result

    def weekend_slots(self, i: int, saturday: date) -> list[int]:
        """Timeline slots of member ``i``'s weekend of ``saturday`` (their local weekend)."""
        return [k for k, f in enumerate(self.timeline.facts[i]) if f.weekend == saturday]

    def weekends_of(self, i: int) -> list[date]:
        """Every weekend (its local Saturday) with a shift on the timeline for member ``i``."""
        return sorted({f.weekend for f in self.timeline.facts[i] if f.weekend is not None})

    # ---------------------------------------------------------------- adding constraints

    def guard_for(self, family: str, member: int | None, when: date | None) -> list[Lit] | None:
        """The enforcement literals of a hard-rule constraint; None drops the constraint.

        Outside explanations there are none. When explaining, ``scope`` maps the constraint's
        group (family, member, week) to the assumption group that guards it, or to None when
        the explanation leaves that rule out.
        """
        if self.scope is None:
            return []
        week = None
        if when is not None:
            origin = self.week_origin()
            week = origin + timedelta(days=(when - origin).days // 7 * 7)
        key = self.scope(GuardKey(family, self._mid(member), week))
        if key is None:
            return None
        if key not in self.guards:
            when_text = key.week.isoformat() if key.week else "-"
            self.guards[key] = self.cp.new_bool_var(
                f"assume[{key.family},{key.member or '-'},{when_text}]"
            )
        return [self.guards[key]]

    def schedule(self, grid: Grid, value_of: Callable[[cp_model.IntVar], int]) -> Schedule:
        """The rota of ``grid`` whose assignments ``value_of`` sets (frozen pairs included)."""
        holder: dict[tuple[int, str], str] = {}
        for (i, k, role), var in self.x.items():
            if value_of(var):
                holder[k, role] = self.member_id(i)
        holder.update(self.outside)
        tl = self.timeline
        shifts = tuple(
            ScheduledShift(
                start=tl.slots[k].start_at,
                end=tl.slots[k].end_at,
                assignments={role: holder[k, role] for role in grid.roles},
            )
            for k in tl.grid_slots
        )
        return Schedule(grid.team_id, grid.start, grid.end, shifts)

    def week_origin(self) -> date:
        return self.timeline.slots[self.timeline.first_grid].start_at.date()

    def add_clause(
        self, values: Iterable[Value], family: str, member: int | None, when: date | None
    ) -> None:
        """At least one of ``values`` holds (constants folded in)."""
        lits: list[Lit] = []
        for value in values:
            if value is True:
                return
            if value is not False:
                lits.append(value)
        if self.scope is None:  # the common case, without the guard's overhead
            if not lits:
                self.broken.append(GuardKey(family, self._mid(member), when))
            self.cp.add_bool_or(lits)
            return
        guard = self.guard_for(family, member, when)
        if guard is None:
            return
        if not lits and not guard:
            self.broken.append(GuardKey(family, self._mid(member), when))
        self.cp.add_bool_or(lits).only_enforce_if(guard)

    def add_at_most(
        self,
        terms: Sequence[tuple[int, Value]],
        bound: int,
        family: str,
        member: int | None,
        when: date | None,
    ) -> None:
        """``sum(coef * value) <= bound`` for non-negative ``coef`` (constants folded in)."""
        lin: list[tuple[int, Lit]] = []
        for coef, value in terms:
            if value is True:
                bound -= coef
            elif value is not False and coef:
                lin.append((coef, value))
        if not lin:
            if bound < 0:
                self.add_clause([], family, member, when)
            return
        if sum(c for c, _ in lin) <= bound:
            return
        guard = self.guard_for(family, member, when)
        if guard is None:
            return
        self.cp.add(sum(c * v for c, v in lin) <= bound).only_enforce_if(guard)

    def _mid(self, member: int | None) -> str | None:
        return None if member is None else self.member_id(member)


def negate(value: Value) -> Value:
    if isinstance(value, bool):
        return not value
    return cast(Lit, ~value)
