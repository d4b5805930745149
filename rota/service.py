"""What the CLI and the API both need from a store: a team's current state, ready to answer.

``load_team_state`` reads the newest schedule version of a team, the team file stored with it
(its members' ``unavailable`` joined by the stored absences) and the overrides not removed,
suspends those that no longer fit the version (:mod:`rota.oncall.suspension`), and builds the
on-call index once from the rest. ``TeamStateCache`` keeps that per team and re-reads only when
the store's revision fingerprint of the team changes (a new version, an override or absence
added or removed), so a busy API answers from memory. ``add_checked_overrides`` is the one way
overrides are written: checked and stored against the same revision.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rota.absence import with_absences
from rota.config import TeamConfig, config_from_document
from rota.errors import ConcurrentChange, TeamNotFound
from rota.model import Override, Schedule
from rota.oncall import OnCallIndex
from rota.oncall.effective import validate_overrides
from rota.oncall.suspension import SuspendedOverride, check_overrides
from rota.store import Store
from rota.team import Team, team_from_config
from rota.yamlfile import parse_yaml


def config_from_text(text: str, name: str) -> TeamConfig:
    """Validate a team file held as text (as stored with each schedule version)."""
    return config_from_document(parse_yaml(text, name))


@dataclass(frozen=True, slots=True)
class TeamState:
    """A team as published: its rules and members, schedule, overrides and index.

    ``overrides`` are the overrides applied (in ``index``); ``suspended`` those stored and not
    removed that do not fit this version, with the reason.
    """

    team: Team
    schedule: Schedule
    overrides: tuple[Override, ...]
    index: OnCallIndex
    suspended: tuple[SuspendedOverride, ...] = ()

    def suspension_of(self, override: Override) -> str | None:
        """Why ``override`` is suspended in this state, or None."""
        for item in self.suspended:
            if item.override.id == override.id:
                return item.because
        return None

    def listed_overrides(self) -> list[tuple[Override, str | None]]:
        """Every override not removed with why it is suspended (None: applied), by start."""
        rows: list[tuple[Override, str | None]] = [(o, None) for o in self.overrides]
        rows.extend((s.override, s.because) for s in self.suspended)
        return sorted(rows, key=lambda row: (row[0].start, row[0].id or 0))


def load_team_state(store: Store, team_id: str, version: int | None = None) -> TeamState:
    """Read ``team_id``'s schedule (newest version by default) with the overrides in force.

    Raises:
        TeamNotFound: the store has no such team.
        ScheduleNotFound: the team has no (such) schedule version.
    """
    schedule = store.load_schedule(team_id, version)
    text = store.team_config_text(team_id, schedule.version)
    team = team_from_config(config_from_text(text, f"{team_id} (stored v{schedule.version})"))
    team = with_absences(team, store.list_absences(team_id))
    checked = check_overrides(team, schedule, store.list_overrides(team_id))
    return TeamState(
        team=team,
        schedule=schedule,
        overrides=checked.active,
        index=OnCallIndex.from_pieces(team_id, checked.pieces),
        suspended=checked.suspended,
    )


WRITE_ATTEMPTS = 3
"""How often an override write re-reads and re-checks the team when it changed in between."""


def add_checked_overrides(
    store: Store,
    team_id: str,
    new: Sequence[Override],
    *,
    created_by: str | None,
) -> list[Override]:
    """Check ``new`` against the team as stored now and store them, all or none.

    The check and the write are tied by the team's revision: if a solve or another override
    lands in between, the team is read and checked again (up to :data:`WRITE_ATTEMPTS` times), so
    an override is never stored on the strength of a schedule that is no longer current.

    Returns:
        The stored overrides.

    Raises:
        UsageError: an override does not fit (the message says why).
        DuplicateOverride: an identical active override exists.
        ConcurrentChange: the team kept changing; nothing was stored.
        TeamNotFound, ScheduleNotFound: nothing to override.
    """
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        revision = store.revision(team_id)
        state = load_team_state(store, team_id)
        validate_overrides(state.team, state.schedule, state.overrides, new)
        try:
            stored = store.add_overrides(
                team_id, new, created_by=created_by, expected_revision=revision
            )
        except ConcurrentChange:
            if attempt == WRITE_ATTEMPTS:
                raise
            continue
        return stored
    raise AssertionError("unreachable")


class TeamStateCache:
    """Per-team :class:`TeamState`, refreshed when the store's revision of the team changes.

    With ``max_age_s > 0`` the revision itself is re-read at most that often per team, so a
    busy server does no database work per request; a change made through this process
    (:meth:`invalidate`) is seen at once, one made by another process within ``max_age_s``.
    A team is (re)loaded under a lock of its own, so a slow load never holds up other teams.
    """

    def __init__(self, store: Store, max_age_s: float = 0.0) -> None:
        self._store = store
        self._max_age_s = max_age_s
        self._locks_guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._states: dict[str, tuple[tuple[object, ...], TeamState, float]] = {}
        self.hits = 0  # answers from memory (read by the API's /metrics)
        self.misses = 0  # states (re)built from the store

    def _lock(self, team_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(team_id, threading.Lock())

    def unchanged(self, team_id: str) -> TeamState | None:
        """The cached state while it is current, or None when it must be (re)built.

        Current means younger than ``max_age_s``, or the store's revision (one small query) is
        still the one it was built at. An event loop answers from this and hands :meth:`get`,
        which may rebuild for a few hundred milliseconds, to a thread only when it is None.

        Raises:
            TeamNotFound: no such team.
        """
        cached = self._states.get(team_id)
        if cached is None:
            return None
        if time.monotonic() - cached[2] < self._max_age_s:
            self.hits += 1
            return cached[1]
        revision = self._store.revision(team_id)
        if cached[0] != revision:
            return None
        self._states[team_id] = (revision, cached[1], time.monotonic())
        self.hits += 1
        return cached[1]

    def fresh(self, team_id: str) -> TeamState | None:
        """The cached state while younger than ``max_age_s`` (no store access), else None."""
        cached = self._states.get(team_id)
        if cached is None or time.monotonic() - cached[2] >= self._max_age_s:
            return None
        self.hits += 1
        return cached[1]

    def last_known(self, team_id: str) -> tuple[TeamState, float] | None:
        """The state last built or confirmed current, with the seconds since, or None.

        For answering while the store is unavailable (the caller decides how old is too old).
        """
        cached = self._states.get(team_id)
        return None if cached is None else (cached[1], time.monotonic() - cached[2])

    def get(self, team_id: str) -> TeamState:
        """The team's current state, rebuilt when the store's revision has changed."""
        state = self.unchanged(team_id)
        if state is not None:
            return state
        with self._lock(team_id):
            revision = self._store.revision(team_id)
            cached = self._states.get(team_id)
            if cached is not None and cached[0] == revision:
                self._states[team_id] = (revision, cached[1], time.monotonic())
                return cached[1]
            state = load_team_state(self._store, team_id)
            self.misses += 1
            self._states[team_id] = (revision, state, time.monotonic())
            return state

    def invalidate(self, team_id: str) -> None:
        """Forget the team's state (call after writing to it through this process)."""
        self._states.pop(team_id, None)


def history_before(store: Store, team_id: str, before: datetime) -> Schedule | None:
    """Published shifts of every stored version ending at or before ``before`` (newest wins)."""
    from rota.solver.stability import merge_history

    try:
        versions = store.list_versions(team_id)
    except TeamNotFound:
        return None
    schedules = [
        store.load_schedule(team_id, info.version)
        for info in reversed(versions)
        if info.horizon_start < before
    ]
    return merge_history(schedules, before)
