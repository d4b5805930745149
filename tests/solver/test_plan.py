"""The off-hours plan: which kinds of member a shift needs, and the windows that follow it.

Two zones split a day of four 6-hour UTC shifts (00, 06, 12, 18): Warsaw works 07:00-19:00
(06:00-18:00 UTC in winter), Los Angeles 10:00-22:00 (18:00-06:00 UTC). Each zone has two
in-hours shifts a day, so every shift has a zone for which it is in working hours.
"""

from __future__ import annotations

import importlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from ortools.sat.python import cp_model

from rota.horizon import build_grid
from rota.metrics import member_loads
from rota.solver import SolveOptions
from rota.solver.constraints import build_model, lookback_days
from rota.solver.loads import shares
from rota.solver.model import RotaModel
from rota.solver.objective import Objective, build_objective, prepare
from rota.solver.plan import Skip, kind_model, member_kinds, off_hours_skip
from rota.solver.strategy import Strategy
from rota.solver.windows import plan_windows, with_history
from tests.solver.teams import Case, day_sun_team, people

first_rota_module = importlib.import_module("rota.solver.first_rota")

WARSAW_HOURS = {"start": "07:00", "end": "19:00"}
LA_HOURS = {"start": "10:00", "end": "22:00"}
WARSAW_SHIFTS = {1, 2}  # 06-12 and 12-18 UTC, as shift index % 4
LA_SHIFTS = {0, 3}  # 00-06 and 18-24 UTC


def two_zones(warsaw: list[str], la: list[str], **sections: Any) -> dict[str, Any]:
    members = people(*warsaw, working_hours=WARSAW_HOURS) + people(
        *la, zone="America/Los_Angeles", working_hours=LA_HOURS
    )
    return day_sun_team(members, **sections)


def half_timer_d() -> dict[str, Any]:
    """Warsaw a, b and half-time d, Los Angeles c; off-hours weighed, nights not."""
    doc = two_zones(["a", "b", "d"], ["c"], rotation={"night": "allow"})
    next(p for p in doc["members"] if p["id"] == "d")["fte"] = 0.5
    return doc


def model_of(case: Case) -> RotaModel:
    return build_model(case.team, case.grid, None, lookback=lookback_days(case.team, case.grid))


def any_rota(case: Case) -> tuple[RotaModel, Objective, list[int]]:
    """``case``'s model with its objective, and a rota of its hard rules (completed)."""
    m = model_of(case)
    prepare(m)
    objective = build_objective(m)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    assert solver.solve(m.cp) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return m, objective, objective.complete(list(solver.response_proto.solution))


def banned_shifts(skip: Skip, member: str) -> set[int]:
    return {index for who, index, _ in skip if who == member}


def test_members_of_one_zone_and_working_window_are_one_kind(tmp_path: Path) -> None:
    doc = two_zones(["a", "b"], ["c", "d"])
    doc["members"].append({"id": "e", "timezone": "Europe/Warsaw", "working_hours": LA_HOURS})
    m = model_of(Case(tmp_path, doc))
    kinds = [[m.member_id(i) for i in kind] for kind in member_kinds(m)]
    assert sorted(kinds) == [["a", "b"], ["c", "d"], ["e"]]


def test_members_whose_nights_differ_are_kinds_of_their_own(tmp_path: Path) -> None:
    # e shares a and b's zone and hours but sleeps 20-05: the humane stage weighs e's night
    # hours in other shifts, so the relaxation (and its night floor) must count e apart.
    doc = two_zones(["a", "b"], ["c", "d"])
    doc["members"].append(
        {
            "id": "e",
            "timezone": "Europe/Warsaw",
            "working_hours": WARSAW_HOURS,
            "night": {"start": "20:00", "end": "05:00"},
        }
    )
    m = model_of(Case(tmp_path, doc))
    kinds = [[m.member_id(i) for i in kind] for kind in member_kinds(m)]
    assert sorted(kinds) == [["a", "b"], ["c", "d"], ["e"]]


def test_when_the_zones_cover_the_day_nobody_is_planned_outside_their_hours(
    tmp_path: Path,
) -> None:
    # 28 shifts, 4 members with the same share: 7 shifts each, which each zone's 14
    # in-hours shifts hold without anyone working outside their window.
    case = Case(tmp_path, two_zones(["a", "b"], ["c", "d"]))
    skip = off_hours_skip(model_of(case), time_limit_s=5, workers=2, seed=0)
    shifts = range(len(case.grid.shifts))
    for member in ("a", "b"):
        assert banned_shifts(skip, member) == {k for k in shifts if k % 4 in LA_SHIFTS}
    for member in ("c", "d"):
        assert banned_shifts(skip, member) == {k for k in shifts if k % 4 in WARSAW_SHIFTS}


def test_a_short_zone_leaves_the_other_zone_just_the_off_hours_it_must_cover(
    tmp_path: Path,
) -> None:
    # c alone in Los Angeles holds 7 of its zone's 14 shifts (42 h, the fair share of 168 h
    # among four); the other 7 must go to Warsaw, outside their hours, and the plan leaves
    # them exactly 7. c never needs a Warsaw shift.
    case = Case(tmp_path, two_zones(["a", "b", "d"], ["c"]))
    skip = off_hours_skip(model_of(case), time_limit_s=5, workers=2, seed=0)
    la_shifts = {k for k in range(len(case.grid.shifts)) if k % 4 in LA_SHIFTS}
    banned = banned_shifts(skip, "a")
    assert banned == banned_shifts(skip, "b") == banned_shifts(skip, "d")
    assert banned <= la_shifts
    assert len(la_shifts - banned) == 7
    assert banned_shifts(skip, "c") == {k for k in range(28) if k % 4 in WARSAW_SHIFTS}


def test_withheld_shifts_still_count_towards_the_fair_share(tmp_path: Path) -> None:
    # The short-zone plan leaves c none of Warsaw's 14 shifts and a, b, d only 7 of Los
    # Angeles's 14 each, but everyone is available for all 28: the four shares stay equal
    # (42 h each), and no rota of the model gives anyone a shift the plan withheld. (Without
    # Mondays off after the weekend: in one week everyone works it.)
    case = Case(tmp_path, two_zones(["a", "b", "d"], ["c"], rest={"after_weekend": False}))
    m = model_of(case)
    before = shares(m)
    skip = off_hours_skip(m, time_limit_s=5, workers=2, seed=0)
    m.withhold(skip)
    assert m.withheld == len(skip) == 3 * 7 + 14
    assert shares(m) == before
    assert len(set(before)) == 1
    solver = cp_model.CpSolver()
    assert solver.solve(m.cp) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    held = {
        (m.member_id(i), m.timeline.slots[k].grid_index, role)
        for (i, k, role), var in m.x.items()
        if solver.value(var)
    }
    assert len(held) == 28
    assert not held & skip


TWO_WEEKS: dict[str, Any] = {"horizon": {"weeks": 2}, "rest": {"after_weekend": False}}
"""Two one-week windows. A window does not see the next one's Monday: with so few members
everyone works the first weekend, and Mondays off after it would leave the second window
without anyone (the solver then falls back to the whole horizon at once)."""


SMALL_WINDOWS = Strategy(kinds_split=False, window_min_assignments=1, window_assignments=60)
"""Tiny teams solved in rolling windows (the kinds split, which such a solve tries first,
is tested in test_split.py)."""


def test_windows_solved_on_the_plan_keep_off_hours_at_the_least_the_team_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two weeks: c holds 14 of Los Angeles's 28 shifts; the other 14 (84 h) go to Warsaw
    # outside their hours, and nothing else needs to.
    case = Case(tmp_path, two_zones(["a", "b", "d"], ["c"], **TWO_WEEKS))
    plans: list[Skip] = []

    def planned(*args: Any) -> Skip:
        plans.append(off_hours_skip(*args))
        return plans[-1]

    monkeypatch.setattr(first_rota_module, "off_hours_skip", planned)
    result = case.solve(options=SolveOptions(time_limit_s=20, strategy=SMALL_WINDOWS))
    assert result.windows == 2
    assert len(plans) == 2
    assert all(banned_shifts(skip, "c") for skip in plans)
    assert case.violations(result.schedule) == []
    loads = member_loads(case.team, result.schedule)
    assert loads["c"].off_hours == 0
    assert sum(load.off_hours for load in loads.values()) == 84


def test_a_plan_the_rules_cannot_keep_falls_back_to_the_whole_team(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A plan that leaves every shift to a alone: no rota (a cannot work around the clock),
    # so each window is solved again with everyone.
    case = Case(tmp_path, two_zones(["a", "b"], ["c", "d"], **TWO_WEEKS))
    grid = build_grid(case.team)
    only_a: Skip = frozenset(
        (member, shift.index, "primary") for member in "bcd" for shift in grid.shifts
    )
    calls: list[int] = []

    def planned(*args: Any) -> Skip:
        calls.append(1)
        return only_a

    monkeypatch.setattr(first_rota_module, "off_hours_skip", planned)
    result = case.solve(options=SolveOptions(time_limit_s=20, strategy=SMALL_WINDOWS))
    assert result.windows == 2
    assert len(calls) >= 2  # each window tried the plan (with and without the weekend pace)
    assert case.violations(result.schedule) == []
    assert set(case.holders(result.schedule)) == {"a", "b", "c", "d"}


WHOLE_WEEKENDS: dict[str, Any] = {
    "horizon": {"weeks": 2},
    "weekends": {"split": "whole", "max": 1, "per_weeks": 1},
}


def test_whole_weekends_plan_a_saturday_only_for_members_free_on_its_sunday(
    tmp_path: Path,
) -> None:
    # In Los Angeles, c is away on Sunday 2027-01-10 and d on Saturday 2027-01-09 (local
    # dates). The Saturday shifts 18-24 and 00-06 UTC (indices 23 and 24, in Los Angeles's
    # hours) pair with Sunday's 27 and 28: under whole weekends c cannot hold them (c is
    # away for the Sunday half) and d is away, so Warsaw must, outside its hours. Counting c
    # as free there would give Warsaw no place and the restricted model no valid rota.
    doc = two_zones(["a", "b"], ["c", "d"], **WHOLE_WEEKENDS)
    doc["members"][2]["unavailable"] = [{"start": "2027-01-10"}]
    doc["members"][3]["unavailable"] = [{"start": "2027-01-09"}]
    case = Case(tmp_path, doc)
    skip = off_hours_skip(model_of(case), time_limit_s=5, workers=2, seed=0)
    assert not banned_shifts(skip, "a") & {23, 24}
    assert not banned_shifts(skip, "b") & {23, 24}


def test_a_weekend_begun_before_the_window_counts_once_towards_the_pace(
    tmp_path: Path,
) -> None:
    # Windows cut at Monday 00:00 UTC split Los Angeles's weekend: c's Saturday 16-22 local
    # (shift 24, Sunday 00-06 UTC) is in the first week, its whole-weekend partner (shift 28,
    # Monday 00-06 UTC) in the second. d held every other Los Angeles shift of the first week,
    # so worked the weekends of 2 January (shift 0 is Sunday 3 January, 16-22 local) and 9
    # January. Paced at what they have (c 1, d 2), each weekend counts once though c holds
    # the window's first shift: the plan exists, and Warsaw covers Los Angeles's next weekend
    # (Saturday 16 January local: window shifts 23 and 24).
    doc = two_zones(["a", "b"], ["c", "d"], **WHOLE_WEEKENDS)
    case = Case(tmp_path, doc)
    first, second = plan_windows(case.team, case.grid, 10**6)
    holders = ["c" if k == 24 else ("a" if k % 4 in WARSAW_SHIFTS else "d") for k in range(28)]
    both_weeks = case.schedule(holders + ["a"] * 28)
    history = replace(both_weeks, horizon_end=first.grid.end, shifts=both_weeks.shifts[:28])
    m = build_model(with_history(case.team), second.grid, history, lookback=7)
    assert [m.member_id(i) for i in (2, 3)] == ["c", "d"]  # the indices ``paced`` uses
    skip = off_hours_skip(m, 5, 2, 0, paced={2: (1, 1), 3: (2, 2)})
    assert skip
    assert not banned_shifts(skip, "a") & {23, 24}


def least_weekend_excess(case: Case, *, weekends_to_la: bool) -> int:
    m = model_of(case)
    relaxed = kind_model(m)
    assert relaxed is not None
    la = next(j for j, kind in enumerate(relaxed.kinds) if m.member_id(kind[0]) == "c")
    if weekends_to_la:  # every shift of anyone's weekend to Los Angeles
        for k, count in relaxed.counts[la].items():
            if any(m.timeline.facts[kind[0]][k].weekend for kind in relaxed.kinds):
                relaxed.cp.add(count == 1)
    relaxed.cp.minimize(relaxed.weekend_excess)
    solver = cp_model.CpSolver()
    assert solver.solve(relaxed.cp) == cp_model.OPTIMAL
    return round(solver.objective_value)


def test_the_kinds_weekend_range_counts_weekends_beyond_one_apart(tmp_path: Path) -> None:
    # Three weeks, four members of one share, at most one weekend a week each. Spread over
    # both zones, everyone can work a weekend or two: no excess. With every weekend shift in
    # Los Angeles, c and d share three weekends (one of them works two) while a and b work
    # none: a range of 2, one weekend beyond the range of one the objective allows.
    case = Case(tmp_path, two_zones(["a", "b"], ["c", "d"], horizon={"weeks": 3}))
    assert least_weekend_excess(case, weekends_to_la=False) == 0
    assert least_weekend_excess(case, weekends_to_la=True) == 1
