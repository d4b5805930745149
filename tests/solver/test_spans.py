"""``fair`` after rolling windows, lowered span by span (rota.solver.spans).

The team: a, b and c in Warsaw, daily 24-hour shifts over four weeks, cut into weekly
windows. Each member's fair share is 28 / 3 = 9 1/3 shifts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from rota.metrics import member_loads
from rota.solver.objective import build_objective, prepare
from rota.solver.search import SolveOptions, new_solver
from rota.solver.spans import settle_in_spans
from rota.solver.windows import plan_windows
from tests.solver.teams import FAST, Case, daily_team, people
from tests.solver.test_plan import any_rota, model_of
from tests.solver.test_repair import most_for_a
from tests.solver.test_windows import SMALL_WINDOWS


@pytest.mark.parametrize("rotation", [{}, {"off_hours": "allow", "night": "allow"}])
def test_spans_of_two_weeks_bring_every_member_into_their_band(
    tmp_path: Path, rotation: dict[str, str]
) -> None:
    # The rota to start from gives a as many shifts as the rules allow: more than 10 of the
    # 28. Each span frees two weeks of everyone's shifts, holds the rest, and is searched
    # for the least `fair`: the sweep ends at 0 (everyone within half a shift of 9 1/3, so
    # 9 or 10 shifts), with the `humane` stage no higher than it was, and the rota keeps
    # every rule. Where nothing is `humane` (off-hours and nights allowed), `fair` is
    # lowered all the same.
    doc = daily_team(people("a", "b", "c"), horizon={"weeks": 4}, rotation=rotation)
    case = Case(tmp_path, doc)
    m, objective, start = most_for_a(case)
    fair, *humane = objective.stages
    assert len(humane) == (0 if rotation else 1)
    before = m.schedule(case.grid, lambda var: start[var.index])
    assert member_loads(case.team, before)["a"].hours / 24 > 10
    assert fair.value(start) > 0
    windows = plan_windows(case.team, case.grid, len(m.x), SMALL_WINDOWS)
    assert len(windows) == 4

    settled = settle_in_spans(m, objective, start, windows, FAST, 10.0, stage=fair, floor=0)

    assert fair.value(settled) == 0
    assert all(stage.value(settled) <= stage.value(start) for stage in humane)
    schedule = m.schedule(case.grid, lambda var: settled[var.index])
    shifts = {who: load.hours / 24 for who, load in member_loads(case.team, schedule).items()}
    assert sorted(shifts.values()) == [9, 9, 10]
    assert case.violations(schedule) == []


def test_a_rota_at_the_floor_is_left_as_it_is(tmp_path: Path) -> None:
    case = Case(tmp_path, daily_team(people("a", "b", "c"), horizon={"weeks": 4}))
    m, objective, start = any_rota(case)
    fair = objective.stages[0]
    floor = fair.value(start)
    windows = plan_windows(case.team, case.grid, len(m.x), SMALL_WINDOWS)

    settled = settle_in_spans(m, objective, start, windows, FAST, 10.0, stage=fair, floor=floor)

    assert settled is start


def test_a_sweep_whose_spans_run_out_of_time_stops_after_one_span(tmp_path: Path) -> None:
    # A rota at fair's optimum over six weekly windows, with a floor one below it (a floor
    # the sweep cannot reach, as where the relaxation's floor is loose), and every span's
    # search out of time at once (as on a large team, where none is proven): of the five
    # spans only the first is searched. Proven spans go on (the other tests).
    case = Case(tmp_path, daily_team(people("a", "b", "c"), horizon={"weeks": 6}))
    m = model_of(case)
    prepare(m)
    objective = build_objective(m, even_hours=True)
    fair = objective.stages[0]
    best = m.cp.clone()
    best.minimize(fair.expr())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    assert solver.solve(best) == cp_model.OPTIMAL
    start = objective.complete(list(solver.response_proto.solution))
    windows = plan_windows(case.team, case.grid, len(m.x), SMALL_WINDOWS)
    assert len(windows) == 6
    searched: list[int] = []

    def out_of_time(options: SolveOptions, time_limit_s: float) -> cp_model.CpSolver:
        solver = new_solver(options, time_limit_s)
        solver.parameters.max_time_in_seconds = 0.0
        searched.append(1)
        return solver

    floor = fair.value(start) - 1

    settled = settle_in_spans(
        m, objective, start, windows, FAST, 10.0, stage=fair, floor=floor, span_solver=out_of_time
    )

    assert settled is start
    assert len(searched) == 1
