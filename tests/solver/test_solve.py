"""Solving end to end: result fields, progress, history look-back, and random small teams."""

from __future__ import annotations

import importlib
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from rota.solver import Progress, SolveOptions, SolveResult
from rota.solver.model import RotaModel
from rota.solver.strategy import Strategy
from tests.solver.teams import Case, InfeasibleRotaError, daily_team, day_sun_team, people, sun_team

VACATION = {"start": "2027-01-05", "end": "2027-01-06", "reason": "vacation"}


def test_result_reports_status_objective_and_size(tmp_path: Path) -> None:
    seen: list[Progress] = []
    case = Case(tmp_path, daily_team(people("a", "b", "c")))
    result = case.solve(options=SolveOptions(time_limit_s=5, on_progress=seen.append))
    assert result.status == "optimal"
    assert result.gap == 0.0
    assert result.stage_gaps == {"fair": 0.0, "humane": 0.0}
    assert result.bound == result.objective
    assert result.num_variables >= 21
    assert result.num_constraints > 0
    assert result.first_solution_s is not None
    assert result.first_solution_s <= result.wall_s
    assert seen
    assert seen[-1].objective >= result.objective
    assert len(result.schedule.shifts) == 7
    assert result.schedule.version is None


def test_follow_the_sun_solution_keeps_every_rule(tmp_path: Path) -> None:
    members = [
        *people("syd1", "syd2", "syd3", "syd4", zone="Australia/Sydney"),
        *people("war1", "war2", "war3", "war4", zone="Europe/Warsaw"),
        *people("la1", "la2", "la3", "la4", zone="America/Los_Angeles"),
    ]
    doc = sun_team(
        members,
        rotation={"roles": ["primary", "secondary"]},
        working_hours={"start": "07:00", "end": "19:00"},
        horizon={"weeks": 2},
    )
    case = Case(tmp_path, doc)
    result = case.solve(options=SolveOptions(time_limit_s=8))
    assert case.violations(result.schedule) == []


def test_the_gap_is_the_largest_stage_gap(tmp_path: Path) -> None:
    # 36 members over 4 weeks in 1 s: usually some stage is left above its bound
    members = [
        *people(*(f"syd{k}" for k in range(12)), zone="Australia/Sydney"),
        *people(*(f"war{k}" for k in range(12)), zone="Europe/Warsaw"),
        *people(*(f"la{k}" for k in range(12)), zone="America/Los_Angeles"),
    ]
    doc = sun_team(members, rotation={"roles": ["primary", "secondary"]}, horizon={"weeks": 4})
    result = Case(tmp_path, doc).solve(options=SolveOptions(time_limit_s=1))
    assert list(result.stage_gaps) == ["fair", "humane"]
    assert all(0.0 <= gap <= 1.0 for gap in result.stage_gaps.values())
    if result.status == "optimal":
        assert set(result.stage_gaps.values()) == {0.0}
    else:
        assert max(result.stage_gaps.values()) == pytest.approx(result.gap)


@pytest.mark.parametrize(
    ("settle_share", "searched"),
    [
        # among seven, four each: every band can hold (fair's floor is 0), so fair is first
        # searched alone, proven there and locked, and humane is searched alone
        (Strategy().settle_share, ["fair", "humane"]),
        (0.0, ["fair+humane"]),  # unless the strategy says never alone
    ],
)
def test_large_models_reach_the_optimum_of_the_stages_one_by_one(
    tmp_path: Path, settle_share: float, searched: list[str]
) -> None:
    # Large models search fair and humane with the weights of a lexicographic sum; on a team
    # small enough to prove both ways, the optimum must be the one of the stages one by one.
    members = [
        *people("syd1", "syd2", "syd3", "syd4", zone="Australia/Sydney"),
        *people("war1", "war2", "war3"),
    ]
    case = Case(tmp_path, day_sun_team(members, rotation={"off_hours": "avoid"}))
    options = SolveOptions(time_limit_s=20)
    staged = case.solve(options=options)
    seen: list[Progress] = []
    every_model_large = Strategy(lp_proof_max_assignments=1, settle_share=settle_share)
    large = case.solve(
        options=replace(options, on_progress=seen.append, strategy=every_model_large)
    )
    assert staged.status == large.status == "optimal"
    assert large.objective == staged.objective > 0
    assert large.bound == large.objective
    phases = [p.stage for p in seen if p.stage != "floors"]
    assert list(dict.fromkeys(phases)) == searched  # in this order
    assert all(p.bound <= p.objective for p in seen)
    assert seen[-1].objective == large.objective
    assert case.violations(large.schedule) == []


def test_large_models_search_a_positive_fair_floor_with_the_rest_as_one_sum(
    tmp_path: Path,
) -> None:
    # syd0 held every third shift of the two weeks before: 19 of the 84 counted, where the
    # share is 14, so no rota is fair. Working hours of their own make syd0 a kind of their
    # own, so the kinds' relaxation proves fair's floor above 0 and the stages are searched
    # as one weighted sum.
    members = [
        *people("syd0", zone="Australia/Sydney", working_hours={"start": "08:00", "end": "18:00"}),
        *people("syd1", "syd2", zone="Australia/Sydney"),
        *people("war1", "war2", "war3"),
    ]
    two_weeks = {"start": "2026-12-28", "weeks": 2}
    before = Case(tmp_path, day_sun_team(members, horizon=two_weeks), "before")
    history = before.schedule(overworked_holders([p["id"] for p in members], 2))
    doc = day_sun_team(members, rotation={"off_hours": "avoid"}, horizon={"start": "2027-01-11"})
    case = Case(tmp_path, doc)
    seen: list[Progress] = []
    every_model_large = Strategy(lp_proof_max_assignments=1)
    options = SolveOptions(time_limit_s=20, on_progress=seen.append, strategy=every_model_large)
    large = case.solve(history, options=options)
    assert large.status == "optimal"
    assert large.bound == large.objective > 0
    assert list(dict.fromkeys(p.stage for p in seen if p.stage != "floors")) == ["fair+humane"]
    assert case.violations(large.schedule, history) == []


def overworked_holders(ids: list[str], weeks: int) -> list[str]:
    """Holders of ``weeks`` weeks of 28 shifts: ``ids[0]`` every third one; the others of
    each weekend (from Friday 18:00 UTC) to the last two, 12 hours apart; the rest in turn
    to everyone else."""
    first, *others = ids
    holders = []
    for k in range(28 * weeks):
        if k % 3 == 0:
            holders.append(first)
        elif k % 28 >= 19:
            holders.append(others[-1] if k % 3 == 1 else others[-2])
        else:
            holders.append(others[(k - 1 - k // 3) % len(others)])
    return holders


def test_without_an_answer_the_unpresolved_search_hands_over_to_the_presolved_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first_rota_module = importlib.import_module("rota.solver.first_rota")
    cp = cp_model.CpModel()
    x = [cp.new_bool_var(f"x{n}") for n in range(4)]
    cp.add(sum(x) == 2)
    limits: list[float] = []
    real_solver = first_rota_module.new_solver

    class Stalled:
        """A search that ends without a rota or a proof (as at a time limit)."""

        parameters = cp_model.CpSolver().parameters

        def solve(self, model: cp_model.CpModel) -> cp_model.CpSolverStatus:
            time.sleep(0.2)
            return cp_model.UNKNOWN

    def scripted(options: SolveOptions, time_limit_s: float, **kwargs: Any) -> Any:
        limits.append(time_limit_s)
        return Stalled() if len(limits) == 1 else real_solver(options, time_limit_s, **kwargs)

    monkeypatch.setattr(first_rota_module, "new_solver", scripted)
    solver, status = first_rota_module.first_rota(cp, SolveOptions(), 10.0, unpresolved=True)
    assert status == cp_model.OPTIMAL
    assert sum(solver.value(v) for v in x) == 2
    assert limits[0] == 10.0 * SolveOptions().strategy.unpresolved_share
    assert 9.0 < limits[1] < 9.81  # the rest of the 10 s, less the stalled 0.2 s


def test_an_impossible_model_is_proven_so_without_presolve() -> None:
    first_rota_module = importlib.import_module("rota.solver.first_rota")
    cp = cp_model.CpModel()
    x = [cp.new_bool_var(f"x{n}") for n in range(3)]
    cp.add(sum(x) >= 2)
    cp.add(sum(x) <= 1)
    solver, status = first_rota_module.first_rota(cp, SolveOptions(), 5.0, unpresolved=True)
    assert status == cp_model.INFEASIBLE
    assert not solver.parameters.cp_model_presolve  # no second, presolved search


def test_the_pre_check_counts_on_the_solve_s_own_model_unless_history_is_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds: list[int] = []
    real_build = RotaModel.build.__func__  # type: ignore[attr-defined]

    def counting(cls: type[RotaModel], *args: Any, **kwargs: Any) -> RotaModel:
        builds.append(1)
        return real_build(cls, *args, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(RotaModel, "build", classmethod(counting))
    before = Case(tmp_path, daily_team(people("a", "b", "c")), "before")
    history = before.solve().schedule
    assert len(builds) == 1
    builds.clear()
    after = Case(tmp_path, daily_team(people("a", "b", "c"), horizon={"start": "2027-01-11"}))
    after.solve(history)  # the week before counts: the solve's timeline begins there
    assert len(builds) == 2
    builds.clear()
    with pytest.raises(InfeasibleRotaError, match="cannot be covered"):
        Case(tmp_path, daily_team(people("a", unavailable=[VACATION])), "away").solve()
    assert len(builds) == 1  # the shared model still explains an uncoverable shift


def test_weekend_in_history_blocks_the_first_weekend_of_the_new_horizon(tmp_path: Path) -> None:
    # alice is the full-timer (hours fairness wants her on the weekend) but she worked the
    # weekend of 2027-01-09 in the published schedule; 1 weekend in 2 keeps her off 01-16.
    members: list[dict[str, Any]] = [
        {"id": "alice", "timezone": "Europe/Warsaw"},
        *people("bob", "carol", fte=0.3),
    ]
    fairness = {"weights": {"weekends": 0}}
    before = Case(tmp_path, daily_team(members, fairness=fairness), "before")
    history = before.schedule(["bob", "alice", "carol", "bob", "carol", "alice", "alice"])
    after_doc = daily_team(members, horizon={"start": "2027-01-11"}, fairness=fairness)
    after = Case(tmp_path, after_doc, "after")

    blind = after.solve()
    assert "alice" in after.holders(blind.schedule)[5:7]  # without history she would

    result = after.solve(history)
    holders = after.holders(result.schedule)
    assert "alice" not in holders[5:7]
    assert holders[0] != "alice"  # after_weekend: Monday 01-11 is off for her too
    assert after.violations(result.schedule, history) == []


def solved_or_explained(case: Case) -> SolveResult | None:
    """The random team's rota within 2 s, or None when the solver says why there is none."""
    try:
        result = case.solve(options=SolveOptions(time_limit_s=2))
    except InfeasibleRotaError as exc:
        event("no rota")
        message = str(exc)
        assert message.startswith("no ")
        return None
    event("solved")
    return result


MEMBER_IDS = ["ann", "ben", "cat", "dan", "eve"]


@st.composite
def small_teams(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(min_value=2, max_value=5))
    two_roles = draw(st.booleans())
    members = []
    for member_id in MEMBER_IDS[:count]:
        member: dict[str, Any] = {
            "id": member_id,
            "timezone": draw(
                st.sampled_from(["Europe/Warsaw", "America/New_York", "Asia/Kolkata"])
            ),
        }
        if draw(st.booleans()):
            day = draw(st.integers(min_value=4, max_value=17))
            member["unavailable"] = [
                {
                    "start": f"2027-01-{day:02d}",
                    "end": f"2027-01-{day + draw(st.integers(0, 2)):02d}",
                }
            ]
        if draw(st.booleans()):
            member["fte"] = 0.5
        members.append(member)
    doc = daily_team(
        members,
        horizon={"weeks": draw(st.integers(min_value=1, max_value=2))},
        weekends={
            "split": draw(st.sampled_from(["whole", "single-day"])),
            "max": 1,
            "per_weeks": draw(st.integers(min_value=1, max_value=3)),
        },
        rest={"min_hours": draw(st.sampled_from([0, 12, 30]))},
    )
    if two_roles:
        doc["rotation"]["roles"] = ["primary", "secondary"]
    if draw(st.booleans()):
        doc["limits"] = {"max_hours_per_week": draw(st.sampled_from([48, 72, 100]))}
    return doc


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(doc=small_teams())
def test_random_small_teams_are_solved_validly_or_explained(
    tmp_path: Path, doc: dict[str, Any]
) -> None:
    case = Case(tmp_path, doc)
    result = solved_or_explained(case)
    if result is None:
        return
    assert case.violations(result.schedule) == []
    for shift in result.schedule.shifts:
        assert len(set(shift.assignments.values())) == len(shift.assignments)


# Zones with DST in either hemisphere, none, half- and quarter-hour offsets, a 30-minute DST.
SUN_ZONES = [
    "Europe/Warsaw",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/St_Johns",
    "Australia/Lord_Howe",
    "America/Santiago",
]
# Mondays just before a DST change somewhere in SUN_ZONES (spring and autumn, both hemispheres).
DST_WEEKS = ["2027-03-08", "2027-03-22", "2027-03-29", "2027-09-27", "2027-10-25", "2027-11-01"]


@st.composite
def sun_teams(draw: st.DrawFn) -> dict[str, Any]:
    """Follow-the-sun teams across DST weeks: derived or listed cuts, any block cap that
    lets one shift through, working windows across midnight, optional vacations."""
    lo = draw(st.sampled_from([4, 5, 6]))
    hi = draw(st.sampled_from([h for h in (6, 8, 9) if h >= lo]))
    rotation: dict[str, Any] = {
        "kind": "follow-the-sun",
        "roles": draw(st.sampled_from([["primary"], ["primary", "secondary"]])),
        "shift_hours": {"min": lo, "max": hi},
        "off_hours": draw(st.sampled_from(["avoid", "allow"])),
    }
    if lo <= 6 <= hi and draw(st.booleans()):
        rotation["handoffs_utc"] = ["00:00", "06:00", "12:00", "18:00"]
    members = []
    for k in range(draw(st.integers(min_value=4, max_value=9))):
        member: dict[str, Any] = {"id": f"m{k}", "timezone": draw(st.sampled_from(SUN_ZONES))}
        if draw(st.booleans()):
            start, end = draw(st.sampled_from([("08:00", "20:00"), ("20:00", "08:00")]))
            member["working_hours"] = {"start": start, "end": end}
        if draw(st.booleans()):
            member["unavailable"] = [{"start": "2027-03-30", "end": "2027-03-31"}]
        members.append(member)
    per_weeks = draw(st.integers(min_value=1, max_value=2))
    doc = sun_team(
        members,
        horizon={"start": draw(st.sampled_from(DST_WEEKS)), "weeks": 1},
        weekends={
            "split": draw(st.sampled_from(["whole", "single-day"])),
            "max": 1,
            "per_weeks": per_weeks,
        },
        rest={
            "min_hours": draw(st.sampled_from([0, 8, 12])),
            # listed 6-hour shifts need a cap of at least 6 (a shorter one is an input error)
            "max_block_hours": draw(
                st.sampled_from([6, 8, 12] if "handoffs_utc" in rotation else [lo, 6, 8, 12])
            ),
            "after_night": draw(st.booleans()),
        },
    )
    doc["rotation"] = rotation
    return doc


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(doc=sun_teams())
def test_random_follow_the_sun_teams_across_dst_keep_every_rule(
    tmp_path: Path, doc: dict[str, Any]
) -> None:
    case = Case(tmp_path, doc)
    cap = case.team.config.max_block_hours()
    assert cap is not None
    assert all(shift.hours <= cap for shift in case.grid.shifts)
    result = solved_or_explained(case)
    if result is None:
        return
    assert case.violations(result.schedule) == []
