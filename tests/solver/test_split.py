"""The kinds split (rota.solver.split): each kind of member solved on its own under a plan.

The teams are those of test_plan.py: two zones split a day of four 6-hour UTC shifts, two in
each zone's working window (Warsaw 06-18 UTC, Los Angeles 18-06 UTC), one role. Every amount
is a whole shift, so the load unit is 6 hours and one shift counts 1.
"""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rota.metrics import member_loads
from rota.solver import Progress, SolveOptions
from rota.solver.bounds import Floors
from rota.solver.constraints import ALL_RULES, MEMBER_RULES, add_coverage
from rota.solver.model import RotaModel
from rota.solver.objective import build_objective, prepare
from rota.solver.search import bound_worker
from rota.solver.split import SplitPlan, best_level, split_plan, split_rota
from rota.solver.split_parts import Works
from rota.solver.strategy import Strategy
from tests.solver.teams import Case, unavailable_for
from tests.solver.test_member_plan import lexicographic_optimum
from tests.solver.test_plan import LA_SHIFTS, model_of, two_zones

starts_module = importlib.import_module("rota.solver.starts")
split_module = importlib.import_module("rota.solver.split")

TWO_WEEKS: dict[str, Any] = {"horizon": {"weeks": 2}, "rest": {"after_weekend": False}}


def split_of(m: RotaModel) -> tuple[SplitPlan, Works]:
    prepare(m)
    objective = build_objective(m)
    plan = split_plan(m, objective, time_limit_s=5.0, workers=2, seed=0)
    assert plan is not None
    works = split_rota(m, plan, objective, time_limit_s=10.0, workers=2, seed=0)
    assert works is not None
    return plan, works


def test_a_half_timer_carries_half_a_full_timers_off_hours(tmp_path: Path) -> None:
    # d works half time: Warsaw (a, b and d, one kind) holds 6 shifts outside its hours (see
    # test_member_plan). d holding 2 of them would be 4 per full share, where a, b and d
    # holding 3, 2 and 1 make the peak 3: the kind's rota weighs the peak as the stage does.
    doc = two_zones(["a", "b", "d"], ["c"], rest={"after_weekend": False})
    next(p for p in doc["members"] if p["id"] == "d")["fte"] = 0.5
    m = model_of(Case(tmp_path, doc))
    _, works = split_of(m)
    outside = {
        m.member_id(i): sum(
            worked
            for (j, k), worked in works.items()
            if j == i and m.timeline.facts[i][k].off_minutes
        )
        for i in range(3)
    }
    assert sum(outside.values()) == 6
    assert outside["d"] <= 1
    assert max(outside["a"], outside["b"]) <= 3


def test_every_rule_but_coverage_is_about_one_member() -> None:
    assert add_coverage not in MEMBER_RULES
    assert set(MEMBER_RULES) == set(ALL_RULES) - {add_coverage}


def test_each_kind_holds_exactly_its_planned_count(tmp_path: Path) -> None:
    # Two weeks, 56 shifts: c and d (Los Angeles) hold the 28 in their hours, a and b
    # (Warsaw) the other 28; each member 14, nobody outside their window.
    m = model_of(Case(tmp_path, two_zones(["a", "b"], ["c", "d"], **TWO_WEEKS)))
    plan, works = split_of(m)
    for kind, counts in zip(plan.kinds, plan.counts, strict=True):
        for k in m.timeline.grid_slots:
            held = sum(works.get((i, k), 0) for i in kind)
            assert held == counts.get(k, 0)
    worked = {m.member_id(i): 0 for i in m.members}
    for (i, k), value in works.items():
        worked[m.member_id(i)] += value
        if value:
            in_la = (k - m.timeline.first_grid) % 4 in LA_SHIFTS
            assert in_la == (m.member_id(i) in ("c", "d"))
    assert worked == {"a": 14, "b": 14, "c": 14, "d": 14}


def test_the_plan_gives_every_member_of_one_share_weekends_within_one(tmp_path: Path) -> None:
    m = model_of(Case(tmp_path, two_zones(["a", "b", "d"], ["c"], **TWO_WEEKS)))
    prepare(m)
    plan = split_plan(m, build_objective(m), time_limit_s=5.0, workers=2, seed=0)
    assert plan is not None
    assert sorted(plan.weekends) == sorted(m.members)
    assert max(plan.weekends.values()) - min(plan.weekends.values()) <= 1


def test_the_best_level_leaves_the_least_outside_its_band() -> None:
    assert best_level([5], 2) == 3  # any of 3..5 holds it; the lowest
    assert best_level([0, 12, 12, 12], 6) == 6  # 0 is 6 below [6, 12]; [0, 6] leaves 18 out
    assert best_level([0, 6, 12], 6) == 0  # [0, 6] and [6, 12] both leave 6 out: the lowest


LARGE = Strategy(
    lp_proof_max_assignments=1,
    window_min_assignments=1,
    window_assignments=60,
    min_members_per_kind=1,
)
"""Treat the tiny teams as large enough for rolling windows (which the split comes before),
and their kinds (three Warsaw members, one in Los Angeles) as grouping them."""


def test_a_split_rota_at_the_floors_is_proven_optimal_without_windows(
    tmp_path: Path,
) -> None:
    case = Case(tmp_path, two_zones(["a", "b", "d"], ["c"], **TWO_WEEKS))
    phases: list[str] = []
    options = SolveOptions(
        time_limit_s=20, on_progress=lambda p: phases.append(p.stage), strategy=LARGE
    )
    result = case.solve(options=options)
    assert "kinds" in phases
    # after the split, the stages search the whole model (fair settled alone, then humane)
    assert phases.index("kinds") < phases.index("fair") < phases.index("humane")
    assert not any(phase.startswith("window") for phase in phases)
    assert result.windows == 1
    assert result.status == "optimal"
    assert case.violations(result.schedule) == []
    # c holds 14 of Los Angeles's 28 shifts (c's share of 56); Warsaw's three take the
    # other 14 outside their hours (84 h), and nothing else is outside anyone's window.
    loads = member_loads(case.team, result.schedule)
    assert loads["c"].hours == 14 * 6
    assert loads["c"].off_hours == 0
    assert sum(load.off_hours for load in loads.values()) == 14 * 6
    optimum = lexicographic_optimum(model_of(case))
    assert optimum is not None
    fair, humane = optimum
    objective = build_objective(model_of(case))
    minutes = [stage.minutes for stage in objective.stages]
    assert result.objective == fair * minutes[0] + humane * minutes[1]


def test_kinds_group_a_team_with_several_members_each() -> None:
    strategy = Strategy(min_members_per_kind=4)
    assert strategy.grouped(members=100, kinds=5)  # tidy regions: 20 members per kind
    assert strategy.grouped(members=12, kinds=3)
    assert not strategy.grouped(members=24, kinds=16)  # everyone with their own hours
    assert not strategy.grouped(members=30, kinds=1)  # one kind: nothing to plan among
    large = strategy.route(20_000, windowed=False, whole=True, grouped=True)
    assert (large.together, large.member_plan) == (True, True)
    lumpy = strategy.route(20_000, windowed=False, whole=True, grouped=False)
    assert (lumpy.together, lumpy.member_plan) == (True, False)
    small = strategy.route(500, windowed=False, whole=True, grouped=True)
    assert (small.together, small.member_plan) == (False, False)
    windowed = strategy.route(20_000, windowed=True, whole=True, grouped=False)
    assert not windowed.together
    # after rolling windows whose spans left fair above its floor: together, no plan
    stalled = strategy.route(20_000, windowed=True, whole=True, grouped=True, stalled=True)
    assert (stalled.together, stalled.member_plan) == (True, False)
    # humane's bound worker: LP search where the stages start from the first valid rota
    # together, or the model is small; a best-bound tree from a plan's or the windows' rota,
    # and where humane is searched alone on a large model (fair settled before it)
    routes = (large, lumpy, small, windowed, stalled)
    tree, lp = "lb_tree_search", "max_lp"
    assert [bound_worker(route, alone=False) for route in routes] == [tree, lp, lp, tree, tree]
    assert [bound_worker(route, alone=True) for route in routes] == [tree, tree, lp, tree, tree]


def test_a_team_its_kinds_do_not_group_is_solved_without_the_split(tmp_path: Path) -> None:
    # Four members in two kinds: two per kind, below the four the split asks for.
    case = Case(tmp_path, two_zones(["a", "b", "d"], ["c"], **TWO_WEEKS))
    phases: list[str] = []
    ungrouped = replace(LARGE, min_members_per_kind=4)
    options = SolveOptions(
        time_limit_s=20, on_progress=lambda p: phases.append(p.stage), strategy=ungrouped
    )
    result = case.solve(options=options)
    assert "kinds" not in phases
    assert case.violations(result.schedule) == []
    assert member_loads(case.team, result.schedule)["c"].off_hours == 0


def test_a_kind_without_a_rota_under_the_counts_falls_back_to_windows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A plan that gives c every shift: c cannot work around the clock, so c's kind has no
    # rota under it; the windows then solve the team, and every rule still holds.
    case = Case(tmp_path, two_zones(["a", "b", "d"], ["c"], **TWO_WEEKS))

    def all_to_c(m: RotaModel, *args: Any, **kwargs: Any) -> SplitPlan:
        plan = split_plan(m, *args, **kwargs)
        assert plan is not None
        c_kind = next(j for j, kind in enumerate(plan.kinds) if m.member_id(kind[0]) == "c")
        every = dict.fromkeys(m.timeline.grid_slots, 1)
        counts: Sequence[dict[int, int]] = [
            every if j == c_kind else {} for j in range(len(plan.kinds))
        ]
        return replace(plan, counts=tuple(counts))

    monkeypatch.setattr(starts_module, "split_plan", all_to_c)
    phases: list[Progress] = []
    options = SolveOptions(time_limit_s=20, on_progress=phases.append, strategy=LARGE)
    result = case.solve(options=options)
    assert any(p.stage.startswith("window") for p in phases)
    assert result.windows == 2
    assert case.violations(result.schedule) == []


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    away=st.sampled_from(["a", "b", "c", "d"]),
    first_day=st.integers(min_value=4, max_value=17),
    days=st.integers(min_value=1, max_value=6),
    roles=st.sampled_from([["primary"], ["primary", "secondary"]]),
)
def test_a_split_rota_keeps_every_rule(
    away: str, first_day: int, days: int, roles: list[str]
) -> None:
    # One member away for a few days of two weeks, one role or two: whatever the split
    # finds, fixed into the whole model (which gives the roles), breaks no rule according to
    # the independent checker, fills every role, and its stages are no lower than their
    # proven floors.
    doc = two_zones(["a", "b", "e"], ["c", "d", "f"], **TWO_WEEKS)
    doc["rotation"]["roles"] = roles
    unavailable_for(doc, away, first_day, days)
    with tempfile.TemporaryDirectory() as scratch:
        case = Case(Path(scratch), doc)
        m = model_of(case)
        prepare(m)
        hard = m.cp.clone()
        objective = build_objective(m)
        options = SolveOptions(time_limit_s=20)
        solution = starts_module.kinds_split(hard, m, objective, options, 20.0, lambda: 20.0)
        if solution is None:  # no rota under the plan's counts: the windows take over
            return
        schedule = m.schedule(case.grid, lambda var: solution[var.index])
        assert case.violations(schedule) == []
        assert all(len(shift.assignments) == len(roles) for shift in schedule.shifts)
        complete = objective.complete(solution)
        fair, humane = (stage.value(complete) for stage in objective.stages)
        weights = (objective.off_hours_weight, objective.night_weight)
        floors = Floors(
            m, objective.hours_weight, weights, peaks=objective.peaks, workers=2, seed=0
        )
        assert fair >= floors.fair(5.0)
        assert humane >= floors.humane(fair, 5.0)


def test_kinds_one_holiday_group_spans_are_solved_as_one_part() -> None:
    # Members 0-5 in three kinds of two; one holiday group holds 0 (first kind) and 2
    # (second): those two kinds become one part, so the group's range is counted exactly.
    plan = SplitPlan(kinds=((0, 1), (2, 3), (4, 5)), counts=({0: 1}, {1: 1}, {2: 1}), weekends={})
    parts = split_module._parts(plan, [[0, 2], [4, 5]], max_members=40)
    assert [sorted(part.members) for part in parts] == [[0, 1, 2, 3], [4, 5]]
    assert parts[0].counts == ({0: 1}, {1: 1})
    # A part may not grow beyond max_members: the group then gets a band instead.
    parts = split_module._parts(plan, [[0, 2]], max_members=3)
    assert [sorted(part.members) for part in parts] == [[0, 1], [2, 3], [4, 5]]
