"""``rotation.night``: forbid (a hard rule, explained when it cannot hold), avoid (weighed) and
allow, and night hours shared in proportion to ``fte``.

The hand-made teams use 6 h UTC shifts in January: Warsaw's night 22:00-07:00 is 21:00-06:00
UTC, Los Angeles' is 06:00-15:00 UTC, Kolkata's 16:30-01:30 UTC.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rota.config import load_config
from rota.errors import ConfigError
from rota.metrics import member_loads
from rota.solver import SolveOptions
from rota.solver.constraints import add_night, build_model
from rota.solver.model import GuardKey
from tests.solver.teams import (
    Case,
    InfeasibleRotaError,
    daily_team,
    day_sun_team,
    people,
    sun_team,
)

WHOLE_DAY = {"start": "00:00", "end": "24:00"}
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney")
WINDOWS = (("07:00", "15:00"), ("08:00", "16:00"), ("09:00", "17:00"), ("10:00", "18:00"))


def night_hours(case: Case, schedule: Any) -> dict[str, float]:
    return {m: load.night_hours for m, load in member_loads(case.team, schedule).items()}


# ------------------------------------------------------------------------------ forbid


def test_forbid_names_each_shift_nobody_can_hold_outside_their_night(tmp_path: Path) -> None:
    # Two Warsaw members: 00-06 UTC (01-07 local) and 18-24 UTC (19-01 local) run into their
    # night every day, so 14 shifts of the week have nobody.
    doc = day_sun_team(people("a", "b"), rotation={"night": "forbid"})
    with pytest.raises(InfeasibleRotaError) as caught:
        Case(tmp_path, doc).solve()
    text = str(caught.value)
    assert "14 shift(s) cannot be covered" in text
    assert (
        "2027-01-04 00:00-06:00 UTC needs 1 member for primary; nobody is available "
        "(a: in their night (night: forbid), b: in their night (night: forbid))"
    ) in text
    assert "2027-01-04 18:00-2027-01-05 00:00 UTC" in text


def test_forbid_joins_the_other_rules_in_the_explanation(tmp_path: Path) -> None:
    # Adding one Los Angeles member covers every shift on its own (00-06 and 18-24 UTC are
    # 16-22 and 10-16 there), so the pre-check passes; but l alone cannot hold both night-free
    # shifts of every day (they touch: a block of two) and rest on Monday after a weekend.
    # The minimal core names the night rule and the Warsaw members it keeps off.
    members = [*people("a", "b"), *people("l", zone="America/Los_Angeles")]
    doc = day_sun_team(members, rotation={"night": "forbid"})
    with pytest.raises(InfeasibleRotaError) as caught:
        Case(tmp_path, doc).solve()
    reasons = caught.value.reasons
    assert (
        "no shift in a member's night (night: forbid) for a, b in the week(s) from 2027-01-04"
        in (reasons)
    )
    assert any(" for l " in r for r in reasons if "night" not in r), reasons


def test_forbid_rule_is_a_guarded_clause_when_explaining(tmp_path: Path) -> None:
    # Solving, night shifts get no variable; explaining (or relaxing), they do and add_night
    # keeps them at 0 under the ``night`` family's assumption.
    members = [*people("a"), *people("l", zone="America/Los_Angeles")]
    case = Case(tmp_path, day_sun_team(members, rotation={"night": "forbid"}))
    solving = build_model(case.team, case.grid, None)
    assert not any(solving.timeline.facts[i][k].night_minutes for i, k in solving.w)
    explaining = build_model(
        case.team, case.grid, None, lambda key: GuardKey(key.family, key.member, None)
    )
    assert any(explaining.timeline.facts[i][k].night_minutes for i, k in explaining.w)
    assert {k.family for k in explaining.guards} >= {"night"}
    assert {k.member for k in explaining.guards if k.family == "night"} == {"a", "l"}
    add_night(solving)  # nothing to guard, and the assertion holds


@pytest.mark.parametrize("kind", ["daily", "weekly"])
def test_forbid_is_an_input_error_for_daily_and_weekly(tmp_path: Path, kind: str) -> None:
    import yaml

    doc = daily_team(people("a", "b"), rotation={"kind": kind, "night": "forbid"})
    path = tmp_path / "team.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "rotation.night" in str(caught.value)
    assert "'forbid' needs rotation.kind follow-the-sun" in str(caught.value)


def small_team(draw: st.DrawFn) -> dict[str, Any]:
    zones = draw(st.lists(st.sampled_from(ZONES), min_size=2, max_size=3, unique=True))
    members = []
    for z, zone in enumerate(zones):
        for j in range(draw(st.integers(1, 3))):
            start, end = draw(st.sampled_from(WINDOWS))
            fte = draw(st.sampled_from([1.0, 1.0, 0.5]))
            window = {"start": start, "end": end}
            members.append(
                {"id": f"z{z}m{j}", "timezone": zone, "fte": fte, "working_hours": window}
            )
    handoffs = draw(
        st.sampled_from(
            [["00:00", "06:00", "12:00", "18:00"], ["02:00", "08:00", "14:00", "20:00"]]
        )
    )
    return sun_team(
        members,
        rotation={"night": "forbid", "handoffs_utc": handoffs},
        weekends={"max": 1, "per_weeks": 1},
    )


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(doc=st.composite(small_team)())
def test_forbid_holds_under_the_checker_or_is_explained(
    tmp_path: Path, doc: dict[str, Any]
) -> None:
    case = Case(tmp_path, doc)
    try:
        result = case.solve(options=SolveOptions(time_limit_s=5.0, workers=2, seed=0))
    except InfeasibleRotaError as exc:
        reasons = exc.reasons
        result = None
    if result is None:
        assert reasons  # which shifts, or which rules for which members
        return
    assert case.violations(result.schedule) == []
    assert all(hours == 0 for hours in night_hours(case, result.schedule).values())


def test_the_checker_finds_a_shift_held_at_night(tmp_path: Path) -> None:
    members = [*people("a"), *people("l", zone="America/Los_Angeles")]
    case = Case(tmp_path, day_sun_team(members, rotation={"night": "forbid"}))
    # 00-06 UTC: a's night (01-07 Warsaw); 06-12 UTC: l's (22-04 Los Angeles)
    holders = ["a", "l", "a", "l"] * 7
    found = [v for v in case.violations(case.schedule(holders)) if v.rule == "night"]
    assert len(found) == 14
    assert "a holds shift 2027-01-04 00:00-2027-01-04 06:00 UTC in their night 22:00-07:00" in (
        found[0].message
    )


# ------------------------------------------------------------------------------ avoid / allow


def test_avoid_finds_the_night_free_rota_that_allow_does_not_look_for(tmp_path: Path) -> None:
    # Two in Warsaw, two in Los Angeles, no off-hours (24 h windows). Night hours per shift:
    # 00-06 UTC Warsaw 6, LA 0; 06-12 Warsaw 0, LA 6; 12-18 Warsaw 0, LA 3; 18-24 Warsaw 3,
    # LA 0. Warsaw taking 06-12 and 12-18, LA 18-24 and 00-06 (one member each, every day) is
    # fair (42 h each) and has no night hour at all.
    members = [*people("w1", "w2"), *people("l1", "l2", zone="America/Los_Angeles")]
    totals = {}
    for night in ("avoid", "allow"):
        doc = day_sun_team(
            members, rotation={"night": night, "off_hours": "allow"}, working_hours=WHOLE_DAY
        )
        case = Case(tmp_path, doc, night)
        result = case.solve()
        assert result.status == "optimal"
        loads = member_loads(case.team, result.schedule)
        assert {load.hours for load in loads.values()} == {42.0}
        totals[night] = sum(load.night_hours for load in loads.values())
    assert totals["avoid"] == 0
    # Nothing in the objective looks at night hours, and a rota of 28 shifts chosen for fair
    # hours alone practically never avoids all 14 night-touching placements.
    assert totals["allow"] > 0


# ------------------------------------------------------------------------------ shared by fte


def lumpy_team(seed: int) -> dict[str, Any]:
    """2-3 zones of 2-5 members, personal windows, part-timers, 6 h shifts, two weeks."""
    rng = random.Random(seed)
    members = []
    for z, zone in enumerate(rng.sample(ZONES, rng.randint(2, 3))):
        for j in range(rng.randint(2, 5)):
            start, end = rng.choice(WINDOWS)
            members.append(
                {
                    "id": f"z{z}m{j}",
                    "timezone": zone,
                    "fte": rng.choice([1, 1, 1, 0.5, 0.8]),
                    "working_hours": {"start": start, "end": end},
                }
            )
    return sun_team(
        members,
        weekends={"max": 1, "per_weeks": 2},
        horizon={"start": "2027-01-04", "weeks": 2},
    )


def test_a_half_timer_carries_no_more_night_than_the_full_timers_of_the_zone(
    tmp_path: Path,
) -> None:
    # Kolkata: two full-timers and a half-timer; Berlin covers the rest. The 20-24 UTC shift
    # (01:30-05:30 in Kolkata, 21-01 in Berlin) touches someone's night every day.
    members = [
        *people("anna", "ben", "clara", zone="Europe/Berlin"),
        *people("harish", "isha", zone="Asia/Kolkata"),
        {"id": "kavya", "timezone": "Asia/Kolkata", "fte": 0.5},
    ]
    handoffs = ["00:00", "04:00", "08:00", "12:00", "16:00", "20:00"]
    doc = sun_team(
        members, rotation={"handoffs_utc": handoffs}, weekends={"max": 1, "per_weeks": 2}
    )
    case = Case(tmp_path, doc)
    result = case.solve(options=SolveOptions(time_limit_s=20.0, workers=2, seed=0))
    nights = night_hours(case, result.schedule)
    assert nights["kavya"] <= max(nights["harish"], nights["isha"])
    assert nights["kavya"] <= min(nights["harish"], nights["isha"]) / 2 + 4  # within a shift


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_night_is_shared_by_fte_on_lumpy_teams(tmp_path: Path, seed: int) -> None:
    case = Case(tmp_path, lumpy_team(seed))
    result = case.solve(options=SolveOptions(time_limit_s=15.0, workers=2, seed=0))
    assert case.violations(result.schedule) == []
    loads = member_loads(case.team, result.schedule)
    # Half-timers: never more than the zone's most-loaded full-timer. (A 0.8 member may be:
    # night comes in whole shifts, and the peak per share can tie while off-hours differ.)
    for member in case.team.members:
        if member.fte > 0.5:
            continue
        full = [
            loads[o.id].night_hours
            for o in case.team.members
            if o.fte == 1 and o.timezone == member.timezone and o.night == member.night
        ]
        if full:
            assert loads[member.id].night_hours <= max(full), (member.id, seed)
