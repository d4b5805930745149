"""Local time at the command line: every command reads a time without an offset (or a date
alone) in the ``--tz`` zone, by default the team's, echoes it with its offset and keeps JSON in
RFC 3339 UTC (docs/team-file.md and README "Input rules")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from rota.keys import API_KEY_PREFIX, new_secret, secret_hash
from rota.store import Store
from tests.trust.cli_runner import Result, assert_clean_failure, run_cli


def daily_team(team_id: str, zone: str, start: str) -> str:
    """Four members in ``zone``, one primary a day, handing off at 09:00 local."""
    return (
        f"team: {{id: {team_id}, timezone: {zone}}}\n"
        f"horizon: {{start: {start}, weeks: 1}}\n"
        'rotation: {kind: daily, roles: [primary], handoff: "09:00"}\n'
        "weekends: {split: whole, max: 1, per_weeks: 1}\n"
        "members:\n" + "".join(f"  - {{id: {m}, timezone: {zone}}}\n" for m in "abcd")
    )


def published(tmp_path: Path, text: str) -> str:
    path = tmp_path / "team.yaml"
    path.write_text(text, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'rota.db'}"
    result = run_cli(["solve", str(path), "--db", db, "--strategy", "round-robin", "--json"])
    assert result.code == 0, result.err
    return db


@pytest.fixture
def berlin_spring(tmp_path: Path) -> str:
    """Team ``spring`` in Berlin over the night of 2026-03-29 (clocks 02:00 -> 03:00)."""
    return published(tmp_path, daily_team("spring", "Europe/Berlin", "2026-03-23"))


@pytest.fixture
def berlin_winter(tmp_path: Path) -> str:
    return published(tmp_path, daily_team("winter", "Europe/Berlin", "2026-12-07"))


@pytest.fixture
def new_york_fall(tmp_path: Path) -> str:
    """Team ``fall`` in New York over 2026-11-01 (clocks 02:00 -> 01:00)."""
    return published(tmp_path, daily_team("fall", "America/New_York", "2026-10-26"))


def ok(args: list[str]) -> Result:
    result = run_cli(args)
    assert result.code == 0, result.err
    return result


def as_json(args: list[str]) -> Any:
    return json.loads(ok([*args, "--json"]).out)


def holder(db: str, team: str, at: str) -> str:
    answer = as_json(["who", team, "--at", at, "--db", db])
    return str(answer["holders"]["primary"]["id"])


def override(db: str, team: str, member: str, *times: str) -> Result:
    return run_cli(
        ["override", "add", team, "--member", member, "--role", "primary", "--db", db, *times]
    )


# ------------------------------------------------------------------------- override add


def test_a_berlin_manager_typing_noon_gets_noon_in_berlin(berlin_winter: str) -> None:
    result = override(
        berlin_winter, "winter", "b", "--start", "2026-12-07T12:00", "--end", "2026-12-07T20:00"
    )
    assert result.code == 0, result.err
    assert result.out.strip() == (
        "override 1: b is primary 2026-12-07 12:00+01:00 – 20:00+01:00 (Europe/Berlin)"
    )
    [stored] = as_json(["override", "list", "winter", "--db", berlin_winter])
    assert (stored["start"], stored["end"]) == ("2026-12-07T11:00:00Z", "2026-12-07T19:00:00Z")


def test_tz_reads_and_echoes_in_another_zone(berlin_winter: str) -> None:
    args = ["--start", "2026-12-07T06:00", "--end", "2026-12-07T14:00", "--tz", "America/New_York"]
    result = override(berlin_winter, "winter", "c", *args)
    assert result.code == 0, result.err
    assert "2026-12-07 06:00-05:00 – 14:00-05:00 (America/New_York)" in result.out
    [stored] = as_json(["override", "list", "winter", "--db", berlin_winter])
    assert stored["start"] == "2026-12-07T11:00:00Z"
    listed = ok(["override", "list", "winter", "--db", berlin_winter]).out
    assert "2026-12-07 12:00+01:00 – 20:00+01:00 (Europe/Berlin)" in listed
    listed_utc = ok(["override", "list", "winter", "--db", berlin_winter, "--tz", "UTC"]).out
    assert "2026-12-07 11:00+00:00 – 19:00+00:00 (UTC)" in listed_utc


def test_bare_dates_of_an_override_are_local_midnights_across_spring_forward(
    berlin_spring: str,
) -> None:
    result = override(berlin_spring, "spring", "a", "--start", "2026-03-29", "--end", "2026-03-30")
    assert result.code == 0, result.err
    assert "2026-03-29 00:00+01:00 – 2026-03-30 00:00+02:00 (Europe/Berlin)" in result.out
    [stored] = as_json(["override", "list", "spring", "--db", berlin_spring])
    assert (stored["start"], stored["end"]) == ("2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z")
    for at in ("2026-03-29T00:00", "2026-03-29T03:00", "2026-03-29T23:59"):  # a 23-hour day
        assert holder(berlin_spring, "spring", at) == "a"


def test_a_time_in_the_spring_forward_gap_is_refused(berlin_spring: str) -> None:
    result = override(
        berlin_spring, "spring", "a", "--start", "2026-03-29T02:30", "--end", "2026-03-29T08:00"
    )
    assert_clean_failure(result, 2)
    assert result.err.startswith("--start: 2026-03-29 02:30 does not exist in Europe/Berlin")
    assert as_json(["override", "list", "spring", "--db", berlin_spring]) == []


def test_a_repeated_fall_back_time_is_the_first_and_the_note_says_so(new_york_fall: str) -> None:
    result = override(
        new_york_fall, "fall", "a", "--start", "2026-11-01T01:30", "--end", "2026-11-01T08:00"
    )
    assert result.code == 0, result.err
    assert "2026-11-01 01:30-04:00 – 08:00-05:00 (America/New_York)" in result.out
    assert "happens twice in America/New_York" in result.err
    assert "for the second write 2026-11-01T01:30-05:00" in result.err
    [stored] = as_json(["override", "list", "fall", "--db", new_york_fall])
    assert stored["start"] == "2026-11-01T05:30:00Z"
    assert stored["end"] == "2026-11-01T13:00:00Z"  # 6.5 h apart on the wall clock, 7.5 h elapsed


def test_an_identical_override_typed_in_local_time_is_refused_naming_the_first(
    berlin_winter: str,
) -> None:
    first = ["--start", "2026-12-08T12:00", "--end", "2026-12-08T18:00"]
    assert override(berlin_winter, "winter", "d", *first).code == 0
    again = override(
        berlin_winter, "winter", "d", "--start", "2026-12-08T11:00Z", "--end", "2026-12-08T17:00Z"
    )
    assert_clean_failure(again, 2)
    assert "override 1 already puts 'd' in role 'primary'" in again.err
    assert len(as_json(["override", "list", "winter", "--db", berlin_winter])) == 1


def test_the_api_refuses_a_duplicate_with_409_and_a_naive_time_with_422(
    berlin_winter: str,
) -> None:
    created = override(berlin_winter, "winter", "d", "--start", "2026-12-09", "--end", "2026-12-10")
    assert created.code == 0, created.err
    key = new_secret(API_KEY_PREFIX)
    with Store.open(berlin_winter) as store:
        store.add_api_key("writer", key_hash=secret_hash(key), scope="write")
    headers = {"Authorization": f"Bearer {key}"}
    body = {"member": "d", "role": "primary", "start": "2026-12-08T23:00:00Z"}
    with TestClient(create_app(Settings(db_url=berlin_winter))) as client:
        url = "/v1/teams/winter/overrides"
        twin = client.post(url, json=body | {"end": "2026-12-09T23:00:00Z"}, headers=headers)
        assert twin.status_code == 409, twin.text
        assert "override 1 already puts 'd'" in twin.json()["detail"]
        naive = client.post(
            url,
            json=body | {"start": "2026-12-10T12:00:00", "end": "2026-12-10T13:00:00Z"},
            headers=headers,
        )
        assert naive.status_code == 422, naive.text
        assert "offset" in naive.text


# ------------------------------------------------------------------------- lookups


def test_show_reads_bare_dates_in_the_team_zone_and_to_is_exclusive(berlin_spring: str) -> None:
    day = as_json(
        ["show", "spring", "--from", "2026-03-29", "--to", "2026-03-30", "--db", berlin_spring]
    )
    # The local day 2026-03-29 (23:00Z to 22:00Z) meets the shifts starting at 09:00 on the
    # 28th (+01:00) and on the 29th (+02:00).
    assert [s["start"] for s in day["shifts"]] == ["2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z"]
    exact = as_json(
        [
            "show",
            "spring",
            "--from",
            "2026-03-29T09:00",
            "--to",
            "2026-03-30T09:00",
            "--db",
            berlin_spring,
        ]
    )
    assert [s["start"] for s in exact["shifts"]] == ["2026-03-29T07:00:00Z"]  # --to excluded
    text = ok(
        [
            "show",
            "spring",
            "--from",
            "2026-03-29T09:00",
            "--to",
            "2026-03-30T09:00",
            "--db",
            berlin_spring,
        ]
    ).out
    assert "(Europe/Berlin)" in text
    assert "Sun 2026-03-29 09:00+02:00" in text
    assert "Mon 2026-03-30 09:00+02:00" in text


def test_who_reads_a_bare_date_as_the_local_midnight(berlin_spring: str) -> None:
    midnight = as_json(["who", "spring", "--at", "2026-03-29", "--db", berlin_spring])
    assert midnight["at"] == "2026-03-28T23:00:00Z"
    assert midnight["shift"]["start"] == "2026-03-28T08:00:00Z"
    text = ok(["who", "spring", "--at", "2026-03-29T10:00", "--db", berlin_spring]).out
    assert "at 2026-03-29 10:00+02:00 (Europe/Berlin)" in text
    assert "shift 2026-03-29 09:00+02:00 – 2026-03-30 09:00+02:00 (Europe/Berlin)" in text
    kolkata = ok(
        ["who", "spring", "--at", "2026-03-29T13:30", "--tz", "Asia/Kolkata", "--db", berlin_spring]
    ).out
    assert "at 2026-03-29 13:30+05:30 (Asia/Kolkata)" in kolkata  # 08:00Z = 10:00 Berlin


def test_report_reads_bare_dates_in_the_zone_given(new_york_fall: str) -> None:
    args = ["report", "fall", "--from", "2026-11-01", "--to", "2026-11-02", "--db", new_york_fall]
    data = json.loads(ok([*args, "--format", "json"]).out)
    assert data["period"] == {
        "start": "2026-11-01T04:00:00Z",
        "end": "2026-11-02T05:00:00Z",
        "unscheduled": [],
    }
    assert sum(m["hours"] for m in data["members"]) == pytest.approx(25)  # the 25-hour day
    utc = json.loads(ok([*args, "--format", "json", "--tz", "UTC"]).out)
    assert utc["period"] == {
        "start": "2026-11-01T00:00:00Z",
        "end": "2026-11-02T00:00:00Z",
        "unscheduled": [],
    }
    table = ok(args).out
    assert "2026-11-01 00:00-04:00 – 2026-11-02 00:00-05:00 (America/New_York)" in table


def test_swap_shift_as_a_bare_date_is_the_members_shift_that_local_day(
    berlin_spring: str,
) -> None:
    member = holder(berlin_spring, "spring", "2026-03-29T10:00")
    data = as_json(
        [
            "swap",
            "spring",
            "--member",
            member,
            "--shift",
            "2026-03-29",
            "--db",
            berlin_spring,
            "--now",
            "2026-03-23T00:00Z",
        ]
    )
    assert data["day"] == "2026-03-29"
    assert [s["start"] for s in data["shifts"]] == ["2026-03-29T07:00:00Z"]
    text = ok(
        [
            "swap",
            "spring",
            "--member",
            member,
            "--shift",
            "2026-03-29T09:00",
            "--db",
            berlin_spring,
            "--now",
            "2026-03-23T00:00Z",
        ]
    ).out
    assert (
        f"spring: {member}'s primary shift 2026-03-29 09:00+02:00 – 2026-03-30 09:00+02:00" in text
    )
    other = holder(berlin_spring, "spring", "2026-03-28T10:00")
    assert other != member
    missing = run_cli(
        ["swap", "spring", "--member", other, "--shift", "2026-03-29", "--db", berlin_spring]
    )
    assert_clean_failure(missing, 2)
    assert f"member {other!r} holds no shift starting on 2026-03-29 (Europe/Berlin)" in missing.err


def test_diff_and_a_resolve_show_changes_in_the_team_zone(tmp_path: Path) -> None:
    db = published(tmp_path, daily_team("winter", "Europe/Berlin", "2026-12-07"))
    away = holder(db, "winter", "2026-12-10T10:00")
    text = daily_team("winter", "Europe/Berlin", "2026-12-07").replace(
        f"  - {{id: {away}, timezone: Europe/Berlin}}\n",
        f"  - {{id: {away}, timezone: Europe/Berlin,"
        " unavailable: [{start: 2026-12-10, end: 2026-12-10, reason: sick}]}\n",
    )
    (tmp_path / "team.yaml").write_text(text, encoding="utf-8")
    resolve = ok(
        [
            "solve",
            str(tmp_path / "team.yaml"),
            "--db",
            db,
            "--time-limit",
            "5",
            "--now",
            "2026-12-01T09:00",
        ]
    ).out
    assert "frozen before 2026-12-03 09:00+01:00 (Europe/Berlin)" in resolve
    changed = f"{away} no longer on call 2026-12-10 09:00+01:00 – 2026-12-11 09:00+01:00"
    assert changed in resolve
    local = ok(["diff", "winter", "--db", db]).out
    assert "(times in Europe/Berlin)" in local
    assert f"{changed} (Europe/Berlin) (primary)" in local
    utc = ok(["diff", "winter", "--db", db, "--tz", "UTC"]).out
    assert f"{away} no longer on call 2026-12-10 08:00+00:00 – 2026-12-11 08:00+00:00 (UTC)" in utc
    data = as_json(["diff", "winter", "--db", db])
    assert any(
        c["start"] == "2026-12-10T08:00:00Z" and c["before"] == away for c in data["changes"]
    ), data


SUN_TEAM = """\
team: {id: sun, timezone: Europe/Berlin}
horizon: {start: 2026-03-23, weeks: 1}
rotation:
  kind: follow-the-sun
  roles: [primary]
  shift_hours: {min: 4, max: 4}
  handoffs_utc: ["00:00", "04:00", "08:00", "12:00", "16:00", "20:00"]
  off_hours: allow
rest: {min_hours: 4}
members:
  - {id: ber, timezone: Europe/Berlin}
  - {id: nyc, timezone: America/New_York}
  - {id: kol, timezone: Asia/Kolkata}
"""
"""Three members in 4-hour slices: each holds two slices of every day."""


def test_one_override_covers_a_local_day_of_follow_the_sun_slices(tmp_path: Path) -> None:
    db = published(tmp_path, SUN_TEAM)
    result = override(db, "sun", "nyc", "--start", "2026-03-29", "--end", "2026-03-30")
    assert result.code == 0, result.err
    assert "2026-03-29 00:00+01:00 – 2026-03-30 00:00+02:00 (Europe/Berlin)" in result.out
    day = as_json(["show", "sun", "--from", "2026-03-29", "--to", "2026-03-30", "--db", db])
    inside = [
        s for s in day["shifts"] if "2026-03-28T23:00:00Z" <= s["start"] < "2026-03-29T22:00:00Z"
    ]
    assert len(inside) >= 6  # the day's slices, cut at the override's bounds
    assert {s["assignments"]["primary"] for s in inside} == {"nyc"}
    for at in ("2026-03-29T00:00", "2026-03-29T01:30", "2026-03-29T12:00", "2026-03-29T23:59"):
        assert holder(db, "sun", at) == "nyc", at
    # The slice 21:00-01:00 (+01:00) was kol's: the override cuts it at local midnight.
    assert holder(db, "sun", "2026-03-28T23:59") == "kol"


def test_swap_shift_as_a_bare_date_lists_each_shift_of_that_local_day(tmp_path: Path) -> None:
    db = published(tmp_path, SUN_TEAM)
    planned = as_json(["show", "sun", "--db", db])
    day_start, day_end = "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z"  # 23-hour local day
    expected = [
        s["start"]
        for s in planned["shifts"]
        if s["assignments"]["primary"] == "ber" and day_start <= s["start"] < day_end
    ]
    assert len(expected) == 2
    args = ["swap", "sun", "--member", "ber", "--shift", "2026-03-29", "--db", db]
    data = as_json([*args, "--now", "2026-03-23T00:00Z"])
    assert [s["start"] for s in data["shifts"]] == expected
    applied = run_cli([*args, "--apply"])
    assert_clean_failure(applied, 2)
    assert "ber holds 2 shifts starting on 2026-03-29 (Europe/Berlin)" in applied.err
    assert as_json(["override", "list", "sun", "--db", db]) == []


# ------------------------------------------------------------------------- --tz itself


@pytest.mark.parametrize(
    "command",
    [
        ["show", "spring"],
        ["who", "spring"],
        ["diff", "spring"],
        ["swap", "spring", "--member", "a", "--shift", "2026-03-29"],
        [
            "override",
            "add",
            "spring",
            "--member",
            "a",
            "--role",
            "primary",
            "--start",
            "2026-03-29",
            "--end",
            "2026-03-30",
        ],
        ["override", "list", "spring"],
        ["report", "spring"],
    ],
)
@pytest.mark.parametrize(
    ("zone", "words"), [("EST", "America/New_York"), ("Mars/Base", "unknown time zone")]
)
def test_a_bad_tz_is_exit_2_naming_the_flag(
    berlin_spring: str, command: list[str], zone: str, words: str
) -> None:
    result = run_cli([*command, "--db", berlin_spring, "--tz", zone])
    assert_clean_failure(result, 2)
    assert result.err.startswith("--tz: "), result.err
    assert words in result.err
    assert f"Got value: {zone!r}" in result.err


def test_solve_takes_tz_too(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(daily_team("t", "Europe/Berlin", "2026-03-23"), encoding="utf-8")
    result = run_cli(["solve", str(path), "--db", f"sqlite:///{tmp_path / 'x.db'}", "--tz", "EST"])
    assert_clean_failure(result, 2)
    assert "America/New_York" in result.err


def test_feed_list_shows_times_in_the_teams_zone_or_tz(berlin_winter: str) -> None:
    assert run_cli(["feed", "create", "winter", "--db", berlin_winter]).code == 0
    [feed] = as_json(["feed", "list", "winter", "--db", berlin_winter])["feeds"]
    created = feed["created"]  # RFC 3339 UTC, to the minute
    local = ok(["feed", "list", "winter", "--db", berlin_winter]).out.splitlines()
    assert "created (Europe/Berlin)" in local[0]
    utc = ok(["feed", "list", "--db", berlin_winter]).out.splitlines()
    assert "created (UTC)" in utc[0]
    assert f"{created[:10]} {created[11:16]}+00:00" in utc[1]
    assert "+01:00" in local[1]
