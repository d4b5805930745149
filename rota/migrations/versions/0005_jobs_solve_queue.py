"""Queued solves: the version a job stored, why a job failed, and the job queue's tables.

``schedule_versions.job_key`` (unique) ties a version to the queued solve that stored it, so a
job that runs twice stores once; ``job_failures`` keeps why a job failed. On PostgreSQL the
job queue's own tables (procrastinate's) are created in the schema ``procrastinate``.

Revision ID: 0005_jobs
Revises: 0004_absence
Create Date: 2026-12-04
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0005_jobs"
down_revision = "0004_absence"
branch_labels = None
depends_on = None


def _instant() -> sa.types.TypeEngine[datetime]:
    return sa.DateTime(timezone=True).with_variant(sa.String(27), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("schedule_versions") as batch:
        batch.add_column(sa.Column("job_key", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_schedule_versions_job_key", ["job_key"])
    op.create_table(
        "job_failures",
        sa.Column("job_key", sa.String(64), nullable=False),
        sa.Column("failed_at", _instant(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("job_key", name="pk_job_failures"),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from rota.store.jobs import install_queue_schema

        install_queue_schema(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from rota.store.jobs import QUEUE_SCHEMA

        op.execute(f"DROP SCHEMA IF EXISTS {QUEUE_SCHEMA} CASCADE")
    op.drop_table("job_failures")
    with op.batch_alter_table("schedule_versions") as batch:
        batch.drop_constraint("uq_schedule_versions_job_key", type_="unique")
        batch.drop_column("job_key")
