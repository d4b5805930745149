"""Infeasible teams are explained in the team's terms: which shift, which rule, which members."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.capacity.test_check import three_bands
from tests.solver.teams import Case, InfeasibleRotaError, daily_team, people


def test_too_few_members_for_the_roles_on_a_vacation_day(tmp_path: Path) -> None:
    members: list[dict[str, Any]] = [
        {"id": "dave", "timezone": "Europe/Warsaw", "roles": ["primary"]},
        {
            "id": "erin",
            "timezone": "Europe/Warsaw",
            "unavailable": [
                {"start": "2027-01-06T12:00", "end": "2027-01-06T14:00", "reason": "vacation"}
            ],
        },
        {"id": "frank", "timezone": "Europe/Warsaw", "roles": ["primary"]},
        {
            "id": "gina",
            "timezone": "Europe/Warsaw",
            "unavailable": [
                {"start": "2027-01-06T10:00", "end": "2027-01-06T11:00", "reason": "dentist"}
            ],
        },
    ]
    doc = daily_team(members, rotation={"roles": ["primary", "secondary"]})
    with pytest.raises(InfeasibleRotaError) as info:
        Case(tmp_path, doc).solve()
    message = str(info.value)
    assert "1 shift(s) cannot be covered" in message
    assert (
        "2027-01-06 08:00-2027-01-07 08:00 UTC needs 2 members for primary, secondary; "
        "only dave, frank available (dave: not eligible for secondary, "
        "frank: not eligible for secondary, erin: vacation, gina: dentist)"
    ) in message


def test_nobody_available(tmp_path: Path) -> None:
    away = [{"start": "2027-01-04", "end": "2027-01-04", "reason": "offsite"}]
    doc = daily_team(people("a", "b", unavailable=away))
    with pytest.raises(
        InfeasibleRotaError, match=r"nobody is available \(a: offsite, b: offsite\)"
    ):
        Case(tmp_path, doc).solve()


def test_weekend_limit_capacity_is_checked_before_solving(tmp_path: Path) -> None:
    # Two roles every weekend, at most 1 weekend in 3 each: 3 weekends need 6 member-weekends,
    # four members can give 4.
    doc = daily_team(
        people("a", "b", "c", "d"),
        horizon={"weeks": 3},
        rotation={"roles": ["primary", "secondary"]},
        weekends={"max": 1, "per_weeks": 3},
    )
    with pytest.raises(InfeasibleRotaError) as info:
        Case(tmp_path, doc).solve()
    assert "too few members for the weekend limit (at most 1 in any 3 weekends)" in str(info.value)
    assert "needs 2 member(s) each weekend (6 member-weekends)" in str(info.value)


def test_weekend_hours_are_checked_before_solving(tmp_path: Path) -> None:
    # Three 8 h shifts a day, one role, single-day weekends every weekend: each of the five
    # members may hold every shift, so every shift position has enough people, but with 12 h
    # rest each works one shift of one weekend day: 40 h of the weekend's 48 h.
    doc = three_bands(5, weekends={"max": 1, "per_weeks": 1, "split": "single-day"})
    with pytest.raises(InfeasibleRotaError) as info:
        Case(tmp_path, doc).solve()
    assert "too few members for the weekend limit (at most 1 in any 1 weekends)" in str(info.value)
    assert "the weekend of 2027-01-09 needs 48 h of on-call" in str(info.value)
    assert "the members can give at most 40 h" in str(info.value)


def test_max_hours_capacity_is_checked_before_solving(tmp_path: Path) -> None:
    doc = daily_team(people("a", "b", "c"), limits={"max_hours_per_week": 40})
    with pytest.raises(InfeasibleRotaError, match=r"the week from 2027-01-04 needs 168 on-call"):
        Case(tmp_path, doc).solve()


def test_solver_core_names_the_rule_and_the_member(tmp_path: Path) -> None:
    away = [{"start": "2027-01-09", "end": "2027-01-11", "reason": "ski trip"}]
    members = [{"id": "a", "timezone": "Europe/Warsaw"}, *people("b", "c", unavailable=away)]
    doc = daily_team(members, horizon={"weeks": 2}, rest={"max_block_hours": 72})
    with pytest.raises(InfeasibleRotaError) as info:
        Case(tmp_path, doc).solve()
    error = info.value
    assert error.reasons == [
        "after a worked weekend, Monday off for a in the week(s) from 2027-01-04"
    ]


def test_a_shift_longer_than_the_block_cap_is_named(tmp_path: Path) -> None:
    # Warsaw leaves summer time on Sunday 2027-10-31, so the daily shift from Saturday 09:00
    # to Sunday 09:00 lasts 25 h: a block longer than max_block_hours 24 for whoever holds it.
    doc = daily_team(
        people("a", "b", "c"), horizon={"start": "2027-10-25"}, rest={"max_block_hours": 24}
    )
    with pytest.raises(InfeasibleRotaError) as info:
        Case(tmp_path, doc).solve()
    message = str(info.value)
    assert "1 shift(s) last longer than rest.max_block_hours 24" in message
    assert "2027-10-30 07:00-2027-10-31 08:00 UTC lasts 25 h" in message
