"""The store: rota's only database I/O. Versioned schedules of teams, in SQLite or PostgreSQL.

``Store.open(url)`` connects (SQLite by default, ``sqlite:///rota.db``; PostgreSQL by URL) and
migrates the schema to the newest Alembic revision shipped in ``rota/migrations/``. Anything that
goes wrong while opening or talking to the database becomes a one-line :class:`StoreError` that
names the URL (password hidden).

A solve never changes a stored schedule: it adds a *version*. ``save_schedule`` writes the team row,
the version row and every shift and assignment in one transaction, so a crash or Ctrl-C mid-write
leaves the previous version as the latest. Concurrent writers are serialised (SQLite: ``BEGIN
IMMEDIATE``; PostgreSQL: the upsert locks the team row) and ``UNIQUE (team_id, version)`` backs it.

Schema (revision 0001; ``instant`` = aware UTC: ``timestamptz`` on PostgreSQL, a fixed-width
``YYYY-MM-DDTHH:MM:SS.ffffffZ`` string on SQLite, which sorts like time and round-trips exactly)::

    teams               id PK ([a-z0-9-]+), name, timezone, created_at, updated_at
    schedule_versions   id PK (surrogate), team_id FK -> teams, version (1, 2, ...),
                        created_at, horizon_start, horizon_end, longest_shift_s,
                        config_name, config_text (the team file as solved), meta (JSON)
                        UNIQUE (team_id, version); rows are never updated
    shifts              (version_id FK, position) PK, starts_at, ends_at
                        INDEX (version_id, starts_at)
    assignments         (version_id, position, role) PK -> shifts, ordinal (role order), member_id
                        INDEX (member_id)       -- a member's shifts across teams (feeds)
    overrides           id PK, team_id FK, role, member_id, starts_at, ends_at, reason,
                        created_by, created_at, removed_at (soft delete: audit and diffs)
                        INDEX (team_id, starts_at)
    api_keys            id PK, name, key_hash UNIQUE (hash only, never the key), scope
                        (read | write), created_at, revoked_at
                        UNIQUE (name) WHERE revoked_at IS NULL

Room left for later revisions (add them as ``versions/0002_...py``):

- ``feed_tokens``: id PK, token_hash UNIQUE, kind (team | member | role), team_id FK NULL,
  member_id NULL, role NULL, created_at, revoked_at.
- Re-solves (issue 5) need no new table: a re-solve is a new version; what it was based on, the
  freeze instant and the change count go into ``meta``. Index ``assignments (member_id)`` serves
  history and a member's shifts; ``schedule_versions (team_id, version)`` finds the previous one.

Overlap queries (``shifts_between``) use the ``(version_id, starts_at)`` index on both sides:
a shift overlapping ``[start, end)`` starts in ``[start - longest_shift, end)``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Dialect,
    Engine,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    SQLAlchemyError,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeEngine

from rota.errors import ScheduleNotFound, StoreError, TeamNotFound, UsageError
from rota.model import Override, Schedule, ScheduledShift

DEFAULT_URL = "sqlite:///rota.db"
BUSY_TIMEOUT_MS = 10_000
MIGRATIONS_DIR = Path(__file__).parent / "migrations"

_BEGIN_OPTION = "rota_sqlite_begin"  # execution option: "IMMEDIATE" for write transactions
_PG_MIGRATION_LOCK = 0x726F7461  # pg_advisory_xact_lock key ("rota") serialising migrations

ApiScope = Literal["read", "write"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


# ------------------------------------------------------------------------------------ schema


class Instant(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; naive datetimes are refused, results are aware UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(27))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime cannot be stored: {value.isoformat()}")
        utc = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
        return utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            return datetime.fromisoformat(value).astimezone(UTC)
        if not isinstance(value, datetime):
            raise TypeError(f"unexpected stored instant: {value!r}")
        if value.tzinfo is None:  # a database without zone-aware timestamps
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


_JSON = JSON().with_variant(postgresql.JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {datetime: Instant()}  # noqa: RUF012 (SQLAlchemy's class attribute)


class TeamRow(Base):
    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class VersionRow(Base):
    __tablename__ = "schedule_versions"
    __table_args__ = (
        UniqueConstraint("team_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    version: Mapped[int]
    created_at: Mapped[datetime]
    horizon_start: Mapped[datetime]
    horizon_end: Mapped[datetime]
    longest_shift_s: Mapped[int]
    config_name: Mapped[str] = mapped_column(String(255))
    config_text: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(_JSON)


class ShiftRow(Base):
    __tablename__ = "shifts"
    __table_args__ = (
        Index("ix_shifts_version_id_starts_at", "version_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="positive_length"),
    )

    version_id: Mapped[int] = mapped_column(
        ForeignKey("schedule_versions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]


class AssignmentRow(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        ForeignKeyConstraint(
            ["version_id", "position"],
            ["shifts.version_id", "shifts.position"],
            ondelete="CASCADE",
        ),
        Index("ix_assignments_member_id", "member_id"),
    )

    version_id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(64), primary_key=True)
    ordinal: Mapped[int]
    member_id: Mapped[str] = mapped_column(String(64))


class OverrideRow(Base):
    __tablename__ = "overrides"
    __table_args__ = (
        Index("ix_overrides_team_id_starts_at", "team_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="positive_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]


class ApiKeyRow(Base):
    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint("scope IN ('read', 'write')", name="scope_known"),
        Index(
            "ux_api_keys_active_name",
            "name",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    key_hash: Mapped[str] = mapped_column(String(128), unique=True)
    scope: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class FeedTokenRow(Base):
    __tablename__ = "feed_tokens"
    __table_args__ = (CheckConstraint("kind IN ('team', 'member', 'role')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[str | None] = mapped_column(String(64))
    member_id: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


metadata = Base.metadata


# ---------------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class TeamInfo:
    """A team known to the store, with its newest schedule version."""

    id: str
    name: str
    timezone: str
    latest_version: int | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One stored schedule version of a team, without its shifts."""

    version: int
    created_at: datetime
    horizon_start: datetime
    horizon_end: datetime
    shift_count: int
    config_name: str
    meta: Mapping[str, object]


FeedTokenKind = Literal["team", "member", "role"]


@dataclass(frozen=True, slots=True)
class FeedToken:
    """A calendar feed's access token as stored (the token itself is never stored)."""

    id: int
    kind: str
    team_id: str | None
    member_id: str | None
    role: str | None
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An API key as stored: its name, scope and hash (the key itself is never stored)."""

    id: int
    name: str
    key_hash: str
    scope: str
    created_at: datetime
    revoked_at: datetime | None


# ---------------------------------------------------------------------------------- engine


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
        return create_engine(parsed, pool_pre_ping=True)
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


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def _reason(exc: BaseException, secret: str | None = None) -> str:
    """The first line of what the driver said, without SQLAlchemy's SQL and links."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = str(cause).strip().splitlines()
    reason = lines[0] if lines else type(cause).__name__
    return reason.replace(secret, "***") if secret else reason


# ----------------------------------------------------------------------------------- store


class Store:
    """Schedules, teams, overrides and API keys in one database. Use :meth:`open` to get one."""

    def __init__(self, engine: Engine, url: str, now: Callable[[], datetime] = _utc_now) -> None:
        self._engine = engine
        self.url = url  # redacted, for messages
        self._now = now

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

    # ------------------------------------------------------------------------- transactions

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

    def _migrate(self) -> None:
        script = ScriptDirectory.from_config(_alembic_config())
        try:
            with self._engine.connect() as connection:
                with connection.begin():
                    current = MigrationContext.configure(connection).get_current_heads()
                if current == (script.get_current_head(),):
                    return
                connection.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
                with connection.begin():
                    if connection.dialect.name == "postgresql":
                        connection.execute(
                            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
                        )
                    self._check_upgradable(connection, script)
                    command.upgrade(_alembic_config(connection), "head")
        except (SQLAlchemyError, CommandError) as exc:
            reason = _reason(exc, self._engine.url.password)
            if "file is not a database" in reason:
                reason = "the file is not a SQLite database, or it is corrupt"
            elif "unable to open database file" in reason:
                reason = "cannot open or create the file (does its directory exist?)"
            raise StoreError(f"cannot open store {self.url}: {reason}") from exc

    def _check_upgradable(self, connection: Connection, script: ScriptDirectory) -> None:
        known = {revision.revision for revision in script.walk_revisions()}
        current = MigrationContext.configure(connection).get_current_heads()
        unknown = [revision for revision in current if revision not in known]
        if unknown:
            raise StoreError(
                f"cannot open store {self.url}: unknown schema revision {', '.join(unknown)} "
                "(made by a newer rota, or not a rota database)"
            )
        if not current:
            tables = sorted(
                name
                for name in inspect(connection).get_table_names()
                if name != "alembic_version" and not name.startswith("sqlite_")
            )
            if tables:
                shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
                raise StoreError(
                    f"cannot open store {self.url}: not a rota database (it holds tables "
                    f"{shown}); use a new file or an empty database"
                )

    # ---------------------------------------------------------------------------- schedules

    def save_schedule(
        self,
        schedule: Schedule,
        *,
        config_text: str,
        config_name: str,
        meta: Mapping[str, object] | None = None,
        team_name: str | None = None,
        team_timezone: str | None = None,
    ) -> Schedule:
        """Store ``schedule`` as the team's next version, atomically.

        Args:
            schedule: the schedule; its ``version`` and ``created_at`` are ignored.
            config_text: the team file the schedule was solved from, kept with the version.
            config_name: where that file came from (shown to people), e.g. ``platform.yaml``.
            meta: JSON facts about the solve (status, objective, ...), merged over
                ``schedule.meta``. Non-finite floats (no bound yet) are stored as ``None``.
            team_name: display name; default: ``team.name`` read from ``config_text``.
            team_timezone: IANA zone; default: ``team.timezone`` read from ``config_text``.

        Returns:
            The stored schedule, with ``version``, ``created_at`` and the stored ``meta``.

        Raises:
            ValueError: a datetime is naive or a shift does not end after it starts.
            TypeError: ``meta`` holds something JSON cannot represent.
            StoreError: the database failed; nothing was stored.
        """
        stored_meta = _json_meta({**schedule.meta, **(meta or {})})
        shifts = _normalised_shifts(schedule.shifts)
        horizon_start = _utc(schedule.horizon_start, "horizon_start")
        horizon_end = _utc(schedule.horizon_end, "horizon_end")
        longest = max((s.end - s.start for s in shifts), default=timedelta(0))
        header_name, header_zone = _team_header(config_text)
        created_at = self._now()

        with self._transaction(write=True) as connection:
            _upsert_team(
                connection,
                schedule.team_id,
                name=team_name or header_name,
                timezone=team_timezone or header_zone,
                now=created_at,
            )
            latest = connection.scalar(
                select(func.max(VersionRow.version)).where(VersionRow.team_id == schedule.team_id)
            )
            version = (latest or 0) + 1
            version_id = connection.scalar(
                insert(VersionRow)
                .values(
                    team_id=schedule.team_id,
                    version=version,
                    created_at=created_at,
                    horizon_start=horizon_start,
                    horizon_end=horizon_end,
                    longest_shift_s=math.ceil(longest.total_seconds()),
                    config_name=config_name,
                    config_text=config_text,
                    meta=stored_meta,
                )
                .returning(VersionRow.id)
            )
            assert version_id is not None
            _insert_shifts(connection, version_id, shifts)
            _insert_assignments(connection, version_id, shifts)

        return Schedule(
            team_id=schedule.team_id,
            horizon_start=horizon_start,
            horizon_end=horizon_end,
            shifts=shifts,
            version=version,
            created_at=created_at,
            meta=stored_meta,
        )

    def load_schedule(self, team_id: str, version: int | None = None) -> Schedule:
        """The team's schedule ``version`` (default: the latest).

        Raises:
            TeamNotFound: no team ``team_id``.
            ScheduleNotFound: the team has no such version.
        """
        with self._transaction() as connection:
            row = self._version_row(connection, team_id, version)
            shifts = _select_shifts(connection, row.id)
        return Schedule(
            team_id=team_id,
            horizon_start=row.horizon_start,
            horizon_end=row.horizon_end,
            shifts=tuple(shifts),
            version=row.version,
            created_at=row.created_at,
            meta=row.meta,
        )

    def shifts_between(
        self, team_id: str, start: datetime, end: datetime, version: int | None = None
    ) -> list[ScheduledShift]:
        """The shifts of a version (default: latest) overlapping ``[start, end)``, by start.

        Raises:
            ValueError: ``start`` or ``end`` is naive.
            TeamNotFound: no team ``team_id``.
            ScheduleNotFound: the team has no such version.
        """
        start, end = _utc(start, "start"), _utc(end, "end")
        with self._transaction() as connection:
            row = self._version_row(connection, team_id, version)
            if end <= start:
                return []
            earliest = start - timedelta(seconds=row.longest_shift_s)
            return _select_shifts(
                connection,
                row.id,
                ShiftRow.starts_at >= earliest,
                ShiftRow.starts_at < end,
                ShiftRow.ends_at > start,
                by_start=True,
            )

    def list_versions(self, team_id: str) -> list[VersionInfo]:
        """Every stored version of the team, oldest first.

        Raises:
            TeamNotFound: no team ``team_id``.
        """
        shift_count = (
            select(func.count())
            .where(ShiftRow.version_id == VersionRow.id)
            .correlate(VersionRow)
            .scalar_subquery()
        )
        with self._transaction() as connection:
            self._require_team(connection, team_id)
            rows = connection.execute(
                select(
                    VersionRow.version,
                    VersionRow.created_at,
                    VersionRow.horizon_start,
                    VersionRow.horizon_end,
                    shift_count,
                    VersionRow.config_name,
                    VersionRow.meta,
                )
                .where(VersionRow.team_id == team_id)
                .order_by(VersionRow.version)
            ).all()
        return [VersionInfo(*row) for row in rows]

    def list_teams(self) -> list[TeamInfo]:
        """Every team in the store, by id."""
        latest = (
            select(VersionRow.team_id, func.max(VersionRow.version).label("latest"))
            .group_by(VersionRow.team_id)
            .subquery()
        )
        with self._transaction() as connection:
            rows = connection.execute(
                select(
                    TeamRow.id, TeamRow.name, TeamRow.timezone, latest.c.latest, TeamRow.updated_at
                )
                .outerjoin(latest, latest.c.team_id == TeamRow.id)
                .order_by(TeamRow.id)
            ).all()
        return [TeamInfo(*row) for row in rows]

    def team_config_text(self, team_id: str, version: int | None = None) -> str:
        """The team file stored with schedule ``version`` (default: the latest).

        Raises:
            TeamNotFound: no team ``team_id``.
            ScheduleNotFound: the team has no such version.
        """
        with self._transaction() as connection:
            return self._version_row(connection, team_id, version).config_text

    def revision(self, team_id: str) -> tuple[object, ...]:
        """A cheap fingerprint of what the team's effective schedule depends on.

        It changes whenever a version is added or an override is added or removed, so callers
        can cache derived data (the on-call index) and re-read only when it differs.

        Raises:
            TeamNotFound: no team ``team_id``.
        """
        with self._transaction() as connection:
            latest = connection.scalar(
                select(func.max(VersionRow.version)).where(VersionRow.team_id == team_id)
            )
            if latest is None:
                self._require_team(connection, team_id)
            overrides = connection.execute(
                select(
                    func.count(OverrideRow.id),
                    func.max(OverrideRow.id),
                    func.max(OverrideRow.removed_at),
                ).where(OverrideRow.team_id == team_id)
            ).one()
        return (latest, *overrides)

    def _require_team(self, connection: Connection, team_id: str) -> None:
        if connection.scalar(select(TeamRow.id).where(TeamRow.id == team_id)) is None:
            known = connection.scalars(select(TeamRow.id).order_by(TeamRow.id)).all()
            listed = ", ".join(known) if known else "none; run `rota solve` first"
            raise TeamNotFound(f"unknown team {team_id!r} (teams in the store: {listed})")

    def _version_row(
        self, connection: Connection, team_id: str, version: int | None
    ) -> _VersionRecord:
        query = select(
            VersionRow.id,
            VersionRow.version,
            VersionRow.created_at,
            VersionRow.horizon_start,
            VersionRow.horizon_end,
            VersionRow.longest_shift_s,
            VersionRow.config_text,
            VersionRow.meta,
        ).where(VersionRow.team_id == team_id)
        if version is None:
            query = query.order_by(VersionRow.version.desc()).limit(1)
        else:
            query = query.where(VersionRow.version == version)
        row = connection.execute(query).first()
        if row is not None:
            return _VersionRecord(*row)
        self._require_team(connection, team_id)
        versions = connection.scalars(
            select(VersionRow.version)
            .where(VersionRow.team_id == team_id)
            .order_by(VersionRow.version)
        ).all()
        if not versions:
            raise ScheduleNotFound(f"team {team_id!r} has no schedule; run `rota solve` first")
        raise ScheduleNotFound(
            f"team {team_id!r} has no schedule version {version} "
            f"(versions {versions[0]}-{versions[-1]})"
        )

    # ---------------------------------------------------------------------------- overrides

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

    # ----------------------------------------------------------------------------- api keys

    def add_api_key(self, name: str, *, key_hash: str, scope: ApiScope) -> ApiKey:
        """Store a new API key's hash (hash the key before calling; never pass the key).

        Raises:
            UsageError: an active key already has this name.
        """
        try:
            with self._transaction(write=True) as connection:
                row = connection.execute(
                    insert(ApiKeyRow)
                    .values(name=name, key_hash=key_hash, scope=scope, created_at=self._now())
                    .returning(*_API_KEY_COLUMNS)
                ).one()
        except StoreError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise UsageError(
                    f"an API key named {name!r} already exists; revoke it first"
                ) from exc.__cause__
            raise
        return _api_key(row)

    def find_api_key(self, key_hash: str) -> ApiKey | None:
        """The active (not revoked) key with this hash, or None."""
        with self._transaction() as connection:
            row = connection.execute(
                select(*_API_KEY_COLUMNS).where(
                    ApiKeyRow.key_hash == key_hash, ApiKeyRow.revoked_at.is_(None)
                )
            ).first()
        return None if row is None else _api_key(row)

    def list_api_keys(self) -> list[ApiKey]:
        """Every key, revoked ones included, oldest first."""
        with self._transaction() as connection:
            rows = connection.execute(select(*_API_KEY_COLUMNS).order_by(ApiKeyRow.id))
            return [_api_key(row) for row in rows]

    def revoke_api_key(self, name: str) -> bool:
        """Revoke the active key called ``name``; False when there is none."""
        with self._transaction(write=True) as connection:
            result = connection.execute(
                update(ApiKeyRow)
                .where(ApiKeyRow.name == name, ApiKeyRow.revoked_at.is_(None))
                .values(revoked_at=self._now())
            )
            return result.rowcount > 0

    # ---------------------------------------------------------------------------- feed tokens

    def add_feed_token(
        self,
        *,
        token_hash: str,
        kind: FeedTokenKind,
        team_id: str | None = None,
        member_id: str | None = None,
        role: str | None = None,
    ) -> FeedToken:
        """Store a new feed token's hash (hash the token before calling; never pass it)."""
        with self._transaction(write=True) as connection:
            row = connection.execute(
                insert(FeedTokenRow)
                .values(
                    token_hash=token_hash,
                    kind=kind,
                    team_id=team_id,
                    member_id=member_id,
                    role=role,
                    created_at=self._now(),
                )
                .returning(*_FEED_TOKEN_COLUMNS)
            ).one()
        return FeedToken(*row)

    def find_feed_token(self, token_hash: str) -> FeedToken | None:
        """The active (not revoked) feed token with this hash, or None."""
        with self._transaction() as connection:
            row = connection.execute(
                select(*_FEED_TOKEN_COLUMNS).where(
                    FeedTokenRow.token_hash == token_hash, FeedTokenRow.revoked_at.is_(None)
                )
            ).first()
        return None if row is None else FeedToken(*row)

    def list_feed_tokens(self) -> list[FeedToken]:
        """Every feed token (hashes only), revoked ones included, oldest first."""
        with self._transaction() as connection:
            rows = connection.execute(select(*_FEED_TOKEN_COLUMNS).order_by(FeedTokenRow.id))
            return [FeedToken(*row) for row in rows]

    def revoke_feed_token(self, token_id: int) -> bool:
        """Revoke feed token ``token_id``; False when there is no such active token."""
        with self._transaction(write=True) as connection:
            result = connection.execute(
                update(FeedTokenRow)
                .where(FeedTokenRow.id == token_id, FeedTokenRow.revoked_at.is_(None))
                .values(revoked_at=self._now())
            )
            return result.rowcount > 0


_FEED_TOKEN_COLUMNS = (
    FeedTokenRow.id,
    FeedTokenRow.kind,
    FeedTokenRow.team_id,
    FeedTokenRow.member_id,
    FeedTokenRow.role,
    FeedTokenRow.created_at,
    FeedTokenRow.revoked_at,
)
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
_API_KEY_COLUMNS = (
    ApiKeyRow.id,
    ApiKeyRow.name,
    ApiKeyRow.key_hash,
    ApiKeyRow.scope,
    ApiKeyRow.created_at,
    ApiKeyRow.revoked_at,
)


# --------------------------------------------------------------------------------- helpers


@dataclass(frozen=True, slots=True)
class _VersionRecord:
    id: int
    version: int
    created_at: datetime
    horizon_start: datetime
    horizon_end: datetime
    longest_shift_s: int
    config_text: str
    meta: dict[str, Any]


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


def _api_key(row: Row[*tuple[Any, ...]]) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        key_hash=row.key_hash,
        scope=row.scope,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def _utc(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware. Got value: {value.isoformat()}")
    return value.astimezone(UTC)


def _normalised_shifts(shifts: Sequence[ScheduledShift]) -> tuple[ScheduledShift, ...]:
    out = []
    for position, shift in enumerate(shifts):
        start = _utc(shift.start, f"shifts[{position}].start")
        end = _utc(shift.end, f"shifts[{position}].end")
        if end <= start:
            raise ValueError(f"shifts[{position}] must end after it starts: {start} .. {end}")
        out.append(ScheduledShift(start=start, end=end, assignments=dict(shift.assignments)))
    return tuple(out)


def _json_meta(meta: Mapping[str, object]) -> dict[str, Any]:
    """``meta`` as plain JSON; non-finite floats (JSON has none) become None."""

    def clean(value: object) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, Mapping):
            return {str(k): clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    cleaned = clean(meta)
    try:
        json.dumps(cleaned, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"schedule meta must be JSON: {exc}") from exc
    result: dict[str, Any] = cleaned
    return result


def _team_header(config_text: str) -> tuple[str | None, str | None]:
    """``team.name`` and ``team.timezone`` of a team file's text, when it has them."""
    try:
        document = yaml.safe_load(config_text)
    except yaml.YAMLError:
        return None, None
    team = document.get("team") if isinstance(document, dict) else None
    if not isinstance(team, dict):
        return None, None
    name, zone = team.get("name"), team.get("timezone")
    return (
        name if isinstance(name, str) else None,
        zone if isinstance(zone, str) else None,
    )


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
