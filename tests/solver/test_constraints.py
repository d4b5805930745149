"""Each hard rule of docs/rules.md holds, and each test's team would break it without the rule.

The second half of every test removes one ``add_<rule>`` from the model and shows that the
independent checker (``tests/checker.py``) then finds the violation: the fixture really needs
the rule, so the test would fail if the rule were missing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from ortools.sat.python import cp_model

import rota.solver.constraints as rules
import rota.solver.weekend_rules as weekend_rules
from rota.solver.constraints import build_model
from rota.solver.model import RotaModel
from tests.solver.teams import Case, InfeasibleRotaError, daily_team, day_sun_team, people, sun_team

Rule = Callable[[RotaModel], None]
VACATION = [{"start": "2027-01-09", "end": "2027-01-11", "reason": "ski trip"}]


@contextmanager
def without(rule: Rule) -> Iterator[None]:
    saved = rules.ALL_RULES
    rules.ALL_RULES = tuple(r for r in saved if r is not rule)
    try:
        yield
    finally:
        rules.ALL_RULES = saved


def broken_rules(case: Case, rule: Rule) -> set[str]:
    """What the solver's answer breaks once ``rule`` is left out of the model."""
    with without(rule):
        result = case.solve()
    return {v.rule for v in case.violations(result.schedule)}


class _ViolationFinder(cp_model.CpSolverSolutionCallback):
    """Walks the solutions of a model, stopping at the first the checker says breaks ``section``."""

    def __init__(self, case: Case, m: RotaModel, section: str, limit: int) -> None:
        super().__init__()
        self.case, self.m, self.section, self.limit = case, m, section, limit
        self.seen = 0
        self.found = False

    def on_solution_callback(self) -> None:
        self.seen += 1
        schedule = self.m.schedule(self.case.grid, self.value)
        if any(v.rule == self.section for v in self.case.violations(schedule)):
            self.found = True
            self.stop_search()
        elif self.seen >= self.limit:
            self.stop_search()


def rule_is_needed(case: Case, rule: Rule, section: str, limit: int = 3000) -> bool:
    """Some rota that keeps every other rule breaks ``section``: the rule is not redundant.

    Solutions of the model without ``rule`` (and without any objective) are enumerated in
    CP-SAT's deterministic single-worker order and judged by the independent checker, so the
    answer does not depend on which optimum the objective happens to prefer.
    """
    with without(rule):
        m = build_model(case.team, case.grid, None)
    finder = _ViolationFinder(case, m, section, limit)
    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = 30
    solver.solve(m.cp, finder)
    return finder.found


def assert_needed(case: Case, rule: Rule, section: str) -> None:
    result = case.solve()
    assert case.violations(result.schedule) == []
    assert rule_is_needed(case, rule, section)


def test_three_members_seven_daily_shifts(tmp_path: Path) -> None:
    # Mon..Sun 09:00-09:00 Warsaw. A block is one shift, so nobody works two days in a row,
    # except the whole weekend: one person from Saturday's handoff to Monday's. Friday's holder
    # is someone else (Fri+Sat+Sun would be one block); 7 shifts split 3-2-2.
    case = Case(tmp_path, daily_team(people("alice", "bob", "carol")))
    result = case.solve()
    mon, tue, wed, thu, fri, sat, sun = case.holders(result.schedule)
    assert sat == sun
    assert fri != sat
    for a, b in [(mon, tue), (tue, wed), (wed, thu), (thu, fri)]:
        assert a != b
    assert sorted(Counter([mon, tue, wed, thu, fri, sat, sun]).values()) == [2, 2, 3]
    assert result.status == "optimal"
    assert case.violations(result.schedule) == []


def test_two_roles_go_to_two_different_members(tmp_path: Path) -> None:
    doc = daily_team(people("a", "b", "c", "d"), rotation={"roles": ["primary", "secondary"]})
    case = Case(tmp_path, doc)
    result = case.solve()
    for shift in result.schedule.shifts:
        assert shift.assignments["primary"] != shift.assignments["secondary"]
    assert case.violations(result.schedule) == []


def test_unavailable_member_is_not_assigned(tmp_path: Path) -> None:
    members = people("a", "b", "c")
    members[0]["unavailable"] = VACATION
    case = Case(tmp_path, daily_team(members))
    holders = case.holders(case.solve().schedule)
    assert "a" not in holders[4:7]  # Fri 09:00 .. Mon 09:00 overlap the 9th-11th


def test_off_hours_forbid_keeps_shifts_inside_working_windows(tmp_path: Path) -> None:
    members = [
        *people("syd1", "syd2", "syd3", zone="Australia/Sydney"),
        *people("war1", "war2", "war3", zone="Europe/Warsaw"),
        *people("la1", "la2", "la3", zone="America/Los_Angeles"),
    ]
    doc = day_sun_team(members, rotation={"off_hours": "forbid"})
    case = Case(tmp_path, doc)
    result = case.solve()
    assert case.violations(result.schedule) == []


def test_whole_weekend_keeps_saturday_holder_on_sunday(tmp_path: Path) -> None:
    case = Case(tmp_path, daily_team(people("alice", "bob", "carol")))
    assert_needed(case, weekend_rules.add_whole_weekends, "3.5 weekends")


def test_single_day_weekend(tmp_path: Path) -> None:
    doc = sun_team(
        people("a", "b", "c", "d", "e", "f", zone="Europe/London"), weekends={"split": "single-day"}
    )
    assert_needed(Case(tmp_path, doc), weekend_rules.add_single_day_weekends, "3.5 weekends")


def test_weekend_limit_over_sliding_window(tmp_path: Path) -> None:
    # Alice is the only full-timer and hours fairness wants her on both weekends.
    members: list[dict[str, Any]] = [
        {"id": "alice", "timezone": "Europe/Warsaw"},
        {"id": "bob", "timezone": "Europe/Warsaw", "fte": 0.3},
        {"id": "carol", "timezone": "Europe/Warsaw", "fte": 0.3},
    ]
    doc = daily_team(members, horizon={"weeks": 2}, fairness={"weights": {"weekends": 0}})
    assert_needed(Case(tmp_path, doc), weekend_rules.add_weekend_limit, "3.5 weekends")


def test_rest_gap_between_shifts_that_do_not_touch(tmp_path: Path) -> None:
    doc = sun_team(
        people("a", "b", "c", "d", zone="Europe/London"),
        rest={"min_hours": 16, "after_night": False},
    )
    assert_needed(Case(tmp_path, doc), rules.add_rest_gap, "3.6 rest")


def test_block_is_one_daily_shift(tmp_path: Path) -> None:
    doc = daily_team(people("a", "b"), rest={"after_weekend": False})
    assert_needed(Case(tmp_path, doc), rules.add_block_length, "3.6 rest")


def test_a_shift_longer_than_the_block_cap_is_held_by_nobody(tmp_path: Path) -> None:
    # The Saturday shift of 2027-10-30 lasts 25 h (Warsaw leaves summer time that night). With
    # max_block_hours 24 that one shift is already a block too long, so the model (without the
    # pre-check that names it) has no rota; without the block rule it has one.
    doc = daily_team(
        people("a", "b", "c"), horizon={"start": "2027-10-25"}, rest={"max_block_hours": 24}
    )
    case = Case(tmp_path, doc)
    assert max(s.hours for s in case.grid.shifts) == 25
    solver = cp_model.CpSolver()
    assert solver.solve(build_model(case.team, case.grid, None).cp) == cp_model.INFEASIBLE
    with without(rules.add_block_length):
        relaxed = build_model(case.team, case.grid, None)
    assert solver.solve(relaxed.cp) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_after_night_the_rest_of_the_day_is_off(tmp_path: Path) -> None:
    # Two Londoners cannot cover 4 x 6 h a day: whoever works 18-24 (night) ends on the next
    # local day and must then stay off, leaving the other more than a 12 h block.
    case = Case(tmp_path, sun_team(people("a", "b", zone="Europe/London")))
    with pytest.raises(InfeasibleRotaError, match=r"after a night, the rest of that day off"):
        case.solve()
    assert "3.6 rest" in broken_rules(case, rules.add_after_night)


def test_after_weekend_monday_is_off(tmp_path: Path) -> None:
    # b and c are away Saturday to Monday, so a must work the weekend and Monday: impossible.
    members = [{"id": "a", "timezone": "Europe/Warsaw"}, *people("b", "c", unavailable=VACATION)]
    doc = daily_team(members, horizon={"weeks": 2}, rest={"max_block_hours": 72})
    case = Case(tmp_path, doc)
    with pytest.raises(InfeasibleRotaError, match=r"Monday off for a"):
        case.solve()
    assert "3.6 rest" in broken_rules(case, weekend_rules.add_after_weekend)


def test_max_hours_per_week(tmp_path: Path) -> None:
    members = [{"id": "alice", "timezone": "Europe/Warsaw"}, *people("b", "c", "d", fte=0.4)]
    doc = daily_team(members, limits={"max_hours_per_week": 48})
    assert_needed(Case(tmp_path, doc), rules.add_max_hours_per_week, "3.7 hours per week")


@pytest.mark.parametrize("zone", ["Europe/Warsaw", "America/New_York", "Asia/Kolkata"])
def test_daily_rota_across_the_spring_dst_change(tmp_path: Path, zone: str) -> None:
    # Europe/Warsaw springs forward on Sunday 2027-03-28: that daily shift lasts 23 h.
    doc = daily_team(people("a", "b", "c", zone=zone), horizon={"start": "2027-03-22", "weeks": 1})
    case = Case(tmp_path, doc)
    result = case.solve()
    hours = [s.end - s.start for s in result.schedule.shifts]
    assert min(hours).total_seconds() == 23 * 3600
    holders = case.holders(result.schedule)
    assert holders[5] == holders[6]  # the 23 h Sunday shift is still Saturday's partner
    assert case.violations(result.schedule) == []


def test_weekly_rotation_alternates_with_one_weekend_in_two(tmp_path: Path) -> None:
    doc = daily_team(
        people("a", "b", "c"),
        horizon={"weeks": 4},
        rotation={"kind": "weekly", "handoff_day": "monday"},
    )
    case = Case(tmp_path, doc)
    result = case.solve()
    holders = case.holders(result.schedule)
    assert all(x != y for x, y in pairwise(holders))
    assert case.violations(result.schedule) == []


def test_violation_finder_finds_nothing_when_every_rule_is_kept(tmp_path: Path) -> None:
    # The finder behind assert_needed must not report a violation that the full model cannot
    # produce; otherwise every "rule is needed" check above would pass vacuously.
    case = Case(tmp_path, daily_team(people("alice", "bob", "carol")))

    def keep_everything(_m: RotaModel) -> None:
        return None

    for section in ("3.5 weekends", "3.6 rest"):
        assert not rule_is_needed(case, keep_everything, section, limit=2000)
