"""`rota absence add|list|remove` as a user drives them, on SQLite and PostgreSQL (``url``)."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rota.absence import Absence
from rota.errors import ConcurrentChange
from rota.model import Schedule
from rota.store import Store
from tests.checker import check_schedule
from tests.test_cli import run

# Six people in three zones hand one pager around the globe in 6 h UTC slices.
SUN_TEAM = """\
team: {id: sun, timezone: Europe/Berlin}
horizon: {start: 2027-01-04, weeks: 2}
rotation:
  kind: follow-the-sun
  roles: [primary]
  shift_hours: {min: 4, max: 6}
  handoffs_utc: ["00:00", "06:00", "12:00", "18:00"]
working_hours: {start: "08:00", end: "18:00"}
weekends: {max: 1, per_weeks: 1}
rest: {min_hours: 8}
escalation:
  levels:
    - {targets: [primary]}
    - {targets: [anna, ravi, nora]}
members:
  - {id: anna, timezone: Europe/Berlin}
  - {id: ben, timezone: Europe/Berlin}
  - {id: ravi, timezone: Asia/Kolkata}
  - {id: harish, timezone: Asia/Kolkata}
  - {id: nora, timezone: America/New_York}
  - {id: owen, timezone: America/New_York}
"""
ZONES = {
    "anna": "Europe/Berlin",
    "ben": "Europe/Berlin",
    "ravi": "Asia/Kolkata",
    "harish": "Asia/Kolkata",
    "nora": "America/New_York",
    "owen": "America/New_York",
}
NOW = "2027-01-05T12:00:00Z"  # Tuesday: the freeze (48 h) runs to Thursday noon
SICK_DAY = "2027-01-06"  # Wednesday, inside the freeze
WEDNESDAY_NOON = "2027-01-06T12:00:00Z"


def rota(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run(capsys, *args)


def solved(capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path, text: str) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(text, encoding="utf-8")
    code, _, err = rota(capsys, "solve", str(path), "--db", url, "--now", NOW, "--time-limit", "10")
    assert code == 0, err
    return path


def planned(
    capsys: pytest.CaptureFixture[str], url: str, team: str, version: int | None = None
) -> dict[str, Any]:
    extra = [] if version is None else ["--version", str(version)]
    code, out, err = rota(capsys, "show", team, "--db", url, "--planned", "--json", *extra)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def holders(document: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    return {
        (s["start"], s["end"], role): who
        for s in document["shifts"]
        for role, who in s["assignments"].items()
    }


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def local_day(day: str, zone: str) -> tuple[datetime, datetime]:
    start = datetime.fromisoformat(day).replace(tzinfo=ZoneInfo(zone))
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def with_unavailable(team_file: Path, member: str, start: datetime, end: datetime) -> Path:
    """A copy of the team file with ``member`` unavailable ``[start, end)`` (member-local)."""
    doc = yaml.safe_load(team_file.read_text(encoding="utf-8"))
    for entry in doc["members"]:
        if entry["id"] == member:
            zone = ZoneInfo(entry["timezone"])
            entry.setdefault("unavailable", []).append(
                {
                    "start": start.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S"),
                    "end": end.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S"),
                }
            )
    path = team_file.with_name("with-absence.yaml")
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def on_call_ids(capsys: pytest.CaptureFixture[str], url: str, at: datetime) -> set[str]:
    code, out, err = rota(
        capsys, "who", "sun", "--db", url, "--at", at.isoformat().replace("+00:00", "Z"), "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    named = {h["id"] for h in data["holders"].values()}
    for level in data["levels"]:
        named |= {m["id"] for m in level["members"]}
    return named


def test_sick_day_replans_only_that_day_and_who_never_names_the_member(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    team_file = solved(capsys, url, tmp_path, SUN_TEAM)
    before = planned(capsys, url, "sun")
    # whoever is on call from Wednesday noon UTC is sick all of Wednesday, their local time
    sick = holders(before)[(WEDNESDAY_NOON, "2027-01-06T18:00:00Z", "primary")]
    lo, hi = local_day(SICK_DAY, ZONES[sick])
    held = [k for k, who in holders(before).items() if who == sick and utc(k[0]) < hi]
    held = [k for k in held if utc(k[1]) > lo]

    code, out, err = rota(
        capsys, "absence", "add", "sun", "--member", sick, "--from", SICK_DAY,
        "--to", SICK_DAY, "--reason", "sick", "--db", url, "--now", NOW, "--json",
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert result["version"] == 2
    assert (utc(result["absence"]["start"]), utc(result["absence"]["end"])) == (lo, hi)
    assert result["widened_by_hours"] == 0  # five others can cover one day

    after = planned(capsys, url, "sun")
    old, new = holders(before), holders(after)
    assert old.keys() == new.keys()
    changed = {k for k in old if old[k] != new[k]}
    assert changed, "harish's shifts must change hands"
    assert all(utc(k[0]) < hi and utc(k[1]) > lo for k in changed), changed
    assert set(held) <= changed  # inside the freeze, and still re-planned
    assert all(new[k] != sick for k in new if utc(k[0]) < hi and utc(k[1]) > lo)
    assert {c["before"] for c in result["changes"] if c["after"] != sick} >= {sick}
    gained = {c["after"] for c in result["changes"]}
    assert set(result["night_hours"]) <= gained | {sick}

    # who, at every shift boundary within the day and at its first instant: never the sick one
    instants = {lo} | {utc(k[0]) for k in new if lo <= utc(k[0]) < hi}
    for at in sorted(instants):
        assert sick not in on_call_ids(capsys, url, at), at
    # every rule of the team file (with the absence as unavailable) holds
    assert check_schedule(with_unavailable(team_file, sick, lo, hi), after) == []

    code, out, _ = rota(capsys, "absence", "list", "sun", "--db", url, "--json")
    assert code == 0
    assert [(a["id"], a["member"], a["reason"]) for a in json.loads(out)] == [(1, sick, "sick")]


def test_human_output_names_who_covers_and_night_hours(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    solved(capsys, url, tmp_path, SUN_TEAM)
    sick = holders(planned(capsys, url, "sun"))[(WEDNESDAY_NOON, "2027-01-06T18:00:00Z", "primary")]
    code, out, err = rota(
        capsys, "absence", "add", "sun", "--member", sick, "--from", WEDNESDAY_NOON,
        "--to", "2027-01-06T18:00:00Z", "--db", url, "--now", NOW,
    )  # fmt: skip
    assert code == 0, err
    lines = out.splitlines()
    assert (
        lines[0] == f"absence 1: {sick} away 2027-01-06 13:00+01:00 – 19:00+01:00 (Europe/Berlin)"
    )
    assert lines[1].startswith("published version 2 (from 1), re-planning only shifts")
    assert lines[2].startswith(
        f"  {sick} no longer on call 2027-01-06 13:00+01:00 – 19:00+01:00 (Europe/Berlin) (primary)"
    )
    assert lines[-1].startswith("night: ")
    assert "night h for" in lines[-1] or lines[-1] == "night: no night hours added"


def test_duplicate_is_refused_with_a_pointer_and_remove_keeps_the_rota(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    solved(capsys, url, tmp_path, SUN_TEAM)
    add = ["absence", "add", "sun", "--member", "harish", "--db", url, "--now", NOW]
    code, _, err = rota(capsys, *add, "--from", SICK_DAY, "--to", SICK_DAY)
    assert code == 0, err
    # a date-time without an offset is in the team's zone (Berlin): 12:00 = 11:00 UTC
    code, _, err = rota(capsys, *add, "--from", "2027-01-06T12:00", "--to", "2027-01-06T14:00")
    assert code == 2
    assert "absence 1" in err
    assert "rota absence list sun" in err
    with Store.open(url) as store:
        assert [v.version for v in store.list_versions("sun")] == [1, 2]
        assert len(store.list_absences("sun")) == 1
        revision = store.revision("sun")

    code, out, err = rota(capsys, "absence", "remove", "sun", "1", "--db", url)
    assert code == 0, err
    assert "rota is unchanged" in out
    assert "rota solve" in out
    with Store.open(url) as store:
        assert store.list_absences("sun") == []
        assert [v.version for v in store.list_versions("sun")] == [1, 2]
        assert store.revision("sun") != revision  # caches see the removal
    code, _, err = rota(capsys, "absence", "remove", "sun", "1", "--db", url)
    assert code == 2
    assert "no absence 1" in err


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2027-01-06", "2027-01-05", "must end after it starts"),
        ("yesterday", "2027-01-06", "--from: expected a date"),
        ("2027-01-06T10:00:00.5Z", "2027-01-06T12:00Z", "whole seconds"),
    ],
)
def test_bad_input_exits_2_and_stores_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, start: str, end: str, message: str
) -> None:
    url = f"sqlite:///{tmp_path / 'rota.db'}"
    solved(capsys, url, tmp_path, SUN_TEAM)
    code, _, err = rota(
        capsys, "absence", "add", "sun", "--member", "harish", "--from", start, "--to", end,
        "--db", url, "--now", NOW,
    )  # fmt: skip
    assert code == 2
    assert message in err
    code, _, err = rota(
        capsys, "absence", "add", "sun", "--member", "zed", "--from", "2027-01-06",
        "--to", "2027-01-06", "--db", url, "--now", NOW,
    )  # fmt: skip
    assert code == 2
    assert "'zed' is not a member of team sun" in err
    with Store.open(url) as store:
        assert store.list_absences("sun") == []
        assert len(store.list_versions("sun")) == 1


# Two people share one pager in 12 h shifts; 12 h blocks at most: nobody can cover a whole day.
PAIR_TEAM = """\
team: {id: sun, timezone: UTC}
horizon: {start: 2027-01-04, weeks: 1}
rotation:
  kind: follow-the-sun
  roles: [primary]
  shift_hours: {min: 12, max: 12}
  handoffs_utc: ["00:00", "12:00"]
  off_hours: allow
weekends: {max: 1, per_weeks: 1}
rest: {min_hours: 8, max_block_hours: 12, after_night: false, after_weekend: false}
members:
  - {id: anna, timezone: UTC}
  - {id: ben, timezone: UTC}
"""


def test_no_replan_exits_1_explains_and_stores_nothing(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    solved(capsys, url, tmp_path, PAIR_TEAM)
    with Store.open(url) as store:
        revision = store.revision("sun")
    code, out, err = rota(
        capsys, "absence", "add", "sun", "--member", "anna", "--from", "2027-01-07",
        "--to", "2027-01-07", "--db", url, "--now", NOW, "--time-limit", "5",
    )  # fmt: skip
    assert code == 1
    assert "no re-plan of team sun keeps every rule with anna away (nothing was stored)" in err
    assert "blocks of at most 12 h for ben" in err  # the solver's explanation
    assert out == ""
    with Store.open(url) as store:
        assert store.list_absences("sun") == []
        assert [v.version for v in store.list_versions("sun")] == [1]
        assert store.revision("sun") == revision


def test_store_writes_absence_and_version_together_or_not_at_all(url: str) -> None:
    from tests.ops_team import TEAM_FILE, ops_schedule

    with Store.open(url) as store:
        schedule = store.save_schedule(
            ops_schedule(), config_text=TEAM_FILE.read_text(), config_name="ops.yaml"
        )
        stale = store.revision("ops")
        start = datetime(2027, 1, 8, tzinfo=UTC)
        absence = Absence("ops", "dan", start, start + timedelta(hours=5), reason="dentist")
        stored, version = store.add_absence(
            absence, schedule, config_text=TEAM_FILE.read_text(), config_name="ops.yaml",
            expected_revision=stale,
        )  # fmt: skip
        assert (stored.id, stored.member_id, stored.reason) == (1, "dan", "dentist")
        assert (stored.start, stored.end) == (absence.start, absence.end)
        assert version.version == 2
        later = Absence("ops", "ann", start, start + timedelta(hours=1))
        with pytest.raises(ConcurrentChange, match="new schedule version"):
            store.add_absence(
                later, schedule, config_text="x", config_name="x", expected_revision=stale
            )
        assert [a.id for a in store.list_absences("ops")] == [1]
        assert [v.version for v in store.list_versions("ops")] == [1, 2]
        # ids are never reused, so a removal and a new absence never look like no change
        assert store.remove_absence("ops", 1) is not None
        again, _ = store.add_absence(absence, schedule, config_text="x", config_name="x")
        assert again.id == 2


@functools.cache
def sun_schedule() -> Schedule:
    """The six-person team of :data:`SUN_TEAM`, solved once (for the store and API tests)."""
    from rota.horizon import build_grid
    from rota.service import config_from_text
    from rota.solver import SolveOptions, solve
    from rota.team import team_from_config

    team = team_from_config(config_from_text(SUN_TEAM, "sun.yaml"))
    options = SolveOptions(time_limit_s=10.0, workers=2, seed=0)
    return solve(team, build_grid(team), None, options).schedule


def sun_store(url: str) -> Store:
    """A store at ``url`` holding :func:`sun_schedule` as version 1 of team ``sun``."""
    store = Store.open(url)
    store.save_schedule(sun_schedule(), config_text=SUN_TEAM, config_name="sun.yaml")
    return store


@given(
    member=st.sampled_from(sorted(ZONES)),
    start_h=st.integers(min_value=0, max_value=12 * 24),
    length_h=st.integers(min_value=1, max_value=40),
)
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_absence_keeps_every_rule_and_never_schedules_the_member(
    tmp_path_factory: pytest.TempPathFactory, member: str, start_h: int, length_h: int
) -> None:
    from rota.errors import InfeasibleRotaError
    from rota.replan import add_absence
    from rota.solver import SolveOptions
    from rota.views import schedule_view

    folder = tmp_path_factory.mktemp("prop")
    team_file = folder / "sun.yaml"
    team_file.write_text(SUN_TEAM, encoding="utf-8")
    now = utc(NOW)
    start = now + timedelta(hours=start_h)
    end = start + timedelta(hours=length_h)
    with sun_store(f"sqlite:///{folder / 'rota.db'}") as store:
        revision = store.revision("sun")
        absence = Absence("sun", member, start, end, reason="away")
        options = SolveOptions(time_limit_s=10.0, workers=2, seed=0)
        try:
            replan = add_absence(store, absence, options=options, now=now, created_by="test")
        except InfeasibleRotaError:
            assert store.revision("sun") == revision  # nothing stored
            assert store.list_absences("sun") == []
            return
        stored = store.load_schedule("sun")
        assert stored.version == 2
        assert [a.member_id for a in store.list_absences("sun")] == [member]
    for shift in stored.shifts:
        if shift.start < end and start < shift.end:
            assert member not in shift.assignments.values(), shift
    if replan.widened_by is not None:  # nothing changed outside the span re-planned
        lo, hi = start - replan.widened_by, end + replan.widened_by
        assert all(c.start < hi and lo < c.end for c in replan.changes), replan.changes
    checked = with_unavailable(team_file, member, start, end)
    assert check_schedule(checked, schedule_view(stored)) == []


def test_an_override_naming_the_absent_member_is_suspended(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    solved(capsys, url, tmp_path, SUN_TEAM)
    window = ["--start", "2027-01-08T12:00:00Z", "--end", "2027-01-08T14:00:00Z"]
    override = ["override", "add", "sun", "--member", "anna", "--role", "primary", *window]
    code, _, err = rota(capsys, *override, "--db", url)
    assert code == 0, err
    code, _, err = rota(
        capsys, "absence", "add", "sun", "--member", "anna", "--from", "2027-01-08",
        "--to", "2027-01-08", "--reason", "flu", "--db", url, "--now", NOW,
    )  # fmt: skip
    assert code == 0, err
    code, out, err = rota(capsys, "override", "list", "sun", "--db", url, "--json")
    assert code == 0, err
    (listed,) = json.loads(out)
    assert listed["state"] == "suspended"
    assert "'anna' is unavailable (absence 1: flu)" in listed["suspended_because"]
    assert "anna" not in on_call_ids(capsys, url, utc("2027-01-08T12:00:00Z"))
    # the absence removed, the override applies again (nothing else changed)
    code, _, err = rota(capsys, "absence", "remove", "sun", "1", "--db", url)
    assert code == 0, err
    code, out, _ = rota(capsys, "override", "list", "sun", "--db", url, "--json")
    assert json.loads(out)[0]["state"] == "active"


def test_check_counts_stored_absences_with_db(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    team_file = solved(capsys, url, tmp_path, SUN_TEAM)

    def kolkata_away() -> list[int]:
        code, out, err = rota(capsys, "check", str(team_file), "--json", "--db", url)
        assert code == 0, err
        (region,) = [r for r in json.loads(out)["regions"] if r["zone"] == "Asia/Kolkata"]
        away: list[int] = region["away_by_week"]
        return away

    assert kolkata_away() == [0, 0]
    code, _, err = rota(
        capsys, "absence", "add", "sun", "--member", "harish", "--from", SICK_DAY,
        "--to", SICK_DAY, "--db", url, "--now", NOW,
    )  # fmt: skip
    assert code == 0, err
    assert kolkata_away() == [1, 0]


def test_shifts_already_over_stay_as_history(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    from rota.replan import add_absence
    from rota.solver import SolveOptions

    past = sun_schedule().shifts[20]  # Saturday 2027-01-09 00:00-06:00 UTC
    (member,) = past.assignments.values()
    now = past.end + timedelta(hours=1)
    absence = Absence("sun", member, past.start, past.end + timedelta(hours=18))
    options = SolveOptions(time_limit_s=10.0)
    with sun_store(url) as store:
        replan = add_absence(store, absence, options=options, now=now, created_by="t")
        stored = store.load_schedule("sun")
        # a later absence re-plans around that history instead of tripping over it
        other = next(m for m in ZONES if m != member)
        later = Absence("sun", other, now + timedelta(days=2), now + timedelta(days=3))
        assert add_absence(store, later, options=options, now=now, created_by="t").schedule.version
    # and so does a re-solve of the team file, which counts both absences
    team_file = tmp_path / "sun.yaml"
    team_file.write_text(SUN_TEAM, encoding="utf-8")
    at = now.isoformat().replace("+00:00", "Z")
    code, _, err = rota(capsys, "solve", str(team_file), "--db", url, "--now", at, "--json")
    assert code == 0, err
    with Store.open(url) as store:
        resolved = store.load_schedule("sun")
    assert resolved.version == 4
    for shift in resolved.shifts:
        if shift.start >= now and later.overlaps(shift.start, shift.end):
            assert other not in shift.assignments.values()
    kept = [s for s in stored.shifts if s.start == past.start]
    assert kept[0].assignments == past.assignments  # what happened is not rewritten
    assert any("already over: it stays as published" in w for w in replan.meta["warnings"])
    for shift in stored.shifts:
        if shift.start >= past.end and shift.start < absence.end:
            assert member not in shift.assignments.values()


def test_tz_reads_a_naive_date_time_in_the_zone_given(
    capsys: pytest.CaptureFixture[str], url: str, tmp_path: Path
) -> None:
    solved(capsys, url, tmp_path, SUN_TEAM)
    add = ["absence", "add", "sun", "--member", "harish", "--db", url, "--now", NOW, "--json"]
    code, out, err = rota(
        capsys, *add, "--from", "2027-01-06T12:00", "--to", "2027-01-06T14:00", "--tz", "UTC"
    )
    assert code == 0, err
    absence = json.loads(out)["absence"]
    assert (absence["start"], absence["end"]) == ("2027-01-06T12:00:00Z", "2027-01-06T14:00:00Z")
    code, _, err = rota(capsys, *add, "--from", "2027-01-07T10:00", "--to", "2027-01-07T11:00",
                        "--tz", "EST")  # fmt: skip
    assert code == 2
    assert "America/New_York" in err
