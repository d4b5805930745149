"""The shift grid: horizon start/end rules and DST-correct handoffs (docs/rules.md, rule 1)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rota.config import config_from_document, load_config
from rota.horizon import build_grid, handoff_instants, horizon_dates
from rota.model import Grid
from rota.team import Team, team_from_config
from rota.yamlfile import YamlDocument

DATA = Path(__file__).parent / "data"
HOUR = timedelta(hours=1)


def make_team(
    *,
    kind: str,
    zone: str = "Europe/Warsaw",
    start: str = "2027-03-22",
    weeks: int = 1,
    members: list[dict[str, Any]] | None = None,
    **rotation: Any,
) -> Team:
    """A valid team from a few keys (the rest are the file defaults)."""
    data = {
        "team": {"id": "test", "timezone": zone},
        "horizon": {"start": start, "weeks": weeks},
        "rotation": {"kind": kind, **rotation},
        "members": members or [{"id": "ann", "timezone": zone}, {"id": "bob", "timezone": zone}],
    }
    return team_from_config(config_from_document(YamlDocument(file="test.yaml", data=data)))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def hours_of(grid: Grid) -> list[float]:
    return [shift.hours for shift in grid.shifts]


def assert_tiles(grid: Grid) -> None:
    """First start is the grid start, each end the next start, last end the grid end."""
    assert grid.shifts, "a grid has at least one shift"
    assert grid.shifts[0].start == grid.start
    assert grid.shifts[-1].end == grid.end
    for k, shift in enumerate(grid.shifts):
        assert shift.index == k
        assert shift.start.utcoffset() == timedelta(0)
        assert shift.end.utcoffset() == timedelta(0)
        assert shift.start < shift.end
        if k + 1 < len(grid.shifts):
            assert shift.end == grid.shifts[k + 1].start


# ------------------------------------------------------------------------------ daily


def test_daily_spring_forward_in_warsaw_is_one_23_hour_shift() -> None:
    grid = build_grid(make_team(kind="daily", start="2027-03-22", handoff="09:00"))
    assert_tiles(grid)
    assert grid.start == utc("2027-03-22T08:00")  # 09:00 CET
    assert grid.end == utc("2027-03-29T07:00")  # 09:00 CEST
    # Sat 27 09:00 CET -> Sun 28 09:00 CEST is one shift of 23 hours.
    assert hours_of(grid) == [24, 24, 24, 24, 24, 23, 24]
    zone = ZoneInfo("Europe/Warsaw")
    assert {s.start.astimezone(zone).time() for s in grid.shifts} == {time(9, 0)}


def test_daily_fall_back_in_warsaw_is_one_25_hour_shift() -> None:
    grid = build_grid(make_team(kind="daily", start="2026-10-19", handoff="09:00"))
    assert_tiles(grid)
    assert hours_of(grid) == [24, 24, 24, 24, 24, 25, 24]
    assert grid.shifts[5].start == utc("2026-10-24T07:00")
    assert grid.shifts[5].end == utc("2026-10-25T08:00")


def test_daily_spring_forward_in_new_york() -> None:
    grid = build_grid(
        make_team(kind="daily", zone="America/New_York", start="2027-03-08", handoff="08:00")
    )
    assert_tiles(grid)
    # Sat 13 08:00 EST (13:00Z) -> Sun 14 08:00 EDT (12:00Z).
    assert hours_of(grid) == [24, 24, 24, 24, 24, 23, 24]
    assert grid.shifts[5].start == utc("2027-03-13T13:00")


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2027-03-29", [24, 24, 24, 24, 24, 25, 24]),  # AEDT ends Sun 4 Apr 2027
        ("2026-09-28", [24, 24, 24, 24, 24, 23, 24]),  # AEDT starts Sun 4 Oct 2026
    ],
)
def test_daily_in_sydney_follows_the_southern_dst(start: str, expected: list[float]) -> None:
    grid = build_grid(make_team(kind="daily", zone="Australia/Sydney", start=start))
    assert_tiles(grid)
    assert hours_of(grid) == expected


def test_daily_in_kolkata_hands_off_at_half_past_utc() -> None:
    grid = build_grid(make_team(kind="daily", zone="Asia/Kolkata", start="2027-03-22"))
    assert hours_of(grid) == [24] * 7
    assert grid.start == utc("2027-03-22T03:30")  # 09:00 IST, +05:30


def test_daily_handoff_inside_the_dst_gap_resolves_with_fold_0() -> None:
    # 02:30 does not exist in Warsaw on 28 March 2027; fold=0 reads it as 02:30 CET = 01:30Z,
    # which is 03:30 CEST. The next day 02:30 CEST is 00:30Z.
    grid = build_grid(make_team(kind="daily", start="2027-03-22", handoff="02:30"))
    assert_tiles(grid)
    assert grid.shifts[5].start == utc("2027-03-27T01:30")
    assert grid.shifts[5].end == utc("2027-03-28T01:30")
    assert grid.shifts[6].end == utc("2027-03-29T00:30")
    assert hours_of(grid) == [24, 24, 24, 24, 24, 24, 23]


def test_daily_handoff_in_the_repeated_hour_takes_its_first_occurrence() -> None:
    grid = build_grid(make_team(kind="daily", start="2026-10-19", handoff="02:30"))
    assert_tiles(grid)
    assert grid.shifts[5].end == utc("2026-10-25T00:30")  # 02:30 CEST, not CET
    assert hours_of(grid) == [24, 24, 24, 24, 24, 24, 25]


def test_horizon_starts_at_the_first_handoff_after_local_midnight() -> None:
    grid = build_grid(make_team(kind="daily", start="2027-01-04", weeks=2, handoff="00:00"))
    assert grid.start == utc("2027-01-03T23:00")  # local midnight of 4 Jan
    assert grid.end == utc("2027-01-17T23:00")  # local midnight of 18 Jan
    assert len(grid.shifts) == 14


# ------------------------------------------------------------------------------ weekly


def test_weekly_across_dst_lasts_167_and_169_hours() -> None:
    spring = build_grid(make_team(kind="weekly", start="2027-03-22", weeks=2, handoff_day="monday"))
    assert_tiles(spring)
    assert hours_of(spring) == [167, 168]
    autumn = build_grid(make_team(kind="weekly", start="2026-10-19", weeks=2, handoff_day="monday"))
    assert hours_of(autumn) == [169, 168]


def test_weekly_starts_on_the_first_handoff_day_on_or_after_the_start_date() -> None:
    # 9 Dec 2026 is a Wednesday: the first Monday 09:00 on or after it is 14 Dec.
    team = make_team(kind="weekly", start="2026-12-09", weeks=2, handoff_day="monday")
    grid = build_grid(team)
    assert grid.start == utc("2026-12-14T08:00")
    # Horizon end date is 23 Dec (Wednesday): the first Monday handoff after it is 28 Dec.
    assert grid.end == utc("2026-12-28T08:00")
    assert hours_of(grid) == [168, 168]
    # On the handoff day itself the horizon starts that day.
    same_day = build_grid(
        make_team(kind="weekly", start="2026-12-09", weeks=1, handoff_day="wednesday")
    )
    assert same_day.start == utc("2026-12-09T08:00")
    assert hours_of(same_day) == [168]


# ------------------------------------------------------------------------------ follow-the-sun


def test_spec_example_follow_the_sun_starts_at_utc_midnight() -> None:
    team = team_from_config(load_config(DATA / "spec_example.yaml"))
    grid = build_grid(team)
    assert_tiles(grid)
    # Warsaw midnight of 7 Dec is 23:00Z on 6 Dec; the first listed cut at or after it is
    # 00:00Z (the ``show --json`` example).
    assert grid.start == utc("2026-12-07T00:00")
    assert grid.end == utc("2027-02-01T00:00")
    assert set(hours_of(grid)) == {6}
    assert len(grid.shifts) == 8 * 7 * 4


def test_fixed_utc_cuts_ignore_dst() -> None:
    team = make_team(
        kind="follow-the-sun",
        start="2027-03-22",
        handoffs_utc=["02:00", "10:00", "18:00"],
        shift_hours={"min": 8, "max": 8},
    )
    grid = build_grid(team)
    assert_tiles(grid)
    assert set(hours_of(grid)) == {8}
    assert grid.start == utc("2027-03-22T02:00")  # first cut after 23:00Z on 21 Mar
    assert grid.end == utc("2027-03-29T02:00")  # first cut after 22:00Z on 28 Mar (CEST)


def test_horizon_dates_and_handoff_instants_agree() -> None:
    team = make_team(kind="daily", start="2027-03-22", weeks=3)
    first, end = horizon_dates(team)
    assert (first, end) == (date(2027, 3, 22), date(2027, 4, 12))
    cuts = handoff_instants(team, first, end)
    assert len(cuts) == 22
    assert cuts == sorted(cuts)


# ------------------------------------------------------------------------------ properties

ZONES = [
    "UTC",
    "Europe/Warsaw",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "America/St_Johns",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Pacific/Auckland",
]
# Dates near DST changes in the zones above (2026-2028); the horizon starts up to 3 weeks
# before one of them.
DST_DATES = [
    date(2026, 3, 8),
    date(2026, 3, 29),
    date(2026, 4, 5),
    date(2026, 9, 27),
    date(2026, 10, 4),
    date(2026, 10, 25),
    date(2026, 11, 1),
    date(2027, 3, 14),
    date(2027, 3, 28),
    date(2027, 4, 4),
    date(2027, 9, 26),
    date(2027, 10, 3),
    date(2027, 10, 31),
    date(2027, 11, 7),
    date(2028, 3, 12),
    date(2028, 3, 26),
    date(2028, 4, 2),
]
# (min, max) shift hours for which a 24-hour pattern exists (the loader insists on one).
SHIFT_HOURS: list[tuple[float, float]] = [
    (4, 6),
    (1, 24),
    (3, 5),
    (6, 6),
    (8, 8),
    (4.5, 7.25),
    (5, 7),
    (12, 12),
    (2, 3),
]
FIXED_CUTS: list[tuple[list[str], tuple[float, float]]] = [
    (["00:00", "06:00", "12:00", "18:00"], (4, 6)),
    (["01:30", "09:30", "17:30"], (8, 8)),
    (["05:45", "17:45"], (6, 12)),
]


def quarter_time(index: int) -> str:
    return f"{index // 4:02d}:{index % 4 * 15:02d}"


@st.composite
def teams(draw: st.DrawFn) -> Team:
    """Random valid teams: zones with and without DST, half- and quarter-hour offsets."""
    role_count = draw(st.integers(1, 3))
    roles = ["primary", "secondary", "shadow"][:role_count]
    member_count = draw(st.integers(role_count, 6))
    members: list[dict[str, Any]] = []
    for k in range(member_count):
        own = draw(st.lists(st.sampled_from(roles), min_size=1, unique=True))
        if k < role_count and roles[k] not in own:
            own.append(roles[k])
        begins = draw(st.integers(0, 95))
        length = draw(st.integers(4, 96))  # 96: the whole day
        members.append(
            {
                "id": f"m{k}",
                "timezone": draw(st.sampled_from(ZONES)),
                "roles": own,
                "working_hours": {
                    "start": "00:00" if length == 96 else quarter_time(begins),
                    "end": "24:00" if length == 96 else quarter_time((begins + length) % 96),
                },
            }
        )
    kind = draw(st.sampled_from(["daily", "weekly", "follow-the-sun", "follow-the-sun"]))
    rotation: dict[str, Any] = {
        "roles": roles,
        "handoff": f"{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}",
        "handoff_day": draw(st.sampled_from(["monday", "wednesday", "sunday"])),
    }
    if kind == "follow-the-sun":
        del rotation["handoff"], rotation["handoff_day"]
        if draw(st.booleans()):
            cuts, (lo, hi) = draw(st.sampled_from(FIXED_CUTS))
            rotation["handoffs_utc"] = cuts
        else:
            lo, hi = draw(st.sampled_from(SHIFT_HOURS))
        rotation["shift_hours"] = {"min": lo, "max": hi}
    first_day = draw(st.sampled_from(DST_DATES)) - timedelta(days=draw(st.integers(0, 21)))
    return make_team(
        kind=kind,
        zone=draw(st.sampled_from(ZONES)),
        start=first_day.isoformat(),
        weeks=draw(st.integers(1, 8)),
        members=members,
        **rotation,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(team=teams())
def test_grid_tiles_the_horizon_with_legal_lengths(team: Team) -> None:
    grid = build_grid(team)
    assert_tiles(grid)
    zone = team.zone
    first, end = horizon_dates(team)
    midnight = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)
    end_midnight = datetime.combine(end, time(0), tzinfo=zone).astimezone(UTC)
    assert midnight <= grid.start
    assert grid.shifts[-1].start < end_midnight <= grid.end
    rotation = team.config.rotation
    hours = set(hours_of(grid))
    if rotation.kind == "daily":
        assert hours <= {23, 23.5, 24, 24.5, 25}  # Lord Howe moves its clock by 30 minutes
        assert grid.start - midnight < timedelta(hours=25)
    elif rotation.kind == "weekly":
        assert hours <= {167, 167.5, 168, 168.5, 169}
        assert grid.start - midnight < timedelta(days=7, hours=1)
    else:
        lo, hi = rotation.shift_hours.min, rotation.shift_hours.max
        assert all(lo <= h <= hi for h in hours)
        assert grid.start - midnight < timedelta(hours=hi)
        for shift in grid.shifts:
            assert shift.start.minute % 15 == 0
            assert shift.start.second == 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(team=teams())
def test_grid_is_deterministic(team: Team) -> None:
    assert build_grid(team) == build_grid(team)
