"""A rota as a full assignment of the solver's own model, to check small moves against every
hard rule (``rota swap``).

The solver's model of the team (:func:`rota.solver.constraints.build_model`, history included)
is built once; a rota is a value for every variable of it (``x`` from the holders,
``w``/``W``/``D`` from their definitions), and a move breaks no hard rule when every
constraint that reads a changed variable holds. Constraints reading no changed variable keep
their truth value, so the answer is "breaks no rule that the current rota keeps": exact when the
current rota is valid. A check evaluates a few dozen constraints.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rota.model import Grid, Schedule, ScheduledShift, Shift
from rota.solver.constraints import build_model
from rota.solver.facts import SATURDAY
from rota.solver.model import RotaModel
from rota.team import Team


def current_rota(
    team: Team, schedule: Schedule, effective: Sequence[ScheduledShift]
) -> tuple[Grid, dict[tuple[int, str], str]]:
    """The published grid and the effective holder of every (shift, role) on it."""
    cells = tuple(Shift(i, s.start, s.end) for i, s in enumerate(schedule.shifts))
    grid = Grid(schedule.team_id, schedule.horizon_start, schedule.horizon_end, cells, team.roles)
    holders: dict[tuple[int, str], str] = {}
    pos = 0
    for i, shift in enumerate(schedule.shifts):
        pieces: list[ScheduledShift] = []
        while pos < len(effective) and effective[pos].start < shift.end:
            if effective[pos].end > shift.start:
                pieces.append(effective[pos])
            pos += 1
        for role, planned in shift.assignments.items():
            seen = {p.assignments.get(role, planned) for p in pieces}
            holders[i, role] = seen.pop() if len(seen) == 1 else planned
    return grid, holders


_AUX = re.compile(r"^([wWD])\[([^,\]]+),([^\]]+)\]$")


class CheckedRota:
    """The team's model and a full assignment of its variables for the current rota."""

    def __init__(
        self,
        team: Team,
        grid: Grid,
        holders: dict[tuple[int, str], str],
        history: Schedule | None,
    ) -> None:
        self.model: RotaModel = build_model(team, grid, history)
        m = self.model
        self.first = m.timeline.first_grid
        self.index = {member.id: i for i, member in enumerate(team.members)}
        self.held: dict[int, set[tuple[int, str]]] = {i: set() for i in m.members}
        for (g, role), who in holders.items():
            if who in self.index:
                self.held[self.index[who]].add((self.first + g, role))
        proto = m.cp.proto
        self.x_of = {var.index: key for key, var in m.x.items()}
        self.aux: dict[int, tuple[str, int, object]] = {}
        for position, var in enumerate(proto.variables):
            if position in self.x_of:
                continue
            match = _AUX.match(var.name)
            if match is None:
                raise AssertionError(f"unexpected model variable {var.name!r}")
            kind, mid, what = match.groups()
            i = self.index[mid]
            key: object = int(what) if kind == "w" else date.fromisoformat(what)
            self.aux[position] = (kind, i, key)
        self.x_by_member: dict[int, list[tuple[int, str, int]]] = {i: [] for i in m.members}
        for (i, k, role), var in m.x.items():
            self.x_by_member[i].append((k, role, var.index))
        self.aux_by_member: dict[int, list[tuple[int, str, object]]] = {i: [] for i in m.members}
        for position, (kind, i, key) in self.aux.items():
            self.aux_by_member[i].append((position, kind, key))
        self.days: dict[tuple[int, str, object], list[int]] = {}
        for i in m.members:
            for k, f in enumerate(m.timeline.facts[i]):
                if f.weekend is not None:
                    self.days.setdefault((i, "W", f.weekend), []).append(k)
                    if f.day == SATURDAY:
                        self.days.setdefault((i, "D", f.weekend), []).append(k)
        self.constraints = [_Constraint.read(c) for c in proto.constraints]
        self.reads: dict[int, list[int]] = {}
        for c, constraint in enumerate(self.constraints):
            for position in constraint.variables():
                self.reads.setdefault(position, []).append(c)
        self.values = [0] * len(proto.variables)
        for i in m.members:
            self._fill(i, self.held[i], self.values)

    def held_by(self, i: int) -> list[tuple[int, str]]:
        return sorted(self.held[i])

    def off_minutes(self, i: int, k: int) -> int:
        return self.model.timeline.facts[i][k].off_minutes

    def night_minutes(self, i: int, k: int) -> int:
        return self.model.timeline.facts[i][k].night_minutes

    def weekend(self, i: int, k: int) -> date | None:
        return self.model.timeline.facts[i][k].weekend

    def _fill(self, i: int, held: set[tuple[int, str]], values: list[int]) -> set[int]:
        """Set member ``i``'s variables for ``held``; return the positions that changed."""
        m = self.model
        works = {k for k, _ in held}
        slots = m.timeline.slots
        changed: set[int] = set()

        def worked(k: int) -> bool:
            if slots[k].grid_index is None:
                return m.work(i, k) is True
            return k in works

        def put(position: int, value: int) -> None:
            if values[position] != value:
                values[position] = value
                changed.add(position)

        for k, role, position in self.x_by_member[i]:
            put(position, int((k, role) in held))
        for position, kind, key in self.aux_by_member[i]:
            if kind == "w":
                put(position, int(self.first + int(str(key)) in works))
            else:  # W: works a shift of that weekend; D: a Saturday shift of it
                put(position, int(any(worked(k) for k in self.days.get((i, kind, key), ()))))
        return changed

    def allowed(self, moves: Sequence[tuple[int, int, str, int]]) -> bool:
        """Whether moving each ``(from member, slot, role, to member)`` breaks no checked rule."""
        m = self.model
        held = {i: set(h) for i, h in self.held.items()}
        for giver, k, role, taker in moves:
            if (taker, k, role) not in m.x or (k, role) not in held[giver]:
                return False
            held[giver].discard((k, role))
            held[taker].add((k, role))
        values = list(self.values)
        changed: set[int] = set()
        for i in {i for move in moves for i in (move[0], move[3])}:
            changed |= self._fill(i, held[i], values)
        touched = {c for position in changed for c in self.reads.get(position, ())}
        return all(self.constraints[c].holds(values) for c in touched)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"CheckedRota({len(self.values)} variables)"


_KINDS = ("bool_or", "bool_and", "exactly_one", "at_most_one", "bool_xor", "linear")


@dataclass(frozen=True, slots=True)
class _Constraint:
    """A constraint of the model as plain data: kind, enforcement, literals or linear terms."""

    kind: str
    enforcement: tuple[int, ...]
    refs: tuple[int, ...]
    coeffs: tuple[int, ...] = ()
    domain: tuple[int, ...] = ()

    @classmethod
    def read(cls, proto: Any) -> _Constraint:
        kind = next((k for k in _KINDS if getattr(proto, f"has_{k}")()), None)
        if kind is None:
            raise AssertionError(f"unexpected constraint in the model: {proto}")
        enforcement = tuple(proto.enforcement_literal)
        if kind == "linear":
            body = proto.linear
            return cls(kind, enforcement, tuple(body.vars), tuple(body.coeffs), tuple(body.domain))
        return cls(kind, enforcement, tuple(getattr(proto, kind).literals))

    def variables(self) -> set[int]:
        return {ref if ref >= 0 else -ref - 1 for ref in (*self.enforcement, *self.refs)}

    def holds(self, values: list[int]) -> bool:
        """Whether the constraint holds for a full assignment (``values`` by variable)."""
        if not all(_lit(values, ref) for ref in self.enforcement):
            return True
        if self.kind == "linear":
            total = sum(c * _lit(values, r) for c, r in zip(self.coeffs, self.refs, strict=True))
            d = self.domain
            return any(d[j] <= total <= d[j + 1] for j in range(0, len(d), 2))
        true = sum(_lit(values, ref) for ref in self.refs)
        if self.kind == "bool_or":
            return true >= 1
        if self.kind == "bool_and":
            return true == len(self.refs)
        if self.kind == "exactly_one":
            return true == 1
        if self.kind == "at_most_one":
            return true <= 1
        return true % 2 == 1  # bool_xor


def _lit(values: list[int], ref: int) -> int:
    return values[ref] if ref >= 0 else 1 - values[-ref - 1]
