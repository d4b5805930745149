"""Handoff notices: one row per notice and webhook, claimed with a lease, with its outcome.

Revision ID: 0006_notify
Revises: 0005_jobs
Create Date: 2026-12-04
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0006_notify"
down_revision = "0005_jobs"
branch_labels = None
depends_on = None


def _instant() -> sa.types.TypeEngine[datetime]:
    return sa.DateTime(timezone=True).with_variant(sa.String(27), "sqlite")


def upgrade() -> None:
    op.create_table(
        "notify_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("notice_id", sa.String(64), nullable=False),
        sa.Column("webhook", sa.String(128), nullable=False),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("due_at", _instant(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _instant(), nullable=False),
        sa.Column("claimed_until", _instant(), nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("finished_at", _instant(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_notify_deliveries"),
        sa.UniqueConstraint("notice_id", "webhook", name="uq_notify_deliveries_notice_id_webhook"),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'failed', 'skipped', 'withdrawn')",
            name="ck_notify_deliveries_status_known",
        ),
    )
    op.create_index(
        "ix_notify_deliveries_status_next_attempt_at",
        "notify_deliveries",
        ["status", "next_attempt_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_notify_deliveries_status_next_attempt_at", "notify_deliveries")
    op.drop_table("notify_deliveries")
