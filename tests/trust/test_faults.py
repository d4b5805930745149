"""Faults: killed writers, a re-solve under readers, and broken database files.

- ``rota solve`` and ``rota override add`` are SIGKILLed after a random delay (drawn across the
  whole run, measured first): the store then opens, its versions are contiguous, every version
  has all its shifts and every role of every shift filled, and the overrides are whole. The next
  write works (no stale lock).
- While one thread stores new versions of a large schedule, the API keeps answering ``oncall``
  from a complete version: always 200, always one of the published answers.
- A corrupt, truncated, missing or unwritable database, or a directory given as one: exit 2 and a
  one-line message that names the store, no traceback.

``ROTA_FAULT_KILLS=N`` sets the number of kills per command (docs/reliability.md).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from bench.teams import SPECS, START, TeamSpec, team_document, team_yaml
from rota.horizon import build_grid
from rota.keys import API_KEY_PREFIX, new_secret, secret_hash
from rota.model import Schedule
from rota.service import config_from_text, load_team_state
from rota.store import Store
from tests.ops_team import TEAM_FILE, ops_schedule
from tests.trust.cli_runner import ROTA, assert_clean_failure, run_cli, run_rota

KILLS = int(os.environ.get("ROTA_FAULT_KILLS", "4"))
BIG = SPECS[2]  # 30 members, follow-the-sun, 12 weeks: ~340 shifts per version
SMALL = SPECS[0]  # 6 members, daily, 4 weeks (CP-SAT solves it in well under a second)
# Killed round-robin solves: 182 daily shifts per version, each run on the next horizon.
KILL = TeamSpec("kill-6m-daily-26w", 6, ("Europe/Berlin",), "daily", 26, 2)


@dataclass(frozen=True, slots=True)
class KillReport:
    kills: int
    committed: int  # kills that landed after the write committed


def check_store(url: str) -> dict[str, int]:
    """The store is consistent: returns team -> latest version."""
    latest: dict[str, int] = {}
    with Store.open(url) as store:
        for team in store.list_teams():
            versions = store.list_versions(team.id)
            numbers = [v.version for v in versions]
            assert numbers == list(range(1, len(numbers) + 1)), numbers
            for info in versions:
                schedule = store.load_schedule(team.id, info.version)
                cfg = config_from_text(store.team_config_text(team.id, info.version), team.id)
                roles = set(cfg.rotation.roles)
                assert len(schedule.shifts) == info.shift_count > 0
                assert schedule.shifts[0].start == schedule.horizon_start
                assert schedule.shifts[-1].end == schedule.horizon_end
                for before, after in pairwise(schedule.shifts):
                    assert before.end == after.start
                for shift in schedule.shifts:
                    assert set(shift.assignments) == roles, shift
                    assert all(shift.assignments.values())
            if numbers:
                state = load_team_state(store, team.id)
                assert state.index.start == state.schedule.horizon_start
                for override in store.list_overrides(team.id, include_removed=True):
                    assert override.id is not None
                    assert override.created_at is not None
                    assert override.end > override.start
                latest[team.id] = numbers[-1]
    return latest


def _run_killed(args: list[str], delay: float) -> int | None:
    """Start ``rota ARGS``, SIGKILL it after ``delay`` s; its exit code if it ended first."""
    process = subprocess.Popen(
        [str(ROTA), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        return process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        return None


def _timed(args: list[str]) -> float:
    started = time.monotonic()
    result = run_rota(args, timeout=120)
    assert result.code == 0, result.err
    return time.monotonic() - started


ArgsFor = Callable[[int], list[str]]


def kill_repeatedly(
    args_for: ArgsFor, url: str, team: str, kills: int, rng: random.Random
) -> KillReport:
    """Kill ``rota ARGS`` ``kills`` times at random points; check the store after each.

    ``args_for(i)`` gives the command of run ``i`` (a round-robin solve needs a horizon that
    does not overlap the published one, so each run may get its own team file).
    """
    full = _timed(args_for(0))  # also the baseline version
    run = 1  # the next free horizon
    committed = 0
    for _ in range(kills):
        before = check_store(url)[team]
        # Most of a run is start-up; draw the kill from its second half and a bit beyond,
        # where the write happens, as well as across the whole run.
        delay = rng.uniform(0.5 * full, 1.1 * full) if rng.random() < 0.75 else rng.uniform(0, full)
        code = _run_killed(args_for(run), delay)
        after = check_store(url)[team]
        assert code in (None, 0), code
        assert after in (before, before + 1), (before, after)
        committed += after - before
        run += after - before  # a published horizon is taken; otherwise it is still free
    # No stale lock and no half-written state: the next write works and counts on.
    last = check_store(url)[team]
    result = run_rota(args_for(run), timeout=120)
    assert result.code == 0, result.err
    assert check_store(url)[team] == last + 1
    return KillReport(kills, committed)


def big_team_args(tmp_path: Path, url: str) -> ArgsFor:
    """Round-robin solves of a daily team, run ``i`` on the ``i``-th 26-week horizon.

    A round-robin re-solve of a published horizon is refused, so each run takes the next one.
    (Daily handoffs join exactly; derived follow-the-sun grids do not across some DST changes:
    the xfail ``test_consecutive_follow_the_sun_horizons_join``.)
    """

    def args_for(i: int) -> list[str]:
        doc = team_document(KILL)
        doc["horizon"]["start"] = (START + timedelta(weeks=KILL.weeks * i)).isoformat()
        team_file = tmp_path / f"big-{i}.yaml"
        team_file.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        return ["solve", str(team_file), "--db", url, "--strategy", "round-robin", "--json"]

    return args_for


@pytest.fixture
def rng() -> random.Random:
    return random.Random(int(os.environ.get("ROTA_FAULT_SEED", "7")))


def test_sigkill_during_solve_keeps_the_previous_version(
    tmp_path: Path, rng: random.Random
) -> None:
    url = f"sqlite:///{tmp_path / 'rota.db'}"
    report = kill_repeatedly(big_team_args(tmp_path, url), url, KILL.name, KILLS, rng)
    print(f"solve (round-robin): {report}")


def test_sigkill_during_cp_sat_solve_keeps_the_previous_version(
    tmp_path: Path, rng: random.Random
) -> None:
    team_file = tmp_path / "small.yaml"
    team_file.write_text(team_yaml(SMALL), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'rota.db'}"
    args = ["solve", str(team_file), "--db", url, "--time-limit", "1", "--json"]
    report = kill_repeatedly(lambda _i: args, url, SMALL.name, max(KILLS // 2, 1), rng)
    print(f"solve (cp-sat): {report}")


def test_sigkill_during_override_add_keeps_overrides_whole(
    tmp_path: Path, rng: random.Random
) -> None:
    team_file = tmp_path / "small.yaml"
    team_file.write_text(team_yaml(SMALL), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'rota.db'}"
    assert run_rota(["solve", str(team_file), "--db", url, "--strategy", "round-robin"]).code == 0
    start, end = datetime(2027, 1, 5, 10, tzinfo=UTC), datetime(2027, 1, 5, 12, tzinfo=UTC)
    with Store.open(url) as store:
        team = load_team_state(store, SMALL.name).team
    member = next(m.id for m in team.members if m.unavailable_during(start, end) is None)

    def args(attempt: int) -> list[str]:
        """A distinct override per attempt: an identical one would be refused as a duplicate."""
        return [
            "override", "add", SMALL.name, "--db", url, "--member", member, "--role", "primary",
            "--start", "2027-01-05T10:00:00Z",
            "--end", f"{start + timedelta(hours=1, minutes=attempt):%Y-%m-%dT%H:%M:%SZ}",
            "--reason", "swap",
        ]  # fmt: skip

    full = _timed(args(0))
    count = len(Store.open(url).list_overrides(SMALL.name))
    for attempt in range(1, KILLS + 1):
        _run_killed(args(attempt), rng.uniform(0.5 * full, 1.1 * full))
        check_store(url)
        now = len(Store.open(url).list_overrides(SMALL.name))
        assert now in (count, count + 1)
        count = now
    assert run_rota(args(KILLS + 1)).code == 0
    assert len(Store.open(url).list_overrides(SMALL.name)) == count + 1


@pytest.mark.slow
def test_many_kills(tmp_path: Path) -> None:
    """The long run: 60 kills of each command (about 5 minutes)."""
    rng = random.Random(11)
    url = f"sqlite:///{tmp_path / 'rota.db'}"
    report = kill_repeatedly(big_team_args(tmp_path, url), url, KILL.name, 60, rng)
    print(f"solve: {report}")
    assert report.committed < report.kills  # some kills landed before the commit


# -------------------------------------------------------------------- re-solve under readers


def _year_schedule(holder: str, other: str) -> Schedule:
    """A year of hourly shifts (8760 rows): saving it takes long enough to be caught mid-write."""
    return ops_schedule([(holder, other)] * (24 * 365), step=timedelta(hours=1))


OPS_TEAM = TEAM_FILE.read_text()


def test_api_answers_from_the_last_good_version_during_a_resolve(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rota.db'}"
    versions = [_year_schedule("ann", "cat"), _year_schedule("dan", "cat")]
    with Store.open(url) as store:
        store.save_schedule(versions[0], config_text=OPS_TEAM, config_name="ops.yaml", meta={})
        key = new_secret(API_KEY_PREFIX)
        store.add_api_key("reader", key_hash=secret_hash(key), scope="read")

    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def writer() -> None:  # another process's `rota solve`, as far as SQLite is concerned
        try:
            with Store.open(url) as own:
                for i in range(1, 7):
                    stored = own.save_schedule(
                        versions[i % 2], config_text=OPS_TEAM, config_name="ops.yaml", meta={}
                    )
                    assert stored.version is not None
                    written.append(stored.version)
        except BaseException as exc:
            errors.append(exc)
        finally:
            stop.set()

    answers: dict[str, int] = {}
    seen_versions: list[int] = []
    with Store.open(url) as store:
        app = create_app(Settings(db_url=url, cache_seconds=0.0), store=store)
        with TestClient(app) as client:
            headers = {"Authorization": f"Bearer {key}"}
            thread = threading.Thread(target=writer)
            thread.start()
            deadline = time.monotonic() + 120
            while not stop.is_set() and time.monotonic() < deadline:
                response = client.get(
                    "/v1/teams/ops/oncall", params={"at": "2027-06-01T12:30:00Z"}, headers=headers
                )
                assert response.status_code == 200, response.text
                primary = response.json()["holders"]["primary"]["id"]
                answers[primary] = answers.get(primary, 0) + 1
                teams = client.get("/v1/teams", headers=headers).json()["teams"]
                seen_versions.append(teams[0]["latest_version"])
            thread.join(timeout=60)
    assert not errors, errors
    assert written == [2, 3, 4, 5, 6, 7]
    assert set(answers) <= {"ann", "dan"}, answers
    assert seen_versions == sorted(seen_versions)  # never back to an older version
    assert sum(answers.values()) > 5
    check_store(url)


# ----------------------------------------------------------------------------- broken stores


def _one_line_failure(args: list[str], expect: str) -> None:
    result = run_cli(args, timeout=30)
    assert_clean_failure(result, 2)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert expect in lines[0], lines[0]


@pytest.fixture
def real_db(tmp_path: Path) -> Path:
    team_file = tmp_path / "small.yaml"
    team_file.write_text(team_yaml(SMALL), encoding="utf-8")
    path = tmp_path / "real.db"
    result = run_rota(
        ["solve", str(team_file), "--db", f"sqlite:///{path}", "--strategy", "round-robin"]
    )
    assert result.code == 0, result.err
    with sqlite3.connect(path) as connection:  # everything into the main file
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode = DELETE")
    return path


COMMANDS = [
    ["who", "ops"],
    ["show", "ops"],
    ["override", "list", "ops"],
    ["key", "list"],
    ["override", "add", "ops", "--member", "a", "--role", "primary", "--start", "2027-01-05",
     "--end", "2027-01-06"],
]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_garbage_database_file(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(random.Random(1).randbytes(64 * 1024))
    _one_line_failure([*command, "--db", f"sqlite:///{path}"], "not a SQLite database")


def test_truncated_database_file(tmp_path: Path, real_db: Path) -> None:
    broken = tmp_path / "truncated.db"
    data = real_db.read_bytes()
    broken.write_bytes(data[: len(data) // 3])
    result = run_cli(["show", SMALL.name, "--db", f"sqlite:///{broken}"], timeout=30)
    assert_clean_failure(result, 2)
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert str(broken) in result.err


def test_overwritten_pages_in_a_database_file(tmp_path: Path, real_db: Path) -> None:
    broken = tmp_path / "scribbled.db"
    shutil.copy(real_db, broken)
    data = bytearray(broken.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data), 3 * page):  # keep the header page, hit the rest
        data[offset : offset + page] = b"\xa5" * min(page, len(data) - offset)
    broken.write_bytes(bytes(data))
    result = run_cli(["show", SMALL.name, "--db", f"sqlite:///{broken}"], timeout=30)
    assert result.code in (0, 2), result  # SQLite may not touch a scribbled page
    if result.code:
        assert_clean_failure(result, 2)
        assert len(result.err.strip().splitlines()) == 1, result.err


def test_missing_database_file_is_an_empty_store(tmp_path: Path) -> None:
    _one_line_failure(
        ["who", "ops", "--db", f"sqlite:///{tmp_path / 'new.db'}"], "unknown team 'ops'"
    )


def test_missing_directory(tmp_path: Path) -> None:
    _one_line_failure(
        ["who", "ops", "--db", f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}"],
        "cannot open or create the file",
    )


def test_directory_as_database(tmp_path: Path) -> None:
    _one_line_failure(["who", "ops", "--db", f"sqlite:///{tmp_path}"], "cannot open store")


def test_unwritable_path(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    _one_line_failure(
        ["key", "list", "--db", f"sqlite:///{blocker / 'rota.db'}"], "cannot open store"
    )
    _one_line_failure(["key", "list", "--db", "sqlite:////proc/rota.db"], "cannot open store")


@pytest.mark.parametrize("url", ["nonsense", "mysql://u@h/db", "sqlite:///:memory:?x=1&"])
def test_bad_database_urls(url: str) -> None:
    result = run_cli(["key", "list", "--db", url], timeout=30)
    if result.code:
        assert_clean_failure(result, 2)
        assert len(result.err.strip().splitlines()) == 1, result.err


def test_serve_refuses_a_corrupt_database_at_once(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8192)
    result = run_rota(["serve", "--port", "1", "--db", f"sqlite:///{path}"], timeout=60)
    assert_clean_failure(result, 2)
    assert len(result.err.strip().splitlines()) == 1, result.err


def test_build_grid_of_the_fault_team_is_large() -> None:
    """The killed solve writes enough rows that kills can land inside the write."""
    cfg = config_from_text(team_yaml(BIG), "big.yaml")
    from rota.team import team_from_config

    assert len(build_grid(team_from_config(cfg)).shifts) > 300
