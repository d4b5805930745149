"""Who is compared with whom: the groups of members among whom the objective
(:mod:`rota.solver.objective`) and the kinds' plans spread each load.

Members in different zones cannot trade off-hours or night hours without adding more of them,
and members of different shares carry different loads, so each metric has its own key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence

from rota.solver.model import RotaModel


def _groups(key: Mapping[int, Hashable]) -> list[list[int]]:
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for i, k in key.items():
        groups[k].append(i)
    return list(groups.values())


def share_groups(members: Iterable[int], share: Sequence[int]) -> list[list[int]]:
    """``members`` with a share, grouped by it: whose hours and weekends are compared."""
    return _groups({i: share[i] for i in members if share[i] > 0})


def holiday_groups(m: RotaModel, share: Sequence[int]) -> list[list[int]]:
    """Members whose holiday time is compared: one ``country``, one share."""
    members = m.timeline.members
    return _groups({i: (members[i].country, share[i]) for i in m.members if share[i] > 0})


def off_hours_groups(m: RotaModel, share: Sequence[int]) -> list[list[int]]:
    """Members whose off-hours are compared: one zone, working window, roles and share."""
    members = m.timeline.members
    key: dict[int, Hashable] = {
        i: (members[i].timezone.key, members[i].working_hours, members[i].roles, share[i])
        for i in m.members
        if share[i] > 0
    }
    return _groups(key)


def off_hours_peak_groups(m: RotaModel, share: Sequence[int]) -> list[list[int]]:
    """Members whose off-hours peaks per share are compared: :func:`off_hours_groups` of
    several shares (one zone, working window and roles), two shares or more."""
    members = m.timeline.members
    key: dict[int, Hashable] = {
        i: (members[i].timezone.key, members[i].working_hours, members[i].roles)
        for i in m.members
        if share[i] > 0
    }
    return [g for g in _groups(key) if len({share[i] for i in g}) > 1]


def night_groups(m: RotaModel, share: Sequence[int]) -> list[list[int]]:
    """Members whose night hours are compared (per share): one zone and night window."""
    members = m.timeline.members
    key: dict[int, Hashable] = {
        i: (members[i].timezone.key, members[i].night) for i in m.members if share[i] > 0
    }
    return _groups(key)
