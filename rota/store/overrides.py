"""Overrides: a member covering a role of a team for a while, removed softly (kept for audit)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Row

from rota.errors import DuplicateOverride
from rota.model import Override
from rota.store.core import Revision, StoreCore, _require_revision, _utc
from rota.store.schema import OverrideRow
from rota.views import rfc3339


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
        expected_revision: Revision | None = None,
    ) -> Override:
        """Record one override; see :meth:`add_overrides`."""
        candidate = Override(team_id, role, member_id, start, end, reason=reason)
        return self.add_overrides(
            team_id, [candidate], created_by=created_by, expected_revision=expected_revision
        )[0]

    def add_overrides(
        self,
        team_id: str,
        overrides: Sequence[Override],
        *,
        created_by: str | None = None,
        expected_revision: Revision | None = None,
    ) -> list[Override]:
        """Record overrides in one transaction (no check against the team file; callers do that).

        Of each override only team, role, member, start, end and reason are read.

        Raises:
            ValueError: naive datetimes, or an ``end`` not after its ``start``.
            TeamNotFound: no team ``team_id``.
            DuplicateOverride: an active override with the same role, member, start and end
                exists (nothing is stored).
            ConcurrentChange: the team is no longer at ``expected_revision`` (nothing is stored).
        """
        rows = []
        for override in overrides:
            start, end = _utc(override.start, "start"), _utc(override.end, "end")
            if end <= start:
                raise ValueError(f"override must end after it starts: {start} .. {end}")
            rows.append((override, start, end))
        stored: list[Override] = []
        with self._transaction(write=True) as connection:
            self._require_team(connection, team_id, lock=True)
            _require_revision(connection, team_id, expected_revision)
            for override, start, end in rows:
                _refuse_duplicate(
                    connection, team_id, override.role, override.member_id, start, end
                )
                row = connection.execute(
                    insert(OverrideRow)
                    .values(
                        team_id=team_id,
                        role=override.role,
                        member_id=override.member_id,
                        starts_at=start,
                        ends_at=end,
                        reason=override.reason,
                        created_by=created_by,
                        created_at=self._now(),
                        removed_at=None,
                    )
                    .returning(*_OVERRIDE_COLUMNS)
                ).one()
                stored.append(_override(row))
        return stored

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
            self._require_team(connection, team_id, lock=True)
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


def _refuse_duplicate(
    connection: Connection, team_id: str, role: str, member_id: str, start: datetime, end: datetime
) -> None:
    existing = connection.scalar(
        select(OverrideRow.id).where(
            OverrideRow.team_id == team_id,
            OverrideRow.role == role,
            OverrideRow.member_id == member_id,
            OverrideRow.starts_at == start,
            OverrideRow.ends_at == end,
            OverrideRow.removed_at.is_(None),
        )
    )
    if existing is not None:
        raise DuplicateOverride(
            f"override {existing} already puts {member_id!r} in role {role!r} "
            f"{rfc3339(start)} – {rfc3339(end)}; nothing was added",
            existing,
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
