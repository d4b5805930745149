"""The store: rota's only database I/O. Versioned schedules of teams, in SQLite or PostgreSQL.

The package, one concept per module:

- :mod:`rota.store.store`: :class:`Store`, opening and closing, assembled from the parts below;
- :mod:`rota.store.schedules`: schedule versions (save, load, overlap queries, teams);
- :mod:`rota.store.rows`: the statements behind them (team upsert, shift and assignment rows);
- :mod:`rota.store.absences`, :mod:`rota.store.overrides`, :mod:`rota.store.api_keys`,
  :mod:`rota.store.feed_tokens`;
- :mod:`rota.store.jobs`: queued solves (the job queue's tables, their versions and failures);
- :mod:`rota.store.notify_deliveries`: handoff notices to send and what became of them;
- :mod:`rota.store.core`: the connection, transactions and the clock every part shares;
- :mod:`rota.store.records`: what the store returns (``TeamInfo``, ``VersionInfo``, ...);
- :mod:`rota.store.schema`: the tables (SQLAlchemy rows) and the ``Instant`` column type;
- :mod:`rota.store.engine`: engines, SQLite pragmas, URL redaction and driver error reasons;
- :mod:`rota.store.migrate`: bringing a database to the newest Alembic revision.
"""

from rota.store.core import _utc_now
from rota.store.engine import BUSY_TIMEOUT_MS, DEFAULT_URL, make_engine, redact_url
from rota.store.migrate import MIGRATIONS_DIR, _alembic_config
from rota.store.records import (
    ApiKey,
    ApiScope,
    Delivery,
    DueNotice,
    FeedToken,
    FeedTokenKind,
    JobRecord,
    TeamInfo,
    VersionInfo,
)
from rota.store.schema import (
    AbsenceRow,
    ApiKeyRow,
    AssignmentRow,
    Base,
    FeedTokenRow,
    Instant,
    OverrideRow,
    ShiftRow,
    TeamRow,
    VersionRow,
    metadata,
)
from rota.store.store import Store

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DEFAULT_URL",
    "MIGRATIONS_DIR",
    "AbsenceRow",
    "ApiKey",
    "ApiKeyRow",
    "ApiScope",
    "AssignmentRow",
    "Base",
    "Delivery",
    "DueNotice",
    "FeedToken",
    "FeedTokenKind",
    "FeedTokenRow",
    "Instant",
    "JobRecord",
    "OverrideRow",
    "ShiftRow",
    "Store",
    "TeamInfo",
    "TeamRow",
    "VersionInfo",
    "VersionRow",
    "_alembic_config",
    "_utc_now",
    "make_engine",
    "metadata",
    "redact_url",
]
