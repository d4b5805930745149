"""Row-level statements of schedule versions: the team upsert, bulk inserts, the shift query."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from rota.model import ScheduledShift
from rota.store.schema import AssignmentRow, ShiftRow, TeamRow


def _upsert_team(
    connection: Connection,
    team_id: str,
    *,
    name: str | None,
    timezone: str | None,
    now: datetime,
) -> None:
    """Create or touch the team row; on PostgreSQL this locks it until the transaction ends."""
    changes: dict[str, Any] = {"updated_at": now}
    if name is not None:
        changes["name"] = name
    if timezone is not None:
        changes["timezone"] = timezone
    values = {"id": team_id, "name": team_id, "timezone": "UTC", "created_at": now, **changes}
    dialect = connection.dialect.name
    if dialect in ("postgresql", "sqlite"):
        module = postgresql if dialect == "postgresql" else sqlite
        statement = module.insert(TeamRow).values(**values)
        connection.execute(
            statement.on_conflict_do_update(index_elements=[TeamRow.id], set_=changes)
        )
        return
    exists = connection.scalar(select(TeamRow.id).where(TeamRow.id == team_id).with_for_update())
    if exists is None:
        connection.execute(insert(TeamRow).values(**values))
    else:
        connection.execute(update(TeamRow).where(TeamRow.id == team_id).values(**changes))


def _insert_shifts(
    connection: Connection, version_id: int, shifts: Sequence[ScheduledShift]
) -> None:
    if shifts:
        connection.execute(
            insert(ShiftRow),
            [
                {"version_id": version_id, "position": i, "starts_at": s.start, "ends_at": s.end}
                for i, s in enumerate(shifts)
            ],
        )


def _insert_assignments(
    connection: Connection, version_id: int, shifts: Sequence[ScheduledShift]
) -> None:
    rows = [
        {
            "version_id": version_id,
            "position": position,
            "role": role,
            "ordinal": ordinal,
            "member_id": member_id,
        }
        for position, shift in enumerate(shifts)
        for ordinal, (role, member_id) in enumerate(shift.assignments.items())
    ]
    if rows:
        connection.execute(insert(AssignmentRow), rows)


def _select_shifts(
    connection: Connection, version_id: int, *where: Any, by_start: bool = False
) -> list[ScheduledShift]:
    """The version's shifts matching ``where``, with assignments, by position (or start).

    ``by_start`` orders by ``starts_at`` so that a range on it walks the
    ``(version_id, starts_at)`` index instead of the primary key.
    """
    order = (ShiftRow.starts_at, ShiftRow.position) if by_start else (ShiftRow.position,)
    rows = connection.execute(
        select(
            ShiftRow.position,
            ShiftRow.starts_at,
            ShiftRow.ends_at,
            AssignmentRow.role,
            AssignmentRow.member_id,
        )
        .outerjoin(
            AssignmentRow,
            (AssignmentRow.version_id == ShiftRow.version_id)
            & (AssignmentRow.position == ShiftRow.position),
        )
        .where(ShiftRow.version_id == version_id, *where)
        .order_by(*order, AssignmentRow.ordinal)
    )
    shifts: list[ScheduledShift] = []
    last_position = -1
    for position, start, end, role, member_id in rows:
        if position != last_position:
            shifts.append(ScheduledShift(start=start, end=end, assignments={}))
            last_position = position
        if role is not None:
            assignments = shifts[-1].assignments
            assert isinstance(assignments, dict)
            assignments[role] = member_id
    return shifts
