"""Absences: a member away for a while, recorded with ``rota absence add`` next to the team
file's own ``unavailable``.

Revision ID: 0004_absence
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0004_absence"
down_revision = "0003"
branch_labels = None
depends_on = None


def _instant() -> sa.types.TypeEngine[datetime]:
    return sa.DateTime(timezone=True).with_variant(sa.String(27), "sqlite")


def upgrade() -> None:
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("starts_at", _instant(), nullable=False),
        sa.Column("ends_at", _instant(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=True),
        sa.Column("created_at", _instant(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_absences"),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name="fk_absences_team_id_teams", ondelete="CASCADE"
        ),
        sa.CheckConstraint("ends_at > starts_at", name="ck_absences_positive_length"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_absences_team_id_member_id_starts_at",
        "absences",
        ["team_id", "member_id", "starts_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_absences_team_id_member_id_starts_at", table_name="absences")
    op.drop_table("absences")
