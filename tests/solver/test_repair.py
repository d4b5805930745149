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
from rota.solver.repair import repair_in_members
from rota.solver.search import SolveOptions, new_solver
from tests.solver.teams import FAST, Case, daily_team, people
from tests.solver.test_plan import model_of


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
