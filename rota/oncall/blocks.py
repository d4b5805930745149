"""Continuous on-call blocks: who is paged at which level of which chain, from when to when.

:func:`resolve_oncall` answers one instant. Integrations that list on-calls over a time range
(the PagerDuty-compatible API, ``docs/pagerduty.md``) need the same answers as runs of time, so
this module asks :func:`resolve_oncall` once per stretch in which nothing it reads can change and
joins the answers:

* Nothing :func:`resolve_oncall` reads changes between two consecutive *bounds*: the starts and
  ends of the effective pieces (overrides applied) and the starts and ends of every member's and
  contact's unavailability inside the schedule. One answer per stretch and chain is therefore
  exact at every instant of it, and the blocks agree with ``rota who`` at any instant.
* A :class:`PagedBlock` is a maximal run of stretches in which one person is paged at one level
  of one chain under the same target (a role, or ``None`` for a target naming the person).
  Consecutive planned shifts with the same holder join into one block; an override, an absence
  (the person is skipped) or a handoff ends it.
* :func:`holder_blocks` is the simpler per-role view: maximal runs of one holder of a role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from rota.oncall.index import OnCallIndex
from rota.oncall.resolve import Person, resolve_oncall
from rota.team import Team


@dataclass(frozen=True, slots=True)
class PagedBlock:
    """``person_id`` is paged at ``level`` of the chain of ``severity`` during ``[start, end)``.

    ``severity`` None is the default chain; ``via_role`` is the role target that named the person,
    None when the level names them by id (a member or a contact).
    """

    severity: str | None
    level: int
    person_id: str
    via_role: str | None
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class HolderBlock:
    """``member_id`` holds ``role`` during ``[start, end)`` (overrides applied)."""

    role: str
    member_id: str
    start: datetime
    end: datetime


def _bounds(team: Team, index: OnCallIndex) -> list[datetime]:
    """Instants where anything :func:`resolve_oncall` reads may change, in order."""
    cuts = {shift.start for shift in index.shifts}
    cuts.add(index.end)
    people: list[Person] = [*team.members, *team.contacts]
    away = [block for person in people for block in person.unavailable]
    cuts.update(
        instant
        for block in away
        for instant in (block.start, block.end)
        if index.start < instant < index.end
    )
    return sorted(cuts)


Key = tuple[str | None, int, str, str | None]
"""(severity, level, person id, via role): what stays the same through one :class:`PagedBlock`."""


def chains_of(team: Team) -> list[str | None]:
    """The default chain (None) and every severity the team defines, sorted."""
    return [None, *sorted(team.config.escalation.severities)]


def paged_blocks(team: Team, index: OnCallIndex) -> tuple[PagedBlock, ...]:
    """Every :class:`PagedBlock` of every chain of ``team`` over its stored schedule.

    Sorted by chain (default first), level, start and person.
    """
    opened: dict[Key, datetime] = {}
    found: list[PagedBlock] = []
    bounds = _bounds(team, index)
    for start, _end in pairwise(bounds):
        paged: set[Key] = set()
        for severity in chains_of(team):
            answer = resolve_oncall(team, index, start, severity)
            for level in answer.levels:
                paged.update(
                    (severity, level.number, p.member.id, p.via_role) for p in level.members
                )
        for key in [k for k in opened if k not in paged]:
            found.append(PagedBlock(*key, start=opened.pop(key), end=start))
        for key in paged:
            opened.setdefault(key, start)
    found.extend(PagedBlock(*key, start=began, end=index.end) for key, began in opened.items())
    chain_rank = {severity: n for n, severity in enumerate(chains_of(team))}
    found.sort(key=lambda b: (chain_rank[b.severity], b.level, b.start, b.person_id))
    return tuple(found)


def holder_blocks(index: OnCallIndex, role: str) -> tuple[HolderBlock, ...]:
    """Maximal runs of one holder of ``role`` in the effective schedule, in time order.

    Pieces where the role is not planned (a role added to the team file after solving) are gaps.
    """
    blocks: list[HolderBlock] = []
    for shift in index.shifts:
        holder = shift.assignments.get(role)
        if holder is None:
            continue
        last = blocks[-1] if blocks else None
        if last is not None and last.member_id == holder and last.end == shift.start:
            blocks[-1] = HolderBlock(role, holder, last.start, shift.end)
        else:
            blocks.append(HolderBlock(role, holder, shift.start, shift.end))
    return tuple(blocks)
