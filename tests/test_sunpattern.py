"""Follow-the-sun cut points derived from working windows, and window coverage per shift."""

from __future__ import annotations

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rota.config import TeamConfig, load_config
from rota.coverage import covering_members, eligible_members, roles_fillable
from rota.horizon import build_grid, horizon_dates
from rota.localtime import local_midnight_utc, window_intervals
from rota.model import DailyWindow, Grid
from rota.suncoverage import window_seconds
from rota.sunpattern import daily_pattern, derive_cuts
from rota.team import Team, team_from_config
from tests.test_horizon import ZONES, assert_tiles, make_team, quarter_time, utc

DATA = Path(__file__).parent / "data"
REGIONS = ("America/Los_Angeles", "Europe/Warsaw", "Australia/Sydney")


def regional_team(
    *,
    start: str = "2026-12-07",
    weeks: int = 8,
    zones: tuple[str, ...] = REGIONS,
    per_zone: int = 4,
    window: tuple[str, str] = ("07:00", "19:00"),
    shift_hours: tuple[float, float] = (4, 6),
    team_zone: str = "Europe/Warsaw",
) -> Team:
    """``per_zone`` members in each zone, all with the same local working window."""
    members = [
        {
            "id": f"{zone.split('/')[-1].lower().replace('_', '-')}-{k}",
            "timezone": zone,
            "working_hours": {"start": window[0], "end": window[1]},
        }
        for zone in zones
        for k in range(per_zone)
    ]
    return make_team(
        kind="follow-the-sun",
        zone=team_zone,
        start=start,
        weeks=weeks,
        members=members,
        roles=["primary", "secondary"],
        shift_hours={"min": shift_hours[0], "max": shift_hours[1]},
    )


def cut_times(grid: Grid) -> list[time]:
    return [s.start.time() for s in grid.shifts]


def every_shift_fillable(team: Team, grid: Grid) -> bool:
    return all(roles_fillable(eligible_members(team, s.start, s.end)) for s in grid.shifts)


# ------------------------------------------------------------------------------ three regions


def test_three_regions_get_four_six_hour_shifts_each_inside_one_region() -> None:
    # In December, 07:00-19:00 local is, in UTC:
    #   Sydney (AEDT, +11)    20:00-08:00
    #   Warsaw (CET, +1)      06:00-18:00
    #   Los Angeles (PST, -8) 15:00-03:00
    # The derived pattern is 00:00 | 06:00 | 12:00 | 18:00 UTC:
    #   00-06 Sydney, 06-12 Warsaw, 12-18 Warsaw, 18-24 Los Angeles,
    # four 6-hour shifts (the fewest 4..6 h shifts can be), each inside the windows of the
    # four members of one region. No other phase of 4 x 6 h keeps every shift inside.
    team = regional_team()
    pattern = daily_pattern(team, date(2026, 12, 10))
    assert pattern is not None
    assert pattern.cuts == (time(0), time(6), time(12), time(18))
    assert pattern.good_minutes == 24 * 60
    assert pattern.shift_hours == (6, 6, 6, 6)

    grid = build_grid(team)
    assert_tiles(grid)
    assert grid.start == utc("2026-12-07T00:00")
    assert {s.hours for s in grid.shifts} == {6}
    assert set(cut_times(grid)) == {time(0), time(6), time(12), time(18)}
    for shift in grid.shifts:
        assert len(covering_members(team, shift.start, shift.end)) >= 2
    assert every_shift_fillable(team, grid)


def test_pattern_moves_by_the_dst_hour_only_where_windows_moved() -> None:
    # Spring 2027: Los Angeles springs forward on 14 Mar, Warsaw on 28 Mar, Sydney falls back
    # on 4 Apr. Only Warsaw's move breaks the pattern (12-18 UTC leaves Warsaw's 05-17), and
    # the whole pattern then moves one hour earlier: 23 | 05 | 11 | 17 UTC.
    team = regional_team(start="2027-03-01", weeks=6)
    old = (time(0), time(6), time(12), time(18))
    new = (time(5), time(11), time(17), time(23))
    for day, expected in [
        (date(2027, 3, 10), old),  # before any change
        (date(2027, 3, 20), old),  # after Los Angeles moved: 18-24 still inside 14-02 UTC
        (date(2027, 3, 30), new),  # after Warsaw moved
        (date(2027, 4, 10), new),  # after Sydney moved: 23-05 still inside 21-09 UTC
    ]:
        pattern = daily_pattern(team, day)
        assert pattern is not None
        assert pattern.cuts == expected, day
        assert pattern.good_minutes == 24 * 60

    grid = build_grid(team)
    assert_tiles(grid)
    assert every_shift_fillable(team, grid)
    switch = utc("2027-03-27T18:00")
    before = [s for s in grid.shifts if s.start <= switch]
    after = [s for s in grid.shifts if s.start > switch]
    assert {s.start.time() for s in before} == set(old)
    assert {s.start.time() for s in after} == set(new)
    # One 5-hour shift splices the two patterns (18:00-23:00 UTC, Los Angeles' window).
    assert [s.hours for s in grid.shifts if s.hours != 6] == [5]


def test_a_pattern_needs_distinct_members_per_role() -> None:
    # Hall's condition, not a head count: two covering members who can both only be primary
    # cannot fill primary + secondary.
    whole_day = {"start": "00:00", "end": "24:00"}
    both = make_team(
        kind="follow-the-sun",
        roles=["primary", "secondary"],
        members=[
            {
                "id": "ann",
                "timezone": "UTC",
                "roles": ["primary", "secondary"],
                "working_hours": whole_day,
            },
            {"id": "bob", "timezone": "UTC", "roles": ["primary"], "working_hours": whole_day},
        ],
    )
    pattern = daily_pattern(both, date(2027, 3, 24))
    assert pattern is not None
    assert pattern.good_minutes == 24 * 60

    blocked = make_team(
        kind="follow-the-sun",
        roles=["primary", "secondary"],
        members=[
            {"id": "ann", "timezone": "UTC", "roles": ["primary"], "working_hours": whole_day},
            {"id": "bob", "timezone": "UTC", "roles": ["primary"], "working_hours": whole_day},
            {
                "id": "cid",
                "timezone": "UTC",
                "roles": ["secondary"],
                "working_hours": {"start": "00:00", "end": "01:00"},
            },
        ],
    )
    pattern = daily_pattern(blocked, date(2027, 3, 24))
    assert pattern is not None
    assert pattern.good_minutes == 0


# ------------------------------------------------------------------------------ fallbacks


@pytest.mark.parametrize(
    ("zone", "cuts"),
    [
        # Nobody's 3-hour window holds a 4-hour shift: 4 x 6 h from local midnight
        # (standard time): 00:00 CET is 23:00 UTC, 00:00 IST is 18:30 UTC.
        ("Europe/Warsaw", (time(5), time(11), time(17), time(23))),
        ("Asia/Kolkata", (time(0, 30), time(6, 30), time(12, 30), time(18, 30))),
    ],
)
def test_without_any_good_shift_cuts_are_even_from_local_midnight(
    zone: str, cuts: tuple[time, ...]
) -> None:
    team = regional_team(zones=(zone,), window=("09:00", "12:00"), team_zone=zone, weeks=2)
    pattern = daily_pattern(team, date(2026, 12, 10))
    assert pattern is not None
    assert pattern.good_minutes == 0
    assert pattern.cuts == cuts
    grid = build_grid(team)
    assert_tiles(grid)
    assert {s.hours for s in grid.shifts} == {6}


def test_one_zone_with_office_hours_keeps_the_office_hours_good() -> None:
    # Warsaw 09:00-17:00 (08-16 UTC in winter): two 4-hour shifts fill the office day, the
    # other 16 hours take the fewest, most even 4..6 h shifts: 6 + 5 + 5.
    team = regional_team(zones=("Europe/Warsaw",), window=("09:00", "17:00"), weeks=1)
    pattern = daily_pattern(team, date(2026, 12, 10))
    assert pattern is not None
    assert pattern.good_minutes == 8 * 60
    assert time(8) in pattern.cuts
    assert time(12) in pattern.cuts
    assert time(16) in pattern.cuts
    assert sorted(pattern.shift_hours) == [4, 4, 5, 5, 6]


def test_without_any_24_hour_pattern_the_horizon_is_still_tiled() -> None:
    # The loader rejects exact 5-hour shifts (no daily pattern); the engine still copes.
    data = {
        "team": {"id": "odd", "timezone": "Europe/Warsaw"},
        "horizon": {"start": "2027-03-22", "weeks": 2},
        "rotation": {"kind": "follow-the-sun", "shift_hours": {"min": 5, "max": 5}},
        "members": [{"id": "ann", "timezone": "Europe/Warsaw"}],
    }
    team = team_from_config(TeamConfig.model_validate(data))
    assert daily_pattern(team, date(2027, 3, 24)) is None
    grid = build_grid(team)
    assert_tiles(grid)
    assert {s.hours for s in grid.shifts} == {5}
    assert grid.start == utc("2027-03-21T23:00")


def test_derived_shifts_are_never_longer_than_the_block_cap() -> None:
    # Everyone works 22:00-06:00 Warsaw time, so 8-hour shifts would fill the day with the
    # fewest handoffs (3 x 8 h). With rest.max_block_hours 6 an 8-hour shift would be a block
    # nobody may work, so the derived shifts stop at 6 hours (4 x 6 h).
    def grid_hours(block: float) -> set[float]:
        data = {
            "team": {"id": "night", "timezone": "Europe/Warsaw"},
            "horizon": {"start": "2027-01-11", "weeks": 1},
            "rotation": {"kind": "follow-the-sun", "shift_hours": {"min": 6, "max": 8}},
            "working_hours": {"start": "22:00", "end": "06:00"},
            "rest": {"max_block_hours": block},
            "members": [{"id": f"m{k}", "timezone": "Europe/Warsaw"} for k in range(4)],
        }
        grid = build_grid(team_from_config(TeamConfig.model_validate(data)))
        assert_tiles(grid)
        return {s.hours for s in grid.shifts}

    assert max(grid_hours(12)) == 8
    assert grid_hours(6) == {6}


# ------------------------------------------------------------------------------ coverage


def test_eligible_members_per_role_by_working_window() -> None:
    team = team_from_config(load_config(DATA / "spec_example.yaml"))
    # alice: Warsaw 08-16 (07-15 UTC); carol: New York 09-17 (14-22 UTC);
    # dave: Kolkata 09-17 (03:30-11:30 UTC).
    start, end = utc("2026-12-07T07:00"), utc("2026-12-07T11:00")
    assert covering_members(team, start, end) == ["alice", "dave"]
    assert eligible_members(team, start, end) == {
        "primary": ["alice", "dave"],
        "secondary": ["alice", "dave"],
    }
    assert eligible_members(team, utc("2026-12-07T06:00"), utc("2026-12-07T12:00")) == {
        "primary": [],
        "secondary": [],
    }
    # In July alice's window is 06-14 UTC.
    assert covering_members(team, utc("2027-07-07T06:00"), utc("2027-07-07T11:00")) == [
        "alice",
        "dave",
    ]


def test_roles_fillable_is_a_matching() -> None:
    assert roles_fillable({"a": ["x", "y"], "b": ["x"]})
    assert not roles_fillable({"a": ["x"], "b": ["x"], "c": ["y", "z"]})
    assert roles_fillable({})


# ------------------------------------------------------------------------------ speed


def test_hundred_members_over_104_weeks_derive_quickly() -> None:
    zones = (
        "America/Los_Angeles",
        "America/New_York",
        "America/Sao_Paulo",
        "Europe/London",
        "Europe/Warsaw",
        "Africa/Cairo",
        "Asia/Kolkata",
        "Asia/Tokyo",
        "Australia/Sydney",
        "Pacific/Auckland",
    )
    team = regional_team(zones=zones, per_zone=10, weeks=104, window=("08:00", "18:00"))
    first, end = horizon_dates(team)
    began = clock.perf_counter()
    cuts = derive_cuts(
        team, local_midnight_utc(first, team.zone), local_midnight_utc(end, team.zone)
    )
    elapsed = clock.perf_counter() - began
    assert elapsed < 2.0
    assert len(cuts) > 104 * 7 * 4


# ------------------------------------------------------------------------------ properties


@st.composite
def windowed_teams(draw: st.DrawFn) -> Team:
    """Random follow-the-sun teams with derived cuts."""
    role_count = draw(st.integers(1, 3))
    roles = ["primary", "secondary", "shadow"][:role_count]
    members: list[dict[str, Any]] = []
    for k in range(draw(st.integers(role_count, 7))):
        own = draw(st.lists(st.sampled_from(roles), min_size=1, unique=True))
        if k < role_count and roles[k] not in own:
            own.append(roles[k])
        start, length = draw(st.integers(0, 95)), draw(st.integers(8, 64))
        members.append(
            {
                "id": f"m{k}",
                "timezone": draw(st.sampled_from(ZONES)),
                "roles": own,
                "working_hours": {
                    "start": quarter_time(start),
                    "end": quarter_time((start + length) % 96),
                },
            }
        )
    lo, hi = draw(st.sampled_from([(4, 6), (3, 8), (6, 6), (2, 12), (4.25, 6.5)]))
    return make_team(
        kind="follow-the-sun",
        zone=draw(st.sampled_from(ZONES)),
        start=draw(st.sampled_from(["2027-01-11", "2027-07-12"])),
        members=members,
        roles=roles,
        shift_hours={"min": lo, "max": hi},
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(team=windowed_teams(), day=st.sampled_from([date(2027, 1, 15), date(2027, 7, 15)]))
def test_good_minutes_agree_with_a_matching_on_every_pattern_shift(team: Team, day: date) -> None:
    # Far from any DST change in ZONES, so the day's pattern is what really repeats.
    pattern = daily_pattern(team, day)
    assert pattern is not None
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    starts = [midnight + timedelta(hours=c.hour, minutes=c.minute) for c in pattern.cuts]
    good = 0
    for k, start in enumerate(starts):
        end = start + timedelta(hours=pattern.shift_hours[k])
        if roles_fillable(eligible_members(team, start, end)):
            good += round(pattern.shift_hours[k] * 60)
    assert good == pattern.good_minutes
    lo, hi = team.config.rotation.shift_hours.min, team.config.rotation.shift_hours.max
    assert all(lo <= h <= hi for h in pattern.shift_hours)
    assert sum(pattern.shift_hours) == 24


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(team=windowed_teams())
def test_derived_cuts_are_legal_and_deterministic(team: Team) -> None:
    first, end = horizon_dates(team)
    begin, finish = local_midnight_utc(first, team.zone), local_midnight_utc(end, team.zone)
    cuts = derive_cuts(team, begin, finish)
    assert cuts == derive_cuts(team, begin, finish)
    assert cuts[0] >= begin
    assert cuts[-2] < finish <= cuts[-1]
    lo = timedelta(hours=team.config.rotation.shift_hours.min)
    hi = timedelta(hours=team.config.rotation.shift_hours.max)
    for a, b in pairwise(cuts):
        assert lo <= b - a <= hi
        assert a.tzinfo is UTC
        assert a.minute % 15 == 0


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from([*ZONES, "America/Santiago", "Asia/Gaza"]).map(ZoneInfo),
    start=st.integers(0, 95),
    length=st.integers(1, 95),
    first=st.dates(date(2026, 1, 1), date(2028, 12, 31)),
    days=st.integers(1, 60),
)
def test_fast_window_occurrences_match_window_intervals(
    zone: ZoneInfo, start: int, length: int, first: date, days: int
) -> None:
    window = DailyWindow(
        time(start // 4, start % 4 * 15),
        time((start + length) % 96 // 4, (start + length) % 4 * 15),
    )
    origin = datetime(first.year, first.month, first.day, tzinfo=UTC)
    end = origin + timedelta(days=days)
    expected = [
        (int((iv.start - origin).total_seconds()), int((iv.end - origin).total_seconds()))
        for iv in window_intervals(window, zone, origin, end)
    ]
    assert window_seconds(window, zone, origin, end) == expected


@pytest.mark.parametrize(
    ("start", "weeks"),
    [
        ("2027-01-04", 10),  # the next horizon starts just before Los Angeles moves its clocks
        ("2027-02-22", 5),  # ends in the week Warsaw moves its clocks
        ("2027-03-22", 1),  # Sydney's autumn change the following week
        ("2028-08-14", 12),  # ends on a Monday after the US autumn change
    ],
)
def test_consecutive_derived_horizons_join_exactly(start: str, weeks: int) -> None:
    # docs/rules.md: consecutive horizons join. The derived handoff where one horizon ends and the
    # next begins depends on that date's own pattern only, so both grids agree on it.
    first = regional_team(start=start, weeks=weeks)
    following = regional_team(
        start=(date.fromisoformat(start) + timedelta(weeks=weeks)).isoformat(), weeks=weeks
    )
    end_of_first = build_grid(first).end
    grid = build_grid(following)
    assert end_of_first == grid.start
    assert_tiles(grid)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offset_days=st.integers(0, 400), weeks=st.integers(1, 3))
def test_consecutive_horizons_join_for_any_start(offset_days: int, weeks: int) -> None:
    start = date(2026, 10, 1) + timedelta(days=offset_days)
    first = regional_team(start=start.isoformat(), weeks=weeks)
    following = regional_team(start=(start + timedelta(weeks=weeks)).isoformat(), weeks=weeks)
    assert build_grid(first).end == build_grid(following).start
