"""The objective: loads close to fair shares (fte and availability), fewer off-hours."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.solver.teams import Case, daily_team, people, sun_team


def test_part_timer_gets_about_half_the_hours(tmp_path: Path) -> None:
    # 14 daily shifts; shares 1 : 1 : 0.5 -> targets 5.6, 5.6, 2.8 shifts.
    members = [*people("a", "b"), {"id": "half", "timezone": "Europe/Warsaw", "fte": 0.5}]
    case = Case(tmp_path, daily_team(members, horizon={"weeks": 2}))
    counts = Counter(case.holders(case.solve().schedule))
    assert counts["half"] in (2, 3, 4)
    assert abs(counts["a"] - counts["b"]) <= 1
    assert counts["half"] < min(counts["a"], counts["b"])


def test_availability_lowers_the_fair_share(tmp_path: Path) -> None:
    away = [{"start": "2027-01-04", "end": "2027-01-10", "reason": "vacation"}]
    members = [
        *people("a", "b", "c"),
        {"id": "d", "timezone": "Europe/Warsaw", "unavailable": away},
    ]
    case = Case(tmp_path, daily_team(members, horizon={"weeks": 2}))
    counts = Counter(case.holders(case.solve().schedule))
    # d is available one week of two: about half the shifts of the others, not a full share.
    assert 1 <= counts["d"] <= 3
    assert max(counts[m] for m in "abc") - min(counts[m] for m in "abc") <= 1


def test_follow_the_sun_puts_shifts_in_working_hours_when_it_can(tmp_path: Path) -> None:
    # Sydney, Warsaw and Los Angeles each cover a part of the UTC day in their 07-19 window.
    members = [
        *people("syd1", "syd2", "syd3", zone="Australia/Sydney"),
        *people("war1", "war2", "war3", zone="Europe/Warsaw"),
        *people("la1", "la2", "la3", zone="America/Los_Angeles"),
    ]
    doc = sun_team(
        members,
        working_hours={"start": "07:00", "end": "19:00"},
        weekends={"max": 1, "per_weeks": 1},
    )
    case = Case(tmp_path, doc)
    schedule = case.solve().schedule
    zones = {m.id: m.timezone.key for m in case.team.members}
    by_slot = Counter((s.start.hour, zones[s.assignments["primary"]]) for s in schedule.shifts)
    assert by_slot[0, "Australia/Sydney"] >= 5  # 00-06 UTC is 11-17 in Sydney
    assert by_slot[6, "Europe/Warsaw"] + by_slot[12, "Europe/Warsaw"] >= 10
    assert by_slot[18, "America/Los_Angeles"] >= 5  # 18-24 UTC is 10-16 in Los Angeles


def test_holidays_are_shared(tmp_path: Path) -> None:
    # 2027-01-06 (Epiphany) is a public holiday in Poland; two Poles, one Indian colleague.
    members = [
        *people("pl1", "pl2", country="PL"),
        {"id": "in1", "timezone": "Asia/Kolkata", "country": "IN"},
    ]
    doc = daily_team(members, horizon={"weeks": 1})
    case = Case(tmp_path, doc)
    result = case.solve()
    assert case.violations(result.schedule) == []


def test_stages_are_fair_then_humane_when_off_hours_are_avoided(tmp_path: Path) -> None:
    from rota.solver.constraints import build_model
    from rota.solver.objective import build_objective

    members = [*people("w1", "w2"), *people("s1", "s2", zone="Australia/Sydney")]
    cases = (
        ("avoid", "allow", ["fair", "humane"]),
        ("allow", "allow", ["fair"]),
        ("avoid", "avoid", ["fair", "humane"]),  # night hours join the humane stage
        ("allow", "avoid", ["fair", "night"]),
    )
    for policy, night, names in cases:
        doc = sun_team(members, rotation={"off_hours": policy, "night": night})
        case = Case(tmp_path, doc, f"{policy}-{night}")
        m = build_model(case.team, case.grid, None)
        objective = build_objective(m)
        assert [s.name for s in objective.stages] == names
        assert 360 % objective.unit == 0
        assert all(c > 0 for s in objective.stages for _, c in s.terms)


def test_uneven_shares_of_weekly_shifts_are_proven_optimal_fast(tmp_path: Path) -> None:
    # 5 weekly shifts for 3 people: no rota keeps everyone within half a shift of the target,
    # and the solver must prove that (not just time out with a gap).
    doc = daily_team(people("a", "b", "c"), horizon={"weeks": 5})
    doc["rotation"] = {"kind": "weekly", "roles": ["primary"], "handoff": "09:00"}
    doc["weekends"] = {"max": 2, "per_weeks": 3}
    case = Case(tmp_path, doc)
    result = case.solve()
    assert result.status == "optimal"
    assert result.wall_s < 4
    counts = Counter(case.holders(result.schedule))
    assert sorted(counts.values()) == [1, 2, 2]
    assert case.violations(result.schedule) == []


def test_completing_a_solution_puts_every_penalty_at_the_least_value_the_rota_allows(
    tmp_path: Path,
) -> None:
    # After a stage, the penalties of later stages hold whatever the search left there (they
    # are only bounded below); the solver re-completes the solution so the next stage starts
    # from the rota's true cost. Completing must ignore the old penalty values and give a
    # solution the whole model accepts.
    from ortools.sat.python import cp_model

    from rota.solver.constraints import build_model
    from rota.solver.objective import build_objective, prepare

    members = [*people("w1", "w2", "w3"), *people("s1", "s2", "s3", zone="Australia/Sydney")]
    case = Case(tmp_path, sun_team(members, rotation={"off_hours": "avoid"}))
    m = build_model(case.team, case.grid, None)
    prepare(m)
    hard = m.cp.clone()
    objective = build_objective(m)
    solver = cp_model.CpSolver()
    assert solver.solve(hard) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    least = objective.complete(list(solver.response_proto.solution))

    inflated = list(least)
    for var, _ in objective.helpers:
        domain = m.cp.proto.variables[var.index].domain
        inflated[var.index] = domain[len(domain) - 1]
    humane = objective.stages[-1]
    assert humane.name == "humane"
    assert humane.value(inflated) > humane.value(least)
    assert objective.complete(inflated) == least

    m.cp.clear_hints()  # type: ignore[no-untyped-call]
    for index, value in enumerate(least):
        m.cp.proto.solution_hint.vars.append(index)
        m.cp.proto.solution_hint.values.append(value)
    check = cp_model.CpSolver()
    check.parameters.fix_variables_to_their_hinted_value = True
    assert check.solve(m.cp) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_even_hours_adds_one_hours_range_per_group_of_identical_shares(tmp_path: Path) -> None:
    # Three full-timers and two half-timers: two hours ranges in the fair stage with
    # ``even_hours`` (one per share), none without.
    from rota.solver.constraints import build_model
    from rota.solver.objective import build_objective

    members = [*people("a", "b", "c"), *({**p, "fte": 0.5} for p in people("d", "e"))]
    case = Case(tmp_path, daily_team(members, horizon={"weeks": 2}))

    def hours_ranges(even_hours: bool) -> list[str]:
        m = build_model(case.team, case.grid, None)
        fair = build_objective(m, even_hours=even_hours).stages[0]
        return sorted(v.name for v, _ in fair.terms if v.name.startswith("spread[hours"))

    assert hours_ranges(True) == ["spread[hours,a]", "spread[hours,d]"]
    assert hours_ranges(False) == []


def test_a_stage_s_upper_value_is_every_variable_at_the_top_of_its_domain() -> None:
    from ortools.sat.python import cp_model

    from rota.solver.objective import Stage, lexicographic_weights

    model = cp_model.CpModel()
    shift = model.new_bool_var("shift")
    excess = model.new_int_var(0, 7, "excess")
    fair = Stage("fair", ((excess, 6),), 1.0)
    humane = Stage("humane", ((shift, 3), (excess, 2)), 1.0)
    assert fair.upper() == 42
    assert humane.upper() == 3 + 14
    # One point of fair (weight 18) outweighs the most humane can add (17).
    assert lexicographic_weights([fair.upper(), humane.upper()]) == [18, 1]
