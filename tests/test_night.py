"""Night hours a change adds or removes, per member, as ``rota solve``, ``rota diff`` and
``rota swap`` name them (``+4 night h for harish``), checked against the reports' own counts.

The team is a small follow-the-sun team in Berlin, New York and Kolkata with 4 h UTC shifts in
January: the 20:00-24:00 UTC shift is 15:00-19:00 in New York (no night), 01:30-05:30 in
Kolkata (4 h of its 22:00-07:00 night) and 21:00-01:00 in Berlin (3 h).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from rota.config import load_config
from rota.diff import diff_schedules, night_deltas
from rota.model import Schedule, ScheduledShift
from rota.night import night_text
from rota.team import team_from_config
from tests.test_cli import run

TEAM = """\
team: {id: sun, timezone: Europe/Berlin}
horizon: {start: 2027-01-04, weeks: 2}
rotation:
  kind: follow-the-sun
  roles: [primary]
  shift_hours: {min: 4, max: 6}
  handoffs_utc: ["00:00", "04:00", "08:00", "12:00", "16:00", "20:00"]
working_hours: {start: "09:00", end: "17:00"}
weekends: {split: whole, max: 1, per_weeks: 2}
members:
  - {id: anna, timezone: Europe/Berlin}
  - {id: ben, timezone: Europe/Berlin}
  - {id: clara, timezone: Europe/Berlin}
  - {id: nora, timezone: America/New_York}
  - {id: nick, timezone: America/New_York}
  - {id: ned, timezone: America/New_York, fte: 0.5}
  - {id: harish, timezone: Asia/Kolkata}
  - {id: kavya, timezone: Asia/Kolkata}
"""
NOW = "2027-01-02T00:00:00Z"


@pytest.fixture
def team_file(tmp_path: Path) -> Path:
    path = tmp_path / "sun.yaml"
    path.write_text(TEAM, encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'rota.db'}"


def test_a_change_names_the_night_hours_it_moves(team_file: Path) -> None:
    team = team_from_config(load_config(team_file))
    start, end = datetime(2027, 1, 11, 20, tzinfo=UTC), datetime(2027, 1, 12, tzinfo=UTC)

    def version(holder: str, number: int) -> Schedule:
        shift = ScheduledShift(start, end, {"primary": holder})
        return Schedule("sun", start, end, (shift,), version=number)

    changes = diff_schedules(version("nora", 1), version("harish", 2))
    assert night_text(night_deltas(team.members, changes)) == "+4 night h for harish"
    changes = diff_schedules(version("harish", 1), version("anna", 2))
    assert night_text(night_deltas(team.members, changes)) == (
        "+3 night h for anna, -4 night h for harish"
    )
    changes = diff_schedules(version("nora", 1), version("nick", 2))
    assert night_text(night_deltas(team.members, changes)) == "no night hours added or removed"


def solve(capsys: pytest.CaptureFixture[str], db: str, path: Path) -> dict[str, Any]:
    code, out, err = run(capsys, "solve", str(path), "--db", db, "--now", NOW, "--json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def nights(data: dict[str, Any]) -> dict[str, float]:
    return {m["member_id"]: m["night_hours"] for m in data["members"]}


def test_solve_and_diff_name_every_night_hour_added_or_removed(
    capsys: pytest.CaptureFixture[str], db: str, team_file: Path
) -> None:
    first = solve(capsys, db, team_file)
    before = nights(first)
    assert first["night"] == [
        {"member": m, "night_hours": h} for m, h in sorted(before.items()) if h
    ]
    # nora is away the second week: her shifts move to others, with or without night hours
    text = team_file.read_text(encoding="utf-8").replace(
        "{id: nora, timezone: America/New_York}",
        '{id: nora, timezone: America/New_York, unavailable: [{start: "2027-01-11", '
        'end: "2027-01-15"}]}',
    )
    team_file.write_text(text, encoding="utf-8")
    second = solve(capsys, db, team_file)
    after = nights(second)
    expected = {m: round(after[m] - before[m], 4) for m in after if round(after[m] - before[m], 4)}
    assert {d["member"]: d["night_hours"] for d in second["night"]} == expected

    code, out, err = run(capsys, "diff", "sun", "--db", db)
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("night: "))
    words = [f"{h:+g} night h for {m}" for m, h in sorted(expected.items())]
    assert line == "night: " + (", ".join(words) or "no night hours added or removed")
    code, out, err = run(capsys, "diff", "sun", "--db", db, "--json")
    assert code == 0, err
    assert {d["member"]: d["night_hours"] for d in json.loads(out)["night"]} == expected


def test_swap_ranks_candidates_at_night_last_and_says_so(
    capsys: pytest.CaptureFixture[str], db: str, team_file: Path
) -> None:
    from rota.service import load_team_state
    from rota.store import Store
    from rota.swap import swap_options

    solve(capsys, db, team_file)
    state = load_team_state(Store.open(db), "sun")
    mixed = []  # shifts some could take outside their night and others only in it
    for shift in (s for s in state.schedule.shifts if s.start.hour in (0, 20)):
        giver = shift.assignments["primary"]
        options = swap_options(state.team, state.schedule, (), giver, shift.start)
        at_night = [c.night_hours > 0 for c in options.candidates]
        assert at_night == sorted(at_night)  # every night-free candidate first
        if any(at_night) and not all(at_night):
            mixed.append((giver, shift.start, options))
    assert mixed
    giver, start, options = mixed[0]
    when = start.isoformat().replace("+00:00", "Z")
    code, out, err = run(
        capsys, "swap", "sun", "--db", db, "--member", giver, "--shift", when, "--now", NOW
    )
    assert code == 0, err
    for c in options.candidates:
        if c.night_hours:
            assert f"{c.night_hours:+g} night h for {c.member_id})" in out
    assert "who would be on call at night ranks after everyone who would not" in out
