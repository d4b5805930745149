"""Who can take my shift: candidates and trades are exactly the moves the checker accepts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rota.errors import UsageError
from rota.model import Override, Schedule, ScheduledShift
from rota.oncall import effective_shifts
from rota.oncall.effective import validate_overrides
from rota.swap import swap_options
from tests.solver.teams import Case, daily_team, people


@pytest.fixture
def case(tmp_path: Path) -> Case:
    doc = daily_team(
        people("a", "b", "c", "d", "e"),
        rotation={"roles": ["primary", "secondary"]},
        horizon={"weeks": 2},
        weekends={"split": "whole", "max": 1, "per_weeks": 2},
    )
    return Case(tmp_path, doc)


@pytest.fixture
def schedule(case: Case) -> Schedule:
    result = case.solve().schedule
    assert case.violations(result) == []
    return result


def moved(schedule: Schedule, moves: list[tuple[int, str, str]]) -> Schedule:
    shifts = list(schedule.shifts)
    for index, role, who in moves:
        shifts[index] = replace(shifts[index], assignments={**shifts[index].assignments, role: who})
    return replace(schedule, shifts=tuple(shifts))


@pytest.mark.parametrize("index", [2, 5, 9])
def test_candidates_are_exactly_the_members_the_checker_accepts(
    case: Case, schedule: Schedule, index: int
) -> None:
    shift = schedule.shifts[index]
    giver = shift.assignments["primary"]
    options = swap_options(case.team, schedule, (), giver, shift.start)
    assert options.role == "primary"
    accepted = {
        m.id
        for m in case.team.members
        if m.id != giver and not case.violations(moved(schedule, [(index, "primary", m.id)]))
    }
    assert {c.member_id for c in options.candidates} == accepted
    effects = [c.fairness_effect for c in options.candidates]
    assert effects == sorted(effects)


def test_trades_are_exactly_the_one_for_one_moves_the_checker_accepts(
    case: Case, schedule: Schedule
) -> None:
    index = 3
    shift = schedule.shifts[index]
    giver = shift.assignments["secondary"]
    options = swap_options(case.team, schedule, (), giver, shift.start)
    expected = set()
    for j, other in enumerate(schedule.shifts):
        if j == index or other.start < shift.start:
            continue
        for role, taker in other.assignments.items():
            if taker == giver:
                continue
            trial = moved(schedule, [(index, "secondary", taker), (j, role, giver)])
            if not case.violations(trial):
                expected.add((taker, role, other.start))
    got = {(t.member_id, t.role, t.start) for t in options.trades}
    if len(expected) <= 20:
        assert got == expected
    else:
        assert got <= expected
        assert len(got) == 20


def test_apply_records_overrides_that_validate(case: Case, schedule: Schedule) -> None:
    every = [
        swap_options(case.team, schedule, (), s.assignments["primary"], s.start)
        for s in schedule.shifts
    ]
    options = next(o for o in every if o.candidates)
    index = next(i for i, s in enumerate(schedule.shifts) if s.start == options.start)
    new = options.overrides()
    assert len(new) == 1
    assert new[0].member_id == options.candidates[0].member_id
    assert (new[0].start, new[0].end, new[0].role) == (options.start, options.end, "primary")
    validate_overrides(case.team, schedule, (), new)
    after = effective_shifts(schedule, new)
    assert after[index].assignments["primary"] == options.candidates[0].member_id

    trading = next(o for o in every if o.trades)
    trade = trading.trades[0]
    takers = {c.member_id for c in trading.candidates}
    pair = trading.overrides(trade.member_id)
    if trade.member_id not in takers:
        assert [(o.member_id, o.start) for o in pair] == [
            (trade.member_id, trading.start),
            (trading.member_id, trade.start),
        ]
    validate_overrides(case.team, schedule, (), pair)


def test_swap_reads_the_effective_schedule(case: Case, schedule: Schedule) -> None:
    options = next(
        o
        for o in (
            swap_options(case.team, schedule, (), s.assignments["primary"], s.start)
            for s in schedule.shifts
        )
        if o.candidates
    )
    shift = next(s for s in schedule.shifts if s.start == options.start)
    giver = options.member_id
    taker = options.candidates[0].member_id
    override = Override(case.team.id, "primary", taker, shift.start, shift.end, id=1)
    again = swap_options(case.team, schedule, (override,), taker, shift.start)
    assert again.member_id == taker
    assert giver in {c.member_id for c in again.candidates}  # taking it back is fine
    with pytest.raises(UsageError, match="holds no shift starting"):
        swap_options(case.team, schedule, (override,), giver, shift.start)


def test_unknown_member_and_foreign_shift_are_usage_errors(case: Case, schedule: Schedule) -> None:
    shift = schedule.shifts[0]
    with pytest.raises(UsageError, match="no member 'zed'"):
        swap_options(case.team, schedule, (), "zed", shift.start)
    outsider = next(m.id for m in case.team.members if m.id not in shift.assignments.values())
    with pytest.raises(UsageError, match=rf"member '{outsider}' holds no shift starting"):
        swap_options(case.team, schedule, (), outsider, shift.start)
    holder = shift.assignments["primary"]
    with pytest.raises(UsageError, match="holds no shift starting"):
        swap_options(case.team, schedule, (), holder, datetime(2027, 1, 4, 9, 30, tzinfo=UTC))


def test_nobody_can_take_it_is_an_error_on_apply(case: Case, schedule: Schedule) -> None:
    shift: ScheduledShift = schedule.shifts[1]
    giver = shift.assignments["primary"]
    options = swap_options(case.team, schedule, (), giver, shift.start)
    empty = replace(options, candidates=(), trades=())
    with pytest.raises(UsageError, match="nobody can take"):
        empty.overrides()
    with pytest.raises(UsageError, match="member 'zed' can neither take"):
        options.overrides("zed")
