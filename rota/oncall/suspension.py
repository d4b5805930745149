"""Which stored overrides still fit a schedule version, and why the others are suspended.

An override is checked when it is added, against the version published then. A later version
(a re-solve with a changed team file, or one that committed while the override was added) can
make it wrong: its member left the team or is away, its role is gone, or it would put its member
in two roles at once. Such an override is *suspended*: it is not applied, the planned holder pages
instead, and it comes back by itself when a later version makes it fit again. Nothing is written:
suspension is a pure function of (team file, planned schedule, overrides), computed whenever a
version's effective schedule is built.

Rules, in order, for each override overlapping the version's horizon:

1. its member is in the team, its role is a role of the team, and the member may fill the role;
2. the member is not unavailable (by the version's team file) during the part inside the horizon;
3. with every override that passed 1-2 applied, nobody holds two roles at one instant. Where
   somebody would, the override that put them there is suspended; if both of their roles come
   from overrides, the one created later is suspended. This repeats until no conflict is left;
   it ends because every round suspends at least one override.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rota.model import Member, Override, Schedule
from rota.oncall.effective import EffectivePiece, effective_pieces, priority, span_text
from rota.team import Team


@dataclass(frozen=True, slots=True)
class SuspendedOverride:
    """A stored override that does not fit the version: not applied, ``because`` says why."""

    override: Override
    because: str


@dataclass(frozen=True, slots=True)
class OverrideCheck:
    """The overrides of one version split into those applied and those suspended, and the
    effective schedule with the applied ones (what :class:`~rota.oncall.OnCallIndex` indexes)."""

    active: tuple[Override, ...]
    suspended: tuple[SuspendedOverride, ...]
    pieces: tuple[EffectivePiece, ...]


def check_overrides(team: Team, schedule: Schedule, overrides: Sequence[Override]) -> OverrideCheck:
    """Split ``overrides`` of ``team`` into those that fit ``schedule`` and those suspended.

    See the module docstring for the rules. The order of ``active`` is the order given.
    """
    roster = {member.id: member for member in team.members}
    suspended: dict[int, str] = {}
    for position, override in enumerate(overrides):
        problem = _static_problem(team, roster, schedule, override)
        if problem is not None:
            suspended[position] = problem
    while True:
        kept = tuple(o for p, o in enumerate(overrides) if p not in suspended)
        pieces = effective_pieces(schedule, kept)
        clash = _first_double_role(pieces, kept)
        if clash is None:
            break
        loser, because = clash
        suspended[next(p for p, o in enumerate(overrides) if o is loser)] = because
    return OverrideCheck(
        active=kept,
        suspended=tuple(
            SuspendedOverride(overrides[p], because) for p, because in sorted(suspended.items())
        ),
        pieces=pieces,
    )


def _static_problem(
    team: Team, roster: Mapping[str, Member], schedule: Schedule, override: Override
) -> str | None:
    """Rules 1-2 of the module docstring: why ``override`` cannot apply, or None."""
    member = roster.get(override.member_id)
    if member is None:
        return f"member {override.member_id!r} is no longer in team {team.id!r}"
    if override.role not in team.roles:
        return f"role {override.role!r} is no longer a role of team {team.id!r}"
    if override.role not in member.roles:
        return f"member {member.id!r} may no longer fill role {override.role!r}"
    start = max(override.start, schedule.horizon_start)
    end = min(override.end, schedule.horizon_end)
    if start < end:
        blocked = member.unavailable_during(start, end)
        if blocked is not None:
            return (
                f"member {member.id!r} is unavailable ({blocked.reason}) "
                f"{span_text(blocked.start, blocked.end)}"
            )
    return None


def _first_double_role(
    pieces: Sequence[EffectivePiece], overrides: Sequence[Override]
) -> tuple[Override, str] | None:
    """Rule 3: the first override that puts its member in two roles at once in ``pieces`` (the
    effective schedule with ``overrides`` applied), and why."""
    rank = {id(o): n for n, o in enumerate(priority(overrides))}
    for piece in pieces:
        if not piece.overrides:
            continue
        roles_of: dict[str, list[str]] = {}
        for role, holder in piece.shift.assignments.items():
            roles_of.setdefault(holder, []).append(role)
        for holder, roles in roles_of.items():
            if len(roles) < 2:
                continue
            by_override = [piece.overrides[r] for r in roles if r in piece.overrides]
            if not by_override:
                continue  # a planned double role is the solver's to prevent, not an override's
            loser = max(by_override, key=lambda o: rank[id(o)])
            others = ", ".join(
                _role_source(r, piece.overrides.get(r)) for r in roles if r != loser.role
            )
            return loser, (
                f"member {holder!r} would also hold {others} "
                f"{span_text(piece.shift.start, piece.shift.end)}; "
                "one member fills at most one role at a time"
            )
    return None


def _role_source(role: str, override: Override | None) -> str:
    """``'secondary' (planned)`` or ``'secondary' (override 12)``."""
    if override is None:
        return f"{role!r} (planned)"
    return f"{role!r} (override {override.id})"
