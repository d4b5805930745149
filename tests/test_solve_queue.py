"""Queued solving as users run it: ``rota submit``, ``rota worker`` processes, ``rota jobs``.

The queue needs PostgreSQL: those tests run on the scratch database of
``ROTA_TEST_POSTGRES_URL`` (CI starts one, .ci/postgres.sh) and are skipped without it. That a
job which runs twice stores once is checked on SQLite too: it is the store's doing.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import create_engine

from rota.errors import InfeasibleRotaError
from rota.solve_queue import SOLVE_TASK, QueuedSolve, run_queued_solve
from rota.solving import SolveRequest, team_file_from_text
from rota.store import JobRecord, Store
from rota.store.jobs import QUEUE_SCHEMA
from tests.conftest import POSTGRES_URL
from tests.served import rota_command
from tests.test_cli import SMALL_TEAM, run

ROOT = Path(__file__).resolve().parents[1]

STALLED_AFTER_S = 3
"""The workers' --stalled-after here: a killed worker's job runs again within seconds."""

WAIT_S = 180.0
"""The longest any wait below may take before the test fails (a hang, not slowness)."""

T = TypeVar("T")

needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="set ROTA_TEST_POSTGRES_URL to a scratch database"
)


def queue_metrics(url: str) -> dict[tuple[str, str], float]:
    """The queue's samples on a server's ``/metrics`` (status or outcome label -> value)."""
    from fastapi.testclient import TestClient
    from prometheus_client.parser import text_string_to_metric_families

    from api.app import create_app
    from api.settings import Settings

    with TestClient(create_app(Settings(db_url=url))) as client:
        text = client.get("/metrics").text
    return {
        (sample.name, sample.labels.get("status") or sample.labels["outcome"]): sample.value
        for family in text_string_to_metric_families(text)
        if family.name in ("rota_solve_jobs", "rota_solve_job_seconds")
        for sample in family.samples
        if sample.name in ("rota_solve_jobs", "rota_solve_job_seconds_count")
    }


@pytest.fixture
def queue_url() -> str:
    """The scratch PostgreSQL database, emptied of rota's tables and the job queue's."""
    assert POSTGRES_URL is not None
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {QUEUE_SCHEMA} CASCADE")
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    return POSTGRES_URL


def slow_team(team_id: str) -> str:
    """A 13-person follow-the-sun team over two weeks: the solver is still improving after
    two seconds, so a two-second solve runs its whole time limit."""
    text = (ROOT / "configs" / "follow-the-sun.yaml").read_text(encoding="utf-8")
    changed = text.replace("\n  id: global-sre\n", f"\n  id: {team_id}\n").replace(
        "\n  weeks: 8\n", "\n  weeks: 2\n"
    )
    assert changed.count(team_id) == 1
    assert "\n  weeks: 2\n" in changed
    return changed


def until(probe: Callable[[], T | None], what: str) -> T:
    """Poll ``probe`` until it returns something, for at most :data:`WAIT_S`."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        found = probe()
        if found is not None:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting until {what}")


@contextmanager
def worker(url: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A ``rota worker`` process; stopped as SIGTERM would stop it, unless already dead."""
    command = [rota_command(), "worker", "--db", url, "--stalled-after", str(STALLED_AFTER_S)]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def jobs_of(store: Store) -> list[JobRecord]:
    return store.list_jobs(SOLVE_TASK, 100)


# ------------------------------------------------------------------------------- many machines


@needs_postgres
def test_six_teams_two_workers_one_killed_mid_solve_store_six_versions_once_each(
    queue_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = []
    for number in range(1, 7):
        path = tmp_path / f"team-{number}.yaml"
        path.write_text(slow_team(f"team-{number}"), encoding="utf-8")
        files.append(str(path))
    code, out, err = run(
        capsys, "submit", *files, "--db", queue_url, "--time-limit", "2", "--workers", "1", "--json"
    )
    assert code == 0, err
    submitted = json.loads(out)
    assert [job["team"] for job in submitted] == [f"team-{n}" for n in range(1, 7)]

    with Store.open(queue_url) as store:
        with worker(queue_url, tmp_path / "a.log") as doomed, worker(queue_url, tmp_path / "b.log"):
            until(
                lambda: [j for j in jobs_of(store) if j.status == "running"][1:] or None,
                "both workers are solving",
            )
            doomed.send_signal(signal.SIGKILL)
            doomed.wait(timeout=10)
            at_kill = {job.id: job for job in jobs_of(store)}
            finished = until(
                lambda: (lambda jobs: jobs if all(j.status == "done" for j in jobs) else None)(
                    jobs_of(store)
                ),
                "every job is done",
            )
        versions = {f"team-{n}": store.list_versions(f"team-{n}") for n in range(1, 7)}

    logs = (tmp_path / "a.log").read_text() + (tmp_path / "b.log").read_text()
    assert doomed.returncode == -signal.SIGKILL
    assert [job.id for job in finished] == [job["id"] for job in submitted]
    assert [job.version for job in finished] == [1] * 6, logs
    assert {team: len(stored) for team, stored in versions.items()} == {
        f"team-{n}": 1 for n in range(1, 7)
    }
    # The killed worker's job: running and with nothing stored when it died, then run again.
    ran_twice = [job for job in finished if job.attempts > 1]
    assert len(ran_twice) == 1, [(j.id, j.attempts) for j in finished]
    killed = at_kill[ran_twice[0].id]
    assert (killed.status, killed.version) == ("running", None)
    assert "its worker stopped; queued again" in logs

    code, out, err = run(capsys, "jobs", "--db", queue_url, "--json")
    assert code == 0, err
    listed = json.loads(out)
    assert [(j["team"], j["status"], j["version"]) for j in listed] == [
        (f"team-{n}", "done", 1) for n in range(1, 7)
    ]
    assert all(j["started_at"] <= j["finished_at"] and j["error"] is None for j in listed)


@needs_postgres
def test_worker_runs_the_queue_and_keeps_why_a_job_failed(
    queue_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small = tmp_path / "tiny.yaml"
    small.write_text(SMALL_TEAM, encoding="utf-8")
    cannot_fit = ROOT / "configs" / "cannot-fit" / "sre-9.yaml"
    code, out, err = run(
        capsys, "submit", str(small), str(cannot_fit), "--db", queue_url, "--time-limit", "1"
    )
    assert code == 0, err
    assert out.splitlines() == [
        "queued job 1: team tiny (tiny.yaml)",
        "queued job 2: team sre-9 (sre-9.yaml)",
    ]

    code, out, err = run(capsys, "jobs", "--db", queue_url, "--json")
    assert [(j["id"], j["status"], j["version"], j["started_at"]) for j in json.loads(out)] == [
        (1, "queued", None, None),
        (2, "queued", None, None),
    ]

    assert queue_metrics(queue_url) == {
        ("rota_solve_jobs", "queued"): 2.0,
        ("rota_solve_jobs", "running"): 0.0,
        ("rota_solve_jobs", "done"): 0.0,
        ("rota_solve_jobs", "failed"): 0.0,
        ("rota_solve_job_seconds_count", "done"): 0.0,
        ("rota_solve_job_seconds_count", "failed"): 0.0,
    }

    code, _out, err = run(capsys, "worker", "--db", queue_url, "--once")
    assert code == 0, err
    after = queue_metrics(queue_url)
    assert (after[("rota_solve_jobs", "queued")], after[("rota_solve_jobs", "done")]) == (0, 1)
    assert after[("rota_solve_jobs", "failed")] == 1
    assert after[("rota_solve_job_seconds_count", "done")] == 1

    code, out, err = run(capsys, "jobs", "--db", queue_url, "--json")
    assert code == 0, err
    tiny, sre = json.loads(out)
    assert (tiny["team"], tiny["status"], tiny["version"], tiny["error"]) == (
        "tiny",
        "done",
        1,
        None,
    )
    assert (sre["team"], sre["status"], sre["version"]) == ("sre-9", "failed", None)
    assert sre["error"].startswith("no rota for team sre-9")
    assert sre["attempts"] == 1  # infeasible is final: not retried

    code, out, err = run(capsys, "jobs", "--db", queue_url)
    assert code == 0, err
    assert out.splitlines()[0].split() == [
        "id", "team", "status", "version", "runs", "queued", "(UTC)", "started", "(UTC)", "took",
    ]  # fmt: skip
    assert "job 2 failed: no rota for team sre-9" in out


@needs_postgres
def test_submit_queues_nothing_when_a_file_is_bad(
    queue_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "tiny.yaml"
    good.write_text(SMALL_TEAM, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL_TEAM.replace("weeks: 1", "weeks: 0"), encoding="utf-8")

    code, out, err = run(capsys, "submit", str(good), str(bad), "--db", queue_url)

    assert code == 2
    assert out == ""
    assert f"{bad}: horizon.weeks" in err
    assert "nothing queued: 1 bad team file(s)" in err
    assert "Traceback" not in err
    code, out, err = run(capsys, "jobs", "--db", queue_url)
    assert (code, out) == (0, "no queued solves\n"), err


@pytest.mark.parametrize("command", ["submit", "worker", "jobs"])
def test_queued_solving_refuses_a_sqlite_store(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "tiny.yaml"
    good.write_text(SMALL_TEAM, encoding="utf-8")
    files = [str(good)] if command == "submit" else []
    db = f"sqlite:///{tmp_path / 'rota.db'}"

    code, out, err = run(capsys, command, *files, "--db", db)

    assert code == 2
    assert out == ""
    assert err.startswith("queued solving needs PostgreSQL")
    assert repr(db) in err
    assert not (tmp_path / "rota.db").exists()


# ------------------------------------------------------------------------------- stores once


def small_job(text: str = SMALL_TEAM) -> QueuedSolve:
    config = team_file_from_text(text, "tiny.yaml")
    return QueuedSolve.of(SolveRequest.of(config, text, "tiny.yaml", time_limit_s=5.0))


def test_a_job_that_runs_twice_stores_one_version(url: str) -> None:
    job = small_job()
    with Store.open(url) as store:
        first = run_queued_solve(store, job)
        again = run_queued_solve(store, job)
        other = run_queued_solve(store, small_job())  # a second job of the team: a new version

        assert (first, again, other) == (1, 1, 2)
        assert [v.version for v in store.list_versions("tiny")] == [1, 2]
        assert store.version_of_job(job.key) == 1


def test_a_version_stored_under_a_job_key_is_returned_not_stored_again(url: str) -> None:
    """The guard inside the save: two runs of one job racing (neither saw the other's version
    before solving) store one version, even though the team changed under the second."""
    with Store.open(url) as store:
        before = store.revision("tiny", missing_ok=True)
        run_queued_solve(store, small_job())  # the team moves on meanwhile
        first = store.load_schedule("tiny")
        stored = store.save_schedule(
            first, config_text=SMALL_TEAM, config_name="tiny.yaml", job_key="k1"
        )
        replay = store.save_schedule(
            first,
            config_text=SMALL_TEAM,
            config_name="tiny.yaml",
            job_key="k1",
            expected_revision=before,
        )

        assert (stored.version, replay.version) == (2, 2)
        assert replay.shifts == stored.shifts
        assert [v.version for v in store.list_versions("tiny")] == [1, 2]


def test_now_and_the_freeze_are_read_when_the_job_runs(url: str) -> None:
    with Store.open(url) as store:
        run_queued_solve(store, small_job(), now=lambda: datetime(2027, 3, 1, tzinfo=UTC))
        queued = small_job()  # queued now; runs "later", on 23 March
        run_queued_solve(store, queued, now=lambda: datetime(2027, 3, 23, tzinfo=UTC))

        resolved = store.load_schedule("tiny")
        assert resolved.meta["resolved_from"] == 1
        assert resolved.meta["frozen_until"] == "2027-03-25T00:00:00+00:00"  # + freeze 48 h


def test_a_failed_job_keeps_its_reason(url: str) -> None:
    text = (ROOT / "configs" / "cannot-fit" / "sre-9.yaml").read_text(encoding="utf-8")
    job = QueuedSolve.of(
        SolveRequest.of(team_file_from_text(text, "sre-9.yaml"), text, "sre-9.yaml")
    )
    with Store.open(url) as store:
        with pytest.raises(InfeasibleRotaError):
            run_queued_solve(store, job)

        assert store.version_of_job(job.key) is None
        with store._transaction() as connection:
            errors = connection.exec_driver_sql("SELECT job_key, error FROM job_failures").all()
        assert [key for key, _error in errors] == [job.key]
        assert errors[0][1].startswith("no rota for team sre-9")
