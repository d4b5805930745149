"""``rota check FILE [--json]`` as a user runs it: exit codes 0/1/2 and the JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import SMALL_TEAM, run

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_team_that_fits_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", str(write(tmp_path, SMALL_TEAM)))
    assert code == 0, err
    assert "verdict: fits" in out
    assert "Members whose working window covers some of each UTC hour" in out


def test_a_tight_team_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Two roles a day for four members: 14 shifts of 24 h a week. With one shift per block and
    # 12 h of rest a member works at most every other day, 4 shifts: 16 in all, 2 to spare,
    # fewer than one member's 4: tight.
    text = SMALL_TEAM.replace("roles: [primary]", "roles: [primary, secondary]")
    code, out, err = run(capsys, "check", str(write(tmp_path, text)), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["verdict"] == "tight"
    assert any(f["rule"] == "weekly-hours" and f["level"] == "tight" for f in data["findings"])


def test_cannot_fit_exits_1_with_the_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "configs" / "cannot-fit" / "sre-9.yaml"
    code, out, err = run(capsys, "check", str(path), "--json")
    assert code == 1, err
    data = json.loads(out)
    assert data["team"] == "sre-9"
    assert data["verdict"] == "cannot-fit"
    for finding in data["findings"]:
        assert set(finding) == {"rule", "level", "message", "where"}
        assert finding["level"] in {"cannot-fit", "tight", "info"}
        assert set(finding["where"]) == {"zones", "members", "from", "to", "utc"}
    assert [r["zone"] for r in data["regions"]] == [
        "Europe/Berlin",
        "America/New_York",
        "Asia/Kolkata",
    ]


def test_a_bad_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = SMALL_TEAM.replace("Europe/Warsaw}\nhorizon", "Europe/Warsw}\nhorizon")
    code, out, err = run(capsys, "check", str(write(tmp_path, text)))
    assert code == 2
    assert "team.timezone" in err
    assert out == ""
