"""Rota's teams seen as PagerDuty objects: which schedules, escalation policies and users exist.

The mapping (``docs/pagerduty.md``):

* each role of a team is a schedule, id ``TEAM:ROLE``;
* a team's default escalation chain is an escalation policy with the team's id, each severity's
  chain one with id ``TEAM:SEVERITY``;
* members and contacts are users with their own ids; a person in several teams (the same id) is
  one user, described by the first team (by team id) that lists them, members before contacts.

Everything is read from the teams' current states (:class:`rota.service.TeamState`): the same
effective schedule, with overrides applied and suspended ones left out, that ``rota who`` and
``/v1/teams/{team}/oncall`` answer from. The on-call blocks of a state are computed once and kept
until the state changes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

from rota.model import Contact, Member
from rota.oncall.blocks import PagedBlock, paged_blocks
from rota.service import TeamState, TeamStateCache
from rota.store import Store

Person = Member | Contact

SEPARATOR = ":"
"""Joins a team id and a role or severity in an id (team ids never contain it)."""


def schedule_id(team_id: str, role: str) -> str:
    return f"{team_id}{SEPARATOR}{role}"


def policy_id(team_id: str, severity: str | None) -> str:
    return team_id if severity is None else f"{team_id}{SEPARATOR}{severity}"


@dataclass(frozen=True, slots=True)
class PublishedTeam:
    """One team's current state and its on-call blocks over the stored schedule."""

    state: TeamState
    blocks: tuple[PagedBlock, ...]

    @property
    def id(self) -> str:
        return self.state.team.id

    @property
    def name(self) -> str:
        return self.state.team.config.team_name

    def severities(self) -> list[str | None]:
        """None (the default chain) and the team's severities, sorted."""
        return [None, *sorted(self.state.team.config.escalation.severities)]


@dataclass(frozen=True, slots=True)
class User:
    """A person as one PagerDuty user: the first description found, the teams listing them as a
    member and those listing them as a contact."""

    person: Person
    member_of: tuple[str, ...] = ()
    contact_of: tuple[str, ...] = ()

    def listed_by(self, team_id: str, person: Person) -> User:
        """This user, also listed by ``team_id`` (as ``person``)."""
        if isinstance(person, Contact):
            return replace(self, contact_of=(*self.contact_of, team_id))
        return replace(self, member_of=(*self.member_of, team_id))


class BlockCache:
    """The on-call blocks of each team, recomputed only when its state object changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[str, tuple[TeamState, tuple[PagedBlock, ...]]] = {}

    def blocks(self, state: TeamState) -> tuple[PagedBlock, ...]:
        kept = self._kept.get(state.team.id)
        if kept is not None and kept[0] is state:
            return kept[1]
        computed = paged_blocks(state.team, state.index)
        with self._lock:
            self._kept[state.team.id] = (state, computed)
        return computed


@dataclass(frozen=True, slots=True)
class Directory:
    """Every team with a published schedule, by team id, and the lookups of the PD API."""

    teams: tuple[PublishedTeam, ...]
    _users: dict[str, User] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Store, states: TeamStateCache, cache: BlockCache) -> Directory:
        """The directory as published now (teams without a schedule are left out)."""
        published = []
        for info in store.list_teams():
            if info.latest_version is None:
                continue
            state = states.get(info.id)
            published.append(PublishedTeam(state, cache.blocks(state)))
        users: dict[str, User] = {}
        for team in published:
            people: list[Person] = [*team.state.team.members, *team.state.team.contacts]
            for person in people:
                known = users.get(person.id) or User(person)
                users[person.id] = known.listed_by(team.id, person)
        return cls(tuple(published), users)

    def team(self, team_id: str) -> PublishedTeam | None:
        return next((t for t in self.teams if t.id == team_id), None)

    @property
    def users(self) -> list[User]:
        """Every user, by id."""
        return [self._users[key] for key in sorted(self._users)]

    def user(self, user_id: str) -> User | None:
        return self._users.get(user_id)

    def schedules(self) -> list[tuple[PublishedTeam, str]]:
        """Every (team, role), by team id then the team's order of roles."""
        return [(team, role) for team in self.teams for role in team.state.team.roles]

    def schedule(self, schedule: str) -> tuple[PublishedTeam, str] | None:
        team_id, _, role = schedule.partition(SEPARATOR)
        team = self.team(team_id)
        if team is None or role not in team.state.team.roles:
            return None
        return team, role

    def policies(self) -> list[tuple[PublishedTeam, str | None]]:
        """Every (team, severity), default chain first."""
        return [(team, severity) for team in self.teams for severity in team.severities()]

    def policy(self, policy: str) -> tuple[PublishedTeam, str | None] | None:
        team_id, separated, severity = policy.partition(SEPARATOR)
        team = self.team(team_id)
        if team is None:
            return None
        if not separated:
            return team, None
        if severity not in team.state.team.config.escalation.severities:
            return None
        return team, severity
