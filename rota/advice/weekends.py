"""Where a looser weekend limit is needed: the weekends a verified rota works beyond the team's
own limit, by time zone.

``weekends.per_weeks`` is one setting for the whole team, but the need for it is usually one
region's (two people in Kolkata cannot keep 1 in 3 while covering every Kolkata weekend). So a
suggestion that loosens it says where its rota uses the room: per zone, the member-weekends
that would have to go for each member to keep the old limit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from rota.metrics import weekend_of
from rota.model import Schedule
from rota.team import Team


def beyond_limit(saturdays: Iterable[date], most: int, per_weeks: int) -> int:
    """The fewest of ``saturdays`` to drop so that any ``per_weeks`` consecutive weekends hold
    at most ``most`` of them.

    Keeping each weekend in turn when the ones kept before still allow it is optimal (any
    kept set can be exchanged for the earliest-first one).

    >>> beyond_limit([date(2027, 1, 2), date(2027, 1, 9), date(2027, 1, 23)], 1, 3)
    1
    >>> beyond_limit([date(2027, 1, 2), date(2027, 1, 23)], 1, 3)
    0
    """
    kept: list[date] = []
    dropped = 0
    window = timedelta(days=7 * (per_weeks - 1))
    for saturday in sorted(set(saturdays)):
        recent = [s for s in kept if saturday - s <= window]
        if len(recent) < most:
            kept.append(saturday)
        else:
            dropped += 1
    return dropped


def extra_weekends(team: Team, schedule: Schedule, most: int, per_weeks: int) -> Counter[str]:
    """Per time zone (IANA name), the member-weekends of ``schedule`` beyond ``most`` in
    ``per_weeks`` (zones without any are left out)."""
    worked: dict[str, set[date]] = {member.id: set() for member in team.members}
    members = {member.id: member for member in team.members}
    for shift in schedule.shifts:
        for member_id in shift.assignments.values():
            member = members.get(member_id)
            saturday = member and weekend_of(member, shift.start, shift.end, team.kind)
            if saturday:
                worked[member_id].add(saturday)
    extra: Counter[str] = Counter()
    for member_id, saturdays in worked.items():
        count = beyond_limit(saturdays, most, per_weeks)
        if count:
            extra[str(members[member_id].timezone)] += count
    return extra


def where_needed(extra: Counter[str]) -> str:
    """``needed in Asia/Kolkata (3 extra member-weekends)``; '' when none."""
    if not extra:
        return ""
    parts = [
        f"{zone} ({count} extra member-weekend{'s' if count != 1 else ''})"
        for zone, count in sorted(extra.items(), key=lambda item: (-item[1], item[0]))
    ]
    return "needed in " + ", ".join(parts)
