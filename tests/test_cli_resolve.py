"""`rota solve` on a published team (re-solve) and `rota swap`, as a user drives them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import run

TEAM = """\
team: {id: tiny, timezone: Europe/Warsaw}
horizon: {start: 2027-03-22, weeks: 2}
rotation: {kind: daily, roles: [primary], handoff: "09:00"}
weekends: {split: whole, max: 1, per_weeks: 2}
fairness: {weights: {weekends: 0}}
members:
  - {id: ann, timezone: Europe/Warsaw}
  - {id: bob, timezone: Europe/Warsaw}
  - {id: cat, timezone: Europe/Warsaw}
  - {id: dan, timezone: Europe/Warsaw}
  - {id: eve, timezone: Europe/Warsaw}
"""
NOW = "2027-03-24T10:00:00Z"  # Wednesday of week 1: frozen until Friday 10:00 UTC


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'rota.db'}"


def solve(
    capsys: pytest.CaptureFixture[str], db: str, path: Path, *extra: str
) -> dict[str, object]:
    code, out, err = run(capsys, "solve", str(path), "--db", db, "--now", NOW, "--json", *extra)
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def shifts(capsys: pytest.CaptureFixture[str], db: str, *extra: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "show", "tiny", "--db", db, "--json", *extra)
    assert code == 0, err
    result: list[dict[str, object]] = json.loads(out)["shifts"]
    return result


def holder(shift: dict[str, object]) -> str:
    assignments = shift["assignments"]
    assert isinstance(assignments, dict)
    return str(assignments["primary"])


def with_unavailable(member: str, start: str, end: str) -> str:
    entry = f"{{id: {member}, timezone: Europe/Warsaw}}"
    vacation = (
        f"{{id: {member}, timezone: Europe/Warsaw, "
        f'unavailable: [{{start: "{start}", end: "{end}"}}]}}'
    )
    return TEAM.replace(entry, vacation)


def test_resolve_keeps_the_freeze_changes_little_and_keeps_the_old_version(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(TEAM, encoding="utf-8")
    first = solve(capsys, db, path)
    assert first["version"] == 1
    assert "changed_assignments" not in first
    before = shifts(capsys, db)
    # a vacation on the second Thursday (well after the freeze) for whoever holds it
    target = before[10]
    member = holder(target)
    path.write_text(with_unavailable(member, "2027-04-01T12:00", "2027-04-01T18:00"))
    second = solve(capsys, db, path)
    assert second["version"] == 2
    assert second["frozen_shifts"] == 5  # Mon .. Fri 08:00 UTC start before Friday 10:00 UTC
    changed = second["changed_assignments"]
    assert isinstance(changed, int)
    assert 1 <= changed <= 3
    changes = second["changes"]
    assert isinstance(changes, list)
    assert any(f"{member} no longer on call 2027-04-01" in c for c in changes)
    after = shifts(capsys, db)
    assert [holder(s) for s in after[:5]] == [holder(s) for s in before[:5]]
    assert holder(after[10]) != member
    assert shifts(capsys, db, "--version", "1") == before

    code, out, _ = run(capsys, "solve", str(path), "--db", db, "--now", NOW)
    assert code == 0
    assert "re-solved from version 2: 5 shift(s) frozen" in out
    assert "0 assignment(s) changed" in out


def test_vacation_inside_the_freeze_fails_with_an_override_hint(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(TEAM, encoding="utf-8")
    solve(capsys, db, path)
    member = holder(shifts(capsys, db)[1])  # Tuesday, inside the freeze
    path.write_text(with_unavailable(member, "2027-03-23T12:00", "2027-03-23T13:00"))
    code, _, err = run(capsys, "solve", str(path), "--db", db, "--now", NOW)
    assert code == 1
    assert "before the freeze" in err
    assert "rota override add tiny" in err
    assert "Traceback" not in err
    code, _, err = run(capsys, "solve", str(path), "--db", db, "--now", NOW, "--freeze", "0")
    assert code == 1  # Tuesday is in the past: the past never changes
    later = "2027-03-21T10:00:00Z"
    code, _, err = run(capsys, "solve", str(path), "--db", db, "--now", later, "--freeze", "0")
    assert code == 0, err


def test_swap_lists_applies_and_rejects_bad_input(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(TEAM, encoding="utf-8")
    solve(capsys, db, path)
    listed = shifts(capsys, db)
    found = None
    for shift in listed[3:]:
        member = holder(shift)
        args = ("swap", "tiny", "--db", db, "--member", member, "--shift", str(shift["start"]))
        code, out, err = run(capsys, *args, "--json")
        assert code == 0, err
        data = json.loads(out)
        if data["candidates"]:
            found = (shift, member, data)
            break
    assert found is not None
    shift, member, data = found
    assert data["role"] == "primary"
    taker = data["candidates"][0]["member"]
    code, out, err = run(
        capsys, "swap", "tiny", "--db", db, "--member", member, "--shift", str(shift["start"])
    )
    assert code == 0, err
    assert "can take it" in out
    code, out, err = run(
        capsys,
        "swap",
        "tiny",
        "--db",
        db,
        "--member",
        member,
        "--shift",
        str(shift["start"]),
        "--apply",
    )
    assert code == 0, err
    assert f"{taker} is primary" in out
    code, out, _ = run(capsys, "override", "list", "tiny", "--db", db, "--json")
    overrides = json.loads(out)
    assert [(o["member"], o["start"]) for o in overrides] == [(taker, shift["start"])]

    base = ("swap", "tiny", "--db", db)
    code, _, err = run(capsys, *base, "--member", "zed", "--shift", str(shift["start"]))
    assert code == 2
    assert "no member 'zed'" in err
    code, _, err = run(capsys, *base, "--member", member, "--shift", str(shift["start"]))
    assert code == 2  # no longer theirs: the override gave it away
    assert "holds no shift starting" in err
    code, _, err = run(capsys, *base, "--member", taker, "--shift", "not-a-time")
    assert code == 2
    code, _, err = run(
        capsys, *base, "--member", taker, "--shift", str(shift["start"]), "--to", "x"
    )
    assert code == 2
    assert "--to is only used with --apply" in err


def test_report_includes_history_of_earlier_horizons(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(TEAM, encoding="utf-8")
    solve(capsys, db, path)
    path.write_text(TEAM.replace("start: 2027-03-22", "start: 2027-04-05"), encoding="utf-8")
    second = solve(capsys, db, path)
    assert "changed_assignments" not in second  # a new horizon, not a re-solve
    code, out, err = run(capsys, "report", "tiny", "--db", db, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    history = data["including_history"]
    hours = sum(m["hours"] for m in history["members"])
    assert hours == pytest.approx(2 * sum(m["hours"] for m in data["members"]), rel=0.01)
    code, out, _ = run(capsys, "report", "tiny", "--db", db)
    assert "Including history" in out
