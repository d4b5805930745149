"""Rolling windows: how the horizon is cut, and that the windows join into a valid, fair rota.

The thresholds are lowered so that small teams a person can check by hand take the windowed
path a 100-member team takes.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from rota.errors import InfeasibleRotaError
from rota.metrics import member_loads
from rota.model import Grid, Schedule
from rota.solver import SolveOptions, SolveResult
from rota.solver.model import RotaModel
from rota.solver.strategy import Strategy
from rota.solver.windows import plan_windows
from rota.team import Team
from tests.solver.teams import Case, daily_team, day_sun_team, people

solve_module = importlib.import_module("rota.solver.solve")  # the package exports solve()
starts_module = importlib.import_module("rota.solver.starts")
run_module = importlib.import_module("rota.solver.run")


SMALL_WINDOWS = Strategy(kinds_split=False, window_min_assignments=1, window_assignments=20)
"""Tiny teams solved in rolling windows (the kinds split, which such a solve tries first,
is tested in test_split.py)."""


def test_small_models_are_not_split(tmp_path: Path) -> None:
    case = Case(tmp_path, daily_team(people("a", "b", "c"), horizon={"weeks": 4}))
    (only,) = plan_windows(case.team, case.grid, assignments=84)
    assert only.grid == case.grid
    assert only.days_before == 0


def test_windows_tile_the_grid_in_whole_weeks(tmp_path: Path) -> None:
    # 3 members x 28 daily shifts = 84 assignments, 20 per window: ceil(84/20) = 5 windows,
    # but never more than the 4 weeks there are.
    case = Case(tmp_path, daily_team(people("a", "b", "c"), horizon={"weeks": 4}))
    planned = plan_windows(case.team, case.grid, 84, SMALL_WINDOWS)
    assert [len(w.grid.shifts) for w in planned] == [7, 7, 7, 7]
    assert [w.days_before for w in planned] == [0, 7, 14, 21]
    joined = [s for w in planned for s in w.grid.shifts]
    assert [(s.start, s.end) for s in joined] == [(s.start, s.end) for s in case.grid.shifts]
    for window in planned:
        assert window.grid.start == window.grid.shifts[0].start
        assert window.grid.end == window.grid.shifts[-1].end
        assert [s.index for s in window.grid.shifts] == list(range(len(window.grid.shifts)))


def test_with_an_hours_limit_cuts_fall_exactly_on_week_marks(
    tmp_path: Path,
) -> None:
    # Daily 09:00 Warsaw handoffs from Monday 2027-03-15 (08:00 UTC). Summer time starts on
    # 2027-03-28, so from then on handoffs are at 07:00 UTC and 14 or 21 days after the
    # horizon start (08:00 UTC) is no shift start. Rule 7 counts 7-day blocks from the horizon
    # start, so with an hours limit the only cut is after 7 days; without one, the shift
    # start nearest to each week mark will do.
    doc = daily_team(
        people("a", "b", "c"),
        horizon={"start": "2027-03-15", "weeks": 4},
        limits={"max_hours_per_week": 100},
    )
    limited = Case(tmp_path, doc, name="limited")
    planned = plan_windows(limited.team, limited.grid, 84, SMALL_WINDOWS)
    assert [w.days_before for w in planned] == [0, 7]
    assert planned[1].grid.start - limited.grid.start == timedelta(days=7)

    del doc["limits"]
    free = Case(tmp_path, doc, name="free")
    planned = plan_windows(free.team, free.grid, 84, SMALL_WINDOWS)
    assert [w.days_before for w in planned] == [0, 7, 14, 21]
    assert planned[2].grid.start - free.grid.start == timedelta(days=14, hours=-1)


def test_windowed_solve_keeps_every_rule_across_the_joins(
    tmp_path: Path,
) -> None:
    # Weekend limits, after-weekend Mondays and rest rules must hold where windows meet.
    doc = daily_team(
        people("a", "b", "c", "d", "e"),
        horizon={"weeks": 4},
        weekends={"split": "whole", "max": 1, "per_weeks": 2},
        rest={"after_weekend": True},
    )
    case = Case(tmp_path, doc)
    result = case.solve(options=SolveOptions(time_limit_s=20, strategy=SMALL_WINDOWS))
    assert result.windows == 4
    assert case.violations(result.schedule) == []


def test_only_a_solve_going_on_to_windows_seeks_its_first_rota_without_presolve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first: list[bool] = []  # per solve (the whole horizon, then each window): presolve on?
    real_first_rota = run_module.first_rota

    def recording(*args: Any, unpresolved: bool) -> Any:
        first.append(not unpresolved)
        solver, status = real_first_rota(*args, unpresolved=unpresolved)
        assert solver.parameters.cp_model_presolve == (not unpresolved)  # a rota on the 1st try
        return solver, status

    monkeypatch.setattr(run_module, "first_rota", recording)
    case = Case(tmp_path, daily_team(people("a", "b", "c", "d"), horizon={"weeks": 2}))
    case.solve()
    assert first == [True]
    first.clear()
    windows = replace(SMALL_WINDOWS, window_assignments=30)
    windowed = case.solve(options=SolveOptions(time_limit_s=20, strategy=windows))
    assert windowed.windows == 2
    assert first == [False, True, True]  # the windows start their own stages from theirs
    assert case.violations(windowed.schedule) == []


def test_windowed_solve_shares_hours_across_the_whole_horizon(
    tmp_path: Path,
) -> None:
    # 4 identical members, 28 daily shifts: 7 each; later windows see the earlier ones.
    doc = daily_team(people("a", "b", "c", "d"), horizon={"weeks": 4}, fairness={"history": False})
    case = Case(tmp_path, doc)
    result = case.solve(options=SolveOptions(time_limit_s=20, strategy=SMALL_WINDOWS))
    assert result.windows == 4
    assert case.violations(result.schedule) == []
    counts = Counter(case.holders(result.schedule))
    assert sorted(counts.values()) == [7, 7, 7, 7]


def test_a_window_without_a_rota_keeps_the_windows_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Three one-week windows; the second finds no rota. The first week stays as its window
    # solved it and the two open weeks are filled in on the whole horizon, which must still
    # keep every rule and share the 21 shifts out 5-6 each.
    case = Case(tmp_path, daily_team(people("a", "b", "c", "d"), horizon={"weeks": 3}))
    solve: Callable[..., SolveResult] = solve_module.solve

    def failing(team: Team, grid: Grid, *args: Any, **kwargs: Any) -> SolveResult:
        if kwargs.get("lookback") is not None and grid.start > case.grid.start:
            raise InfeasibleRotaError("no rota of this window (test)")
        return solve(team, grid, *args, **kwargs)

    handed: list[tuple[Schedule, list[int] | None]] = []
    fixed: Callable[..., list[int] | None] = starts_module.fixed_schedule

    def spy(hard: Any, m: RotaModel, schedule: Schedule, *args: Any) -> list[int] | None:
        solution = fixed(hard, m, schedule, *args)
        handed.append((schedule, solution))
        return solution

    monkeypatch.setattr(solve_module, "solve", failing)
    monkeypatch.setattr(starts_module, "fixed_schedule", spy)
    options = SolveOptions(time_limit_s=10, strategy=SMALL_WINDOWS)
    result = solve(case.team, case.grid, None, options)
    ((start, solution),) = handed
    assert [s.start for s in start.shifts] == [s.start for s in case.grid.shifts[:7]]
    assert solution is not None
    assert result.windows == 1
    assert case.violations(result.schedule) == []
    assert sorted(Counter(case.holders(result.schedule)).values()) == [5, 5, 5, 6]


def test_weekend_rate_counts_weekends_worked_per_week(tmp_path: Path) -> None:
    # Two weeks of daily 09:00 handoffs; a holds the first weekend, b and c share the second
    # (a breaks the whole-weekend rule, which the rate does not care about): 3 weekends worked
    # in 2 weeks.
    from rota.solver.windows import weekend_rate

    case = Case(tmp_path, daily_team(people("a", "b", "c"), horizon={"weeks": 2}))
    part = case.schedule(["b"] * 5 + ["a", "a"] + ["c"] * 5 + ["b", "c"])
    assert weekend_rate(case.team, part) == 1.5


def test_weekend_pace_gives_each_member_their_share_of_the_weekends(tmp_path: Path) -> None:
    # Four identical members, four weekends, one holder each (daily, whole weekends) and a
    # rule loose enough for one member to hold them all. At a pace of one weekend a week each
    # member's share is exactly 1: a holding two weekends is allowed by the rules alone but
    # not with the pace, and the pace alone (no objective) leaves one weekend each.
    from ortools.sat.python import cp_model

    from rota.solver.constraints import build_model
    from rota.solver.loads import weekend_load
    from rota.solver.objective import prepare
    from rota.solver.windows import add_weekend_pace, paced_weekends

    doc = daily_team(
        people("a", "b", "c", "d"),
        horizon={"weeks": 4},
        weekends={"split": "whole", "max": 4, "per_weeks": 4},
    )
    case = Case(tmp_path, doc)

    def model(pace: bool) -> RotaModel:
        m = build_model(case.team, case.grid, None)
        prepare(m)
        if pace:
            add_weekend_pace(m, paced_weekends(m, rate=1.0, weeks=4.0))
        return m

    def solve(m: RotaModel) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
        solver = cp_model.CpSolver()
        return solver.solve(m.cp), solver

    for pace, expected in ((False, cp_model.OPTIMAL), (True, cp_model.INFEASIBLE)):
        m = model(pace)
        a = m.members[0]
        for saturday in m.weekends_of(a)[:2]:
            m.cp.add(m.weekend_worked(a, saturday) == 1)
        assert solve(m)[0] == expected

    m = model(pace=True)
    status, solver = solve(m)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert [solver.value(weekend_load(m, i).expr()) for i in m.members] == [1, 1, 1, 1]


def test_after_the_windows_fairness_comes_first_as_in_a_whole_solve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Warsaw works 06-18 UTC, Los Angeles 15-03 UTC (winter). The fewest off-hours give the
    # two LA members the 18-24 and 00-06 UTC shifts (the latter 3 h off: 19-22 local) and the
    # three Warsaw members the other two, so LA holds 42 h a week each on average and Warsaw
    # 28 h: evening the hours out costs off-hours (Warsaw in an LA shift is 6 h off).
    members = [*people("a", "c", "e"), *people("b", "d", zone="America/Los_Angeles")]
    case = Case(tmp_path, day_sun_team(members, horizon={"weeks": 2}))
    fairest = case.solve(options=SolveOptions(time_limit_s=10))  # whole, fairness first
    assert fairest.windows == 1
    off_fairest = _off_hours(case, fairest.schedule)
    fewest_off = Case(
        tmp_path,
        day_sun_team(
            members,
            horizon={"weeks": 2},
            fairness={"weights": {"hours": 0, "weekends": 0, "holidays": 0}},
        ),
        name="fewest",
    ).solve(options=SolveOptions(time_limit_s=10))
    start = fewest_off.schedule
    assert _off_hours(case, start) == 14 * 3 < off_fairest
    lopsided = member_loads(case.team, start)
    assert lopsided["b"].hours + lopsided["d"].hours == 28 * 6

    # The windows hand over the rota with the fewest off-hours. No span of one week can
    # even the hours out without adding off-hours, which the spans' cap forbids; the repair
    # by members (rota.solver.repair) searches fairness first, as the whole solve does, and
    # ends where it ended: the same hours, and no more off-hours than they cost there.
    monkeypatch.setattr(starts_module, "solve_windows", lambda *args: (start, 2))
    phases: list[str] = []
    options = SolveOptions(
        time_limit_s=10, strategy=SMALL_WINDOWS, on_progress=lambda p: phases.append(p.stage)
    )
    result = case.solve(options=options)
    assert result.windows == 2
    assert case.violations(result.schedule) == []
    after_windows = ["spans", "repair", "groups"]  # fair's spans stall, then humane's groups
    assert [phase for phase in dict.fromkeys(phases) if phase in after_windows] == after_windows

    def hours(schedule: Schedule) -> list[float]:
        return sorted(load.hours for load in member_loads(case.team, schedule).values())

    assert hours(result.schedule) == hours(fairest.schedule)
    assert _off_hours(case, result.schedule) == off_fairest


def _off_hours(case: Case, schedule: Schedule) -> float:
    return sum(load.off_hours for load in member_loads(case.team, schedule).values())


def test_the_whole_horizon_of_windows_evens_hours_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Large models leave the hours range out of ``fair``, except the whole horizon that the
    # windows hand over (the windows themselves keep the bands alone).
    calls: list[tuple[int, bool]] = []  # (grid shifts, even_hours)
    build = run_module.build_objective

    def spy(m: RotaModel, changes: object = None, *, even_hours: bool = True) -> object:
        calls.append((len(m.timeline.grid_slots), even_hours))
        return build(m, changes, even_hours=even_hours)

    monkeypatch.setattr(run_module, "build_objective", spy)
    case = Case(tmp_path, daily_team(people("a", "b", "c", "d"), horizon={"weeks": 3}))
    every_model_large = replace(SMALL_WINDOWS, lp_proof_max_assignments=1)
    result = case.solve(options=SolveOptions(time_limit_s=10, strategy=every_model_large))
    assert result.windows == 3
    assert calls == [(21, True), (7, False), (7, False), (7, False)]


def test_only_the_whole_horizon_computes_stage_floors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A window's gap is never reported, so its time goes to the search: the kinds'
    # relaxation (the stage floors) is built for the whole horizon only.
    bounds_module = importlib.import_module("rota.solver.bounds")
    relaxed_shifts: list[int] = []  # per relaxation built: the shifts of the model it relaxes
    real_kind_model = bounds_module.kind_model

    def recording(m: RotaModel) -> Any:
        relaxed_shifts.append(len(m.timeline.grid_slots))
        return real_kind_model(m)

    monkeypatch.setattr(bounds_module, "kind_model", recording)
    case = Case(tmp_path, daily_team(people("a", "b", "c", "d"), horizon={"weeks": 2}))
    windows = replace(SMALL_WINDOWS, window_assignments=30)
    windowed = case.solve(options=SolveOptions(time_limit_s=20, strategy=windows))
    assert windowed.windows == 2
    assert relaxed_shifts == [len(case.grid.shifts)]
