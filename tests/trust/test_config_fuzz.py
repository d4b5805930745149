"""Team files fuzzed through ``rota validate`` and ``rota solve``: refused clearly, never crashed.

Valid random teams validate (exit 0). A valid team broken in one way is refused with exit 2 and
a message naming the broken path. Text that is no team file at all (random bytes, truncated or
mutated YAML, alias bombs) is refused with exit 2 or, when a mutation happened to keep the file
valid, accepted; never a traceback, never a hang. A valid small team solves (the stored schedule
passes the independent checker) or gets an infeasibility explanation (exit 1).

The example counts are small for the default run; ``ROTA_FUZZ_EXAMPLES=N`` scales them (see
docs/reliability.md), and the ``slow`` test runs a few thousand.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.checker import check_schedule
from tests.trust.cli_runner import Result, assert_clean_failure, run_cli, run_rota
from tests.trust.strategies import (
    Damaged,
    alias_bomb,
    damaged_teams,
    garbage_texts,
    team_documents,
    team_yaml,
)

SCALE = int(os.environ.get("ROTA_FUZZ_EXAMPLES", "0"))


FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def fuzz(default: int, **options: object) -> settings:
    """Settings for ``default`` examples (``ROTA_FUZZ_EXAMPLES`` overrides the count)."""
    return settings(FUZZ, max_examples=SCALE or default, **options)  # type: ignore[arg-type]


def write(tmp: Path, text: str) -> Path:
    path = tmp / "team.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


def validate(path: Path) -> Result:
    """``rota validate PATH``."""
    return run_cli(["validate", str(path)], timeout=20)


def check_refused(path: Path, damaged: Damaged) -> None:
    result = validate(path)
    assert_clean_failure(result, 2)
    lines = result.err.strip().splitlines()
    assert all(line.startswith(f"{path}: ") for line in lines), result.err
    assert any(damaged.path in line for line in lines), (damaged.how, result.err)


@fuzz(60)
@given(doc=team_documents())
def test_valid_random_teams_validate(tmp_path: Path, doc: dict[str, object]) -> None:
    result = run_cli(["validate", str(write(tmp_path, team_yaml(doc)))], timeout=20)
    assert result.code == 0, result.err
    assert ": ok — team " in result.out


@fuzz(150)
@given(damaged=damaged_teams())
def test_damaged_teams_are_refused_naming_the_path(tmp_path: Path, damaged: Damaged) -> None:
    check_refused(write(tmp_path, damaged.text), damaged)


@fuzz(120)
@given(text=garbage_texts())
def test_garbage_is_refused_without_a_traceback(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    result = validate(path)
    if result.code == 0:  # a mutation that kept the file valid (e.g. inside a name)
        return
    assert_clean_failure(result, 2)
    assert result.err.startswith(f"{path}: "), result.err


@fuzz(40)
@given(data=st.binary(min_size=1, max_size=200))
def test_random_bytes_are_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "team.yaml"
    path.write_bytes(data)
    result = run_cli(["validate", str(path)], timeout=20)
    assert_clean_failure(result, 2)


def test_console_script_refuses_a_damaged_team_without_traceback(tmp_path: Path) -> None:
    """The same through the installed ``rota`` executable (a separate process)."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "team: {id: Platform, timezone: Mars/Base}\nhorizon: {start: 2027-02-30, weeks: 0}\n"
        "rotation: {kind: hourly}\nmembers: [{id: a, timezone: UTC, fte: 2}]\nextra: 1\n",
        encoding="utf-8",
    )
    garbage = tmp_path / "garbage.yaml"
    garbage.write_bytes(b"\xff\xfe\x00team: [\n")
    result = run_rota(["validate", str(bad), str(garbage)], timeout=60)
    assert_clean_failure(result, 2)
    for path in ("team.id", "team.timezone", "horizon.start", "horizon.weeks", "rotation.kind"):
        assert f"{bad}: {path}: " in result.err, result.err
    assert "members[0].fte" in result.err
    assert f"{garbage}: <root>: not UTF-8" in result.err


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x87", "\ufffe"])
def test_control_characters_are_refused(tmp_path: Path, char: str) -> None:
    text = f"team: {{id: a{char}, timezone: UTC}}\n"
    result = run_cli(["validate", str(write(tmp_path, text))], timeout=20)
    assert_clean_failure(result, 2)
    assert "line 1" in result.err


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    result = run_cli(["validate", str(write(tmp_path, alias_bomb()))], timeout=10)
    assert_clean_failure(result, 2)


# ------------------------------------------------------------------------------ deep nesting


@pytest.mark.parametrize("depth", [5_000])
def test_deeply_nested_yaml_is_refused(tmp_path: Path, depth: int) -> None:
    text = "team: " + "[" * depth + "1" + "]" * depth + "\n"
    result = run_cli(["validate", str(write(tmp_path, text))], timeout=20)
    assert_clean_failure(result, 2)


def test_console_script_refuses_deeply_nested_yaml(tmp_path: Path) -> None:
    depth = 5_000
    text = "members: " + "{k: " * depth + "1" + "}" * depth + "\n"
    result = run_rota(["validate", str(write(tmp_path, text))], timeout=60)
    assert_clean_failure(result, 2)


# ------------------------------------------------------------------------------ solve


def _solve_and_check(tmp_path: Path, doc: dict[str, object], time_limit: float) -> None:
    team_file = write(tmp_path, team_yaml(doc))
    db = f"sqlite:///{tmp_path / 'rota.db'}"
    result = run_cli(
        ["solve", str(team_file), "--db", db, "--time-limit", str(time_limit), "--json"],
        timeout=time_limit + 60,
    )
    if result.code == 1:  # infeasible: said why, in the team's terms, and stored nothing
        assert "Traceback" not in result.err
        assert f"no rota for team {doc['team']['id']}" in result.err, result.err  # type: ignore[index]
        listed = run_cli(["show", doc["team"]["id"], "--db", db])  # type: ignore[index]
        assert listed.code == 2, listed
        return
    assert result.code == 0, result.err[-3000:]
    shown = run_cli(["show", doc["team"]["id"], "--db", db, "--json", "--planned"])  # type: ignore[index]
    assert shown.code == 0, shown.err
    violations = check_schedule(team_file, json.loads(shown.out))
    assert violations == [], violations[:5]


@fuzz(4, database=None)
@given(doc=team_documents(max_members=5, max_weeks=1))
def test_valid_small_team_solves_or_is_explained(tmp_path: Path, doc: dict[str, object]) -> None:
    for stale in tmp_path.glob("rota.db*"):
        stale.unlink()
    _solve_and_check(tmp_path, doc, time_limit=2.0)


# ------------------------------------------------------------------------------ long run


@pytest.mark.slow
@settings(FUZZ, max_examples=3000)
@given(damaged=damaged_teams() | garbage_texts().map(lambda t: Damaged(t, "", "garbage")))
def test_many_broken_team_files(tmp_path: Path, damaged: Damaged) -> None:
    path = write(tmp_path, damaged.text)
    if damaged.how != "garbage":
        check_refused(path, damaged)
        return
    result = validate(path)
    if result.code:
        assert_clean_failure(result, 2)


@pytest.mark.slow
@settings(FUZZ, max_examples=40, database=None)
@given(doc=team_documents(max_members=6, max_weeks=2))
def test_many_valid_teams_solve_or_are_explained(tmp_path: Path, doc: dict[str, object]) -> None:
    for stale in tmp_path.glob("rota.db*"):
        stale.unlink()
    _solve_and_check(tmp_path, doc, time_limit=5.0)
