"""Pay categories, rates, stipends and months (``rota report --pay``), counted by hand.

The team is tests/data/report_christmas.yaml (Warsaw ann and half-time bob, PL holidays 24-26
December; New York cat, US holiday 25 December) with a ``pay:`` section. Its seven daily
shifts 09:00 -> 09:00 Warsaw from Mon 21 December are

    Mon 21 ann · Tue 22 bob · Wed 23 cat · Thu 24 ann · Fri 25 bob · Sat 26 cat · Sun 27 cat

Each hour in one category (holiday > weekend > night > off-hours > working), member-local,
working 09-17, night 22-07:

- ann: Mon 21: night 9 (22-07), working 8, off 7; Thu 24 -> Fri 25: 24 holiday.
- bob: Tue 22: night 9, working 8, off 7; Fri 25 -> Sat 26: 24 holiday (25 and 26 are PL
  holidays, so Saturday's 9 h are holiday, not weekend).
- cat (New York, 03:00 -> 03:00): Wed 23: night 4 + 2 + 3 = 9, working 8, off 2 + 5 = 7;
  Sat 26 -> Sun 27 03:00: 24 weekend; Sun 27 03:00 -> Mon 28 03:00: 21 weekend + 3 night.

Rates per hour: off-hours 4, night 8 (cat 12), weekend 10, holiday 15; a weekly stipend of 50.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rota.cli_report import report
from rota.config.pay import PaySection
from rota.errors import ConfigError
from rota.metrics import member_loads
from rota.model import DailyWindow, Member, Schedule, ScheduledShift
from rota.pay import Category, categorise, pay_ledger
from rota.report import build_report, period_text, report_json, unscheduled_notes
from rota.service import config_from_text
from rota.store import Store
from rota.team import Team, team_from_config

PAY = """
pay:
  currency: eur
  rates: {working: 0, off_hours: 4, night: 8, weekend: 10, holiday: 15}
  stipend: {per: week, amount: 50}
  members: {cat: {rates: {night: 12}}}
"""
WARSAW_0900 = datetime(2026, 12, 21, 8, 0, tzinfo=UTC)  # Mon 21 Dec 09:00 CET
HOLDERS = ["ann", "bob", "cat", "ann", "bob", "cat", "cat"]
H = Category


@pytest.fixture
def team_text(data_dir: Path) -> str:
    return (data_dir / "report_christmas.yaml").read_text(encoding="utf-8") + PAY


@pytest.fixture
def team(team_text: str) -> Team:
    return team_from_config(config_from_text(team_text, "report_christmas.yaml"))


def daily(holders: list[str], first: datetime = WARSAW_0900) -> Schedule:
    shifts = tuple(
        ScheduledShift(first + timedelta(days=i), first + timedelta(days=i + 1), {"primary": who})
        for i, who in enumerate(holders)
    )
    return Schedule("xmas", shifts[0].start, shifts[-1].end, shifts, version=1)


def hours(seconds: dict[Category, int]) -> dict[str, float]:
    return {c.value: s / 3600 for c, s in seconds.items() if s}


# --------------------------------------------------------------------------- categories


def test_each_hour_in_one_category_by_hand(team: Team) -> None:
    ledger = pay_ledger(
        team,
        daily(HOLDERS).shifts,
        start=WARSAW_0900,
        end=WARSAW_0900 + timedelta(days=7),
        weeks_from=WARSAW_0900,
    )
    got = {line.member_id: hours(line.figures.seconds) for line in ledger.members}
    assert got == {
        "ann": {"holiday": 24, "night": 9, "off_hours": 7, "working": 8},
        "bob": {"holiday": 24, "night": 9, "off_hours": 7, "working": 8},
        "cat": {"weekend": 45, "night": 12, "off_hours": 7, "working": 8},
    }


def test_amounts_are_rate_times_hours_plus_the_weekly_stipend(team: Team) -> None:
    ledger = pay_ledger(
        team,
        daily(HOLDERS).shifts,
        start=WARSAW_0900,
        end=WARSAW_0900 + timedelta(days=7),
        weeks_from=WARSAW_0900,
    )
    assert ledger.currency == "EUR"
    totals = {line.member_id: line.figures.total for line in ledger.members}
    # ann: 24 x 15 + 9 x 8 + 7 x 4 + 50; cat: 45 x 10 + 12 x 12 + 7 x 4 + 50
    assert totals == {"ann": Decimal("510.00"), "bob": Decimal("510.00"), "cat": Decimal("672.00")}
    cat = ledger.members[2].figures
    assert cat.amounts[H.NIGHT] == Decimal("144.00")
    assert cat.stipend == Decimal("50.00")


def test_new_year_shift_is_split_at_local_midnight_into_months(team: Team) -> None:
    # ann holds Thu 31 Dec 09:00 -> Fri 1 Jan 09:00 Warsaw: 15 h in December (8 working,
    # 5 off, 2 night) and 9 h of New Year's Day (a PL holiday) in January.
    first = datetime(2026, 12, 31, 8, 0, tzinfo=UTC)
    schedule = daily(["ann"], first)
    ledger = pay_ledger(
        team, schedule.shifts, start=first, end=first + timedelta(days=1), weeks_from=WARSAW_0900
    )
    months = {m.month: hours(m.figures.seconds) for m in ledger.members[0].months}
    assert months == {
        "2026-12": {"working": 8, "off_hours": 5, "night": 2},
        "2027-01": {"holiday": 9},
    }
    # the week from Mon 28 Dec 09:00 starts in December: its stipend counts there
    stipends = {m.month: m.figures.stipend for m in ledger.members[0].months}
    assert stipends == {"2026-12": Decimal("50.00"), "2027-01": Decimal("0.00")}


def test_block_stipend_counts_consecutive_shifts_once(team_text: str) -> None:
    text = team_text.replace(
        "stipend: {per: week, amount: 50}", "stipend: {per: block, amount: 20}"
    )
    team = team_from_config(config_from_text(text, "blocks.yaml"))
    ledger = pay_ledger(
        team,
        daily(HOLDERS).shifts,
        start=WARSAW_0900,
        end=WARSAW_0900 + timedelta(days=7),
        weeks_from=WARSAW_0900,
    )
    # ann: Mon 21, Thu 24 -> 2 blocks; cat: Wed 23, then Sat 26 + Sun 27 joined -> 2 blocks
    assert {line.member_id: line.figures.stipend for line in ledger.members} == {
        "ann": Decimal("40.00"),
        "bob": Decimal("40.00"),
        "cat": Decimal("40.00"),
    }


ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    country=st.sampled_from([None, "DE", "US", "IN"]),
    work=st.tuples(st.integers(0, 23), st.integers(1, 23)),
    night=st.tuples(st.integers(0, 23), st.integers(1, 23)),
    start=st.integers(0, 365 * 24 * 4),
    length=st.integers(1, 14 * 24 * 4),
)
def test_categories_add_up_and_follow_precedence(
    zone: str,
    country: str | None,
    work: tuple[int, int],
    night: tuple[int, int],
    start: int,
    length: int,
) -> None:
    member = Member(
        id="m",
        name="M",
        email=None,
        timezone=ZoneInfo(zone),
        country=country,
        working_hours=DailyWindow(time(work[0]), time((work[0] + work[1]) % 24)),
        night=DailyWindow(time(night[0]), time((night[0] + night[1]) % 24)),
        roles=("primary",),
        fte=1.0,
    )
    lo = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=15 * start)
    hi = lo + timedelta(minutes=15 * length)
    seconds = categorise(member, lo, hi)
    assert sum(seconds.values()) == (hi - lo).total_seconds()
    # an independent count, quarter hour by quarter hour on the member's wall clock
    expected = dict.fromkeys(Category, 0)
    days = holidays.country_holidays(country, years=[2026, 2027]) if country else {}
    t = lo
    while t < hi:
        local = t.astimezone(member.timezone)
        clock = local.time()

        if local.date() in days:
            category = Category.HOLIDAY
        elif local.weekday() >= 5:
            category = Category.WEEKEND
        elif inside(member.night, clock):
            category = Category.NIGHT
        elif not inside(member.working_hours, clock):
            category = Category.OFF_HOURS
        else:
            category = Category.WORKING
        expected[category] += 900
        t += timedelta(minutes=15)
    assert seconds == expected


def inside(window: DailyWindow, clock: time) -> bool:
    if window.start < window.end:
        return window.start <= clock < window.end
    return clock >= window.start or clock < window.end


# --------------------------------------------------------------------------- the team file


def test_pay_section_defaults_and_member_changes(team: Team) -> None:
    pay = team.config.pay
    assert isinstance(pay, PaySection)
    assert pay.rates_of("cat").night == 12
    assert pay.rates_of("cat").holiday == 15
    assert pay.rates_of("ann").night == 8


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("pay: {currency: euro}", "pay.currency"),
        ("pay: {currency: EUR, rates: {nigth: 8}}", "pay.rates.nigth"),
        ("pay: {currency: EUR, rates: {night: -1}}", "pay.rates.night"),
        ("pay: {currency: EUR, stipend: {per: month, amount: 5}}", "pay.stipend.per"),
        ("pay: {currency: EUR, members: {dan: {rates: {night: 9}}}}", "pay.members.dan"),
    ],
)
def test_pay_mistakes_name_their_path(team_text: str, section: str, expected: str) -> None:
    text = team_text.replace(PAY, "\n" + section + "\n")
    with pytest.raises(ConfigError) as info:
        config_from_text(text, "bad.yaml")
    assert expected in str(info.value)


# --------------------------------------------------------------------------- periods


def test_period_label_has_each_bound_s_own_offset_and_names_the_unscheduled_part(
    team: Team,
) -> None:
    october = datetime(2026, 9, 30, 22, 0, tzinfo=UTC)  # 1 October 00:00 in Warsaw (CEST)
    result = build_report(team, daily(HOLDERS), start=october)
    assert period_text(result) == (
        "2026-10-01 00:00+02:00 – 2026-12-28 09:00+01:00 (Europe/Warsaw)"
    )
    assert unscheduled_notes(result) == [
        "No schedule for 2026-10-01 00:00+02:00 – 2026-12-21 09:00+01:00 (Europe/Warsaw): the "
        "stored rota "
        "starts at 2026-12-21 09:00+01:00, so nothing is counted there."
    ]
    document = report_json(result)
    assert document["period"]["unscheduled"] == [
        {"start": "2026-09-30T22:00:00Z", "end": "2026-12-21T08:00:00Z"}
    ]


# --------------------------------------------------------------------------- command line


@pytest.fixture
def db(tmp_path: Path, team_text: str) -> str:
    url = f"sqlite:///{tmp_path / 'pay.db'}"
    store = Store.open(url)
    # two weeks, so that the period crosses into January
    holders = [*HOLDERS, "bob", "ann", "cat", "ann", "cat", "bob", "bob"]
    store.save_schedule(daily(holders), config_text=team_text, config_name="x.yaml", meta={})
    store.close()
    return url


def cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(report)
    app.command("noop")(lambda: None)
    return app


def run(*args: str) -> str:
    result = CliRunner().invoke(cli(), ["report", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_categories_sum_to_hours_and_months_to_the_whole(db: str, team: Team) -> None:
    document = json.loads(run("xmas", "--db", db, "--format", "json", "--pay", "--by", "month"))
    assert document["currency"] == "EUR"
    for entry in document["members"]:
        pay = entry["pay"]
        assert sum(pay["hours"].values()) == pytest.approx(entry["hours"], abs=1 / 3600)
        for category, amount in pay["amounts"].items():
            rate = entry["rates"][category]
            assert amount == pytest.approx(rate * pay["hours"][category], abs=0.01)
        assert pay["total"] == pytest.approx(sum(pay["amounts"].values()) + pay["stipend"])
        months = entry["months"]
        assert [m["month"] for m in months] == ["2026-12", "2027-01"]
        assert sum(m["hours"] for m in months) == pytest.approx(entry["hours"])
        assert sum(m["pay"]["total"] for m in months) == pytest.approx(pay["total"])
    # the hours agree with the fairness count
    loads = member_loads(team, daily([*HOLDERS, "bob", "ann", "cat", "ann", "cat", "bob", "bob"]))
    assert [e["hours"] for e in document["members"]] == [
        loads[m].hours for m in ("ann", "bob", "cat")
    ]


def test_payroll_csv_lines_add_up_to_the_json_totals(db: str) -> None:
    document = json.loads(run("xmas", "--db", db, "--format", "json", "--pay"))
    lines = list(csv.DictReader(io.StringIO(run("xmas", "--db", db, "--format", "csv", "--pay"))))
    assert list(lines[0]) == ["member", "month", "category", "hours", "rate", "amount"]
    for entry in document["members"]:
        mine = [line for line in lines if line["member"] == entry["member"]]
        assert sum(Decimal(line["amount"]) for line in mine) == Decimal(str(entry["pay"]["total"]))
        worked = sum(float(line["hours"]) for line in mine if line["category"] != "stipend")
        assert worked == pytest.approx(entry["hours"])


def test_without_a_pay_section_hours_are_categorised_at_no_cost(
    tmp_path: Path, data_dir: Path
) -> None:
    text = (data_dir / "report_christmas.yaml").read_text(encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'nopay.db'}"
    store = Store.open(url)
    store.save_schedule(daily(HOLDERS), config_text=text, config_name="x.yaml", meta={})
    store.close()
    document = json.loads(run("xmas", "--db", url, "--format", "json", "--pay"))
    assert document["currency"] is None
    assert document["members"][2]["pay"]["hours"]["weekend"] == 45
    assert all(e["pay"]["total"] == 0 for e in document["members"])
    assert "no pay: section" in run("xmas", "--db", url, "--pay")


def test_html_and_table_show_the_pay(db: str) -> None:
    page = run("xmas", "--db", db, "--format", "html", "--pay", "--by", "month")
    assert "On-call pay (EUR)" in page
    assert "2027-01" in page
    table = run("xmas", "--db", db, "--pay")
    assert "On-call pay (EUR)" in table
    assert "blocks" in run("xmas", "--db", db)
