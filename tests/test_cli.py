"""The command line as a user drives it: exit codes, messages, and what gets stored."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from rota.cli import main

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = sorted((ROOT / "configs").glob("*.yaml"))

SMALL_TEAM = """\
team: {id: tiny, timezone: Europe/Warsaw}
horizon: {start: 2027-03-22, weeks: 1}
rotation: {kind: daily, roles: [primary], handoff: "09:00"}
weekends: {split: whole, max: 1, per_weeks: 1}
members:
  - {id: ann, timezone: Europe/Warsaw}
  - {id: bob, timezone: Europe/Warsaw}
  - {id: cat, timezone: Europe/Warsaw}
  - {id: dan, timezone: Europe/Warsaw}
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    old = sys.argv
    sys.argv = ["rota", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv = old
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'rota.db'}"


@pytest.fixture
def small_team(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(SMALL_TEAM, encoding="utf-8")
    return path


def test_validate_accepts_every_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(CONFIGS) >= 4
    code, out, err = run(capsys, "validate", *map(str, CONFIGS))
    assert code == 0, err
    assert out.count(": ok") == len(CONFIGS)


def test_validate_reports_every_problem_with_path_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        SMALL_TEAM.replace("Europe/Warsaw}\nhorizon", "Europe/Warsw}\nhorizon").replace(
            "weeks: 1", "weeks: 0"
        ),
        encoding="utf-8",
    )
    code, _out, err = run(capsys, "validate", str(bad))
    assert code == 2
    assert "team.timezone" in err
    assert "'Europe/Warsw'" in err
    assert "horizon.weeks" in err
    assert "Traceback" not in err


def test_missing_file_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _out, err = run(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert code == 2
    assert "nope.yaml" in err


def test_grid_json_has_utc_bounds_and_eligible_members(
    capsys: pytest.CaptureFixture[str], small_team: Path
) -> None:
    code, out, err = run(capsys, "grid", str(small_team), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["horizon"] == {"start": "2027-03-22T08:00:00Z", "end": "2027-03-29T07:00:00Z"}
    shifts = data["shifts"]
    assert len(shifts) == 7
    # 2027-03-28 is the spring-forward day in Warsaw: the shift from Sunday 09:00 CET to
    # Monday 09:00 CEST lasts 24 h, the one from Saturday to Sunday 23 h.
    assert [s["hours"] for s in shifts] == [24, 24, 24, 24, 24, 23, 24]
    assert all(s["start"].endswith("Z") for s in shifts)
    assert set(shifts[0]["eligible"]) == {"primary"}


def test_grid_table_marks_dst_day(capsys: pytest.CaptureFixture[str], small_team: Path) -> None:
    code, out, err = run(capsys, "grid", str(small_team))
    assert code == 0, err
    assert "23 h" in out
    assert "DST" in out


def test_solve_stores_a_version_and_show_returns_spec_shape(
    capsys: pytest.CaptureFixture[str], small_team: Path, db: str
) -> None:
    code, out, err = run(
        capsys, "solve", str(small_team), "--db", db, "--time-limit", "10", "--json"
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["version"] == 1
    assert summary["status"] in ("optimal", "feasible")
    assert {m["member_id"] for m in summary["members"]} == {"ann", "bob", "cat", "dan"}

    code, out, err = run(capsys, "show", "tiny", "--db", db, "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["team"] == "tiny"
    assert shown["version"] == 1
    assert shown["horizon"] == {"start": "2027-03-22T08:00:00Z", "end": "2027-03-29T07:00:00Z"}
    assert len(shown["shifts"]) == 7
    for shift in shown["shifts"]:
        assert set(shift) == {"start", "end", "assignments"}
        assert set(shift["assignments"]) == {"primary"}

    code, out, _ = run(capsys, "solve", str(small_team), "--db", db, "--time-limit", "10", "--json")
    assert code == 0
    assert json.loads(out)["version"] == 2


def test_infeasible_rota_exits_1_and_stores_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: str
) -> None:
    team = tmp_path / "short.yaml"
    # Two roles, but on 2027-03-24 only ann is available.
    team.write_text(
        SMALL_TEAM.replace("roles: [primary]", "roles: [primary, secondary]")
        .replace(
            "  - {id: cat, timezone: Europe/Warsaw}\n",
            "  - {id: cat, timezone: Europe/Warsaw,"
            " unavailable: [{start: 2027-03-24, end: 2027-03-24, reason: conference}]}\n",
        )
        .replace(
            "  - {id: bob, timezone: Europe/Warsaw}\n",
            "  - {id: bob, timezone: Europe/Warsaw,"
            " unavailable: [{start: 2027-03-24, end: 2027-03-24, reason: sick}]}\n",
        )
        .replace(
            "  - {id: dan, timezone: Europe/Warsaw}\n",
            "  - {id: dan, timezone: Europe/Warsaw,"
            " unavailable: [{start: 2027-03-24, end: 2027-03-25, reason: vacation}]}\n",
        ),
        encoding="utf-8",
    )
    code, _out, err = run(capsys, "solve", str(team), "--db", db, "--time-limit", "10")
    assert code == 1
    assert "2027-03-2" in err
    assert "dan" in err
    assert "vacation" in err
    assert "Traceback" not in err
    code, _out, err = run(capsys, "show", "tiny", "--db", db)
    assert code == 2
    assert "tiny" in err


def test_show_unknown_team_is_exit_2(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, _out, err = run(capsys, "show", "ghosts", "--db", db)
    assert code == 2
    assert "ghosts" in err


def test_show_bad_date_is_exit_2(
    capsys: pytest.CaptureFixture[str], small_team: Path, db: str
) -> None:
    run(capsys, "solve", str(small_team), "--db", db, "--time-limit", "10")
    code, _out, err = run(capsys, "show", "tiny", "--db", db, "--from", "next tuesday")
    assert code == 2
    assert "--from" in err
    assert "next tuesday" in err


@pytest.mark.parametrize("bound", ["0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01"])
def test_show_instant_outside_the_utc_calendar_is_exit_2(
    capsys: pytest.CaptureFixture[str], small_team: Path, db: str, bound: str
) -> None:
    # Valid ISO 8601, but year 0 or 10000 in UTC: a message, not a traceback.
    run(capsys, "solve", str(small_team), "--db", db, "--time-limit", "10")
    code, _out, err = run(capsys, "show", "tiny", "--db", db, "--from", bound)
    assert code == 2
    assert "--from: out of range" in err
    assert bound in err


def test_unknown_option_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, _err = run(capsys, "solve", "--frobnicate")
    assert code == 2


def test_diff_between_two_versions(
    capsys: pytest.CaptureFixture[str], small_team: Path, db: str, tmp_path: Path
) -> None:
    run(capsys, "solve", str(small_team), "--db", db, "--time-limit", "5")
    # ann goes on vacation mid-week: the second version must move her shifts.
    changed = tmp_path / "tiny2.yaml"
    changed.write_text(
        SMALL_TEAM.replace(
            "  - {id: ann, timezone: Europe/Warsaw}\n",
            "  - {id: ann, timezone: Europe/Warsaw,"
            " unavailable: [{start: 2027-03-22, end: 2027-03-28}]}\n",
        ),
        encoding="utf-8",
    )
    code, _out, err = run(capsys, "solve", str(changed), "--db", db, "--time-limit", "5")
    assert code == 0, err
    code, out, err = run(capsys, "diff", "tiny", "--db", db, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["from_version"], data["to_version"]) == (1, 2)
    assert all(c["after"] != "ann" for c in data["changes"])
    code, out, _ = run(capsys, "show", "tiny", "--db", db, "--json", "--version", "1")
    had_ann = any(s["assignments"]["primary"] == "ann" for s in json.loads(out)["shifts"])
    assert had_ann == any(c["before"] == "ann" for c in data["changes"])
    code, _out, err = run(capsys, "diff", "tiny", "--db", db, "--from", "7")
    assert code == 2
    assert "version 7" in err


def test_solve_piped_to_a_file_keeps_every_column_whole(tmp_path: Path) -> None:
    import shlex
    import subprocess

    from tests.served import rota_command

    team = tmp_path / "team.yaml"
    team.write_text(SMALL_TEAM, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'rota.db'}"
    command = [*shlex.split(rota_command()), "solve", str(team), "--db", db, "--time-limit", "5"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    header = next(line for line in done.stdout.splitlines() if line.startswith("┃ member"))
    assert "…" not in header
    assert all(word in header for word in ("blocks", "share", "night", "wkends"))


def test_help_reflows_each_paragraph_to_the_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(capsys, "solve", "--help")
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    # The docstring breaks its second paragraph after "this is a"; the help joins the lines
    # and wraps them to 80 columns, so no line of it is cut short
    start = next(i for i, line in enumerate(lines) if line.startswith("When the team"))
    paragraph = lines[start : lines.index("", start)]
    assert len(paragraph) >= 3
    assert all(len(line) > 60 for line in paragraph[:-1])
    assert "re-solve" in " ".join(paragraph)
