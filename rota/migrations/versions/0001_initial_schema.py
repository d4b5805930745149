"""Initial schema: teams, versioned schedules (shifts, assignments), overrides, API keys.

Revision ID: 0001
Revises:
Create Date: 2026-01-01

Self-contained on purpose (no imports from rota), so it keeps working when the code moves on.
Instants are ``timestamptz`` on PostgreSQL and fixed-width ISO-8601 UTC strings on SQLite
(``YYYY-MM-DDTHH:MM:SS.ffffffZ``, 27 characters), matching ``rota.store.Instant``.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _instant() -> sa.types.TypeEngine[datetime]:
    return sa.DateTime(timezone=True).with_variant(sa.String(27), "sqlite")


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_teams"),
    )
    op.create_table(
        "schedule_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("horizon_start", _instant(), nullable=False),
        sa.Column("horizon_end", _instant(), nullable=False),
        sa.Column("longest_shift_s", sa.Integer(), nullable=False),
        sa.Column("config_name", sa.String(255), nullable=False),
        sa.Column("config_text", sa.Text(), nullable=False),
        sa.Column("meta", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_schedule_versions"),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name="fk_schedule_versions_team_id_teams",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("team_id", "version", name="uq_schedule_versions_team_id_version"),
        sa.CheckConstraint("version >= 1", name="ck_schedule_versions_version_positive"),
    )
    op.create_table(
        "shifts",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("starts_at", _instant(), nullable=False),
        sa.Column("ends_at", _instant(), nullable=False),
        sa.PrimaryKeyConstraint("version_id", "position", name="pk_shifts"),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["schedule_versions.id"],
            name="fk_shifts_version_id_schedule_versions",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("ends_at > starts_at", name="ck_shifts_positive_length"),
    )
    op.create_index("ix_shifts_version_id_starts_at", "shifts", ["version_id", "starts_at"])
    op.create_table(
        "assignments",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("version_id", "position", "role", name="pk_assignments"),
        sa.ForeignKeyConstraint(
            ["version_id", "position"],
            ["shifts.version_id", "shifts.position"],
            name="fk_assignments_version_id_position_shifts",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_assignments_member_id", "assignments", ["member_id"])
    op.create_table(
        "overrides",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("starts_at", _instant(), nullable=False),
        sa.Column("ends_at", _instant(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=True),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("removed_at", _instant(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_overrides"),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name="fk_overrides_team_id_teams", ondelete="CASCADE"
        ),
        sa.CheckConstraint("ends_at > starts_at", name="ck_overrides_positive_length"),
    )
    op.create_index("ix_overrides_team_id_starts_at", "overrides", ["team_id", "starts_at"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("key_hash", sa.String(128), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("revoked_at", _instant(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
        sa.CheckConstraint("scope IN ('read', 'write')", name="ck_api_keys_scope_known"),
    )
    op.create_index(
        "ux_api_keys_active_name",
        "api_keys",
        ["name"],
        unique=True,
        sqlite_where=sa.text("revoked_at IS NULL"),
        postgresql_where=sa.text("revoked_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("api_keys")
    op.drop_table("overrides")
    op.drop_table("assignments")
    op.drop_table("shifts")
    op.drop_table("schedule_versions")
    op.drop_table("teams")
