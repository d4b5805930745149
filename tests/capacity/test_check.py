"""``rota check`` on small teams whose verdict and figures can be checked by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

from rota.capacity import CapacityReport, Level, Verdict, check_capacity
from rota.config import config_from_document
from rota.team import team_from_config
from rota.yamlfile import YamlDocument


def team_doc(members: list[dict[str, Any]], **sections: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "team": {"id": "tiny", "timezone": "Europe/Warsaw"},
        "horizon": {"start": "2027-01-04", "weeks": 1},
        "rotation": {"kind": "daily", "roles": ["primary"], "handoff": "09:00"},
        "weekends": {"split": "whole", "max": 1, "per_weeks": 1},
        "members": members,
    }
    for key, value in sections.items():
        doc[key] = {**doc.get(key, {}), **value}
    return doc


def check(doc: dict[str, Any]) -> CapacityReport:
    cfg = config_from_document(YamlDocument(file="tiny.yaml", data=doc))
    return check_capacity(team_from_config(cfg))


def warsaw(*ids: str) -> list[dict[str, Any]]:
    return [{"id": i, "timezone": "Europe/Warsaw"} for i in ids]


def rules(report: CapacityReport, level: Level) -> set[str]:
    return {f.rule for f in report.findings if f.level is level}


def three_bands(count: int, **sections: Any) -> dict[str, Any]:
    """Three 8-hour UTC shifts a day, one role, ``count`` members who may work any hour."""
    members = [
        {"id": f"m{i}", "timezone": "UTC", "working_hours": {"start": "00:00", "end": "24:00"}}
        for i in range(count)
    ]
    doc = team_doc(
        members,
        rotation={
            "kind": "follow-the-sun",
            "handoffs_utc": ["00:00", "08:00", "16:00"],
            "shift_hours": {"min": 8, "max": 8},
            "off_hours": "allow",
        },
        rest={"after_night": False, "after_weekend": False},
        **sections,
    )
    del doc["rotation"]["handoff"]
    return doc


def test_four_people_one_daily_role_fit_and_the_floors_are_the_shifts_hours() -> None:
    # Each 24 h shift from 09:00 holds 8 working hours (09-17) and 9 night hours (22-07):
    # 7 shifts give 7 x 16 = 112 h outside working hours and 7 x 9 = 63 h of night.
    report = check(team_doc(warsaw("ann", "bob", "cat", "dan")))
    assert report.verdict is Verdict.FITS
    assert rules(report, Level.CANNOT_FIT) == rules(report, Level.TIGHT) == set()
    assert (report.off_hours_floor, report.night_floor) == (112 * 60, 63 * 60)
    off = next(f for f in report.findings if f.rule == "off-hours")
    assert off.message.startswith("At least 112 h of on-call outside working hours")


def test_a_vacation_leaves_a_shift_without_a_second_member() -> None:
    members = warsaw("ann", "bob")
    members[0]["unavailable"] = [{"start": "2027-01-06", "reason": "vacation"}]
    report = check(team_doc(members, rotation={"roles": ["primary", "secondary"]}))
    assert report.verdict is Verdict.CANNOT_FIT
    coverage = [f for f in report.findings if f.rule == "coverage" and f.level is Level.CANNOT_FIT]
    # The 09:00 shifts of 5 and 6 January overlap ann's day away.
    assert "on 2027-01-05 and 2027-01-06 needs 2 members" in coverage[0].message
    assert "only bob may hold it; ann is away (vacation)" in coverage[0].message
    assert coverage[0].where.members == ("ann", "bob")


def test_three_people_for_three_daily_bands_are_tight_and_two_cannot_fit() -> None:
    # 8 h shifts 8 h apart: with 12 h rest a member works one shift a day, 56 h a week.
    # 168 h a week needed: three give exactly 168 (no spare), two give 112.
    tight = check(three_bands(3))
    assert tight.verdict is Verdict.TIGHT
    hours = next(f for f in tight.findings if f.rule == "weekly-hours")
    assert hours.level is Level.TIGHT
    assert "every shift needs 168 h" in hours.message
    assert "at most 168 h (m0 56 h, m1 56 h, m2 56 h)" in hours.message
    assert "rest.min_hours 12 and rest.max_block_hours 12" in hours.message
    assert check(three_bands(4)).verdict is Verdict.FITS
    short = check(three_bands(2))
    assert short.verdict is Verdict.CANNOT_FIT
    assert rules(short, Level.CANNOT_FIT) == {"weekly-hours", "weekend-hours"}


def test_weekend_hours_count_one_shift_a_day_per_member_against_the_whole_weekend() -> None:
    # The weekend of 9 January is 48 h of shifts (one role). With 12 h rest between 8 h
    # shifts 8 h apart a member works one shift a day, 16 h of a whole weekend: three give
    # exactly 48 h (tight), two give 32 h (cannot fit), four leave a member's part spare.
    tight = check(three_bands(3))
    weekend = next(f for f in tight.findings if f.rule == "weekend-hours")
    assert weekend.level is Level.TIGHT
    assert weekend.message.startswith("the weekend of 2027-01-09 needs 48 h of on-call")
    assert "the members can give at most 48 h" in weekend.message
    assert weekend.where.members == ("m0", "m1", "m2")
    short = check(three_bands(2))
    weekend = next(f for f in short.findings if f.rule == "weekend-hours")
    assert weekend.level is Level.CANNOT_FIT
    assert "weekends.split whole, rest.min_hours 12 and rest.max_block_hours 12" in weekend.message
    assert "the members can give at most 32 h" in weekend.message
    assert "weekend-hours" not in {f.rule for f in check(three_bands(4)).findings}


def test_single_day_weekends_halve_what_a_member_gives() -> None:
    # One day of the weekend each: a member gives one 8 h shift, so 48 h need six members
    # (five give 40 h and cannot fit; six give exactly 48 h).
    single = {"weekends": {"max": 1, "per_weeks": 1, "split": "single-day"}}
    five = check(three_bands(5, **single))
    weekend = next(f for f in five.findings if f.rule == "weekend-hours")
    assert weekend.level is Level.CANNOT_FIT
    assert "the members can give at most 40 h" in weekend.message
    six = check(three_bands(6, **single))
    assert next(f for f in six.findings if f.rule == "weekend-hours").level is Level.TIGHT


def test_max_hours_per_week_below_the_need_cannot_fit() -> None:
    report = check(three_bands(4, limits={"max_hours_per_week": 40}))
    assert report.verdict is Verdict.CANNOT_FIT
    (finding,) = [f for f in report.findings if f.level is Level.CANNOT_FIT]
    assert finding.rule == "weekly-hours"
    assert "limits.max_hours_per_week 40 they can give at most 160 h" in finding.message


def test_two_people_cannot_share_three_weekends_one_in_three() -> None:
    # One weekend shift (Saturday 09:00, Sunday joined) a weekend: 3 member-weekends in 3
    # weekends, and each of two members may work 1 of them.
    doc = team_doc(
        warsaw("ann", "bob"),
        horizon={"weeks": 3},
        weekends={"max": 1, "per_weeks": 3},
    )
    report = check(doc)
    weekend = [f for f in report.findings if f.rule == "weekend-limit"]
    assert [f.level for f in weekend] == [Level.CANNOT_FIT]
    assert "3 member-weekends in the 3 weekends 2027-01-09..2027-01-23" in weekend[0].message
    assert "weekends.max 1 in 3 lets them give 2" in weekend[0].message


def test_both_members_work_the_weekend_so_nobody_is_left_for_monday() -> None:
    doc = team_doc(
        warsaw("ann", "bob"), horizon={"weeks": 2}, rotation={"roles": ["primary", "secondary"]}
    )
    report = check(doc)
    after = [f for f in report.findings if f.rule == "after-weekend"]
    assert [f.level for f in after] == [Level.CANNOT_FIT]
    assert "ann and bob must work the weekend before" in after[0].message
    assert "on the Monday after, on 2027-01-11" in after[0].message
    assert rules(report, Level.TIGHT) >= {"coverage"}  # every shift depends on both


def test_a_25_hour_dst_shift_is_longer_than_a_24_hour_block() -> None:
    doc = team_doc(
        warsaw("ann", "bob", "cat", "dan"),
        horizon={"start": "2027-10-25"},
        rest={"max_block_hours": 24},
    )
    report = check(doc)
    (finding,) = [f for f in report.findings if f.rule == "shift-length"]
    assert finding.level is Level.CANNOT_FIT
    assert "lasts 25 h, longer than rest.max_block_hours 24" in finding.message
    assert finding.where.first == date(2027, 10, 30)


def test_regions_count_window_coverage_and_absences() -> None:
    window = {"start": "09:00", "end": "17:00"}
    members: list[dict[str, Any]] = [
        {"id": "ann", "timezone": "Europe/Warsaw", "working_hours": window},
        {
            "id": "raj",
            "timezone": "Asia/Kolkata",
            "working_hours": window,
            "unavailable": [{"start": "2027-01-05"}],
        },
    ]
    report = check(team_doc(members))
    warsaw_row, kolkata_row = report.regions
    # Warsaw 09-17 is 08-16 UTC in January; Kolkata 09-17 is 03:30-11:30 UTC.
    assert [h for h in range(24) if warsaw_row.covering[h]] == list(range(8, 16))
    assert [h for h in range(24) if kolkata_row.covering[h]] == list(range(3, 12))
    assert (warsaw_row.away, kolkata_row.away) == ((0,), (1,))


def test_sre_nine_cannot_fit_because_kolkata_has_two_people_for_two_roles() -> None:
    from pathlib import Path

    from rota.config import load_config

    path = Path(__file__).resolve().parents[2] / "configs" / "cannot-fit" / "sre-9.yaml"
    report = check_capacity(team_from_config(load_config(path)))
    assert report.verdict is Verdict.CANNOT_FIT
    kolkata = [
        f
        for f in report.findings
        if f.level is Level.CANNOT_FIT and f.where.zones == ("Asia/Kolkata",)
    ]
    assert {f.rule for f in kolkata} == {
        "coverage",
        "after-weekend",
        "weekend-limit",
        "weekly-hours",
    }


def test_night_forbid_proves_a_shift_nobody_may_hold_outside_their_night() -> None:
    # UTC members, night 22:00-07:00: the 00-08 and 16-24 shifts run into everyone's night.
    doc = three_bands(4)
    doc["rotation"]["night"] = "forbid"
    report = check(doc)
    assert report.verdict is Verdict.CANNOT_FIT
    coverage = [f for f in report.findings if f.rule == "coverage" and f.level is Level.CANNOT_FIT]
    assert "it runs into the night of everyone with a role and night is forbid" in (
        coverage[0].message
    )
    assert "nobody may hold it" in coverage[0].message


def test_night_forbid_keeps_a_zone_off_the_shifts_of_its_night() -> None:
    # In January 00-08 UTC is 11-19 in Sydney, 08-16 is day in UTC, 16-24 is 11-19 in New
    # York: each shift has a zone outside its night, so no coverage proof and no night floor.
    zones = (("s", "Australia/Sydney"), ("u", "UTC"), ("n", "America/New_York"))
    members = [
        {"id": f"{z}{i}", "timezone": zone, "working_hours": {"start": "00:00", "end": "24:00"}}
        for z, zone in zones
        for i in range(3)
    ]
    doc = three_bands(0)
    doc["rotation"]["night"] = "forbid"
    doc["members"] = members
    report = check(doc)
    assert "coverage" not in rules(report, Level.CANNOT_FIT)
    assert report.night_floor == 0


def test_one_weekend_short_inside_a_window_that_holds_cannot_fit() -> None:
    # Six members, at most 1 weekend in 2, two weeks: over both weekends they give 6 x 16 h =
    # 96 h, all the two weekends need. But four are away the first weekend, and the two
    # left give 32 h of its 48 h (each shift position still has two people who may hold it).
    doc = three_bands(6, weekends={"max": 1, "per_weeks": 2}, horizon={"weeks": 2})
    for member in doc["members"][:4]:
        member["unavailable"] = [{"start": "2027-01-09", "end": "2027-01-11"}]
    report = check(doc)
    weekend = next(f for f in report.findings if f.rule == "weekend-hours")
    assert weekend.level is Level.CANNOT_FIT
    assert weekend.message.startswith("the weekend of 2027-01-09 needs 48 h of on-call")
    assert "the members can give at most 32 h" in weekend.message
    assert "weekend-limit" not in rules(report, Level.CANNOT_FIT)
