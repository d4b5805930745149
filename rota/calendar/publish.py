"""Feeds as published: a team's stored versions -> events with stable UIDs and SEQUENCE -> bytes.

SEQUENCE must rise when an event changes between published versions, so the events of a team
are built across all its stored versions, oldest first (planned shifts of earlier versions, the
effective shifts – overrides applied – of the newest). The result is cached per team and store
revision, so a calendar client polling every hour costs one cheap revision query.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime

from rota.calendar.events import FeedEvent, events_across_versions
from rota.calendar.feed import FeedScope, feed_bytes
from rota.errors import FeedError
from rota.model import ScheduledShift
from rota.service import TeamState, TeamStateCache
from rota.store import Store


class FeedPublisher:
    """Builds team, role and member feeds from a store, caching events per team revision."""

    def __init__(self, store: Store, states: TeamStateCache | None = None) -> None:
        self._store = store
        self._states = states or TeamStateCache(store)
        self._lock = threading.Lock()
        self._events: dict[str, tuple[tuple[object, ...], tuple[FeedEvent, ...]]] = {}

    def team_events(self, team_id: str) -> tuple[TeamState, tuple[FeedEvent, ...]]:
        revision = self._store.revision(team_id)
        state = self._states.get(team_id)
        cached = self._events.get(team_id)
        if cached is not None and cached[0] == revision:
            return state, cached[1]
        with self._lock:
            versions: list[Sequence[ScheduledShift]] = [
                self._store.load_schedule(team_id, info.version).shifts
                for info in self._store.list_versions(team_id)
                if info.version != state.schedule.version
            ]
            versions.append(state.index.shifts)
            events = events_across_versions(state.team, versions)
            self._events[team_id] = (revision, events)
            return state, events

    def team_feed(self, team_id: str, role: str | None = None) -> bytes:
        """The feed of every role of ``team_id``, or of one ``role``.

        Raises:
            TeamNotFound, ScheduleNotFound: nothing stored for the team.
            FeedError: the team has no such role.
        """
        state, events = self.team_events(team_id)
        scope = (
            FeedScope.for_team(state.team) if role is None else FeedScope.for_role(state.team, role)
        )
        return feed_bytes(events, scope, stamp=_stamp(state))

    def member_feed(self, member_id: str) -> bytes:
        """Every on-call event of ``member_id`` across all teams in the store.

        Raises:
            FeedError: no team in the store has this member.
        """
        events: list[FeedEvent] = []
        stamps: list[datetime] = []
        display: str | None = None
        for info in self._store.list_teams():
            if info.latest_version is None:
                continue
            state, team_events = self.team_events(info.id)
            if not any(m.id == member_id for m in state.team.members):
                continue
            display = display or state.team.member(member_id).name
            events.extend(e for e in team_events if e.member_id == member_id)
            stamps.append(_stamp(state))
        if not stamps:
            raise FeedError(f"no team in the store has a member {member_id!r}")
        return feed_bytes(events, FeedScope.for_member(member_id, display), stamp=max(stamps))


def _stamp(state: TeamState) -> datetime:
    """DTSTAMP: when the newest input of the feed (version or override) was written."""
    moments = [state.schedule.created_at] if state.schedule.created_at else []
    moments.extend(o.created_at for o in state.overrides if o.created_at is not None)
    if not moments:
        raise FeedError(f"team {state.team.id}: stored schedule has no creation time")
    return max(moments)
