"""Load moved off part-timers after the stages (rota.solver.part_timers).

The team is test_plan's half-timer team: Warsaw a and b full time and d half time, Los
Angeles c. Warsaw holds the night shifts of the four 6-hour UTC shifts (00-06 UTC is 01-07 in
Warsaw), and night hours are avoided (the default).
"""

from __future__ import annotations

from pathlib import Path

from ortools.sat.python import cp_model

from rota.metrics import member_loads
from rota.solver.loads import load_unit, night_load, night_unit, off_hours_load
from rota.solver.model import RotaModel
from rota.solver.objective import build_objective, prepare
from rota.solver.part_timers import excess, part_time_excess, unload_part_timers
from tests.solver.teams import FAST, Case
from tests.solver.test_plan import any_rota, model_of, two_zones


def half_timer_with_nights(tmp_path: Path) -> Case:
    doc = two_zones(["a", "b", "d"], ["c"])
    next(p for p in doc["members"] if p["id"] == "d")["fte"] = 0.5
    return Case(tmp_path, doc)


def night_hours(m: RotaModel, solution: list[int]) -> dict[str, float]:
    small = night_unit(m, load_unit(m))
    hours = {}
    for i in m.members:
        load = night_load(m, i, small)
        units = load.constant + sum(
            c * (int(v) if isinstance(v, bool) else solution[v.index]) for c, v in load.terms
        )
        hours[m.member_id(i)] = units * small / 60
    return hours


def test_a_half_timer_holding_every_night_gives_them_to_full_timers(tmp_path: Path) -> None:
    # The rota to start from: d holds as many of Warsaw's night hours as the rules allow and
    # a and b none. Every stage is locked at that rota's value, as after the search, and the
    # step releases `humane`'s lock: it leaves d no more night hours than a or b, `fair` as
    # it was, and here `humane` no higher either (the nights move, their total does not).
    m = model_of(half_timer_with_nights(tmp_path))
    prepare(m)
    objective = build_objective(m)
    index = {m.member_id(i): i for i in m.members}
    a, b, d = index["a"], index["b"], index["d"]
    small = night_unit(m, load_unit(m))
    worst = m.cp.clone()
    worst.maximize(night_load(m, d, small).expr())
    worst.add(night_load(m, a, small).expr() + night_load(m, b, small).expr() == 0)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    assert solver.solve(worst) == cp_model.OPTIMAL
    start = objective.complete(list(solver.response_proto.solution))
    before = night_hours(m, start)
    assert before["a"] == before["b"] == 0 < before["d"]
    # d is both the part-timer and the smaller share: the two excesses are the same nights
    assert excess(objective.peaks, start) == part_time_excess(objective.peaks, start) > 0
    stages = [stage.value(start) for stage in objective.stages]
    locks = {stage.name: stage.lock(m.cp, start) for stage in objective.stages}

    unloaded = unload_part_timers(m, objective, start, FAST, 5.0, released=locks["humane"])

    after = night_hours(m, unloaded)
    assert after["d"] <= max(after["a"], after["b"])
    assert excess(objective.peaks, unloaded) == part_time_excess(objective.peaks, unloaded) == 0
    assert all(
        stage.value(unloaded) <= value
        for stage, value in zip(objective.stages, stages, strict=True)
    )


def test_a_solved_half_timer_carries_no_more_nights_than_a_full_timer(tmp_path: Path) -> None:
    case = half_timer_with_nights(tmp_path)
    result = case.solve()
    loads = member_loads(case.team, result.schedule)
    assert loads["d"].night_hours <= max(loads["a"].night_hours, loads["b"].night_hours)
    assert loads["d"].off_hours <= max(loads["a"].off_hours, loads["b"].off_hours)
    assert case.violations(result.schedule) == []


def test_a_part_timer_whose_share_is_largest_still_carries_no_more_nights(
    tmp_path: Path,
) -> None:
    # a and b (full time) are each away two of the seven days, so d at 0.8 time has the
    # largest share of Warsaw and the most hours. Off-hours and night hours still go to a
    # or b first: d ends with no more than the most-loaded of them, even where that costs
    # `humane` (the gap then says how far the rota is from the bound without the rule).
    doc = two_zones(["a", "b", "d"], ["c"])
    away = {"a": ("2027-01-04", "2027-01-06"), "b": ("2027-01-08", "2027-01-10")}
    for member in doc["members"]:
        if member["id"] == "d":
            member["fte"] = 0.8
        if member["id"] in away:
            start, end = away[member["id"]]
            member["unavailable"] = [{"start": start, "end": end}]
    case = Case(tmp_path, doc)
    result = case.solve()
    loads = member_loads(case.team, result.schedule)
    assert loads["d"].hours > max(loads["a"].hours, loads["b"].hours)
    assert loads["d"].night_hours <= max(loads["a"].night_hours, loads["b"].night_hours)
    assert loads["d"].off_hours <= max(loads["a"].off_hours, loads["b"].off_hours)
    assert case.violations(result.schedule) == []
    # Here the nights cannot move without raising `humane` (a, of a smaller share, now
    # carries more than d), and `humane`'s bound does not know the rule: the rota is not
    # called optimal, and the gap counts the rise.
    assert (result.status, result.gap > 0) == ("feasible", True)


def test_held_exact_a_peaks_most_is_its_most_loaded_full_timer(tmp_path: Path) -> None:
    # With every assignment fixed, ``most`` (bounded from below only) could rise to the top
    # of its domain and read every excess as 0; held exact, it is the load of the most
    # loaded of a and b, as a complete solution counts it.
    m, objective, start = any_rota(half_timer_with_nights(tmp_path))
    objective.hold_exact_peaks(m.cp)
    for var in m.x.values():
        m.cp.add(var == start[var.index])
    assert objective.peaks
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    for peak in objective.peaks:
        m.cp.maximize(peak.most)
        assert solver.solve(m.cp) == cp_model.OPTIMAL
        assert solver.value(peak.most) == start[peak.most.index]
        assert start[peak.most.index] < max(peak.most.proto.domain)


def test_the_rule_and_the_share_excess_are_both_taken_off(tmp_path: Path) -> None:
    # Two groups carry an excess in the rota to start from: Warsaw's half-timer d holds its
    # nights (the rule), and in Los Angeles e, away two of the seven days, holds more
    # off-hours than c (the share excess). The step reaches the first group alone, then
    # both, each from the last one's rota: neither excess is left and no stage rises.
    doc = two_zones(["a", "b", "d"], ["c", "e"])
    for member in doc["members"]:
        if member["id"] == "d":
            member["fte"] = 0.5
        if member["id"] == "e":
            member["unavailable"] = [{"start": "2027-01-04", "end": "2027-01-05"}]
    m = model_of(Case(tmp_path, doc))
    prepare(m)
    objective = build_objective(m)
    index = {m.member_id(i): i for i in m.members}
    small = night_unit(m, load_unit(m))
    worst = m.cp.clone()
    worst.maximize(
        night_load(m, index["d"], small).expr() + off_hours_load(m, index["e"], load_unit(m)).expr()
    )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 10
    assert solver.solve(worst) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    start = objective.complete(list(solver.response_proto.solution))
    assert part_time_excess(objective.peaks, start) > 0
    assert excess(objective.peaks, start) > part_time_excess(objective.peaks, start)
    stages = [stage.value(start) for stage in objective.stages]
    locks = {stage.name: stage.lock(m.cp, start) for stage in objective.stages}

    unloaded = unload_part_timers(m, objective, start, FAST, 5.0, released=locks["humane"])

    assert part_time_excess(objective.peaks, unloaded) == excess(objective.peaks, unloaded) == 0
    assert all(
        stage.value(unloaded) <= value
        for stage, value in zip(objective.stages, stages, strict=True)
    )
