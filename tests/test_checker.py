"""The independent checker of docs/rules.md on small hand-made schedules: silent on valid ones,
and each hard rule caught at least once (so the checker cannot pass vacuously).

Two hand-checkable teams:

- DAILY: Europe/Warsaw, handoff 09:00 (08:00 UTC in winter), roles [primary], members a, b, c,
  weekends whole 1-in-2. The valid week from Monday 2026-12-07 is ``a b c a b c c``: c holds
  Saturday + Sunday (one whole weekend, allowed as one block), nobody else touches a shift.
- SUN: follow-the-sun in UTC, cuts at 00/06/12/18 UTC, members s0..s3 each own one slot every day,
  with working windows exactly their slot, night 01:00-05:00 (only s0's slot), rest 12 h,
  max 42 h per week (7 x 6 h). w0..w3 (weekend crew) and e (09-17, unused) exist too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from tests.checker import Violation, check_schedule

DAILY = """
team: {{id: daily, timezone: Europe/Warsaw}}
horizon: {{start: {start}, weeks: {weeks}}}
rotation: {{kind: daily, roles: {roles}, handoff: "09:00"}}
weekends: {{split: {split}, max: 1, per_weeks: 2}}
fairness: {{history: {history}}}
{limits}
members:
  - {{id: a, timezone: Europe/Warsaw{a_extra}}}
  - {{id: b, timezone: Europe/Warsaw}}
  - {{id: c, timezone: Europe/Warsaw}}
  - {{id: d, timezone: Europe/Warsaw, roles: [{d_role}]}}
"""

SUN = """
team: {{id: sun, timezone: UTC}}
horizon: {{start: {start}, weeks: 1}}
rotation:
  kind: follow-the-sun
  roles: [primary]
  shift_hours: {{min: 6, max: 6}}
  handoffs_utc: ["00:00", "06:00", "12:00", "18:00"]
  off_hours: forbid
night: {{start: "01:00", end: "05:00"}}
weekends: {{split: whole, max: 1, per_weeks: 1}}
rest: {{min_hours: 12, after_night: true, after_weekend: {after_weekend}}}
limits: {{max_hours_per_week: {max_hours}}}
members:
  - {{id: s0, timezone: UTC, working_hours: {{start: "00:00", end: "06:00"}}}}
  - {{id: s1, timezone: UTC, working_hours: {{start: "06:00", end: "12:00"}}}}
  - {{id: s2, timezone: UTC, working_hours: {{start: "12:00", end: "18:00"}}}}
  - {{id: s3, timezone: UTC, working_hours: {{start: "18:00", end: "00:00"}}}}
  - {{id: w0, timezone: UTC, working_hours: {{start: "00:00", end: "06:00"}}}}
  - {{id: w1, timezone: UTC, working_hours: {{start: "06:00", end: "12:00"}}}}
  - {{id: w2, timezone: UTC, working_hours: {{start: "12:00", end: "18:00"}}}}
  - {{id: w3, timezone: UTC, working_hours: {{start: "18:00", end: "00:00"}}}}
  - {{id: e, timezone: UTC, working_hours: {{start: "09:00", end: "17:00"}}}}
"""


def daily_file(
    tmp_path: Path,
    *,
    start: str = "2026-12-07",
    weeks: int = 1,
    split: str = "whole",
    roles: str = "[primary]",
    d_role: str = "primary",
    a_extra: str = "",
    history: bool = True,
    limits: str = "",
) -> Path:
    path = tmp_path / "daily.yaml"
    path.write_text(
        DAILY.format(
            start=start,
            weeks=weeks,
            split=split,
            roles=roles,
            d_role=d_role,
            a_extra=a_extra,
            history=str(history).lower(),
            limits=limits,
        ),
        encoding="utf-8",
    )
    return path


def sun_file(
    tmp_path: Path, *, start: str = "2026-12-07", after_weekend: bool = False, max_hours: int = 42
) -> Path:
    path = tmp_path / "sun.yaml"
    path.write_text(
        SUN.format(start=start, after_weekend=str(after_weekend).lower(), max_hours=max_hours),
        encoding="utf-8",
    )
    return path


def sun_avoid_file(tmp_path: Path) -> Path:
    """SUN with ``off_hours: avoid``, so a member may take another slot."""
    text = sun_file(tmp_path).read_text(encoding="utf-8")
    path = tmp_path / "sun-avoid.yaml"
    path.write_text(text.replace("off_hours: forbid", "off_hours: avoid"), encoding="utf-8")
    return path


def z(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def document(
    bounds: list[datetime], holders: list[dict[str, str]], team: str = "daily"
) -> dict[str, Any]:
    """A show --json document from the cut instants and each shift's assignments."""
    return {
        "team": team,
        "version": 1,
        "horizon": {"start": z(bounds[0]), "end": z(bounds[-1])},
        "shifts": [
            {"start": z(lo), "end": z(hi), "assignments": who}
            for (lo, hi), who in zip(pairwise(bounds), holders, strict=True)
        ],
    }


def winter_daily(first: date, who: str) -> dict[str, Any]:
    """Daily shifts from 08:00 UTC (09:00 Warsaw in winter), one letter per day's primary."""
    day0 = datetime(first.year, first.month, first.day, 8, tzinfo=UTC)
    bounds = [day0 + timedelta(days=k) for k in range(len(who) + 1)]
    return document(bounds, [{"primary": m} for m in who])


def sun_doc(first: date, days: list[tuple[str, str, str, str]]) -> dict[str, Any]:
    """Follow-the-sun shifts of 6 h from 00:00 UTC of ``first``; one tuple of 4 holders a day."""
    day0 = datetime(first.year, first.month, first.day, tzinfo=UTC)
    bounds = [day0 + timedelta(hours=6 * k) for k in range(4 * len(days) + 1)]
    holders = [{"primary": m} for day in days for m in day]
    return document(bounds, holders, team="sun")


SLOTS = ("s0", "s1", "s2", "s3")
WEEK1 = date(2026, 12, 7)


def rules(found: list[Violation]) -> list[str]:
    return [v.rule for v in found]


# --------------------------------------------------------------------------------------------
# Valid schedules: no violations


def test_valid_daily_week_has_no_violations(tmp_path: Path) -> None:
    assert check_schedule(daily_file(tmp_path), winter_daily(WEEK1, "abcabcc")) == []


def test_valid_follow_the_sun_week_has_no_violations(tmp_path: Path) -> None:
    assert check_schedule(sun_file(tmp_path), sun_doc(WEEK1, [SLOTS] * 7)) == []


def test_valid_two_daily_weeks_have_no_violations(tmp_path: Path) -> None:
    doc = winter_daily(WEEK1, "abcabcc" + "abcacbb")
    assert check_schedule(daily_file(tmp_path, weeks=2), doc) == []


# --------------------------------------------------------------------------------------------
# 3.1 tiling


def test_gap_between_shifts_is_a_tiling_violation(tmp_path: Path) -> None:
    doc = winter_daily(WEEK1, "abcabcc")
    del doc["shifts"][2]
    found = check_schedule(daily_file(tmp_path), doc)
    assert rules(found) == ["3.1 tiling"]
    assert "gap from 2026-12-09 08:00 to 2026-12-10 08:00 UTC" in found[0].message


def test_shift_not_at_the_handoff_is_a_tiling_violation(tmp_path: Path) -> None:
    doc = winter_daily(WEEK1, "abcabcc")
    doc["shifts"][3]["end"] = "2026-12-11T09:00:00Z"
    doc["shifts"][4]["start"] = "2026-12-11T09:00:00Z"
    found = check_schedule(daily_file(tmp_path), doc)
    assert set(rules(found)) == {"3.1 tiling"}
    assert "expected 2026-12-10 08:00-2026-12-11 08:00 UTC" in found[0].message


def test_horizon_not_matching_the_team_file_is_a_tiling_violation(tmp_path: Path) -> None:
    doc = winter_daily(date(2026, 12, 8), "abcabca")  # starts a day late
    found = check_schedule(daily_file(tmp_path), doc)
    assert "horizon start is 2026-12-08 08:00 UTC, expected 2026-12-07 08:00 UTC" in [
        v.message for v in found
    ]


def test_follow_the_sun_shift_across_a_handoff_is_a_tiling_violation(tmp_path: Path) -> None:
    doc = sun_doc(WEEK1, [SLOTS] * 7)
    doc["shifts"][0]["end"] = "2026-12-07T03:00:00Z"
    doc["shifts"][1]["start"] = "2026-12-07T03:00:00Z"
    found = check_schedule(sun_file(tmp_path), doc)
    assert "3.1 tiling" in rules(found)
    assert any("lasts 3 h, outside shift_hours 6..6" in v.message for v in found)


# --------------------------------------------------------------------------------------------
# 3.2 roles


def test_missing_unknown_and_foreign_roles_are_role_violations(tmp_path: Path) -> None:
    doc = winter_daily(WEEK1, "abcabcc")
    doc["shifts"][0]["assignments"] = {}
    doc["shifts"][1]["assignments"] = {"primary": "zed"}
    doc["shifts"][3]["assignments"] = {"primary": "a", "tertiary": "b"}
    found = [v for v in check_schedule(daily_file(tmp_path), doc) if v.rule == "3.2 roles"]
    messages = [v.message for v in found]
    assert messages == [
        "shift 2026-12-07 08:00-2026-12-08 08:00 UTC: role primary is not filled",
        "shift 2026-12-08 08:00-2026-12-09 08:00 UTC: zed is not a member",
        "shift 2026-12-10 08:00-2026-12-11 08:00 UTC: tertiary is not a role of the team",
    ]


def test_member_without_the_role_and_double_roles_are_role_violations(tmp_path: Path) -> None:
    team = daily_file(tmp_path, roles="[primary, secondary]", d_role="secondary")
    doc = winter_daily(WEEK1, "abcabcc")
    for shift, second in zip(doc["shifts"], "dabdabb", strict=True):
        shift["assignments"]["secondary"] = second
    doc["shifts"][0]["assignments"] = {"primary": "d", "secondary": "a"}
    doc["shifts"][2]["assignments"] = {"primary": "c", "secondary": "c"}
    found = [v for v in check_schedule(team, doc) if v.rule == "3.2 roles"]
    assert [(v.member, v.message.split(": ", 1)[1]) for v in found] == [
        ("d", "d holds primary without having that role"),
        ("c", "c fills 2 roles (primary, secondary)"),
    ]


# --------------------------------------------------------------------------------------------
# 3.3 unavailability


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        # a holds Monday 7th 09:00 - Tuesday 8th 09:00 (and Thursday 10th) local time
        ("{start: 2026-12-01, end: 2026-12-07}", 1),  # end inclusive: all of Monday 7th
        ("{start: 2026-12-01, end: 2026-12-06}", 0),  # ends at 00:00 on Monday, before 09:00
        ("{start: 2026-12-08, end: 2026-12-08}", 1),  # Monday's shift runs into Tuesday
        ("{start: 2026-12-09, end: 2026-12-09}", 0),  # Wednesday: a is off
        ('{start: "2026-12-07T08:00", end: "2026-12-07T09:00"}', 0),  # until the handoff
        ('{start: "2026-12-07T08:00", end: "2026-12-07T09:01"}', 1),
    ],
)
def test_unavailability_is_read_in_member_local_whole_days(
    tmp_path: Path, entry: str, expected: int
) -> None:
    team = daily_file(tmp_path, a_extra=f", unavailable: [{entry}]")
    found = check_schedule(team, winter_daily(WEEK1, "abcabcc"))
    assert rules(found) == ["3.3 unavailability"] * expected
    if expected:
        assert found[0].member == "a"
        assert found[0].message.startswith(
            "a holds shift 2026-12-07 08:00-2026-12-08 08:00 UTC but is unavailable"
        )


# --------------------------------------------------------------------------------------------
# 3.4 off-hours


def test_shift_outside_the_working_window_is_an_off_hours_violation(tmp_path: Path) -> None:
    days = [SLOTS] * 7
    days[2] = ("s0", "s1", "s2", "e")  # e works 09-17 and gets 18-24 on Wednesday
    found = check_schedule(sun_file(tmp_path), sun_doc(WEEK1, days))
    assert rules(found) == ["3.4 off-hours"]
    assert found[0].message == (
        "e holds shift 2026-12-09 18:00-2026-12-10 00:00 UTC outside their working window "
        "09:00-17:00 UTC (off_hours: forbid)"
    )


# --------------------------------------------------------------------------------------------
# 3.5 weekends


def test_two_weekends_in_a_one_in_two_window_is_a_weekend_violation(tmp_path: Path) -> None:
    doc = winter_daily(WEEK1, "abcabcc" + "abcabcc")  # c works the weekends of 12th and 19th
    found = check_schedule(daily_file(tmp_path, weeks=2), doc)
    assert rules(found) == ["3.5 weekends"]
    assert found[0].member == "c"
    assert "works 2 weekends within the 2 consecutive weekends from 2026-12-12" in found[0].message


def test_saturday_and_sunday_held_by_different_members_breaks_whole(tmp_path: Path) -> None:
    found = check_schedule(daily_file(tmp_path), winter_daily(WEEK1, "abcabca"))
    assert rules(found) == ["3.5 weekends"]
    assert found[0].message == (
        "c holds primary in the Saturday shift 2026-12-12 08:00-2026-12-13 08:00 UTC but a "
        "holds it in the Sunday shift 2026-12-13 08:00-2026-12-14 08:00 UTC; split is whole"
    )


def test_both_days_of_a_weekend_break_single_day(tmp_path: Path) -> None:
    team = daily_file(tmp_path, split="single-day")
    assert check_schedule(team, winter_daily(WEEK1, "abcabca")) == []
    found = check_schedule(team, winter_daily(WEEK1, "abcabcc"))
    assert "3.5 weekends" in rules(found)
    assert any("both days of the weekend of 2026-12-12" in v.message for v in found)
    # without the whole-weekend exception Saturday + Sunday is a two-shift block, too
    assert "3.6 rest" in rules(found)


def test_history_counts_the_previous_schedules_weekends(tmp_path: Path) -> None:
    previous = winter_daily(WEEK1, "abcabcc")
    current = winter_daily(date(2026, 12, 14), "abcabcc")
    team = daily_file(tmp_path, start="2026-12-14")
    assert check_schedule(team, current) == []
    found = check_schedule(team, current, previous)
    assert rules(found) == ["3.5 weekends"]
    assert "2026-12-12" in found[0].message
    assert "2026-12-19" in found[0].message
    no_history = daily_file(tmp_path, start="2026-12-14", history=False)
    assert check_schedule(no_history, current, previous) == []


# --------------------------------------------------------------------------------------------
# 3.5 / 3.1 across DST: the grid moves by an hour and "24 h later" needs the overlap rule


AUTUMN = [  # daily 09:00 Warsaw, week of 2026-10-19; DST ends Sunday 25th 03:00 local
    "2026-10-19T07:00:00Z",
    "2026-10-20T07:00:00Z",
    "2026-10-21T07:00:00Z",
    "2026-10-22T07:00:00Z",
    "2026-10-23T07:00:00Z",
    "2026-10-24T07:00:00Z",
    "2026-10-25T08:00:00Z",  # Saturday's shift lasts 25 h
    "2026-10-26T08:00:00Z",
]
SPRING = [  # week of 2026-03-23; DST starts Sunday 29th 02:00 local
    "2026-03-23T08:00:00Z",
    "2026-03-24T08:00:00Z",
    "2026-03-25T08:00:00Z",
    "2026-03-26T08:00:00Z",
    "2026-03-27T08:00:00Z",
    "2026-03-28T08:00:00Z",
    "2026-03-29T07:00:00Z",  # Saturday's shift lasts 23 h
    "2026-03-30T07:00:00Z",
]


@pytest.mark.parametrize(("start", "cuts"), [("2026-10-19", AUTUMN), ("2026-03-23", SPRING)])
def test_dst_week_keeps_the_whole_weekend_by_overlap(
    tmp_path: Path, start: str, cuts: list[str]
) -> None:
    team = daily_file(tmp_path, start=start)
    bounds = [datetime.fromisoformat(c) for c in cuts]
    good = document(bounds, [{"primary": m} for m in "abcabcc"])
    assert check_schedule(team, good) == []
    bad = document(bounds, [{"primary": m} for m in "abcabca"])
    found = check_schedule(team, bad)
    assert rules(found) == ["3.5 weekends"]
    assert "Sunday shift" in found[0].message


def test_dst_week_with_a_24_hour_saturday_is_a_tiling_violation(tmp_path: Path) -> None:
    team = daily_file(tmp_path, start="2026-10-19")
    bounds = [datetime.fromisoformat(c) for c in AUTUMN]
    bounds[6] = bounds[5] + timedelta(hours=24)  # as if the clocks did not change
    found = check_schedule(team, document(bounds, [{"primary": m} for m in "abcabcc"]))
    assert "3.1 tiling" in rules(found)


# --------------------------------------------------------------------------------------------
# 3.6 rest


def test_two_touching_weekday_shifts_are_a_block_violation(tmp_path: Path) -> None:
    found = check_schedule(daily_file(tmp_path), winter_daily(WEEK1, "aacabcc"))
    assert rules(found) == ["3.6 rest"]
    assert found[0].message == (
        "a works a block of 2 shifts, 48 h, 2026-12-07 08:00-2026-12-09 08:00 UTC "
        "(limit: one shift)"
    )


def test_friday_joined_to_a_whole_weekend_is_a_block_violation(tmp_path: Path) -> None:
    found = check_schedule(daily_file(tmp_path), winter_daily(WEEK1, "abcabbb"))
    # b: Friday + (Saturday + Sunday); the weekend join is fine, Friday + Saturday is not
    assert rules(found) == ["3.6 rest"]
    assert "b works a block of 2 shifts, 48 h, 2026-12-11 08:00-2026-12-13 08:00" in (
        found[0].message
    )


def test_short_rest_between_shifts_is_a_rest_violation(tmp_path: Path) -> None:
    days = [SLOTS] * 7
    days[2] = ("s0", "s1", "s2", "s1")  # s1: 06-12 and 18-24 on Wednesday: 6 h rest
    days[3] = ("s0", "w1", "s2", "s3")  # w1 covers s1's Thursday, so only one short rest
    found = check_schedule(sun_avoid_file(tmp_path), sun_doc(WEEK1, days))
    assert rules(found) == ["3.6 rest"]
    assert found[0].message == (
        "s1 rests only 6 h between 2026-12-09 06:00-2026-12-09 12:00 UTC and "
        "2026-12-09 18:00-2026-12-10 00:00 UTC (min_hours 12)"
    )


def test_shift_later_on_the_day_a_night_block_ends_breaks_after_night(tmp_path: Path) -> None:
    days = [SLOTS] * 7
    days[2] = ("s0", "s1", "s2", "s0")  # s0 works the night 00-06, then 18-24 the same day
    days[3] = ("w0", "s1", "s2", "s3")  # w0 takes s0's Thursday (keeps s0 within 42 h)
    found = check_schedule(sun_avoid_file(tmp_path), sun_doc(WEEK1, days))
    assert rules(found) == ["3.6 rest"]
    assert found[0].message == (
        "s0 worked the night in 2026-12-09 00:00-2026-12-09 06:00 UTC and starts "
        "2026-12-09 18:00-2026-12-10 00:00 UTC later on the same local day 2026-12-09 "
        "(after_night)"
    )


def test_monday_after_a_worked_weekend_breaks_after_weekend(tmp_path: Path) -> None:
    team = sun_file(tmp_path, start="2026-12-08", after_weekend=True)
    weekend = ("w0", "w1", "w2", "w3")
    days = [SLOTS] * 4 + [weekend, weekend] + [SLOTS]  # Tue..Fri, Sat, Sun, Mon
    assert check_schedule(team, sun_doc(date(2026, 12, 8), days)) == []
    days[6] = ("s0", "w1", "s2", "s3")
    found = check_schedule(team, sun_doc(date(2026, 12, 8), days))
    assert rules(found) == ["3.6 rest"]
    assert found[0].member == "w1"
    assert "starts 2026-12-14 06:00-2026-12-14 12:00 UTC on the following Monday" in (
        found[0].message
    )


# --------------------------------------------------------------------------------------------
# 3.7 hours per week


def test_more_hours_than_the_weekly_limit_is_a_violation(tmp_path: Path) -> None:
    doc = sun_doc(WEEK1, [SLOTS] * 7)  # everyone: 7 x 6 h = 42 h
    assert check_schedule(sun_file(tmp_path, max_hours=42), doc) == []
    found = check_schedule(sun_file(tmp_path, max_hours=41), doc)
    assert rules(found) == ["3.7 hours per week"] * 4
    assert found[0].message == (
        "s0 works 42 h in the 7-day block 2026-12-07 00:00-2026-12-14 00:00 UTC "
        "(max_hours_per_week 41)"
    )


def test_a_shift_spanning_two_weekly_blocks_counts_its_hours_in_each(tmp_path: Path) -> None:
    # Autumn DST: blocks are 168 h from Monday 19th 07:00 UTC, so Sunday's shift
    # (25th 08:00 - 26th 08:00) puts 23 h in the first block and 1 h in the second.
    team = daily_file(tmp_path, start="2026-10-19", limits="limits: {max_hours_per_week: 47}")
    bounds = [datetime.fromisoformat(c) for c in AUTUMN]
    found = check_schedule(team, document(bounds, [{"primary": m} for m in "abcabcc"]))
    # c: Wednesday 24 h + Saturday 25 h + 23 h of Sunday = 72 h; a and b 48 h each
    assert [(v.member, v.message.split(" in ")[0]) for v in found] == [
        ("a", "a works 48 h"),
        ("b", "b works 48 h"),
        ("c", "c works 72 h"),
    ]


# --------------------------------------------------------------------------------------------
# Weekly rotations: a block is one week, the shift holds its weekend

WEEKLY = """
team: {id: weekly, timezone: Europe/Warsaw}
horizon: {start: 2026-12-07, weeks: 2}
rotation: {kind: weekly, roles: [primary], handoff: "09:00", handoff_day: monday}
weekends: {split: whole, max: 1, per_weeks: 2}
members:
  - {id: a, timezone: Europe/Warsaw}
  - {id: b, timezone: Europe/Warsaw}
"""


def test_weekly_rotation_two_weeks_in_a_row_breaks_blocks_and_weekends(tmp_path: Path) -> None:
    team = tmp_path / "weekly.yaml"
    team.write_text(WEEKLY, encoding="utf-8")
    bounds = [datetime(2026, 12, 7, 8, tzinfo=UTC) + timedelta(days=7 * k) for k in range(3)]
    assert check_schedule(team, document(bounds, [{"primary": "a"}, {"primary": "b"}])) == []
    found = check_schedule(team, document(bounds, [{"primary": "a"}, {"primary": "a"}]))
    assert sorted(rules(found)) == ["3.5 weekends", "3.6 rest", "3.6 rest"]
    messages = " | ".join(v.message for v in found)
    assert "a works 2 weekends within the 2 consecutive weekends from 2026-12-12" in messages
    assert "a works a block of 2 shifts, 336 h" in messages
    assert "starts 2026-12-14 08:00-2026-12-21 08:00 UTC on the following Monday" in messages
