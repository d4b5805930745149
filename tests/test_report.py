"""``rota report``: its numbers against a count by hand, its formats and its command line.

The team (tests/data/report_christmas.yaml): ann and bob in Warsaw (PL holidays 24, 25 and 26
December), cat in New York (US: 25 December only); bob works half time. Seven daily shifts
09:00 -> 09:00 Warsaw (08:00Z, CET) from Mon 21 to Mon 28 December 2026, one role:

    Mon 21 ann · Tue 22 bob · Wed 23 cat · Thu 24 ann · Fri 25 bob · Sat 26 cat · Sun 27 cat

Counted by hand (working window 09-17, night 22-07, member-local):

- ann (21, 24): 48 h; each 24 h shift has 8 working hours -> 32 off, 2 x 9 = 18 night; no
  weekend; Thu 24 09:00 -> Fri 25 09:00 lies wholly on holidays -> 24 holiday hours.
- bob (22, 25): 48 h, 32 off, 18 night; Fri 25 09:00 -> Sat 26 09:00: 9 h on Saturday, 24 h on
  holidays (25, 26); the shift starts on Friday, so no weekend worked.
- cat (23, 26, 27), in New York 03:00 -> 03:00 (EST): 72 h, 3 x 16 = 48 off, 3 x 9 = 27 night;
  Sat 26 03:00 -> Sun 27 03:00 is 24 weekend hours, Sun 27 03:00 -> Mon 28 03:00 another 21:
  45 weekend hours, one weekend; none of it on 25 December -> 0 holiday hours.
- fair shares: 168 role hours split 1 : 0.5 : 1 -> 67.2, 33.6, 67.2.
- comparable (full-time, fully available): ann and cat.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import holidays
import pytest
import typer
from typer.testing import CliRunner

from rota.cli_io import instant_option
from rota.cli_report import report
from rota.model import Override, Schedule, ScheduledShift
from rota.oncall import OnCallIndex
from rota.report import CSV_COLUMNS, build_report, report_csv, report_html, report_json
from rota.service import config_from_text
from rota.store import Store
from rota.team import Team, team_from_config

WARSAW_0900 = datetime(2026, 12, 21, 8, 0, tzinfo=UTC)  # Mon 21 Dec 09:00 CET
HOLDERS = ["ann", "bob", "cat", "ann", "bob", "cat", "cat"]


@pytest.fixture
def team_text(data_dir: Path) -> str:
    return (data_dir / "report_christmas.yaml").read_text(encoding="utf-8")


@pytest.fixture
def team(team_text: str) -> Team:
    return team_from_config(config_from_text(team_text, "report_christmas.yaml"))


def christmas_schedule() -> Schedule:
    shifts = tuple(
        ScheduledShift(
            start=WARSAW_0900 + timedelta(days=i),
            end=WARSAW_0900 + timedelta(days=i + 1),
            assignments={"primary": holder},
        )
        for i, holder in enumerate(HOLDERS)
    )
    return Schedule("xmas", shifts[0].start, shifts[-1].end, shifts, version=1)


def count_by_quarter_hours(
    team: Team, shifts: Sequence[ScheduledShift], lo: datetime, hi: datetime
) -> dict[str, dict[str, float]]:
    """An independent count: walk every quarter hour held and look at the member's wall clock."""
    result = {
        m.id: {"hours": 0.0, "off": 0.0, "night": 0.0, "weekend": 0.0, "holiday": 0.0}
        for m in team.members
    }
    for shift in shifts:
        for member_id in shift.assignments.values():
            member = team.member(member_id)
            assert member.country is not None
            days = holidays.country_holidays(member.country, years=[2026, 2027])
            t = max(shift.start, lo)
            while t < min(shift.end, hi):
                local = t.astimezone(member.timezone)
                tally = result[member_id]
                tally["hours"] += 0.25
                tally["off"] += 0.0 if 9 <= local.hour < 17 else 0.25
                tally["night"] += 0.25 if local.hour >= 22 or local.hour < 7 else 0.0
                tally["weekend"] += 0.25 if local.weekday() >= 5 else 0.0
                tally["holiday"] += 0.25 if local.date() in days else 0.0
                t += timedelta(minutes=15)
    return result


def numbers(team: Team, schedule: Schedule, **bounds: datetime) -> dict[str, dict[str, float]]:
    result = build_report(team, schedule, **bounds)  # type: ignore[arg-type]
    return {
        row.member_id: {
            "hours": row.load.hours,
            "off": row.load.off_hours,
            "night": row.load.night_hours,
            "weekend": row.load.weekend_hours,
            "holiday": row.load.holiday_hours,
        }
        for row in result.rows
    }


def test_whole_week_matches_the_hand_count(team: Team) -> None:
    result = build_report(team, christmas_schedule())
    by_id = {row.member_id: row.load for row in result.rows}
    expected = {
        # id: (blocks, hours, off, night, weekend h, weekends, holiday h, fair share)
        "ann": (2, 48, 32, 18, 0, 0, 24, 67.2),
        "bob": (2, 48, 32, 18, 9, 0, 24, 33.6),
        "cat": (2, 72, 48, 27, 45, 1, 0, 67.2),  # Sat 26 and Sun 27 are one block
    }
    for member_id, row in expected.items():
        blocks, hours, off, night, weekend, weekends, holiday, share = row
        load = by_id[member_id]
        assert (load.blocks, load.weekends_worked) == (blocks, weekends), member_id
        assert load.hours == pytest.approx(hours), member_id
        assert load.off_hours == pytest.approx(off), member_id
        assert load.night_hours == pytest.approx(night), member_id
        assert load.weekend_hours == pytest.approx(weekend), member_id
        assert load.holiday_hours == pytest.approx(holiday), member_id
        assert load.fair_share_hours == pytest.approx(share), member_id
    summary = result.summary
    assert summary.comparable == ("ann", "cat")
    assert summary.hours == pytest.approx(24)
    assert summary.off_hours == pytest.approx(16)
    assert summary.night_hours == pytest.approx(9)
    assert summary.weekend_hours == pytest.approx(45)
    assert summary.weekends_worked == 1
    assert summary.holiday_hours == pytest.approx(24)
    assert summary.fair_share_deviation == pytest.approx(19.2)  # ann: |48 - 67.2|


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (None, None),
        ("2026-12-24", "2026-12-26"),  # the two Polish holidays, cut mid-shift
        ("2026-12-26T05:00:00Z", "2026-12-27T21:30:00-05:00"),  # a weekend, ragged ends
    ],
)
def test_any_period_matches_an_independent_count(
    team: Team, start: str | None, end: str | None
) -> None:
    schedule = christmas_schedule()
    lo = instant_option(start, "--from", team.zone) or schedule.horizon_start
    hi = instant_option(end, "--to", team.zone) or schedule.horizon_end
    expected = count_by_quarter_hours(team, schedule.shifts, lo, hi)
    got = numbers(team, schedule, start=lo, end=hi)
    for member_id, tally in expected.items():
        assert got[member_id] == pytest.approx(tally), member_id


def test_holidays_cut_by_the_period(team: Team) -> None:
    lo = instant_option("2026-12-24", "--from", team.zone)
    hi = instant_option("2026-12-26", "--to", team.zone)
    assert lo is not None
    assert hi is not None
    got = numbers(team, christmas_schedule(), start=lo, end=hi)
    # cat 00:00-09:00 on the 24th (NY evening of the 23rd), ann 24 h, bob 09:00-24:00 on the 25th
    assert got["cat"] == pytest.approx(
        {"hours": 9, "off": 9, "night": 5, "weekend": 0, "holiday": 0}
    )
    assert got["ann"] == pytest.approx(
        {"hours": 24, "off": 16, "night": 9, "weekend": 0, "holiday": 24}
    )
    assert got["bob"] == pytest.approx(
        {"hours": 15, "off": 7, "night": 2, "weekend": 0, "holiday": 15}
    )


def test_overrides_count_for_who_held_the_pager(team: Team) -> None:
    schedule = christmas_schedule()
    sunday_0900 = WARSAW_0900 + timedelta(days=6)
    swap = Override("xmas", "primary", "bob", sunday_0900, sunday_0900 + timedelta(hours=12))
    effective = OnCallIndex.from_schedule(schedule, [swap]).shifts
    result = build_report(team, schedule, effective)
    by_id = {row.member_id: row.load for row in result.rows}
    assert by_id["bob"].hours == pytest.approx(60)
    assert by_id["bob"].weekend_hours == pytest.approx(9 + 12)
    assert by_id["bob"].weekends_worked == 1
    assert by_id["cat"].hours == pytest.approx(60)
    assert by_id["cat"].weekend_hours == pytest.approx(24 + 9)  # Sunday 15:00-24:00 in New York


def test_json_and_csv_carry_the_same_numbers(team: Team) -> None:
    result = build_report(team, christmas_schedule())
    document = report_json(result)
    assert document["period"] == {
        "start": "2026-12-21T08:00:00Z",
        "end": "2026-12-28T08:00:00Z",
        "unscheduled": [],
    }
    assert document["spreads"]["comparable"] == ["ann", "cat"]
    cat = document["members"][2]
    assert (cat["member"], cat["hours"], cat["weekend_hours"], cat["weekends_worked"]) == (
        "cat",
        72.0,
        45.0,
        1,
    )
    assert cat["deviation_hours"] == pytest.approx(4.8)
    rows = list(csv.DictReader(io.StringIO(report_csv(result))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["member"], float(r["holiday_hours"])) for r in rows] == [
        ("ann", 24.0),
        ("bob", 24.0),
        ("cat", 0.0),
    ]


def test_html_is_standalone_with_one_chart_per_metric(team: Team) -> None:
    page = report_html(build_report(team, christmas_schedule()))
    assert page.startswith("<!doctype html>")
    assert "<script" not in page
    assert "http://" not in page
    assert "https://" not in page
    for metric in ("hours", "off_hours", "night_hours", "weekend_hours", "holiday_hours"):
        assert f'data-metric="{metric}"' in page
    assert page.count('data-member="cat"') == 5
    assert "Cat Smith" in page
    assert "Christmas Desk" in page


def test_names_are_escaped_in_html(team_text: str) -> None:
    text = team_text.replace("name: Cat Smith", "name: \"<script>alert('x')</script>\"")
    evil = team_from_config(config_from_text(text, "evil.yaml"))
    page = report_html(build_report(evil, christmas_schedule()))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


# --------------------------------------------------------------------------------- command line


@pytest.fixture
def db(tmp_path: Path, team_text: str) -> str:
    url = f"sqlite:///{tmp_path / 'report.db'}"
    store = Store.open(url)
    store.save_schedule(
        christmas_schedule(), config_text=team_text, config_name="report_christmas.yaml", meta={}
    )
    store.close()
    return url


def cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(report)
    app.command("noop")(lambda: None)  # two commands: typer then expects the command name
    return app


def test_cli_json(db: str) -> None:
    result = CliRunner().invoke(
        cli(), ["report", "xmas", "--db", db, "--format", "json", "--from", "2026-12-24"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["period"]["start"] == "2026-12-23T23:00:00Z"  # midnight in Warsaw
    assert [m["hours"] for m in document["members"]] == [24.0, 24.0, 57.0]


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "html"])
def test_cli_writes_every_format_to_a_file(db: str, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"report.{fmt}"
    result = CliRunner().invoke(
        cli(), ["report", "xmas", "--db", db, "--format", fmt, "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "Cat" in target.read_text(encoding="utf-8") or "cat" in target.read_text()


def test_cli_rejects_a_bad_date(db: str) -> None:
    result = CliRunner().invoke(cli(), ["report", "xmas", "--db", db, "--from", "24.12.2026"])
    assert result.exit_code != 0
    assert "--from" in str(result.exception)


def test_cli_rejects_a_day_outside_the_utc_calendar(db: str) -> None:
    # Midnight of 0001-01-01 east of Greenwich is in year 0 in UTC.
    result = CliRunner().invoke(cli(), ["report", "xmas", "--db", db, "--from", "0001-01-01"])
    assert result.exit_code != 0
    assert "--from: out of range" in str(result.exception)
