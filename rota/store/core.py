"""What every part of the store shares: the engine, transactions, the clock, team lookups."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from rota.errors import ConcurrentChange, StoreError, TeamNotFound
from rota.store.engine import _BEGIN_OPTION, _reason
from rota.store.schema import AbsenceRow, OverrideRow, TeamRow, VersionRow

Revision = tuple[object, ...]
"""A fingerprint of what a team's effective schedule depends on (see ``revision``)."""


RECONNECT_S = 0.5
"""After a failed connection to a server database, requests fail at once for this long instead
of each waiting for its own connection attempt; then the next one tries again."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class StoreCore:
    """The connection to one database; the store's parts (schedules, overrides, ...) build on it."""

    def __init__(self, engine: Engine, url: str, now: Callable[[], datetime] = _utc_now) -> None:
        self._engine = engine
        self.url = url  # redacted, for messages
        self._now = now
        self._unreachable_until = 0.0

    def _connect(self) -> Connection:
        """A connection from the pool; a server database that just failed to connect is not
        asked again for :data:`RECONNECT_S` (a store outage then costs requests nothing)."""
        self._require_reachable()
        try:
            return self._engine.connect()
        except SQLAlchemyError:
            if self._engine.dialect.name != "sqlite":  # SQLite's errors here are the file's
                self._unreachable_until = time.monotonic() + RECONNECT_S
            raise

    def _require_reachable(self) -> None:
        """Raise :class:`StoreError` while a failed connection keeps the store marked
        unreachable, so that every check (``/readyz`` too) agrees with what requests see."""
        if time.monotonic() < self._unreachable_until:
            raise StoreError(f"store {self.url}: unreachable (trying again shortly)")

    @contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[Connection]:
        """One transaction; SQLAlchemy errors become :class:`StoreError`, rota errors pass."""
        try:
            with self._connect() as connection:
                if write:
                    connection.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
                with connection.begin():
                    yield connection
        except SQLAlchemyError as exc:
            raise StoreError(
                f"store {self.url}: {_reason(exc, self._engine.url.password)}"
            ) from exc

    def _require_team(self, connection: Connection, team_id: str, *, lock: bool = False) -> None:
        """Raise :class:`TeamNotFound` unless the team exists; with ``lock``, also lock its row
        until the transaction ends (PostgreSQL; on SQLite a write transaction holds the lock)."""
        query = select(TeamRow.id).where(TeamRow.id == team_id)
        if lock and connection.dialect.name != "sqlite":
            query = query.with_for_update()
        if connection.scalar(query) is None:
            known = connection.scalars(select(TeamRow.id).order_by(TeamRow.id)).all()
            listed = ", ".join(known) if known else "none; run `rota solve` first"
            raise TeamNotFound(f"unknown team {team_id!r} (teams in the store: {listed})")


def _revision(connection: Connection, team_id: str) -> Revision:
    """The latest version number, the overrides' count, newest id and newest removal, and the
    absences' count and newest id.

    Every version added, every override added or removed and every absence added or removed
    changes it (absence ids are never reused). A team that does not exist has
    ``(None, 0, None, None, 0, None)``.
    """
    latest = connection.scalar(
        select(func.max(VersionRow.version)).where(VersionRow.team_id == team_id)
    )
    overrides = connection.execute(
        select(
            func.count(OverrideRow.id), func.max(OverrideRow.id), func.max(OverrideRow.removed_at)
        ).where(OverrideRow.team_id == team_id)
    ).one()
    absences = connection.execute(
        select(func.count(AbsenceRow.id), func.max(AbsenceRow.id)).where(
            AbsenceRow.team_id == team_id
        )
    ).one()
    return (latest, *overrides, *absences)


def _require_revision(connection: Connection, team_id: str, expected: Revision | None) -> None:
    """Raise :class:`ConcurrentChange` unless the team's revision is still ``expected``.

    Call it inside the write transaction, after the team row is locked (PostgreSQL) or the
    write lock is held (SQLite's ``BEGIN IMMEDIATE``), so that the check and the write are one.
    """
    if expected is None:
        return
    found = _revision(connection, team_id)
    if found == expected:
        return
    what = (
        "a new schedule version"
        if found[0] != expected[0]
        else "overrides added or removed"
        if found[1:4] != expected[1:4]
        else "absences added or removed"
    )
    raise ConcurrentChange(
        f"team {team_id!r} changed while this command ran ({what}); nothing was stored. "
        "Run it again to work from the current schedule"
    )


def _utc(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware. Got value: {value.isoformat()}")
    return value.astimezone(UTC)
