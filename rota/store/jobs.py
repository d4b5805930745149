"""Queued solves in the store: the job queue's tables and what rota records about each job.

The queue itself is procrastinate's (:mod:`rota.jobs`). Its tables live in the PostgreSQL schema
:data:`QUEUE_SCHEMA` of the store's database, created by the store's migration 0004
(:func:`install_queue_schema`), so that one ``rota db upgrade`` brings both up to date and
rota's own schema stays exactly its models. Rota adds two facts the queue does not keep: the
version a job stored (``schedule_versions.job_key``, written in the same transaction as the
version, which also makes a job that runs twice store once) and why a job failed
(``job_failures``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, text
from sqlalchemy.engine import Connection

from rota.errors import StoreError
from rota.store.core import StoreCore
from rota.store.records import JobRecord, JobStatus
from rota.store.schema import JobFailureRow, VersionRow

QUEUE_SCHEMA = "procrastinate"
"""The PostgreSQL schema holding procrastinate's tables and functions."""

_STATUS: dict[str, JobStatus] = {
    "todo": "queued",
    "doing": "running",
    "succeeded": "done",
    "failed": "failed",
    "cancelled": "failed",
    "aborting": "running",
    "aborted": "failed",
}
"""procrastinate's job states as ``rota jobs`` shows them."""

_JOBS = text(f"""
SELECT job.id, job.status, job.args, job.attempts,
       (SELECT min(e.at) FROM {QUEUE_SCHEMA}.procrastinate_events e
         WHERE e.job_id = job.id AND e.type = 'deferred') AS queued_at,
       (SELECT max(e.at) FROM {QUEUE_SCHEMA}.procrastinate_events e
         WHERE e.job_id = job.id AND e.type = 'started') AS started_at,
       (SELECT max(e.at) FROM {QUEUE_SCHEMA}.procrastinate_events e
         WHERE e.job_id = job.id
           AND e.type IN ('succeeded', 'failed', 'cancelled', 'aborted')) AS finished_at
  FROM {QUEUE_SCHEMA}.procrastinate_jobs job
 WHERE job.task_name = :task_name
 ORDER BY job.id DESC
 LIMIT :limit
""")  # noqa: S608 (the schema name is a constant)


def install_queue_schema(connection: Connection) -> None:
    """Create procrastinate's tables and functions in :data:`QUEUE_SCHEMA`, unless there.

    Runs inside the migration's transaction (PostgreSQL only); the search path is set for
    that transaction alone and put back, so the migration's other statements are unaffected.

    Raises:
        StoreError: procrastinate is not installed (the ``postgres`` extra brings it).
    """
    try:
        from procrastinate.schema import SchemaManager
    except ImportError as exc:
        raise StoreError(
            "a PostgreSQL store needs the job queue's package: pip install 'rota[postgres]' "
            f"({exc})"
        ) from exc

    connection.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {QUEUE_SCHEMA}")
    existing = connection.scalar(
        text("SELECT to_regclass(:table)"), {"table": f"{QUEUE_SCHEMA}.procrastinate_jobs"}
    )
    if existing is not None:
        return
    search_path = connection.scalar(text("SELECT current_setting('search_path')"))
    connection.execute(
        text("SELECT set_config('search_path', :path, true)"), {"path": QUEUE_SCHEMA}
    )
    # Several statements in one call: psycopg allows it without parameters.
    connection.connection.driver_connection.execute(  # type: ignore[union-attr]
        SchemaManager.get_schema().encode()
    )
    connection.execute(text("SELECT set_config('search_path', :path, true)"), {"path": search_path})


class JobStore(StoreCore):
    """What rota records about queued solves (part of :class:`rota.store.Store`)."""

    def version_of_job(self, job_key: str) -> int | None:
        """The version the job ``job_key`` stored, or None while it has stored none."""
        with self._transaction() as connection:
            return connection.scalar(
                select(VersionRow.version).where(VersionRow.job_key == job_key)
            )

    def record_job_failure(self, job_key: str, error: str) -> None:
        """Remember why the job ``job_key`` failed (its latest failure)."""
        with self._transaction(write=True) as connection:
            connection.execute(delete(JobFailureRow).where(JobFailureRow.job_key == job_key))
            connection.execute(
                insert(JobFailureRow).values(job_key=job_key, failed_at=self._now(), error=error)
            )

    def list_jobs(self, task_name: str, limit: int) -> list[JobRecord]:
        """The newest ``limit`` jobs of the task ``task_name``, oldest first (PostgreSQL)."""
        with self._transaction() as connection:
            rows = connection.execute(_JOBS, {"task_name": task_name, "limit": limit}).all()
            keys = [str(row.args.get("key", "")) for row in rows]
            versions = dict(
                connection.execute(
                    select(VersionRow.job_key, VersionRow.version).where(
                        VersionRow.job_key.in_(keys)
                    )
                ).all()
            )
            errors = dict(
                connection.execute(
                    select(JobFailureRow.job_key, JobFailureRow.error).where(
                        JobFailureRow.job_key.in_(keys)
                    )
                ).all()
            )
        return [_record(row, versions, errors) for row in reversed(rows)]


def _record(row: Any, versions: dict[str | None, int], errors: dict[str, str]) -> JobRecord:
    args: dict[str, Any] = row.args
    key = str(args.get("key", ""))
    status = _STATUS.get(row.status, "failed")
    error = None
    if status == "failed":
        error = errors.get(key) or f"the job was {row.status}"
    finished: datetime | None = row.finished_at if status in ("done", "failed") else None
    return JobRecord(
        id=row.id,
        team_id=str(args.get("team_id", "")),
        file=str(args.get("file", "")),
        status=status,
        version=versions.get(key),
        attempts=row.attempts,
        queued_at=row.queued_at,
        started_at=row.started_at,
        finished_at=finished,
        error=error,
    )
