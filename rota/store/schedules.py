"""Schedule versions: saving a solve as a team's next version, reading versions back.

A solve never changes a stored schedule: it adds a *version*. ``save_schedule`` writes the team row,
the version row and every shift and assignment in one transaction, so a crash or Ctrl-C mid-write
leaves the previous version as the latest.

Overlap queries (``shifts_between``) use the ``(version_id, starts_at)`` index on both sides:
a shift overlapping ``[start, end)`` starts in ``[start - longest_shift, end)``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import yaml
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from rota.errors import ScheduleNotFound
from rota.model import Schedule, ScheduledShift
from rota.store.core import Revision, StoreCore, _require_revision, _revision, _utc
from rota.store.records import TeamInfo, VersionInfo
from rota.store.rows import _insert_assignments, _insert_shifts, _select_shifts, _upsert_team
from rota.store.schema import ShiftRow, TeamRow, VersionRow


class ScheduleStore(StoreCore):
    """Versioned schedules of teams (part of :class:`rota.store.Store`)."""

    def save_schedule(
        self,
        schedule: Schedule,
        *,
        config_text: str,
        config_name: str,
        meta: Mapping[str, object] | None = None,
        team_name: str | None = None,
        team_timezone: str | None = None,
        expected_revision: Revision | None = None,
        also: Callable[[Connection], None] | None = None,
        job_key: str | None = None,
    ) -> Schedule:
        """Store ``schedule`` as the team's next version, atomically.

        Args:
            schedule: the schedule; its ``version`` and ``created_at`` are ignored.
            config_text: the team file the schedule was solved from, kept with the version.
            config_name: where that file came from (shown to people), e.g. ``platform.yaml``.
            meta: JSON facts about the solve (status, objective, ...), merged over
                ``schedule.meta``. Non-finite floats (no bound yet) are stored as ``None``.
            team_name: display name; default: ``team.name`` read from ``config_text``.
            team_timezone: IANA zone; default: ``team.timezone`` read from ``config_text``.
            expected_revision: the team's :meth:`revision` the schedule was planned around
                (``missing_ok`` for a new team); when given and the team has changed since,
                nothing is stored.
            also: more writes of the same transaction, run after the revision check (the
                absence a version plans around); what it raises stores nothing.
            job_key: the queued solve storing it. A version stored under this key already
                is returned as it is and nothing is stored: a job that runs twice (its worker
                died after storing) stores one version.

        Returns:
            The stored schedule, with ``version``, ``created_at`` and the stored ``meta``.

        Raises:
            ValueError: a datetime is naive or a shift does not end after it starts.
            TypeError: ``meta`` holds something JSON cannot represent.
            StoreError: the database failed; nothing was stored.
            ConcurrentChange: the team is no longer at ``expected_revision``.
        """
        stored_meta = _json_meta({**schedule.meta, **(meta or {})})
        shifts = _normalised_shifts(schedule.shifts)
        horizon_start = _utc(schedule.horizon_start, "horizon_start")
        horizon_end = _utc(schedule.horizon_end, "horizon_end")
        longest = max((s.end - s.start for s in shifts), default=timedelta(0))
        header_name, header_zone = _team_header(config_text)
        created_at = self._now()

        with self._transaction(write=True) as connection:
            _upsert_team(
                connection,
                schedule.team_id,
                name=team_name or header_name,
                timezone=team_timezone or header_zone,
                now=created_at,
            )
            if job_key is not None:  # checked under the team's lock, which the upsert took
                earlier = connection.scalar(
                    select(VersionRow.version).where(
                        VersionRow.team_id == schedule.team_id, VersionRow.job_key == job_key
                    )
                )
                if earlier is not None:
                    return self._stored(connection, schedule.team_id, earlier)
            _require_revision(connection, schedule.team_id, expected_revision)
            if also is not None:
                also(connection)
            latest = connection.scalar(
                select(func.max(VersionRow.version)).where(VersionRow.team_id == schedule.team_id)
            )
            version = (latest or 0) + 1
            version_id = connection.scalar(
                insert(VersionRow)
                .values(
                    team_id=schedule.team_id,
                    version=version,
                    created_at=created_at,
                    horizon_start=horizon_start,
                    horizon_end=horizon_end,
                    longest_shift_s=math.ceil(longest.total_seconds()),
                    config_name=config_name,
                    config_text=config_text,
                    meta=stored_meta,
                    job_key=job_key,
                )
                .returning(VersionRow.id)
            )
            assert version_id is not None
            _insert_shifts(connection, version_id, shifts)
            _insert_assignments(connection, version_id, shifts)

        return Schedule(
            team_id=schedule.team_id,
            horizon_start=horizon_start,
            horizon_end=horizon_end,
            shifts=shifts,
            version=version,
            created_at=created_at,
            meta=stored_meta,
        )

    def load_schedule(self, team_id: str, version: int | None = None) -> Schedule:
        """The team's schedule ``version`` (default: the latest).

        Raises:
            TeamNotFound: no team ``team_id``.
            ScheduleNotFound: the team has no such version.
        """
        with self._transaction() as connection:
            return self._stored(connection, team_id, version)

    def _stored(self, connection: Connection, team_id: str, version: int | None) -> Schedule:
        row = self._version_row(connection, team_id, version)
        return Schedule(
            team_id=team_id,
            horizon_start=row.horizon_start,
            horizon_end=row.horizon_end,
            shifts=tuple(_select_shifts(connection, row.id)),
            version=row.version,
            created_at=row.created_at,
            meta=row.meta,
        )

    def shifts_between(
        self, team_id: str, start: datetime, end: datetime, version: int | None = None
    ) -> list[ScheduledShift]:
        """The shifts of a version (default: latest) overlapping ``[start, end)``, by start.

        Raises:
            ValueError: ``start`` or ``end`` is naive.
            TeamNotFound: no team ``team_id``.
            ScheduleNotFound: the team has no such version.
        """
        start, end = _utc(start, "start"), _utc(end, "end")
        with self._transaction() as connection:
            row = self._version_row(connection, team_id, version)
            if end <= start:
                return []
            earliest = start - timedelta(seconds=row.longest_shift_s)
            return _select_shifts(
                connection,
                row.id,
                ShiftRow.starts_at >= earliest,
                ShiftRow.starts_at < end,
                ShiftRow.ends_at > start,
                by_start=True,
            )

    def list_versions(self, team_id: str) -> list[VersionInfo]:
        """Every stored version of the team, oldest first.

        Raises:
            TeamNotFound: no team ``team_id``.
        """
        shift_count = (
            select(func.count())
            .where(ShiftRow.version_id == VersionRow.id)
            .correlate(VersionRow)
            .scalar_subquery()
        )
        with self._transaction() as connection:
            self._require_team(connection, team_id)
            rows = connection.execute(
                select(
                    VersionRow.version,
                    VersionRow.created_at,
                    VersionRow.horizon_start,
                    VersionRow.horizon_end,
                    shift_count,
                    VersionRow.config_name,
                    VersionRow.meta,
                )
                .where(VersionRow.team_id == team_id)
                .order_by(VersionRow.version)
            ).all()
        return [VersionInfo(*row) for row in rows]

    def list_teams(self) -> list[TeamInfo]:
        """Every team in the store, by id."""
        latest = (
            select(VersionRow.team_id, func.max(VersionRow.version).label("latest"))
            .group_by(VersionRow.team_id)
            .subquery()
        )
        with self._transaction() as connection:
            rows = connection.execute(
                select(
                    TeamRow.id, TeamRow.name, TeamRow.timezone, latest.c.latest, TeamRow.updated_at
                )
                .outerjoin(latest, latest.c.team_id == TeamRow.id)
                .order_by(TeamRow.id)
            ).all()
        return [TeamInfo(*row) for row in rows]

    def team_config_text(self, team_id: str, version: int | None = None) -> str:
        """The team file stored with schedule ``version`` (default: the latest).

        Raises:
            TeamNotFound: no team ``team_id``.
            ScheduleNotFound: the team has no such version.
        """
        with self._transaction() as connection:
            return self._version_row(connection, team_id, version).config_text

    def revision(self, team_id: str, *, missing_ok: bool = False) -> Revision:
        """A cheap fingerprint of what the team's effective schedule depends on.

        It changes whenever a version is added or an override is added or removed, so callers
        can cache derived data (the on-call index) and re-read only when it differs, and writers
        can refuse to store work planned around an older state (``expected_revision``).

        Raises:
            TeamNotFound: no team ``team_id`` (unless ``missing_ok``).
        """
        with self._transaction() as connection:
            found = _revision(connection, team_id)
            if found[0] is None and not missing_ok:
                self._require_team(connection, team_id)
        return found

    def _version_row(
        self, connection: Connection, team_id: str, version: int | None
    ) -> _VersionRecord:
        query = select(
            VersionRow.id,
            VersionRow.version,
            VersionRow.created_at,
            VersionRow.horizon_start,
            VersionRow.horizon_end,
            VersionRow.longest_shift_s,
            VersionRow.config_text,
            VersionRow.meta,
        ).where(VersionRow.team_id == team_id)
        if version is None:
            query = query.order_by(VersionRow.version.desc()).limit(1)
        else:
            query = query.where(VersionRow.version == version)
        row = connection.execute(query).first()
        if row is not None:
            return _VersionRecord(*row)
        self._require_team(connection, team_id)
        versions = connection.scalars(
            select(VersionRow.version)
            .where(VersionRow.team_id == team_id)
            .order_by(VersionRow.version)
        ).all()
        if not versions:
            raise ScheduleNotFound(f"team {team_id!r} has no schedule; run `rota solve` first")
        raise ScheduleNotFound(
            f"team {team_id!r} has no schedule version {version} "
            f"(versions {versions[0]}-{versions[-1]})"
        )


@dataclass(frozen=True, slots=True)
class _VersionRecord:
    id: int
    version: int
    created_at: datetime
    horizon_start: datetime
    horizon_end: datetime
    longest_shift_s: int
    config_text: str
    meta: dict[str, Any]


def _normalised_shifts(shifts: Sequence[ScheduledShift]) -> tuple[ScheduledShift, ...]:
    out = []
    for position, shift in enumerate(shifts):
        start = _utc(shift.start, f"shifts[{position}].start")
        end = _utc(shift.end, f"shifts[{position}].end")
        if end <= start:
            raise ValueError(f"shifts[{position}] must end after it starts: {start} .. {end}")
        out.append(ScheduledShift(start=start, end=end, assignments=dict(shift.assignments)))
    return tuple(out)


def _json_meta(meta: Mapping[str, object]) -> dict[str, Any]:
    """``meta`` as plain JSON; non-finite floats (JSON has none) become None."""

    def clean(value: object) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, Mapping):
            return {str(k): clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    cleaned = clean(meta)
    try:
        json.dumps(cleaned, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"schedule meta must be JSON: {exc}") from exc
    result: dict[str, Any] = cleaned
    return result


def _team_header(config_text: str) -> tuple[str | None, str | None]:
    """``team.name`` and ``team.timezone`` of a team file's text, when it has them."""
    try:
        document = yaml.safe_load(config_text)
    except yaml.YAMLError:
        return None, None
    team = document.get("team") if isinstance(document, dict) else None
    if not isinstance(team, dict):
        return None, None
    name, zone = team.get("name"), team.get("timezone")
    return (
        name if isinstance(name, str) else None,
        zone if isinstance(zone, str) else None,
    )
