"""What every part of the store shares: the engine, transactions, the clock, team lookups."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from rota.errors import StoreError, TeamNotFound
from rota.store.engine import _BEGIN_OPTION, _reason
from rota.store.schema import TeamRow


def _utc_now() -> datetime:
    return datetime.now(UTC)


class StoreCore:
    """The connection to one database; the store's parts (schedules, overrides, ...) build on it."""

    def __init__(self, engine: Engine, url: str, now: Callable[[], datetime] = _utc_now) -> None:
        self._engine = engine
        self.url = url  # redacted, for messages
        self._now = now

    @contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[Connection]:
        """One transaction; SQLAlchemy errors become :class:`StoreError`, rota errors pass."""
        try:
            with self._engine.connect() as connection:
                if write:
                    connection.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
                with connection.begin():
                    yield connection
        except SQLAlchemyError as exc:
            raise StoreError(
                f"store {self.url}: {_reason(exc, self._engine.url.password)}"
            ) from exc

    def _require_team(self, connection: Connection, team_id: str) -> None:
        if connection.scalar(select(TeamRow.id).where(TeamRow.id == team_id)) is None:
            known = connection.scalars(select(TeamRow.id).order_by(TeamRow.id)).all()
            listed = ", ".join(known) if known else "none; run `rota solve` first"
            raise TeamNotFound(f"unknown team {team_id!r} (teams in the store: {listed})")


def _utc(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware. Got value: {value.isoformat()}")
    return value.astimezone(UTC)
