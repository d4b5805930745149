"""The command line of advise, whatif and the suggestion after an infeasible solve."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.advice.teams import BY_FAMILY
from tests.test_cli import run

TEAM = BY_FAMILY["limits.max_hours_per_week"]


@pytest.fixture
def team_file(tmp_path: Path) -> Path:
    path = tmp_path / "t.yaml"
    path.write_text(TEAM)
    return path


def test_advise_json(capsys: pytest.CaptureFixture[str], team_file: Path) -> None:
    code, out, _ = run(capsys, "advise", str(team_file), "--time-limit", "10", "--json")
    data = json.loads(out)
    assert code == 0
    assert set(data) == {"team", "feasible", "suggestions"}
    assert data["feasible"] is False
    first = data["suggestions"][0]
    assert set(first) == {"summary", "changes", "verified", "metrics"}
    assert first["verified"] is True


def test_whatif_side_by_side(capsys: pytest.CaptureFixture[str], team_file: Path) -> None:
    code, out, _ = run(
        capsys, "whatif", str(team_file), "--set", "limits.max_hours_per_week=72", "--json"
    )
    data = json.loads(out)
    assert code == 0
    assert data["before"]["feasible"] is False
    assert data["after"]["feasible"] is True
    assert sum(data["after"]["members"].values()) == 7 * 24


def test_whatif_bad_path_exits_2(capsys: pytest.CaptureFixture[str], team_file: Path) -> None:
    code, _, err = run(capsys, "whatif", str(team_file), "--set", "members[7].fte=1")
    assert code == 2
    assert "members[7].fte" in err


def test_solve_prints_a_suggestion_and_stores_nothing(
    capsys: pytest.CaptureFixture[str], team_file: Path, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'rota.db'}"
    code, _, err = run(
        capsys, "solve", str(team_file), "--db", db, "--time-limit", "10", "--advise-time", "10"
    )
    assert code == 1
    assert "Suggestion (verified by a solve)" in err
    code, _, _ = run(capsys, "show", "t", "--db", db)
    assert code != 0
