"""``rota submit``, ``rota worker``, ``rota jobs``: queued solving (:mod:`rota.solve_queue`).

Registered on the main app by ``rota/cli.py`` (``app.add_typer(jobs_commands)``). A store that
is not PostgreSQL is a usage error (exit 2) for all three: the queue lives in its database.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from rota.cli_io import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    SeedOption,
    StrategyOption,
    TimeLimitOption,
    err,
    open_store,
    out,
    print_json,
)
from rota.errors import ConfigError

if TYPE_CHECKING:
    from rota.store import JobRecord

jobs_commands = typer.Typer()


@jobs_commands.command()
def submit(
    files: Annotated[
        list[Path], typer.Argument(help="Team files, one job each.", show_default=False)
    ],
    db: DbOption = DEFAULT_DB,
    time_limit: TimeLimitOption = 60.0,
    strategy: StrategyOption = "cp-sat",
    seed: SeedOption = 0,
    workers: Annotated[int, typer.Option(min=1, max=256, help="Solver threads per job.")] = 2,
    freeze: Annotated[
        float | None,
        typer.Option(
            min=0,
            max=8760,
            help="Re-solve: keep shifts starting before now + HOURS as published, now being "
            "when the job runs (default: rotation.freeze_hours, 48).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Queue a solve per team file for `rota worker` (PostgreSQL store); print the job ids.

    Every file is checked first, as `rota solve` checks it: if any is bad, each problem is
    printed and nothing is queued (exit 2). A job stores the file's text as checked now and
    solves it when a worker takes it, as `rota solve` would then.
    """
    from rota.config import load_team_file
    from rota.errors import UsageError
    from rota.solve_queue import QueuedSolve, require_postgres
    from rota.solve_queue import submit as queue_solves
    from rota.solving import STRATEGIES, SolveRequest

    require_postgres(db)
    if strategy not in STRATEGIES:
        raise UsageError(f"--strategy: expected 'cp-sat' or 'round-robin'. Got value: {strategy!r}")
    jobs: list[QueuedSolve] = []
    problems: list[str] = []
    for path in files:
        try:
            cfg, text = load_team_file(path)
            request = SolveRequest.of(
                cfg,
                text,
                path.name,
                time_limit_s=time_limit,
                strategy=strategy,
                seed=seed,
                workers=workers,
                freeze_hours=freeze,
            )
        except ConfigError as exc:
            problems.append(str(exc))
            continue
        jobs.append(QueuedSolve.of(request))
    if problems:
        for problem in problems:
            err.print(problem, markup=False, highlight=False)
        err.print(f"nothing queued: {len(problems)} bad team file(s)", markup=False)
        raise typer.Exit(2)
    open_store(db).close()  # brings the schema (and the queue's tables) up to date
    ids = queue_solves(db, jobs)
    if as_json:
        print_json(
            [{"id": i, "team": j.team_id, "file": j.file} for i, j in zip(ids, jobs, strict=True)]
        )
        return
    for job_id, job in zip(ids, jobs, strict=True):
        out.print(f"queued job {job_id}: team {job.team_id} ({job.file})", markup=False)


@jobs_commands.command()
def worker(
    db: DbOption = DEFAULT_DB,
    concurrency: Annotated[
        int, typer.Option(min=1, max=64, help="Jobs run at once (each uses its --workers threads).")
    ] = 1,
    once: Annotated[
        bool, typer.Option("--once", help="Stop when the queue is empty instead of waiting.")
    ] = False,
    stalled_after: Annotated[
        float,
        typer.Option(
            "--stalled-after",
            min=3,
            max=3600,
            help="Seconds without a worker's heartbeat before its jobs run again elsewhere.",
        ),
    ] = 30.0,
) -> None:
    """Run queued solves from the store until stopped (Ctrl-C, SIGTERM: after the running jobs).

    Start one on every machine that should solve; each reaches the store by --db. A worker
    that dies mid-solve loses nothing: another runs its job again after --stalled-after.
    """
    from rota.solve_queue import require_postgres, run_worker

    require_postgres(db)
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("rota.jobs").setLevel(logging.INFO)  # procrastinate's: warnings only
    with open_store(db) as store:
        run_worker(db, store, concurrency=concurrency, once=once, stalled_after_s=stalled_after)


@jobs_commands.command("jobs")
def list_jobs(
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Show the newest N.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """Queued solves, oldest first: team, status (queued, running, done, failed), version."""
    from rota.solve_queue import list_jobs as queued
    from rota.solve_queue import require_postgres

    require_postgres(db)
    with open_store(db) as store:
        records = queued(store, limit)
    if as_json:
        print_json([job_json(record) for record in records])
        return
    if not records:
        out.print("no queued solves", markup=False)
        return
    rows = [_row(record) for record in records]
    header = ("id", "team", "status", "version", "runs", "queued (UTC)", "started (UTC)", "took")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        out.print(line.rstrip(), markup=False, highlight=False)
    for record in records:
        if record.error:
            out.print(f"job {record.id} failed: {record.error}", markup=False, highlight=False)


def _row(record: JobRecord) -> tuple[str, ...]:
    took = _seconds(record.started_at, record.finished_at)
    return (
        str(record.id),
        record.team_id,
        record.status,
        str(record.version or "-"),
        str(record.attempts),
        _when(record.queued_at),
        _when(record.started_at),
        "-" if took is None else f"{took:.1f}s",
    )


def job_json(record: JobRecord) -> dict[str, Any]:
    """A queued solve as ``rota jobs --json`` prints it (instants in UTC, ISO 8601)."""
    return {
        "id": record.id,
        "team": record.team_id,
        "file": record.file,
        "status": record.status,
        "version": record.version,
        "attempts": record.attempts,
        "queued_at": _iso(record.queued_at),
        "started_at": _iso(record.started_at),
        "finished_at": _iso(record.finished_at),
        "seconds": _seconds(record.started_at, record.finished_at),
        "error": record.error,
    }


def _iso(instant: datetime | None) -> str | None:
    from datetime import UTC

    return None if instant is None else instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _when(instant: datetime | None) -> str:
    from datetime import UTC

    return "-" if instant is None else f"{instant.astimezone(UTC):%Y-%m-%d %H:%M:%S}"


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    return None if start is None or end is None else round((end - start).total_seconds(), 3)
