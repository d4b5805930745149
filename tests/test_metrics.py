"""Loads, fair shares and spreads on a 3-member daily week a person can add up by hand.

The team: Europe/Warsaw, daily handoff 09:00, one role, members a, b, c in Poland with working
hours 09-17 and night 22-07. Each 24 h shift 09:00-09:00 holds 8 working hours (16 off-hours)
and 9 night hours. Christmas week 2026 (Monday 21st - Monday 28th 09:00) holds three Polish
public holidays: the 24th, 25th and 26th; the 26th is a Saturday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from rota.config import load_config
from rota.horizon import build_grid
from rota.metrics import (
    MemberLoad,
    comparable_members,
    fair_shares,
    member_loads,
    spreads,
    weekend_of,
)
from rota.model import RotationKind, Schedule, ScheduledShift
from rota.team import Team, team_from_config

TEAM = """
team: {{id: xmas, timezone: Europe/Warsaw}}
horizon: {{start: {start}, weeks: 1}}
rotation: {{kind: daily, roles: [primary], handoff: "09:00"}}
working_hours: {{start: "09:00", end: "17:00"}}
night: {{start: "22:00", end: "07:00"}}
members:
  - {{id: a, timezone: Europe/Warsaw, country: PL{a_extra}}}
  - {{id: b, timezone: Europe/Warsaw, country: PL{b_extra}}}
  - {{id: c, timezone: Europe/Warsaw, country: PL{c_extra}}}
"""


def make_team(
    tmp_path: Path,
    start: str = "2026-12-21",
    a_extra: str = "",
    b_extra: str = "",
    c_extra: str = "",
) -> Team:
    path = tmp_path / "team.yaml"
    path.write_text(
        TEAM.format(start=start, a_extra=a_extra, b_extra=b_extra, c_extra=c_extra),
        encoding="utf-8",
    )
    return team_from_config(load_config(path))


def schedule(team: Team, who: str) -> Schedule:
    grid = build_grid(team)
    shifts = tuple(
        ScheduledShift(s.start, s.end, {"primary": m})
        for s, m in zip(grid.shifts, who, strict=True)
    )
    return Schedule(team.id, grid.start, grid.end, shifts)


def test_christmas_week_loads_by_hand(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    loads = member_loads(team, schedule(team, "abcabcc"))
    # a: Mon 21, Thu 24 (24th 15 h + 25th 9 h of holiday)
    # b: Tue 22, Fri 25 (25th 15 h + 26th 9 h of holiday; Saturday 00-09 is weekend)
    # c: Wed 23 (24th 00-09 holiday), Sat 26 + Sun 27 (26th 09-24 holiday; 15 + 24 h weekend)
    # The zone's 112 off-hours and 63 night hours, shared by three equal members.
    shares = {"off_hours_share": 112 / 3, "night_share": 21.0}
    assert loads == {
        "a": MemberLoad("a", 2, 48.0, 32.0, 18.0, 0.0, 0, 24.0, 56.0, **shares),
        "b": MemberLoad("b", 2, 48.0, 32.0, 18.0, 9.0, 0, 24.0, 56.0, **shares),
        "c": MemberLoad("c", 2, 72.0, 48.0, 27.0, 39.0, 1, 24.0, 56.0, **shares),
    }
    summary = spreads(team, loads)
    assert summary.comparable == ("a", "b", "c")
    assert (summary.hours, summary.off_hours, summary.night_hours) == (24.0, 16.0, 9.0)
    assert (summary.weekend_hours, summary.weekends_worked, summary.holiday_hours) == (39.0, 1, 0.0)
    assert summary.fair_share_deviation == 16.0  # c: 72 - 56


def test_idle_member_is_present_with_zeros(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    loads = member_loads(team, schedule(team, "ababbaa"))
    # c carries nothing, yet a third of the zone's 112 off-hours and 63 night hours is theirs
    shares = {"off_hours_share": 112 / 3, "night_share": 21.0}
    assert loads["c"] == MemberLoad("c", 0, 0.0, 0.0, 0.0, 0.0, 0, 0.0, 56.0, **shares)


def test_bounds_count_only_the_overlapping_part(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    warsaw = team.zone
    start = datetime(2026, 12, 24, tzinfo=warsaw).astimezone(UTC)  # 23:00 UTC on the 23rd
    end = datetime(2026, 12, 26, tzinfo=warsaw).astimezone(UTC)
    loads = member_loads(team, schedule(team, "abcabcc"), start=start, end=end)
    # c: Wed shift's last 9 h; a: all of Thursday's; b: Friday's first 15 h. All on holidays.
    assert {m: (x.blocks, x.hours, x.holiday_hours) for m, x in loads.items()} == {
        "a": (1, 24.0, 24.0),
        "b": (1, 15.0, 15.0),
        "c": (1, 9.0, 9.0),
    }
    assert {m: x.fair_share_hours for m, x in loads.items()} == {"a": 16.0, "b": 16.0, "c": 16.0}


def test_spring_forward_saturday_lasts_23_hours(tmp_path: Path) -> None:
    team = make_team(tmp_path, start="2026-03-23")
    load = member_loads(team, schedule(team, "abcabcc"))["c"]
    # Wed 24 h + Sat 23 h (DST starts Sunday 02:00) + Sun 24 h
    assert load.hours == 71.0
    # the night of Sat->Sun loses its 02:00-03:00 hour: 9 + 8 + 9
    assert load.night_hours == 26.0
    assert load.off_hours == 71.0 - 3 * 8
    # Saturday 09:00-24:00 (15 h) + Sunday 00:00-09:00 (8 h) + Sunday 09:00-24:00 (15 h)
    assert load.weekend_hours == 38.0
    assert (load.weekends_worked, load.holiday_hours) == (1, 0.0)


def test_fair_shares_follow_fte_and_availability(tmp_path: Path) -> None:
    team = make_team(
        tmp_path,
        b_extra=", fte: 0.5",
        c_extra=", unavailable: [{start: 2026-12-21, end: 2026-12-22}]",
    )
    grid = build_grid(team)
    # c is away from the horizon start (Monday 09:00) to Wednesday 00:00: 39 h of 168
    weights = {"a": 168.0, "b": 0.5 * 168, "c": 168.0 - 39}
    total = sum(weights.values())
    expected = {m: 168 * w / total for m, w in weights.items()}
    assert fair_shares(team, grid.shifts) == pytest.approx(expected)
    loads = member_loads(team, schedule(team, "abaabaa"))
    assert loads["c"].unavailable_hours == 39.0
    assert loads["a"].fair_share_hours == pytest.approx(expected["a"])


def test_comparable_members_are_full_time_and_available(tmp_path: Path) -> None:
    team = make_team(
        tmp_path,
        b_extra=", fte: 0.5",
        c_extra=", unavailable: [{start: 2026-12-21, end: 2026-12-22}]",
    )
    loads = member_loads(team, schedule(team, "abaabaa"))
    # only a is full-time and always available: fewer than two, so the full-time members
    # with a role (a and c) are compared; b works half time and stays out
    assert comparable_members(team, loads) == ("a", "c")
    team = make_team(
        tmp_path,
        b_extra=", fte: 0.5",
        c_extra=", fte: 0.5",
    )
    loads = member_loads(team, schedule(team, "abaabaa"))
    # one full-time member only: everyone is compared, so a spread is always defined
    assert comparable_members(team, loads) == ("a", "b", "c")
    team = make_team(tmp_path, b_extra=", fte: 0.5")
    loads = member_loads(team, schedule(team, "acaccab"))
    assert comparable_members(team, loads) == ("a", "c")
    assert spreads(team, loads).hours == 0.0  # a and c: 72 h each; b (half time) is left out


SAT = date(2026, 12, 26)


@pytest.mark.parametrize(
    ("start", "kind", "expected"),
    [
        (datetime(2026, 12, 26, 8, tzinfo=UTC), RotationKind.DAILY, date(2026, 12, 26)),
        (datetime(2026, 12, 27, 8, tzinfo=UTC), RotationKind.DAILY, date(2026, 12, 26)),
        (datetime(2026, 12, 25, 8, tzinfo=UTC), RotationKind.DAILY, None),
        # Warsaw Saturday 00:30 is still Friday 23:30 UTC: the member's zone decides
        (
            datetime(2026, 12, 25, 23, 30, tzinfo=UTC),
            RotationKind.FOLLOW_THE_SUN,
            date(2026, 12, 26),
        ),
        # a weekly shift Monday to Monday holds the weekend in its middle
        (datetime(2026, 12, 21, 8, tzinfo=UTC), RotationKind.WEEKLY, date(2026, 12, 26)),
        # Sunday 00:00 to Sunday 00:00 local: 24 h of each weekend, the earlier wins
        (datetime(2026, 12, 26, 23, tzinfo=UTC), RotationKind.WEEKLY, date(2026, 12, 26)),
    ],
)
def test_weekend_of_a_shift(
    tmp_path: Path, start: datetime, kind: RotationKind, expected: date | None
) -> None:
    member = make_team(tmp_path).member("a")
    length = timedelta(days=7) if kind is RotationKind.WEEKLY else timedelta(hours=6)
    assert weekend_of(member, start, start + length, kind) == expected


def test_a_half_timer_shares_half_of_the_zones_night(tmp_path: Path) -> None:
    team = make_team(tmp_path, c_extra=", fte: 0.5")
    loads = member_loads(team, schedule(team, "abcabcc"))
    # 63 night hours in the week, weights 1 : 1 : 0.5
    assert [loads[m].night_share for m in "abc"] == [25.2, 25.2, 12.6]
    assert sum(load.off_hours_share for load in loads.values()) == 112.0
