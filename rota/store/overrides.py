"""Overrides: a member covering a role of a team for a while, removed softly (kept for audit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Row

from rota.model import Override
from rota.store.core import StoreCore, _utc
from rota.store.schema import OverrideRow


class OverrideStore(StoreCore):
    """Overrides of teams' schedules (part of :class:`rota.store.Store`)."""

    def add_override(
        self,
        team_id: str,
        *,
        role: str,
        member_id: str,
        start: datetime,
        end: datetime,
        reason: str | None = None,
        created_by: str | None = None,
    ) -> Override:
        """Record an override (no validation against the team file; callers do that).

        Raises:
            ValueError: naive datetimes, or ``end`` not after ``start``.
            TeamNotFound: no team ``team_id``.
        """
        start, end = _utc(start, "start"), _utc(end, "end")
        if end <= start:
            raise ValueError(f"override must end after it starts: {start} .. {end}")
        with self._transaction(write=True) as connection:
            self._require_team(connection, team_id)
            row = connection.execute(
                insert(OverrideRow)
                .values(
                    team_id=team_id,
                    role=role,
                    member_id=member_id,
                    starts_at=start,
                    ends_at=end,
                    reason=reason,
                    created_by=created_by,
                    created_at=self._now(),
                    removed_at=None,
                )
                .returning(*_OVERRIDE_COLUMNS)
            ).one()
        return _override(row)

    def list_overrides(
        self,
        team_id: str,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        include_removed: bool = False,
    ) -> list[Override]:
        """The team's overrides overlapping ``[start, end)`` (default: all), by start."""
        query = select(*_OVERRIDE_COLUMNS).where(OverrideRow.team_id == team_id)
        if end is not None:
            query = query.where(OverrideRow.starts_at < _utc(end, "end"))
        if start is not None:
            query = query.where(OverrideRow.ends_at > _utc(start, "start"))
        if not include_removed:
            query = query.where(OverrideRow.removed_at.is_(None))
        with self._transaction() as connection:
            rows = connection.execute(query.order_by(OverrideRow.starts_at, OverrideRow.id))
            return [_override(row) for row in rows]

    def remove_override(self, team_id: str, override_id: int) -> Override | None:
        """Mark an active override removed; None when the team has no such active override."""
        with self._transaction(write=True) as connection:
            row = connection.execute(
                update(OverrideRow)
                .where(
                    OverrideRow.id == override_id,
                    OverrideRow.team_id == team_id,
                    OverrideRow.removed_at.is_(None),
                )
                .values(removed_at=self._now())
                .returning(*_OVERRIDE_COLUMNS)
            ).first()
        return None if row is None else _override(row)


_OVERRIDE_COLUMNS = (
    OverrideRow.id,
    OverrideRow.team_id,
    OverrideRow.role,
    OverrideRow.member_id,
    OverrideRow.starts_at,
    OverrideRow.ends_at,
    OverrideRow.reason,
    OverrideRow.created_by,
    OverrideRow.created_at,
    OverrideRow.removed_at,
)


def _override(row: Row[*tuple[Any, ...]]) -> Override:
    return Override(
        id=row.id,
        team_id=row.team_id,
        role=row.role,
        member_id=row.member_id,
        start=row.starts_at,
        end=row.ends_at,
        reason=row.reason,
        created_by=row.created_by,
        created_at=row.created_at,
        removed_at=row.removed_at,
    )
