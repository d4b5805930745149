"""Who *could* hold a shift: working-window coverage of a UTC interval, per member and per role.

This looks at working windows only (member-local, DST-correct). It ignores ``unavailable``
time, rest rules and everything else the solver weighs: ``rota grid`` uses it to show where a
follow-the-sun pattern has a hole, and :mod:`rota.sunpattern` optimises the same notion.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from datetime import datetime
from typing import TypeVar

from rota.localtime import window_intervals
from rota.model import Member
from rota.team import Team

Who = TypeVar("Who", bound=Hashable)


def window_covers(member: Member, start: datetime, end: datetime) -> bool:
    """True when ``member``'s working window contains the whole of ``[start, end)``.

    Windows that touch (a whole-day window, or one that ends where the next day's begins) count
    as one stretch.
    """
    intervals = window_intervals(member.working_hours, member.timezone, start, end)
    return len(intervals) == 1 and intervals[0].start == start and intervals[0].end == end


def covering_members(team: Team, start: datetime, end: datetime) -> list[str]:
    """Ids of the members whose working window covers all of ``[start, end)``, in team order."""
    return [member.id for member in team.members if window_covers(member, start, end)]


def eligible_members(team: Team, start: datetime, end: datetime) -> dict[str, list[str]]:
    """For each role, the ids of members who may fill it and whose window covers ``[start, end)``.

    Availability (``unavailable``) is deliberately not considered: this is window coverage.
    """
    covering = set(covering_members(team, start, end))
    return {
        role: [m.id for m in team.members if m.id in covering and role in m.roles]
        for role in team.roles
    }


def matching_size(candidates: Mapping[str, Iterable[Hashable]]) -> int:
    """How many roles can get distinct candidates at once (maximum bipartite matching).

    ``candidates`` maps each role to who may fill it; found with augmenting paths.

    >>> matching_size({"primary": ["ann", "bob"], "secondary": ["ann"], "backup": ["ann"]})
    2
    """
    owner: dict[Hashable, str] = {}

    def augment(role: str, seen: set[Hashable]) -> bool:
        for who in candidates[role]:
            if who in seen:
                continue
            seen.add(who)
            if who not in owner or augment(owner[who], seen):
                owner[who] = role
                return True
        return False

    return sum(augment(role, set()) for role in candidates)


def least_paid(candidates: Mapping[str, Iterable[Who]], paid: Mapping[Who, int]) -> tuple[int, int]:
    """The roles of one shift that must go to members who pay for them, and the least they pay.

    ``paid`` is each candidate's cost of holding the shift. The candidates at no cost can take
    at most a matching's worth of roles; every other role goes to a distinct paying member, so
    the shift costs at least the sum of that many smallest costs.

    >>> least_paid({"primary": ["ann", "bob"], "secondary": ["ann"]}, {"ann": 0, "bob": 60})
    (1, 60)
    >>> least_paid({"primary": ["ann", "bob", "cy"], "secondary": ["ann"]},
    ...            {"ann": 30, "bob": 60, "cy": 0})
    (1, 30)
    """
    free = {role: [who for who in whom if paid[who] == 0] for role, whom in candidates.items()}
    missing = len(candidates) - matching_size(free)
    if missing <= 0:
        return 0, 0
    return missing, sum(sorted(cost for cost in paid.values() if cost > 0)[:missing])


def roles_fillable(eligible: Mapping[str, Iterable[Hashable]]) -> bool:
    """True when every role can be given to a different eligible member (a bipartite matching).

    >>> roles_fillable({"primary": ["ann", "bob"], "secondary": ["ann"]})
    True
    >>> roles_fillable({"primary": ["ann"], "secondary": ["ann"]})
    False
    """
    return matching_size(eligible) == len(eligible)


__all__ = [
    "covering_members",
    "eligible_members",
    "least_paid",
    "matching_size",
    "roles_fillable",
    "window_covers",
]
