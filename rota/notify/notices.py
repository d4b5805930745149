"""The notices of a team's effective schedule (overrides applied, as ``rota who`` sees it).

* ``starts_soon``: one per member's on-call block (consecutive shifts of one member joined,
  whatever the role, :func:`rota.metrics.on_call_blocks`), due ``before_minutes`` before the
  block starts (the lead time is the webhook's, so it is not part of the notice);
* ``handoff``: one per role and instant where the role's holder changes
  (:func:`rota.oncall.blocks.holder_blocks`), due at that instant.

A notice's id is a hash of the team, kind, member, role, previous holder and instant, so an
identical re-solve gives the same ids, a changed block or handoff a new id, and a notice whose
shift no longer exists simply is not computed any more (the sender then withdraws it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from rota.metrics import on_call_blocks
from rota.model import Interval
from rota.oncall.blocks import holder_blocks
from rota.oncall.index import OnCallIndex, instant_text


class NoticeKind(StrEnum):
    STARTS_SOON = "starts_soon"
    HANDOFF = "handoff"


@dataclass(frozen=True, slots=True)
class Notice:
    """``member_id`` goes on call for ``role`` at ``start`` until ``end``.

    ``role`` names every role held at ``start`` (joined by ``+`` in the team's role order when
    there are several); ``previous_id`` is the member handing over (handoffs only).
    """

    id: str
    team_id: str
    kind: NoticeKind
    member_id: str
    role: str
    start: datetime
    end: datetime
    previous_id: str | None = None

    def due(self, lead: timedelta) -> datetime:
        """When to send it: ``lead`` before the block for "starts soon", at the handoff else."""
        return self.start - lead if self.kind is NoticeKind.STARTS_SOON else self.start


def notice_id(
    team_id: str,
    kind: NoticeKind,
    member_id: str,
    role: str,
    at: datetime,
    previous_id: str | None = None,
) -> str:
    """32 hex digits that stay the same as long as what the notice says stays the same."""
    key = "\x1f".join((team_id, kind.value, member_id, role, previous_id or "", instant_text(at)))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def team_notices(team_id: str, roles: tuple[str, ...], index: OnCallIndex) -> list[Notice]:
    """Every notice of the effective schedule in ``index``, by start, kind, member and role."""
    found = [*_starts_soon(team_id, roles, index), *_handoffs(team_id, roles, index)]
    found.sort(key=lambda n: (n.start, n.kind.value, n.member_id, n.role))
    return found


def _starts_soon(team_id: str, roles: tuple[str, ...], index: OnCallIndex) -> list[Notice]:
    spans: dict[str, list[Interval]] = {}
    for shift in index.shifts:
        for member_id in set(shift.assignments.values()):
            spans.setdefault(member_id, []).append(Interval(shift.start, shift.end))
    found: list[Notice] = []
    for member_id, member_spans in spans.items():
        for block in on_call_blocks(member_spans):
            held = index.shift_at(block.start).assignments
            role = "+".join(r for r in _ordered(roles, held) if held[r] == member_id)
            kind = NoticeKind.STARTS_SOON
            found.append(
                Notice(
                    notice_id(team_id, kind, member_id, role, block.start),
                    team_id,
                    kind,
                    member_id,
                    role,
                    block.start,
                    block.end,
                )
            )
    return found


def _handoffs(team_id: str, roles: tuple[str, ...], index: OnCallIndex) -> list[Notice]:
    found: list[Notice] = []
    planned = {role for shift in index.shifts for role in shift.assignments}
    for role in _ordered(roles, planned):
        for before, after in pairwise(holder_blocks(index, role)):
            if before.end != after.start:
                continue  # a gap where the role is not planned: nobody hands over
            kind = NoticeKind.HANDOFF
            found.append(
                Notice(
                    notice_id(team_id, kind, after.member_id, role, after.start, before.member_id),
                    team_id,
                    kind,
                    after.member_id,
                    role,
                    after.start,
                    after.end,
                    previous_id=before.member_id,
                )
            )
    return found


def _ordered(roles: tuple[str, ...], present: Collection[str]) -> list[str]:
    """The roles in ``present``: the team's order first, others by name."""
    known = [r for r in roles if r in present]
    return known + sorted(r for r in present if r not in roles)
