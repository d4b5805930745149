"""Feeds as published: a team's stored history -> events with stable UIDs and SEQUENCE -> bytes.

SEQUENCE must rise exactly when an event's content changes between what subscribers saw, so the
events of a team are built by replaying every state its feed went through, oldest first: each
stored version, with the overrides in force at each moment (an override added or removed is a
new state) checked against that version as :func:`rota.service.load_team_state` does, in the
team file stored with that version. The newest state is the team's current one
(:class:`~rota.service.TeamState`). The replay is kept per team, so the next change replays only
the states added since.

Caching, so a calendar client polling every hour costs next to nothing:

- the events of a team are rebuilt only when its state changes (a new version, an override
  added or removed: :class:`~rota.service.TeamStateCache` hands out a new state object then);
- the bytes of each feed (team, role or member) are built once per state of the teams they
  come from, with a strong ``etag`` (a hash of the bytes) and ``last_modified`` (the newest
  version, override or removal of those teams), in a least-recently-used cache bounded in
  entries and bytes;
- work is serialised per team, never across teams, and a cached answer takes no lock.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from rota.calendar.events import FeedEvent, PublishedHistory
from rota.calendar.feed import FeedScope, feed_bytes
from rota.errors import FeedError, RotaError
from rota.instants import floor_second
from rota.model import Override, Schedule, ScheduledShift
from rota.oncall import OnCallIndex
from rota.oncall.suspension import check_overrides
from rota.service import TeamState, TeamStateCache, config_from_text
from rota.store import Store, TeamInfo
from rota.team import Team, team_from_config

MAX_FEEDS = 512
"""Feeds whose bytes are kept (a year-long daily team feed is about 155 KB)."""
MAX_FEED_BYTES = 64 * 1024 * 1024
"""Bytes of cached feeds kept at most; the least recently served go first."""

_StateKey = tuple[int, tuple[int, ...]]
"""A published state: the version and the ids of the overrides stored and not removed then."""


@dataclass(frozen=True, slots=True)
class PublishedFeed:
    """A feed's bytes with what HTTP caching needs.

    ``etag`` is a strong entity tag (quoted hash of ``body``); ``last_modified`` is the newest
    change among the feed's inputs, floored to a whole second (HTTP dates have no finer unit).
    """

    body: bytes
    etag: str
    last_modified: datetime


@dataclass(slots=True)
class _TeamEvents:
    """A team's published events for one state, and the replay that led there."""

    state: TeamState
    events: tuple[FeedEvent, ...]
    last_modified: datetime
    history_keys: tuple[_StateKey, ...] = ()
    history: PublishedHistory = field(default_factory=PublishedHistory)
    versions: dict[int, tuple[Team, Schedule]] = field(default_factory=dict)


class FeedPublisher:
    """Builds team, role and member feeds from a store, caching events and bytes (module doc).

    Args:
        store: where teams, versions and overrides are read.
        states: the cache of current team states (the API shares its own); a new one that
            reads the store's revision on every call by default.
        max_age_s: how long the list of teams (for member feeds) is trusted before it is read
            again; 0 reads it on every member feed.
    """

    def __init__(
        self,
        store: Store,
        states: TeamStateCache | None = None,
        *,
        max_age_s: float = 0.0,
        max_feeds: int = MAX_FEEDS,
        max_bytes: int = MAX_FEED_BYTES,
    ) -> None:
        self._store = store
        self._states = states or TeamStateCache(store)
        self._max_age_s = max_age_s
        self._max_feeds = max_feeds
        self._max_bytes = max_bytes
        self._locks_lock = threading.Lock()
        self._team_locks: dict[str, threading.Lock] = {}
        self._events: dict[str, _TeamEvents] = {}
        self._feeds_lock = threading.Lock()  # held only to read or update the dict below
        self._feeds: OrderedDict[tuple[str | None, ...], tuple[tuple[object, ...], PublishedFeed]]
        self._feeds = OrderedDict()
        self._feed_bytes = 0
        self._teams: tuple[list[TeamInfo], float] | None = None
        self.hits = 0  # feeds answered from the cached bytes (read by the API's /metrics)
        self.builds = 0  # feeds whose bytes were built

    # ----------------------------------------------------------------------------- events

    def team_events(self, team_id: str) -> tuple[TeamState, tuple[FeedEvent, ...]]:
        """The team's current state and its feed events (every role), SEQUENCE set.

        Raises:
            TeamNotFound, ScheduleNotFound: nothing stored for the team.
        """
        built = self._team(team_id)
        return built.state, built.events

    def _team(self, team_id: str) -> _TeamEvents:
        state = self._states.get(team_id)
        cached = self._events.get(team_id)
        if cached is not None and cached.state is state:
            return cached
        with self._lock_of(team_id):
            cached = self._events.get(team_id)
            if cached is not None and cached.state is state:
                return cached
            built = self._replay(team_id, state, cached)
            self._events[team_id] = built
            return built

    def _lock_of(self, team_id: str) -> threading.Lock:
        with self._locks_lock:
            return self._team_locks.setdefault(team_id, threading.Lock())

    def _replay(self, team_id: str, state: TeamState, before: _TeamEvents | None) -> _TeamEvents:
        """Fold every published state of the team (module doc), continuing ``before``'s replay
        when its states are a prefix of today's."""
        newest = state.schedule.version
        versions = [
            info
            for info in self._store.list_versions(team_id)
            if newest is None or info.version <= newest
        ]
        overrides = self._store.list_overrides(team_id, include_removed=True)
        moments = sorted(
            {info.created_at for info in versions}
            | {o.created_at for o in overrides if o.created_at is not None}
            | {o.removed_at for o in overrides if o.removed_at is not None}
        )
        keys: list[_StateKey] = []
        for moment in moments:
            current = [info.version for info in versions if info.created_at <= moment]
            if not current:
                continue  # an override older than the first version (clock skew): no feed yet
            active = tuple(o.id or 0 for o in overrides if _in_force(o, moment))
            key = (current[-1], active)
            if not keys or keys[-1] != key:
                keys.append(key)
        historic = tuple(keys[:-1])  # the last one is the current state, taken from ``state``
        loaded = dict(before.versions) if before is not None else {}
        if before is not None and historic[: len(before.history_keys)] == before.history_keys:
            history, done = before.history.copy(), len(before.history_keys)
        else:
            history, done = PublishedHistory(), 0
        by_id = {o.id: o for o in overrides}
        for version, active in historic[done:]:
            team, schedule = self._version(team_id, version, state, loaded)
            history.publish(team, _effective(team, schedule, [by_id[i] for i in active]))
        kept = history.copy()
        events = history.publish(state.team, state.index.shifts)
        changes = [*moments, state.schedule.created_at] if state.schedule.created_at else moments
        if not changes:
            raise FeedError(f"team {team_id}: stored schedule has no creation time")
        in_use = {version for version, _ in keys[-2:]}
        return _TeamEvents(
            state=state,
            events=events,
            last_modified=floor_second(max(changes)),
            history_keys=historic,
            history=kept,
            versions={v: loaded[v] for v in in_use if v in loaded},
        )

    def _version(
        self,
        team_id: str,
        version: int,
        state: TeamState,
        loaded: dict[int, tuple[Team, Schedule]],
    ) -> tuple[Team, Schedule]:
        """A stored version's team (from its own team file) and planned schedule."""
        found = loaded.get(version)
        if found is not None:
            return found
        schedule = self._store.load_schedule(team_id, version)
        if version == state.schedule.version:
            team = state.team
        else:
            try:
                text = self._store.team_config_text(team_id, version)
                team = team_from_config(config_from_text(text, f"{team_id} (stored v{version})"))
            except RotaError:  # a file rules made since refuse: show it as the current team
                team = state.team
        loaded[version] = (team, schedule)
        return team, schedule

    # ----------------------------------------------------------------------------- feeds

    def team_feed(self, team_id: str, role: str | None = None) -> bytes:
        """The feed of ``team_id`` or its ``role`` (see :meth:`team_published`)."""
        return self.team_published(team_id, role).body

    def member_feed(self, member_id: str) -> bytes:
        """Every on-call event of ``member_id`` across all teams (see :meth:`member_published`)."""
        return self.member_published(member_id).body

    def team_published(self, team_id: str, role: str | None = None) -> PublishedFeed:
        """The feed of every role of ``team_id``, or of one ``role``, built once per state.

        Raises:
            TeamNotFound, ScheduleNotFound: nothing stored for the team.
            FeedError: the team has no such role.
        """
        built = self._team(team_id)
        scope = (
            FeedScope.for_team(built.state.team)
            if role is None
            else FeedScope.for_role(built.state.team, role)
        )
        cache_key = ("team" if role is None else "role", team_id, role)
        found = self._cached(cache_key, (built,))
        if found is not None:
            return found
        with self._lock_of(team_id):
            found = self._cached(cache_key, (built,))
            if found is not None:
                return found
            body = feed_bytes(built.events, scope, stamp=_stamp(built.state))
            return self._keep(cache_key, (built,), _published(body, built.last_modified))

    def member_published(self, member_id: str) -> PublishedFeed:
        """Every on-call event of ``member_id`` across all teams in the store.

        Raises:
            FeedError: no team in the store has this member.
        """
        teams: list[_TeamEvents] = []
        for info in self._team_list():
            if info.latest_version is None:
                continue
            built = self._team(info.id)
            if any(m.id == member_id for m in built.state.team.members):
                teams.append(built)
        if not teams:
            raise FeedError(f"no team in the store has a member {member_id!r}")
        cache_key = ("member", None, member_id)
        inputs = tuple(teams)
        found = self._cached(cache_key, inputs)
        if found is not None:
            return found
        with self._lock_of(f"member:{member_id}"):  # ids of teams cannot hold a colon
            found = self._cached(cache_key, inputs)
            if found is not None:
                return found
            display = teams[0].state.team.member(member_id).name
            events = [e for built in teams for e in built.events if e.member_id == member_id]
            body = feed_bytes(
                events,
                FeedScope.for_member(member_id, display),
                stamp=max(_stamp(built.state) for built in teams),
            )
            modified = max(built.last_modified for built in teams)
            return self._keep(cache_key, inputs, _published(body, modified))

    def _team_list(self) -> list[TeamInfo]:
        cached = self._teams
        if cached is not None and time.monotonic() - cached[1] < self._max_age_s:
            return cached[0]
        teams = self._store.list_teams()
        self._teams = (teams, time.monotonic())
        return teams

    def _cached(
        self, cache_key: tuple[str | None, ...], inputs: tuple[object, ...]
    ) -> PublishedFeed | None:
        with self._feeds_lock:
            found = self._feeds.get(cache_key)
            if found is None:
                return None
            if len(found[0]) != len(inputs) or any(
                a is not b for a, b in zip(found[0], inputs, strict=True)
            ):
                return None
            self._feeds.move_to_end(cache_key)
            self.hits += 1
            return found[1]

    def _keep(
        self,
        cache_key: tuple[str | None, ...],
        inputs: tuple[object, ...],
        feed: PublishedFeed,
    ) -> PublishedFeed:
        with self._feeds_lock:
            self.builds += 1
            replaced = self._feeds.pop(cache_key, None)
            if replaced is not None:
                self._feed_bytes -= len(replaced[1].body)
            self._feeds[cache_key] = (inputs, feed)
            self._feed_bytes += len(feed.body)
            while self._feeds and (
                len(self._feeds) > self._max_feeds or self._feed_bytes > self._max_bytes
            ):
                _, (_, dropped) = self._feeds.popitem(last=False)
                self._feed_bytes -= len(dropped.body)
        return feed


def _in_force(override: Override, moment: datetime) -> bool:
    created = override.created_at
    removed = override.removed_at
    return created is not None and created <= moment and (removed is None or removed > moment)


def _effective(
    team: Team, schedule: Schedule, overrides: Sequence[Override]
) -> tuple[ScheduledShift, ...]:
    """The shifts subscribers saw: ``overrides`` that fit ``schedule`` applied to it."""
    checked = check_overrides(team, schedule, overrides)
    return OnCallIndex.from_schedule(schedule, checked.active).shifts


def _published(body: bytes, last_modified: datetime) -> PublishedFeed:
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    return PublishedFeed(body=body, etag=etag, last_modified=last_modified)


def _stamp(state: TeamState) -> datetime:
    """DTSTAMP: when the newest input of the feed (version or override) was written."""
    moments = [state.schedule.created_at] if state.schedule.created_at else []
    moments.extend(o.created_at for o in state.overrides if o.created_at is not None)
    if not moments:
        raise FeedError(f"team {state.team.id}: stored schedule has no creation time")
    return max(moments)
