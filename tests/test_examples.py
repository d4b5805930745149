"""Every example team solves, and the independent checker finds no broken rule in the result.

This goes through the command line exactly as a user does (``rota solve`` then
``rota show --json --planned``) and judges the stored schedule with ``tests/checker.py``, which
reads only the team file and the JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.checker import check_schedule
from tests.test_cli import run

CONFIGS = sorted((Path(__file__).resolve().parents[1] / "configs").glob("*.yaml"))


@pytest.mark.parametrize("team_file", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_example_solves_and_keeps_every_rule(
    team_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'rota.db'}"
    code, out, err = run(capsys, "solve", str(team_file), "--db", db, "--time-limit", "6", "--json")
    assert code == 0, err
    team_id = json.loads(out)["team"]
    code, out, err = run(capsys, "show", team_id, "--db", db, "--json", "--planned")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["shifts"], "a solved schedule has shifts"
    violations = check_schedule(team_file, shown)
    assert violations == [], "\n".join(f"{v.rule}: {v.message}" for v in violations)
