"""The facts every capacity count reads: who may hold which role of which shift, by region.

Eligibility is the solver's own (:meth:`rota.solver.model.RotaModel.build`): a member may hold
a role of a shift when the role is theirs, they are available for all of it, and, with
``off_hours: forbid``, the shift lies inside their working window (with ``night: forbid``,
outside their night). It is read from the same
per-member facts (:mod:`rota.solver.facts`) without building CP-SAT variables, which on 150
members x 26 weeks would take longer than the whole check.

A *region* is the members of one time zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from rota.capacity.findings import clock_span, region_name
from rota.coverage import matching_size
from rota.localtime import local_date
from rota.model import Grid
from rota.solver.facts import Slot, Timeline, barred, build_timeline
from rota.team import Team


@dataclass(frozen=True, slots=True)
class Region:
    zone: ZoneInfo
    members: tuple[int, ...]

    @property
    def key(self) -> str:
        return self.zone.key

    @property
    def name(self) -> str:
        return region_name(self.zone.key)


@dataclass(frozen=True, slots=True)
class Counting:
    """A team's grid with, for every shift, the members who may hold each role."""

    team: Team
    grid: Grid
    timeline: Timeline
    candidates: tuple[dict[str, tuple[int, ...]], ...]  # [slot][role] -> members
    able: tuple[frozenset[int], ...]  # [slot] -> members who may hold some role
    regions: tuple[Region, ...]
    region_of: tuple[int, ...]  # [member] -> index in regions

    @property
    def roles(self) -> tuple[str, ...]:
        return self.timeline.roles

    @property
    def slots(self) -> tuple[Slot, ...]:
        return self.timeline.slots

    def member_id(self, i: int) -> str:
        return self.timeline.members[i].id

    def ids(self, members: Iterable[int]) -> list[str]:
        """Member ids in team-file order."""
        return [self.member_id(i) for i in sorted(members)]

    def zones_of(self, members: Iterable[int]) -> tuple[str, ...]:
        found = {self.region_of[i] for i in members}
        return tuple(self.regions[r].key for r in sorted(found))

    def team_date(self, k: int) -> date:
        """The team-zone date a shift starts on."""
        return local_date(self.slots[k].start_at, self.team.zone)

    def utc_span(self, k: int) -> str:
        slot = self.slots[k]
        return f"{slot.start_at:%H:%M}-{slot.end_at:%H:%M}"

    def shift_words(self, k: int, members: Iterable[int]) -> str:
        """``the 01:30-09:30 UTC shift (07:00-15:00 in Kolkata)``, with local times in the
        regions of ``members`` (at most three; none in UTC). A shift of a day or more is
        named by its start: ``the 24 h shift from 09:00 UTC (10:00 in Berlin)``."""
        slot = self.slots[k]
        long = slot.minutes >= 24 * 60
        shown = [
            self.regions[r]
            for r in sorted({self.region_of[i] for i in members})
            if self.regions[r].key != "UTC"
        ]
        local = [
            (
                f"{slot.start_at.astimezone(region.zone):%H:%M}"
                if long
                else clock_span(slot.start_at, slot.end_at, region.zone)
            )
            + f" in {region.name}"
            for region in shown[:3]
        ]
        if len(shown) > 3:
            local.append("...")
        if long:
            text = f"the {slot.minutes / 60:g} h shift from {slot.start_at:%H:%M} UTC"
        else:
            text = f"the {self.utc_span(k)} UTC shift"
        return text + (f" ({', '.join(local)})" if local else "")

    def could_hold(self, k: int) -> frozenset[int]:
        """Members who may hold some role of shift ``k`` if available (those away included)."""
        return frozenset(
            i
            for i, member in enumerate(self.timeline.members)
            if any(r in self.roles for r in member.roles)
            and barred(self.team, self.timeline.facts[i][k]) is None
        )

    def role_holders(self) -> frozenset[int]:
        """Members with a role of the grid (available or not, whatever the policies)."""
        return frozenset(
            i
            for i, member in enumerate(self.timeline.members)
            if any(r in self.roles for r in member.roles)
        )

    def in_window(self, k: int) -> frozenset[int]:
        """Members with a role whose working window holds all of shift ``k`` (available or
        not): the people who would normally take it."""
        return frozenset(
            i
            for i in range(len(self.timeline.members))
            if self.timeline.facts[i][k].off_minutes == 0
        )


def build_counting(team: Team, grid: Grid) -> Counting:
    """Eligibility for every grid shift, without history (the check is about the team file)."""
    timeline = build_timeline(team, grid, None, lookback_days=0)
    members = timeline.members
    candidates: list[dict[str, tuple[int, ...]]] = []
    able: list[frozenset[int]] = []
    for k in timeline.grid_slots:
        by_role: dict[str, list[int]] = {role: [] for role in timeline.roles}
        for i, member in enumerate(members):
            facts = timeline.facts[i][k]
            if facts.unavailable is not None or barred(team, facts) is not None:
                continue
            for role in member.roles:
                if role in by_role:
                    by_role[role].append(i)
        candidates.append({role: tuple(who) for role, who in by_role.items()})
        able.append(frozenset(i for who in by_role.values() for i in who))
    zones: dict[str, list[int]] = {}
    for i, member in enumerate(members):
        zones.setdefault(member.timezone.key, []).append(i)
    regions = tuple(Region(members[who[0]].timezone, tuple(who)) for who in zones.values())
    region_of = [0] * len(members)
    for r, region in enumerate(regions):
        for i in region.members:
            region_of[i] = r
    return Counting(
        team=team,
        grid=grid,
        timeline=timeline,
        candidates=tuple(candidates),
        able=tuple(able),
        regions=regions,
        region_of=tuple(region_of),
    )


def critical_members(candidates: Mapping[str, tuple[int, ...]], roles: int) -> list[int]:
    """Members without whom the roles can no longer all be filled (the matching is full now).

    Only members of a role with at most ``roles`` candidates can be critical: removing a member
    breaks the matching only if some set of roles then has fewer candidates than roles (Hall),
    and that set's roles have at most ``roles`` candidates each.

    >>> critical_members({"primary": (0, 1), "secondary": (0, 1)}, 2)
    [0, 1]
    >>> critical_members({"primary": (0,), "secondary": (0, 1, 2)}, 2)
    [0]
    >>> critical_members({"primary": (0, 1, 2), "secondary": (0, 1, 2)}, 2)
    []
    """
    suspects = sorted({i for who in candidates.values() if len(who) <= roles for i in who})
    return [
        i
        for i in suspects
        if matching_size({r: [j for j in who if j != i] for r, who in candidates.items()}) < roles
    ]
