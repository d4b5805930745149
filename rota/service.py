"""What the CLI and the API both need from a store: a team's current state, ready to answer.

``load_team_state`` reads the newest schedule version of a team, the team file stored with it
and the active overrides, and builds the on-call index once. ``TeamStateCache`` keeps that per
team and re-reads only when the store's revision fingerprint of the team changes (a new version,
an override added or removed), so a busy API answers from memory.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from rota.config import TeamConfig, config_from_document
from rota.model import Override, Schedule
from rota.oncall import OnCallIndex
from rota.store import Store
from rota.team import Team, team_from_config
from rota.yamlfile import parse_yaml


def config_from_text(text: str, name: str) -> TeamConfig:
    """Validate a team file held as text (as stored with each schedule version)."""
    return config_from_document(parse_yaml(text, name))


@dataclass(frozen=True, slots=True)
class TeamState:
    """A team as published: its rules and members, schedule, active overrides and index."""

    team: Team
    schedule: Schedule
    overrides: tuple[Override, ...]
    index: OnCallIndex


def load_team_state(store: Store, team_id: str, version: int | None = None) -> TeamState:
    """Read ``team_id``'s schedule (newest version by default) with the overrides in force.

    Raises:
        TeamNotFound: the store has no such team.
        ScheduleNotFound: the team has no (such) schedule version.
    """
    schedule = store.load_schedule(team_id, version)
    text = store.team_config_text(team_id, schedule.version)
    team = team_from_config(config_from_text(text, f"{team_id} (stored v{schedule.version})"))
    overrides = tuple(store.list_overrides(team_id))
    return TeamState(
        team=team,
        schedule=schedule,
        overrides=overrides,
        index=OnCallIndex.from_schedule(schedule, overrides),
    )


class TeamStateCache:
    """Per-team :class:`TeamState`, refreshed when the store's revision of the team changes.

    With ``max_age_s > 0`` the revision itself is re-read at most that often per team, so a
    busy server does no database work per request; a change made through this process
    (:meth:`invalidate`) is seen at once, one made by another process within ``max_age_s``.
    """

    def __init__(self, store: Store, max_age_s: float = 0.0) -> None:
        self._store = store
        self._max_age_s = max_age_s
        self._lock = threading.Lock()
        self._states: dict[str, tuple[tuple[object, ...], TeamState, float]] = {}

    def get(self, team_id: str) -> TeamState:
        cached = self._states.get(team_id)
        if cached is not None and time.monotonic() - cached[2] < self._max_age_s:
            return cached[1]
        revision = self._store.revision(team_id)
        if cached is not None and cached[0] == revision:
            self._states[team_id] = (revision, cached[1], time.monotonic())
            return cached[1]
        with self._lock:
            cached = self._states.get(team_id)
            if cached is not None and cached[0] == revision:
                return cached[1]
            state = load_team_state(self._store, team_id)
            self._states[team_id] = (revision, state, time.monotonic())
            return state

    def invalidate(self, team_id: str) -> None:
        """Forget the team's state (call after writing to it through this process)."""
        self._states.pop(team_id, None)
