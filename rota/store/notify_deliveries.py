"""Handoff notice deliveries: recorded once per notice and webhook, claimed with a lease.

Several senders (server processes, hosts) share one store. A sender *claims* pending rows by
setting ``claimed_until`` in the future; only rows whose lease has run out can be claimed, so
while one sender posts a notice no other touches it. On PostgreSQL the candidates are selected
``FOR UPDATE SKIP LOCKED`` and the claim is an ``UPDATE ... RETURNING`` guarded by the same
conditions; on SQLite the write transaction (``BEGIN IMMEDIATE``) is the single writer lock.
A sender that dies holding a claim delays its rows by the lease, and never loses them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from rota.store.core import StoreCore
from rota.store.records import Delivery, DeliveryStatus, DueNotice
from rota.store.schema import NotifyDeliveryRow as Row


class NotifyDeliveryStore(StoreCore):
    """Handoff notice deliveries (part of :class:`rota.store.Store`)."""

    def record_due(self, due: Sequence[DueNotice]) -> int:
        """Record each notice not recorded yet (one row per notice and webhook); returns how
        many rows were new. Rows already there are left as they are."""
        if not due:
            return 0
        now = self._now()
        values = [
            {
                "notice_id": d.notice_id,
                "webhook": d.webhook,
                "team_id": d.team_id,
                "kind": d.kind,
                "due_at": d.due_at,
                "status": d.status,
                "attempts": 0,
                "next_attempt_at": d.due_at,
                "created_at": now,
                "finished_at": None if d.status == "pending" else now,
            }
            for d in due
        ]
        with self._transaction(write=True) as connection:
            statement = _insert(connection).values(values)
            statement = statement.on_conflict_do_nothing(index_elements=["notice_id", "webhook"])
            return max(connection.execute(statement).rowcount, 0)

    def claim_deliveries(
        self, owner: str, now: datetime, *, lease: timedelta, limit: int = 50
    ) -> list[Delivery]:
        """Claim up to ``limit`` pending rows whose next attempt is due and whose lease has
        run out, for ``owner`` until ``now + lease``; oldest due first."""
        free = (
            Row.status == "pending",
            Row.next_attempt_at <= now,
            or_(Row.claimed_until.is_(None), Row.claimed_until <= now),
        )
        with self._transaction(write=True) as connection:
            ids = connection.scalars(
                select(Row.id)
                .where(*free)
                .order_by(Row.due_at, Row.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            if not ids:
                return []
            rows = connection.execute(
                update(Row)
                .where(Row.id.in_(ids), *free)
                .values(claimed_until=now + lease, claimed_by=owner)
                .returning(*_COLUMNS)
            ).all()
        return sorted((_delivery(row) for row in rows), key=lambda d: (d.due_at, d.id))

    def finish_delivery(
        self,
        delivery_id: int,
        owner: str,
        *,
        status: DeliveryStatus,
        at: datetime,
        attempted: bool,
        error: str | None = None,
        retry_at: datetime | None = None,
    ) -> bool:
        """Record the outcome of ``owner``'s claim and release it.

        ``status`` pending with ``retry_at`` schedules another attempt; any other status is
        final. ``attempted`` counts a request made. Returns False when ``owner`` no longer
        holds the row (its lease ran out and another sender claimed it).
        """
        values: dict[str, Any] = {"status": status, "claimed_until": None, "claimed_by": None}
        if attempted:
            values["attempts"] = Row.attempts + 1
        if error is not None or status == "delivered":
            values["last_error"] = error
        if status == "pending":
            values["next_attempt_at"] = retry_at or at
        else:
            values["finished_at"] = at
        with self._transaction(write=True) as connection:
            result = connection.execute(
                update(Row)
                .where(Row.id == delivery_id, Row.claimed_by == owner, Row.status == "pending")
                .values(**values)
            )
            return result.rowcount > 0

    def list_deliveries(self, team_id: str | None = None) -> list[Delivery]:
        """Recorded deliveries (of ``team_id``, or all), by due time."""
        query = select(*_COLUMNS).order_by(Row.due_at, Row.id)
        if team_id is not None:
            query = query.where(Row.team_id == team_id)
        with self._transaction() as connection:
            return [_delivery(row) for row in connection.execute(query)]


_COLUMNS = (
    Row.id,
    Row.notice_id,
    Row.webhook,
    Row.team_id,
    Row.kind,
    Row.due_at,
    Row.status,
    Row.attempts,
    Row.next_attempt_at,
    Row.last_error,
    Row.finished_at,
)


def _insert(connection: Connection) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_nothing``."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(Row)
    return sqlite.insert(Row)


def _delivery(row: Sequence[Any]) -> Delivery:
    return Delivery(*row)
