"""The store's tables as SQLAlchemy ORM rows, and the ``Instant`` column type.

Schema (revisions 0001-0006; ``instant`` = aware UTC: ``timestamptz`` on PostgreSQL, a fixed-width
``YYYY-MM-DDTHH:MM:SS.ffffffZ`` string on SQLite, which sorts like time and round-trips exactly)::

    teams               id PK ([a-z0-9-]+), name, timezone, created_at, updated_at
    schedule_versions   id PK (surrogate), team_id FK -> teams, version (1, 2, ...),
                        created_at, horizon_start, horizon_end, longest_shift_s,
                        config_name, config_text (the team file as solved), meta (JSON),
                        job_key NULL UNIQUE (0005; the queued solve that stored it)
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
    feed_tokens         id PK, token_hash UNIQUE (hash only), kind (team | member | role),
                        team_id NULL, member_id NULL, role NULL, created_at, revoked_at,
                        last_used_at NULL (0003; written at most once a minute per token)
    absences            id PK (never reused), team_id FK, member_id, starts_at, ends_at, reason,
                        created_by, created_at (0004; deleted by ``rota absence remove``)
                        INDEX (team_id, member_id, starts_at)
    job_failures        job_key PK, failed_at, error (0005; why a queued solve failed)
    notify_deliveries   id PK, notice_id, webhook (its url_env), team_id, kind, due_at,
                        status (pending | delivered | failed | skipped | withdrawn), attempts,
                        next_attempt_at, claimed_until NULL, claimed_by NULL, last_error NULL,
                        created_at, finished_at NULL (0006; docs/notifications.md)
                        UNIQUE (notice_id, webhook); INDEX (status, next_attempt_at)

On PostgreSQL, revision 0005 also creates the job queue's own tables (procrastinate's) in the
schema ``procrastinate`` (see :mod:`rota.store.jobs`).

Room left for later revisions (add them as ``versions/0007_...py``):

- Re-solves (issue 5) need no new table: a re-solve is a new version; what it was based on, the
  freeze instant and the change count go into ``meta``. Index ``assignments (member_id)`` serves
  history and a member's shifts; ``schedule_versions (team_id, version)`` finds the previous one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeEngine


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
    job_key: Mapped[str | None] = mapped_column(String(64), unique=True)


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
    last_used_at: Mapped[datetime | None]


class AbsenceRow(Base):
    __tablename__ = "absences"
    __table_args__ = (
        Index("ix_absences_team_id_member_id_starts_at", "team_id", "member_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="positive_length"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    member_id: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]


class JobFailureRow(Base):
    __tablename__ = "job_failures"

    job_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_at: Mapped[datetime]
    error: Mapped[str] = mapped_column(Text)


DELIVERY_STATUSES = ("pending", "delivered", "failed", "skipped", "withdrawn")


class NotifyDeliveryRow(Base):
    __tablename__ = "notify_deliveries"
    __table_args__ = (
        UniqueConstraint("notice_id", "webhook"),
        Index("ix_notify_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        CheckConstraint(
            "status IN ('pending', 'delivered', 'failed', 'skipped', 'withdrawn')",
            name="status_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    notice_id: Mapped[str] = mapped_column(String(64))
    webhook: Mapped[str] = mapped_column(String(128))
    team_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int]
    next_attempt_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


metadata = Base.metadata
