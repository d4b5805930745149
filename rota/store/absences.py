"""Absences: a member of a team away for a while, stored with the version re-planned around it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection, Row

from rota.absence import Absence
from rota.errors import DuplicateAbsence
from rota.model import Schedule
from rota.store.core import Revision, _utc
from rota.store.schedules import ScheduleStore
from rota.store.schema import AbsenceRow
from rota.views import rfc3339


class AbsenceStore(ScheduleStore):
    """Absences of teams' members (part of :class:`rota.store.Store`)."""

    def add_absence(
        self,
        absence: Absence,
        schedule: Schedule,
        *,
        config_text: str,
        config_name: str,
        meta: Mapping[str, object] | None = None,
        created_by: str | None = None,
        expected_revision: Revision | None = None,
    ) -> tuple[Absence, Schedule]:
        """Record ``absence`` and ``schedule`` (re-planned around it) as the team's next
        version, in one transaction: both or neither.

        Raises:
            ValueError: naive datetimes, or an ``end`` not after its ``start``.
            DuplicateAbsence: the member has an absence overlapping this one (nothing stored).
            ConcurrentChange: the team is no longer at ``expected_revision`` (nothing stored).
        """
        start, end = _utc(absence.start, "start"), _utc(absence.end, "end")
        if end <= start:
            raise ValueError(f"an absence must end after it starts: {start} .. {end}")
        stored: list[Absence] = []

        def record(connection: Connection) -> None:
            refuse_overlap(connection, absence.team_id, absence.member_id, start, end)
            row = connection.execute(
                insert(AbsenceRow)
                .values(
                    team_id=absence.team_id,
                    member_id=absence.member_id,
                    starts_at=start,
                    ends_at=end,
                    reason=absence.reason,
                    created_by=created_by,
                    created_at=self._now(),
                )
                .returning(*_COLUMNS)
            ).one()
            stored.append(_absence(row))

        saved = self.save_schedule(
            schedule,
            config_text=config_text,
            config_name=config_name,
            meta=meta,
            expected_revision=expected_revision,
            also=record,
        )
        return stored[0], saved

    def list_absences(self, team_id: str, member_id: str | None = None) -> list[Absence]:
        """The team's absences (of ``member_id`` only, when given), by start."""
        query = select(*_COLUMNS).where(AbsenceRow.team_id == team_id)
        if member_id is not None:
            query = query.where(AbsenceRow.member_id == member_id)
        with self._transaction() as connection:
            rows = connection.execute(query.order_by(AbsenceRow.starts_at, AbsenceRow.id))
            return [_absence(row) for row in rows]

    def remove_absence(self, team_id: str, absence_id: int) -> Absence | None:
        """Delete an absence of the team; None when it has no such absence."""
        with self._transaction(write=True) as connection:
            self._require_team(connection, team_id, lock=True)
            row = connection.execute(
                delete(AbsenceRow)
                .where(AbsenceRow.id == absence_id, AbsenceRow.team_id == team_id)
                .returning(*_COLUMNS)
            ).first()
        return None if row is None else _absence(row)


_COLUMNS = (
    AbsenceRow.id,
    AbsenceRow.team_id,
    AbsenceRow.member_id,
    AbsenceRow.starts_at,
    AbsenceRow.ends_at,
    AbsenceRow.reason,
    AbsenceRow.created_by,
    AbsenceRow.created_at,
)


def duplicate_message(existing: Absence) -> str:
    """The refusal of an absence overlapping ``existing``, pointing at it."""
    return (
        f"{existing.member_id!r} is already away {rfc3339(existing.start)} – "
        f"{rfc3339(existing.end)} (absence {existing.id}; see `rota absence list "
        f"{existing.team_id}`); nothing was added. Remove it first to record a different span"
    )


def refuse_overlap(
    connection: Connection, team_id: str, member_id: str, start: Any, end: Any
) -> None:
    """Raise :class:`DuplicateAbsence` when the member has an absence overlapping the span."""
    row = connection.execute(
        select(*_COLUMNS)
        .where(
            AbsenceRow.team_id == team_id,
            AbsenceRow.member_id == member_id,
            AbsenceRow.starts_at < end,
            AbsenceRow.ends_at > start,
        )
        .order_by(AbsenceRow.starts_at)
        .limit(1)
    ).first()
    if row is not None:
        existing = _absence(row)
        assert existing.id is not None
        raise DuplicateAbsence(duplicate_message(existing), existing.id)


def _absence(row: Row[*tuple[Any, ...]]) -> Absence:
    return Absence(
        id=row.id,
        team_id=row.team_id,
        member_id=row.member_id,
        start=row.starts_at,
        end=row.ends_at,
        reason=row.reason,
        created_by=row.created_by,
        created_at=row.created_at,
    )
