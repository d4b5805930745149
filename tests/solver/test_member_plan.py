"""The member plan (rota.solver.member_plan) and the search with its counts held.

The teams are those of test_plan.py: two zones split a day of four 6-hour UTC shifts, two in
each zone's working window; one week, 28 shifts of one role. Every amount is a whole shift,
so the load unit is 6 hours and one shift counts 1.
"""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from rota.metrics import member_loads
from rota.solver import SolveOptions
from rota.solver.bounds import Floors
from rota.solver.member_plan import MemberPlan, hold_counts, member_plan
from rota.solver.model import RotaModel
from rota.solver.objective import Stage, build_objective, lexicographic_weights, prepare
from rota.solver.search import new_solver, relative_gap
from rota.solver.strategy import Strategy
from tests.solver.teams import Case, unavailable_for
from tests.solver.test_plan import LA_SHIFTS, half_timer_d, model_of, two_zones

starts_module = importlib.import_module("rota.solver.starts")
stages_module = importlib.import_module("rota.solver.stages")
search_module = importlib.import_module("rota.solver.search")

SHIFTS = range(28)
WEIGHTS = (1, 4)
"""The ``fair`` stage's coefficients with the default weights: a unit of hours excess (one
6-hour shift) 1, a weekend of range excess 4 x one shift."""


def plan_of(m: RotaModel, least_excess: int = 0) -> MemberPlan:
    plan = member_plan(m, least_excess, time_limit_s=5.0, workers=2, seed=0, weights=WEIGHTS)
    assert plan is not None
    return plan


def kind_ids(m: RotaModel, plan: MemberPlan) -> list[list[str]]:
    return [[m.member_id(i) for i in kind] for kind in plan.kinds]


def grid_counts(m: RotaModel, plan: MemberPlan, kind: int) -> list[int]:
    """The plan's count of ``kind`` on each grid shift, in grid order."""
    counts = plan.counts[kind]
    return [counts.get(k, 0) for k in m.timeline.grid_slots]


def test_a_short_zone_plan_gives_the_lone_member_a_fair_share_of_their_zone(
    tmp_path: Path,
) -> None:
    # c alone in Los Angeles: 7 of the 28 shifts are c's fair share (the band holds exactly
    # 7), all in c's hours; Warsaw (a, b, d) holds its 14 in-hours shifts and the other 7 of
    # Los Angeles's, outside its hours: 7 units of off-hours, proven least.
    m = model_of(Case(tmp_path, two_zones(["a", "b", "d"], ["c"])))
    plan = plan_of(m)
    assert sorted(kind_ids(m, plan)) == [["a", "b", "d"], ["c"]]
    warsaw, la = (0, 1) if kind_ids(m, plan)[0] == ["a", "b", "d"] else (1, 0)
    c_shifts = [k for k, n in zip(SHIFTS, grid_counts(m, plan, la), strict=True) if n]
    assert len(c_shifts) == 7
    assert all(k % 4 in LA_SHIFTS for k in c_shifts)
    both = zip(grid_counts(m, plan, warsaw), grid_counts(m, plan, la), strict=True)
    assert [w + c for w, c in both] == [1] * 28
    assert (plan.excess, plan.excess_proven) == (0, True)
    assert plan.humane == plan.humane_bound == 7


def test_a_plan_above_the_floor_it_was_given_is_found_but_not_proven(tmp_path: Path) -> None:
    # Each zone holds its own shifts, with three units of hours excess (see test_bounds). Told
    # that no excess is possible, step 1 finds no plan; minimising finds the three units,
    # which the plan then cannot call the least.
    doc = two_zones(["a", "b", "e"], ["c", "d"], rotation={"off_hours": "forbid"})
    plan = plan_of(model_of(Case(tmp_path, doc)), least_excess=0)
    assert (plan.excess, plan.excess_proven, plan.humane_bound) == (3, False, 0)
    assert sum(sum(counts.values()) for counts in plan.counts) == 28


def test_counts_held_leave_only_rotas_with_the_plans_counts(tmp_path: Path) -> None:
    m = model_of(Case(tmp_path, two_zones(["a", "b", "d"], ["c"], rest={"after_weekend": False})))
    plan = plan_of(m)
    hold_counts(m.cp, m, plan)
    solver = cp_model.CpSolver()
    assert solver.solve(m.cp) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    for kind, counts in zip(plan.kinds, plan.counts, strict=True):
        for k in m.timeline.grid_slots:
            held = sum(solver.value(m.w[i, k]) for i in kind if (i, k) in m.w)
            assert held == counts.get(k, 0)


def lexicographic_optimum(m: RotaModel) -> tuple[int, int] | None:
    """The ``fair`` and ``humane`` optima of ``m`` (a tiny model), stage by stage; None when
    no rota keeps the hard rules."""
    prepare(m)
    fair, humane = build_objective(m).stages
    values = []
    for stage in (fair, humane):
        m.cp.minimize(stage.expr())
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 2
        status = solver.solve(m.cp)
        if status == cp_model.INFEASIBLE:
            return None
        assert status == cp_model.OPTIMAL
        values.append(round(solver.objective_value))
        m.cp.add(stage.expr() <= values[-1])
    return values[0], values[1]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    away=st.sampled_from(["a", "b", "c", "d"]),
    first_day=st.integers(min_value=4, max_value=17),
    days=st.integers(min_value=1, max_value=6),
    la=st.sampled_from([["c", "d"], ["c"]]),
    half=st.sampled_from([None, "a", "c"]),
)
def test_the_plans_floors_never_exceed_the_rotas_optimum(
    away: str, first_day: int, days: int, la: list[str], half: str | None
) -> None:
    # One member away for a few days of two weeks (so weekends worked range over 0-2 and the
    # plan's weekend range matters), perhaps one member half time (shares then differ and
    # the humane stage weighs peaks per share): whatever the plan and the kinds' floors
    # prove, the lexicographic optimum of the rota itself (the hard rules, computed stage by
    # stage) is at least that.
    doc = two_zones(["a", "b"], la, rest={"after_weekend": False}, horizon={"weeks": 2})
    unavailable_for(doc, away, first_day, days)
    for person in doc["members"]:
        if person["id"] == half:
            person["fte"] = 0.5
    with tempfile.TemporaryDirectory() as scratch:
        case = Case(Path(scratch), doc)
    m = model_of(case)
    objective = build_objective(model_of(case))
    weights = (objective.off_hours_weight, objective.night_weight)
    plan = member_plan(m, 0, 5.0, 2, 0, weights=WEIGHTS, humane=weights, peaks=objective.peaks)
    if plan is None:  # one kind left (everyone of a zone away): nothing to plan
        return
    weight = objective.hours_weight
    optimum = lexicographic_optimum(model_of(case))
    assume(optimum is not None)  # some absences leave no valid rota
    assert optimum is not None
    fair, humane = optimum
    if plan.excess_proven:
        assert fair >= weight * plan.excess
    if fair // weight <= plan.excess:
        assert humane >= plan.humane_bound
    floors = Floors(model_of(case), weight, weights, peaks=objective.peaks, workers=2, seed=0)
    assert fair >= floors.fair(5.0)
    assert humane >= floors.humane(fair, 5.0)


def test_the_plan_weighs_a_half_timers_peak_as_the_stage_does(tmp_path: Path) -> None:
    # d works half time: c's fair share is 8 of the 28 shifts (shares 100, 100, 50 in
    # Warsaw, 100 for c), so Warsaw holds the other 6 of Los Angeles's outside its hours.
    # Shared by share, a and b hold 2.4 each and d 1.2: in whole shifts the least peak per
    # full share is 3 (a 3, b 2, d 1), and the plan's humane value counts it: 6 + 3.
    m = model_of(Case(tmp_path, half_timer_d()))
    objective = build_objective(model_of(Case(tmp_path, half_timer_d())))
    peaks = objective.peaks
    assert [(peak.metric, peak.members, peak.weight) for peak in peaks] == [
        ("off_hours", (0, 1, 2), 1)  # a, b and d; nights are not weighed
    ]
    plan = member_plan(m, 0, 5.0, 2, 0, weights=WEIGHTS, humane=(1, 0), peaks=peaks)
    assert plan is not None
    assert plan.humane == plan.humane_bound == 9


def test_floors_keep_the_larger_of_the_kinds_and_the_plans(tmp_path: Path) -> None:
    m = model_of(Case(tmp_path, two_zones(["a", "b", "d"], ["c"])))
    floors = Floors(m, 2, workers=2, seed=0)
    assert floors.humane(0, 5.0) == 7  # the kinds' own (see test_bounds)
    plan = plan_of(m)
    floors.add_plan(replace(plan, humane_bound=5))
    assert floors.humane(0, None) == 7
    floors.add_plan(replace(plan, excess=1, humane_bound=9))
    assert floors.fair(5.0) == 2  # one unit of excess at weight 2, proven
    assert floors.humane(2, None) == 9
    assert floors.humane(0, None) == 9  # a floor for more excess holds for less too


def test_a_plan_s_floor_does_not_stand_in_for_the_kinds_own(tmp_path: Path) -> None:
    # A plan's floor, added first, does not stand in for the kinds' own: asked for after it,
    # that is still computed (a plan solved in less time may prove less).
    m = model_of(Case(tmp_path, two_zones(["a", "b", "d"], ["c"])))
    floors = Floors(m, 2, workers=2, seed=0)
    floors.add_plan(replace(plan_of(m), humane_bound=5))
    assert floors.humane(0, None) == 5
    assert floors.humane(0, 5.0) == 7


class FixedFloors:
    """floor_of for :func:`_step_floor`: ``fair`` 2; ``humane`` 5 once ``fair`` is 2, else 3."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, int | None]] = []

    def __call__(self, stage: Stage, fair_value: int | None) -> int:
        self.asked.append((stage.name, fair_value))
        if stage.name == "fair":
            return 2
        return 5 if fair_value == 2 else 3


def stages(*names: str) -> list[Stage]:
    return [Stage(name, (), 1.0) for name in names]


def test_stages_searched_at_once_count_humane_at_fairs_floor() -> None:
    floor_of = FixedFloors()
    step_floor = stages_module.step_floor
    assert step_floor(stages("fair", "humane"), [10, 1], None, floor_of) == 10 * 2 + 5
    assert floor_of.asked == [("fair", None), ("humane", 2)]
    # humane alone, after fair was locked at 4: its floor there
    assert step_floor(stages("humane"), [1], 4, floor_of) == 3


LARGE = SolveOptions(
    time_limit_s=20, strategy=Strategy(lp_proof_max_assignments=1, min_members_per_kind=1)
)
"""Treat the tiny teams as large (stages searched at once, the member plan first) and their
kinds as grouping them."""


def test_a_rota_at_the_plans_floors_is_proven_optimal_without_another_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The plan's floors bound off-hours, not night hours: night hours are not weighed here.
    doc = two_zones(
        ["a", "b", "d"], ["c"], rest={"after_weekend": False}, rotation={"night": "allow"}
    )
    case = Case(tmp_path, doc)
    planned: list[MemberPlan] = []
    searches_after: list[float] = []
    make_solver = search_module.new_solver

    def recorded_plan(m: RotaModel, *args: Any, **kwargs: Any) -> MemberPlan | None:
        plan = member_plan(m, *args, **kwargs)
        assert plan is not None
        planned.append(plan)
        return plan

    def counted_solver(options: SolveOptions, time_limit_s: float, **kw: Any) -> Any:
        if planned:
            searches_after.append(time_limit_s)
        return make_solver(options, time_limit_s, **kw)

    monkeypatch.setattr(starts_module, "member_plan", recorded_plan)
    monkeypatch.setattr(starts_module, "new_solver", counted_solver)  # the held search
    monkeypatch.setattr(stages_module, "new_solver", counted_solver)  # the stages
    result = case.solve(options=LARGE)
    assert len(planned) == 1
    assert len(searches_after) == 1  # the search with the counts held, and no stage after it
    assert result.status == "optimal"
    assert case.violations(result.schedule) == []
    loads = member_loads(case.team, result.schedule)
    assert loads["c"].off_hours == 0
    assert sum(load.off_hours for load in loads.values()) == 7 * 6


def test_counts_no_rota_can_keep_fall_back_to_the_stages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A plan that gives c every shift: c cannot work around the clock, so no rota keeps it;
    # the stages then search the whole model and still reach the optimum.
    case = Case(tmp_path, two_zones(["a", "b", "d"], ["c"], rest={"after_weekend": False}))

    def all_to_c(m: RotaModel, *args: Any, **kwargs: Any) -> MemberPlan:
        plan = member_plan(m, *args, **kwargs)
        assert plan is not None
        c_kind = next(j for j, kind in enumerate(plan.kinds) if m.member_id(kind[0]) == "c")
        every = dict.fromkeys(m.timeline.grid_slots, 1)
        counts: Sequence[dict[int, int]] = [
            every if j == c_kind else {} for j in range(len(plan.kinds))
        ]
        return replace(plan, counts=tuple(counts), excess_proven=False, humane_bound=0)

    monkeypatch.setattr(starts_module, "member_plan", all_to_c)
    result = case.solve(options=LARGE)
    assert case.violations(result.schedule) == []
    assert result.status == "optimal"
    loads = member_loads(case.team, result.schedule)
    assert sum(load.off_hours for load in loads.values()) == 7 * 6


def test_stages_searched_at_once_stop_only_at_a_proven_optimum() -> None:
    # Weighted lexicographically, 0.1 % of the sum is more than the whole last stage's gap:
    # fair 36 (weight 501) and humane 92 against a proven 36 and 74 is a 0.098 % gap, which
    # the stage search once reported as optimal. Such a search has no gap limit; the floors
    # stop it.
    weights = lexicographic_weights([100, 500])
    assert weights == [501, 1]
    found, bound = 501 * 36 + 92, 501 * 36 + 74
    assert relative_gap(found, bound) < SolveOptions().strategy.relative_gap_limit
    together = new_solver(SolveOptions(), 1.0, lexicographic=True)
    assert together.parameters.relative_gap_limit == 0.0
    alone = new_solver(SolveOptions(), 1.0)
    assert alone.parameters.relative_gap_limit == SolveOptions().strategy.relative_gap_limit
