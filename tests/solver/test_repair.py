"""``fair`` repaired by its members (rota.solver.repair).

The team: a, b, c and d in Warsaw, daily 24-hour shifts over four weeks. Each member's fair
share is 28 / 4 = 7 shifts, and their band (half a shift either side) holds 7 alone.
"""

from __future__ import annotations

from pathlib import Path

from ortools.sat.python import cp_model

from rota.metrics import member_loads
from rota.solver.loads import hours_load, load_unit
from rota.solver.model import RotaModel
from rota.solver.objective import Objective, build_objective, prepare
from rota.solver.repair import lower_in_members, repair_in_members
from rota.solver.search import SolveOptions, new_solver
from tests.solver.teams import FAST, Case, daily_team, people
from tests.solver.test_plan import model_of, two_zones


def most_for_a(case: Case) -> tuple[RotaModel, Objective, list[int]]:
    """The model, its objective and a rota giving a as many shifts as the rules allow."""
    m = model_of(case)
    prepare(m)
    objective = build_objective(m, even_hours=True)
    a = next(i for i in m.members if m.member_id(i) == "a")
    most = m.cp.clone()
    most.maximize(hours_load(m, a, load_unit(m)).expr())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    assert solver.solve(most) == cp_model.OPTIMAL
    return m, objective, objective.complete(list(solver.response_proto.solution))


def shifts_of(case: Case, m: RotaModel, solution: list[int]) -> dict[str, float]:
    schedule = m.schedule(case.grid, lambda var: solution[var.index])
    return {who: load.hours / 24 for who, load in member_loads(case.team, schedule).items()}


def test_the_blame_names_who_carries_each_excess(tmp_path: Path) -> None:
    # a holds more than 7 shifts: a's band excess is a's, and the hours range of the four
    # (equal shares) is carried by a (most) and whoever has fewest.
    case = Case(tmp_path, daily_team(people("a", "b", "c", "d"), horizon={"weeks": 4}))
    m, objective, start = most_for_a(case)
    fair = objective.stages[0]
    shifts = shifts_of(case, m, start)
    assert shifts["a"] > 8
    fewest = {who for who, n in shifts.items() if n == min(shifts.values())}
    blamed = {
        name: {m.member_id(i) for i in objective.blame[var.index](start)}
        for var, _ in fair.terms
        if start[var.index] > 0 and (name := var.name).startswith(("dev[hours", "spread[hours"))
    }

    assert blamed["dev[hours,a]"] == {"a"}
    assert blamed["spread[hours,a]"] == {"a"} | fewest


def test_a_repair_brings_every_member_into_their_band(tmp_path: Path) -> None:
    case = Case(tmp_path, daily_team(people("a", "b", "c", "d"), horizon={"weeks": 4}))
    m, objective, start = most_for_a(case)
    fair = objective.stages[0]
    assert fair.value(start) > 0

    repaired = repair_in_members(m, objective, start, FAST, 10.0, floor=0)

    assert fair.value(repaired) == 0
    assert shifts_of(case, m, repaired) == {"a": 7, "b": 7, "c": 7, "d": 7}
    schedule = m.schedule(case.grid, lambda var: repaired[var.index])
    assert case.violations(schedule) == []


def test_a_repair_whose_tries_find_nothing_gives_up(tmp_path: Path) -> None:
    # Every try's solver is out of time at once: each try draws twice the members of the
    # last, and once everyone is free and nothing is found, the rota is left as it was.
    case = Case(tmp_path, daily_team(people("a", "b", "c", "d"), horizon={"weeks": 4}))
    m, objective, start = most_for_a(case)
    tries: list[float] = []

    def out_of_time(options: SolveOptions, time_limit_s: float) -> cp_model.CpSolver:
        solver = new_solver(options, time_limit_s)
        solver.parameters.max_time_in_seconds = 0.0
        tries.append(time_limit_s)
        return solver

    repaired = repair_in_members(m, objective, start, FAST, 10.0, floor=0, solver_of=out_of_time)

    assert repaired is start
    assert 1 <= len(tries) <= 2
    assert tries[-1] > 5.0  # the widest try has all the time left


def test_groups_of_members_lower_humane_with_fair_held(tmp_path: Path) -> None:
    # Warsaw a, b (07-19, so 06-18 UTC) and Los Angeles c, d (10-22, so 18-06 UTC) over
    # four weeks of 6-hour shifts (UTC 00, 06, 12, 18): each zone's pair
    # can hold its own two shifts a day, so a rota with no off-hours exists. The start
    # keeps every hours band (fair 0) but puts as many shifts as it can outside their
    # holder's working hours. Groups of members (two, then four: everyone) take off nearly
    # all of it, fair stays 0.
    doc = two_zones(["a", "b"], ["c", "d"], horizon={"weeks": 4})
    case = Case(tmp_path, doc)
    m = model_of(case)
    prepare(m)
    objective = build_objective(m, even_hours=True)
    fair, humane = objective.stages
    worst = m.cp.clone()
    worst.add(fair.expr() == 0)
    worst.maximize(humane.expr())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 5.0
    assert solver.solve(worst) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    start = objective.complete(list(solver.response_proto.solution))

    settled = lower_in_members(m, objective, start, FAST, 10.0, stage=humane, floor=0)

    assert fair.value(settled) == 0
    assert humane.value(settled) < humane.value(start) / 10
    schedule = m.schedule(case.grid, lambda var: settled[var.index])
    assert case.violations(schedule) == []
