"""The store: rota's only database I/O. Versioned schedules of teams, in SQLite or PostgreSQL.

``Store.open(url)`` connects (SQLite by default, ``sqlite:///rota.db``; PostgreSQL by URL) and
migrates the schema to the newest Alembic revision shipped in ``rota/migrations/``. Anything that
goes wrong while opening or talking to the database becomes a one-line :class:`StoreError` that
names the URL (password hidden).

A solve never changes a stored schedule: it adds a *version*. ``save_schedule`` writes the team row,
the version row and every shift and assignment in one transaction, so a crash or Ctrl-C mid-write
leaves the previous version as the latest. Concurrent writers are serialised (SQLite: ``BEGIN
IMMEDIATE``; PostgreSQL: the upsert locks the team row) and ``UNIQUE (team_id, version)`` backs it.

:class:`Store` is assembled from one part per concept: schedule versions
(:mod:`rota.store.schedules`), absences, overrides, API keys, feed tokens, queued solves and notice
deliveries, all on
:class:`rota.store.core.StoreCore`'s connection and transactions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from rota.errors import StoreError
from rota.store.absences import AbsenceStore
from rota.store.api_keys import ApiKeyStore
from rota.store.core import StoreCore, _utc_now
from rota.store.engine import DEFAULT_URL, make_engine, redact_url
from rota.store.feed_tokens import FeedTokenStore
from rota.store.jobs import JobStore
from rota.store.migrate import migrate, schema_revisions
from rota.store.notify_deliveries import NotifyDeliveryStore
from rota.store.overrides import OverrideStore
from rota.store.schedules import ScheduleStore


class Store(
    AbsenceStore,
    ScheduleStore,
    OverrideStore,
    ApiKeyStore,
    FeedTokenStore,
    JobStore,
    NotifyDeliveryStore,
    StoreCore,
):
    """Schedules, teams, absences, overrides, API keys, feed tokens, job records and notice
    deliveries in one database. Use :meth:`open` to get one."""

    @classmethod
    def open(cls, url: str = DEFAULT_URL, *, now: Callable[[], datetime] = _utc_now) -> Store:
        """Connect to ``url`` and bring its schema to the newest revision.

        Args:
            url: SQLAlchemy URL, e.g. ``sqlite:///rota.db`` or ``postgresql+psycopg://u@h/db``.
            now: the clock used for ``created_at`` stamps.

        Raises:
            StoreError: the URL is malformed, the driver is missing, the server is unreachable,
                the file is corrupt or not a rota database, or it was made by a newer rota.
        """
        shown = redact_url(url)
        try:
            engine = make_engine(url)
        except NoSuchModuleError as exc:
            raise StoreError(
                f"cannot open store {shown}: unknown database kind or driver "
                "(supported: sqlite, postgresql)"
            ) from exc
        except ImportError as exc:
            raise StoreError(
                f"cannot open store {shown}: the database driver is not installed ({exc}); "
                "for PostgreSQL: pip install 'psycopg[binary]'"
            ) from exc
        except ArgumentError as exc:
            raise StoreError(
                f"cannot open store {shown}: not a database URL (expected e.g. "
                "sqlite:///rota.db or postgresql+psycopg://user@host/rota)"
            ) from exc
        store = cls(engine, shown, now)
        try:
            store._migrate()
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        """Release every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def schema_revision(self) -> str:
        """The schema revision the database is at (``none`` before the first migration)."""
        current, _ = schema_revisions(self._engine, self.url)
        return ", ".join(current) or "none"

    def schema_current(self) -> bool:
        """Whether the database is at the newest revision this rota ships (one small query).

        Raises:
            StoreError: the database does not answer.
        """
        self._require_reachable()
        current, head = schema_revisions(self._engine, self.url)
        return current == (head,)

    def _migrate(self) -> None:
        migrate(self._engine, self.url)
