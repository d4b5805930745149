"""Engines: SQLite gets WAL, foreign keys, a busy timeout and our own ``BEGIN``.

Also what messages may show of a database: :func:`redact_url` hides the password and
:func:`_reason` keeps the first line of what the driver said.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError

DEFAULT_URL = "sqlite:///rota.db"
BUSY_TIMEOUT_MS = 10_000
CONNECT_TIMEOUT_S = 2
"""Seconds a PostgreSQL connection attempt may take (libpq's minimum): a store that went away
is then an error within about this long, never a hang. A ``connect_timeout`` in the URL wins."""
POOL_TIMEOUT_S = 2.0
"""Seconds a request waits for a pooled connection before the store counts as unavailable."""

_BEGIN_OPTION = "rota_sqlite_begin"  # execution option: "IMMEDIATE" for write transactions


def redact_url(url: str) -> str:
    """``url`` fit for messages: the password, if any, replaced by ``***``.

    >>> redact_url("postgresql://rota:s3cret@db:5432/rota")
    'postgresql://rota:***@db:5432/rota'
    """
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL: credentials, if any, sit before the last "@"
        return re.sub(r"^.*@", "***@", url) if "@" in url else url


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite connections get WAL, foreign keys and a busy timeout.

    pysqlite's own transaction handling is switched off so that ``BEGIN`` is ours: deferred for
    reads, ``IMMEDIATE`` for writes (execution option ``rota_sqlite_begin``), and DDL runs inside
    transactions (atomic migrations).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        connect_args: dict[str, Any] = {}
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            # keepalives: a connection whose server vanished fails in seconds, not hours
            connect_args = {
                "connect_timeout": CONNECT_TIMEOUT_S,
                "keepalives": 1,
                "keepalives_idle": 5,
                "keepalives_interval": 2,
                "keepalives_count": 2,
            }
        return create_engine(
            parsed, pool_pre_ping=True, pool_timeout=POOL_TIMEOUT_S, connect_args=connect_args
        )
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")  # reads the header: garbage fails here
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _reason(exc: BaseException, secret: str | None = None) -> str:
    """The first line of what the driver said, without SQLAlchemy's SQL and links."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = str(cause).strip().splitlines()
    reason = lines[0] if lines else type(cause).__name__
    return reason.replace(secret, "***") if secret else reason
