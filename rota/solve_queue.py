"""Queued solving: team files solved by workers on any machine that reaches the store.

The queue is procrastinate's, on the store's own PostgreSQL database (its tables in the schema
``procrastinate``, created by the store's migrations): no second service to run, and a job is
queued in the same database it will store its version in. Design notes:

- **One task**, ``rota.solve``. A job carries the team file's text as validated when it was
  submitted, the options of ``rota solve`` and a random ``key``. "Now", and so the re-solve
  freeze, is read when the job runs, not when it was queued. The job runs the same
  :func:`rota.solving.solve_and_store` as ``rota solve``.
- **A team at a time**: a job's procrastinate ``lock`` is its team id, so two solves of one team
  never run at once (each would otherwise stop the other's save); different teams run in
  parallel on as many workers as there are.
- **Stores once**: the job's key is stored with its version in the same transaction, and a
  job that finds its key stored returns that version. A job that runs twice (its worker died
  after storing, or was wrongly presumed dead) stores one version.
- **Nothing lost when a worker dies**: workers write a heartbeat every third of
  ``stalled_after`` seconds; every worker retries, every half ``stalled_after``, the running
  jobs of workers whose heartbeat is older than ``stalled_after`` (procrastinate's
  ``get_stalled_jobs`` and ``retry_job``). The solver releases the GIL, so a long solve does
  not starve its worker's heartbeat.
- **Retries**: a job whose team changed while it solved (``ConcurrentChange``) or whose store
  failed (``StoreError``) runs again, up to :data:`MAX_ATTEMPTS` times with a growing wait; an
  infeasible team or a bad file fails at once. Why it failed is kept (``job_failures``).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rota.errors import ConcurrentChange, RotaError, StoreError, UsageError
from rota.solving import Strategy

if TYPE_CHECKING:
    import procrastinate

    from rota.solving import SolveRequest
    from rota.store import JobRecord, Store

SOLVE_TASK = "rota.solve"
"""The task name of a queued solve."""

SOLVE_QUEUE = "solves"
"""The queue queued solves go to (and ``rota worker`` takes from)."""

MAX_ATTEMPTS = 4
"""Runs of a job that failed for a passing reason (team changed meanwhile, store failed)."""

STALLED_AFTER_S = 30.0
"""Seconds without a worker heartbeat before its running jobs are run again elsewhere."""

log = logging.getLogger("rota.jobs")


@dataclass(frozen=True, slots=True)
class QueuedSolve:
    """What a queued solve job carries (its procrastinate arguments)."""

    key: str
    team_id: str
    file: str
    text: str
    time_limit_s: float = 60.0
    strategy: Strategy = "cp-sat"
    seed: int = 0
    workers: int = 2
    freeze_hours: float | None = None

    @classmethod
    def of(cls, request: SolveRequest) -> QueuedSolve:
        """The job for ``request`` (a validated team file and the options), with a new key."""
        return cls(
            key=uuid.uuid4().hex,
            team_id=request.team.id,
            file=request.config_name,
            text=request.source_text,
            time_limit_s=request.time_limit_s,
            strategy=request.strategy,
            seed=request.seed,
            workers=request.workers,
            freeze_hours=request.freeze_hours,
        )


def require_postgres(url: str) -> str:
    """The libpq connection URI of the store ``url``, which must be PostgreSQL.

    Raises:
        UsageError: the store is not PostgreSQL (queued solving needs it).
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from rota.store import redact_url

    try:
        parsed = make_url(url)
    except ArgumentError:
        parsed = None
    if parsed is None or parsed.get_backend_name() != "postgresql":
        raise UsageError(
            "queued solving needs PostgreSQL: workers on other machines take the jobs from "
            "the store's database (use --db postgresql+psycopg://user@host/rota, or "
            f"`rota solve` for a SQLite store). Got value: {redact_url(url)!r}"
        )
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def queue_app(url: str, store: Store | None = None, connections: int = 2) -> procrastinate.App:
    """A procrastinate app on the store's database; with ``store``, able to run solves.

    ``connections`` caps its connection pool (a worker: its concurrency and three more).

    Raises:
        UsageError: the store is not PostgreSQL.
    """
    import procrastinate

    from rota.store.jobs import QUEUE_SCHEMA

    connector = procrastinate.PsycopgConnector(
        conninfo=require_postgres(url),
        kwargs={"options": f"-c search_path={QUEUE_SCHEMA}"},
        min_size=1,
        max_size=connections,
    )
    app = procrastinate.App(connector=connector)
    if store is not None:
        retry = procrastinate.RetryStrategy(
            max_attempts=MAX_ATTEMPTS,
            exponential_wait=2,
            retry_exceptions={ConcurrentChange, StoreError},
        )

        def solve(context: procrastinate.JobContext, /, **args: Any) -> int:
            job = QueuedSolve(**args)
            log.info("job %s: solving team %s (%s)", context.job.id, job.team_id, job.file)
            return run_queued_solve(store, job)

        app.task(name=SOLVE_TASK, queue=SOLVE_QUEUE, pass_context=True, retry=retry)(solve)
    return app


def run_queued_solve(
    store: Store, job: QueuedSolve, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> int:
    """Run one queued solve (or find the version it stored before) and return the version.

    A failure is recorded with the job's key (what ``rota jobs`` shows) and raised again, for
    the queue to retry or fail the job.
    """
    from rota.solving import SolveRequest, solve_and_store, team_file_from_text

    earlier = store.version_of_job(job.key)
    if earlier is not None:
        log.info("team %s: version %s was stored by this job's earlier run", job.team_id, earlier)
        return earlier
    try:
        request = SolveRequest.of(
            team_file_from_text(job.text, job.file),
            job.text,
            job.file,
            time_limit_s=job.time_limit_s,
            strategy=job.strategy,
            seed=job.seed,
            workers=job.workers,
            freeze_hours=job.freeze_hours,
            job_key=job.key,
        )
        outcome = solve_and_store(store, request, now=now(), warn=log.warning)
    except Exception as exc:
        _record_failure(store, job, exc)
        raise
    for warning in outcome.meta.get("warnings", []):
        log.warning("team %s: %s", job.team_id, warning)
    version = outcome.stored.version
    assert version is not None
    log.info("team %s: stored version %s (%s)", job.team_id, version, outcome.meta.get("status"))
    return version


def _record_failure(store: Store, job: QueuedSolve, exc: Exception) -> None:
    error = str(exc) if isinstance(exc, RotaError) else f"{type(exc).__name__}: {exc}"
    log.error("team %s (%s): %s", job.team_id, job.file, error)
    try:
        store.record_job_failure(job.key, error)
    except StoreError as failed:  # the store is down: the worker's log keeps it
        log.warning("job %s: could not record its failure: %s", job.key, failed)


def submit(url: str, jobs: Sequence[QueuedSolve]) -> list[int]:
    """Queue ``jobs`` all at once (one statement: all or none) and return their ids."""
    from procrastinate.jobs import Job

    async def defer() -> list[int]:
        async with queue_app(url).open_async() as app:
            deferred = await app.job_manager.batch_defer_jobs_async(
                [
                    Job(
                        queue=SOLVE_QUEUE,
                        lock=job.team_id,
                        queueing_lock=None,
                        task_name=SOLVE_TASK,
                        task_kwargs=asdict(job),
                    )
                    for job in jobs
                ]
            )
        return [job.id for job in deferred if job.id is not None]

    return asyncio.run(defer())


def run_worker(
    url: str,
    store: Store,
    *,
    concurrency: int = 1,
    once: bool = False,
    stalled_after_s: float = STALLED_AFTER_S,
) -> None:
    """Take queued solves and run them until stopped (``once``: until the queue is empty).

    SIGINT or SIGTERM stops taking jobs and waits for the running ones; a second signal, or
    SIGKILL, stops at once, and the running jobs run again on another worker.
    """

    async def work() -> None:
        async with queue_app(url, store, concurrency + 3).open_async() as app:
            log.info("worker: solving from queue %r, %d job(s) at once", SOLVE_QUEUE, concurrency)
            await retry_stalled(app, stalled_after_s)
            watch = asyncio.create_task(_keep_retrying_stalled(app, stalled_after_s))
            try:
                await app.run_worker_async(
                    queues=[SOLVE_QUEUE],
                    concurrency=concurrency,
                    wait=not once,
                    update_heartbeat_interval=stalled_after_s / 3,
                    stalled_worker_timeout=stalled_after_s,
                    fetch_job_polling_interval=min(5.0, stalled_after_s / 3),
                )
            finally:
                watch.cancel()

    quiet = _RotaErrorsLoggedByUs()
    procrastinate_log = logging.getLogger("procrastinate.worker")
    procrastinate_log.addFilter(quiet)
    try:
        asyncio.run(work())
    finally:
        procrastinate_log.removeFilter(quiet)


class _RotaErrorsLoggedByUs(logging.Filter):
    """Drops procrastinate's report of a job that failed with a :class:`RotaError` (which
    prints the job's arguments, the whole team file, and a traceback): the job logged one
    line saying why. Anything else, a bug included, keeps procrastinate's full report."""

    def filter(self, record: logging.LogRecord) -> bool:
        failure = record.exc_info[1] if record.exc_info else None
        return not isinstance(failure, RotaError)


async def retry_stalled(app: procrastinate.App, stalled_after_s: float) -> int:
    """Queue again the running solves of workers silent for ``stalled_after_s``; how many."""
    from procrastinate.exceptions import ConnectorException

    retried = 0
    for job in await app.job_manager.get_stalled_jobs(
        queue=SOLVE_QUEUE, task_name=SOLVE_TASK, seconds_since_heartbeat=stalled_after_s
    ):
        try:
            await app.job_manager.retry_job(job)
        except ConnectorException:  # another worker queued it again first
            continue
        retried += 1
        log.warning("job %s (team %s): its worker stopped; queued again", job.id, job.lock)
    return retried


async def _keep_retrying_stalled(app: procrastinate.App, stalled_after_s: float) -> None:
    from procrastinate.exceptions import ConnectorException

    while True:
        await asyncio.sleep(stalled_after_s / 2)
        try:
            await retry_stalled(app, stalled_after_s)
        except ConnectorException as exc:  # the store is down: try again later
            log.warning("could not look for stalled jobs: %s", exc)


def list_jobs(store: Store, limit: int) -> list[JobRecord]:
    """The newest ``limit`` queued solves, oldest first."""
    return store.list_jobs(SOLVE_TASK, limit)
