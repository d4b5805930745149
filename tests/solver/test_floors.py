"""Proven floors of off-hours and night hours (:mod:`rota.solver.floors`).

A floor is a proof: no valid rota carries less. So on many small random teams it is at most
what the solver's rota carries (as :mod:`rota.metrics` counts it), and at least the counting
floor ``rota check`` reports; on a team where every rota pays the same it is exact.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from ortools.sat.python import cp_model

from rota.capacity import check_capacity
from rota.errors import InfeasibleRotaError
from rota.horizon import build_grid
from rota.metrics import member_loads
from rota.present import load_totals
from rota.solver import SolveOptions, solve
from rota.solver.floors import counting_floor, off_cost, unavoidable
from rota.solver.run import Run, first_valid
from tests.capacity.test_soundness import load, teams
from tests.solver.teams import FAST, Case, day_sun_team, people
from tests.test_cli import run

QUICK = SolveOptions(time_limit_s=2.0, workers=1, seed=0)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(teams())
def test_floors_never_exceed_the_rota_and_keep_rota_check_s(doc: dict[str, Any]) -> None:
    team = load(doc)
    if team is None:
        return
    try:
        result = solve(team, build_grid(team), None, QUICK)
    except InfeasibleRotaError:
        return
    assert result.unavoidable is not None
    totals = load_totals(member_loads(team, result.schedule))
    assert result.unavoidable.off_minutes <= round(totals["off_hours"] * 60)
    assert result.unavoidable.night_minutes <= round(totals["night_hours"] * 60)
    counted = check_capacity(team)
    assert result.unavoidable.off_minutes >= counted.off_hours_floor
    assert result.unavoidable.night_minutes >= counted.night_floor


def uncovered_nights(tmp_path: Path) -> Case:
    """Six Warsaw members (07:00-19:00, night 22:00-07:00) on 4 x 6 h UTC shifts for a week
    in January (UTC+1): 00-06 UTC is 01-07 local, 6 h off-hours and 6 h night for whoever
    holds it; 18-24 UTC is 19-01 local, 6 h off-hours and 3 h night; the other two lie
    inside everyone's window. Every rota pays 7 x 12 = 84 h off-hours, 7 x 9 = 63 h night."""
    doc = day_sun_team(
        people("a", "b", "c", "d", "e", "f"),
        rotation={"off_hours": "avoid"},
        night={"start": "22:00", "end": "07:00"},
    )
    return Case(tmp_path, doc)


def test_a_shift_no_window_covers_gives_an_exact_floor(tmp_path: Path) -> None:
    case = uncovered_nights(tmp_path)
    result = case.solve(options=FAST)
    assert result.unavoidable is not None
    assert (result.unavoidable.off_minutes, result.unavoidable.night_minutes) == (84 * 60, 63 * 60)
    totals = load_totals(member_loads(case.team, result.schedule))
    assert totals == {"off_hours": 84.0, "night_hours": 63.0}
    assert not case.violations(result.schedule)


def test_rota_solve_prints_the_floors_beside_the_totals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = uncovered_nights(tmp_path).path
    db = f"sqlite:///{tmp_path / 'rota.db'}"
    code, out, _ = run(capsys, "solve", str(path), "--db", db, "--time-limit", "5")
    assert code == 0
    assert "off-hours 84 h, at least 84 h unavoidable; night 63 h, at least 63 h unavoidable" in out
    code, out, _ = run(capsys, "solve", str(path), "--db", db, "--time-limit", "5", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["floors"] == {"off_hours": 84.0, "night_hours": 63.0}
    assert data["totals"] == {"off_hours": 84.0, "night_hours": 63.0}


def test_the_hard_rules_floor_is_the_least_a_rota_can_carry_where_its_lp_closes(
    tmp_path: Path,
) -> None:
    # The 18-member weekly team across a DST change (tests/data/dst_weekly_lumpy.yaml): the
    # floor's search, a best-bound tree on a level-2 LP, proves the least off-hours of any
    # valid rota within its second: a rota of the hard rules at the floor exists.
    doc = yaml.safe_load((Path(__file__).parents[1] / "data/dst_weekly_lumpy.yaml").read_text())
    case = Case(tmp_path, doc)
    run, m = Run.begin(case.team, case.grid, None, FAST, None, None, None)
    first = first_valid(run, m)

    floors = unavoidable(first.hard, first.m, time_limit_s=1.0, workers=2, seed=0)

    assert floors.off_minutes > counting_floor(first.m, off_cost)  # counting alone is short
    model = first.hard.clone()
    facts, start = first.m.timeline.facts, first.m.timeline.first_grid
    costs = [(v, facts[i][k].off_minutes) for (i, k, _), v in first.m.x.items() if k >= start]
    model.add(sum(minutes * v for v, minutes in costs) <= floors.off_minutes)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 60.0
    assert solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
