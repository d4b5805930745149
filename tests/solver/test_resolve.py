"""Re-solving a published rota: minimal diffs, the freeze, joiners, leavers, and history.

The published rota of most tests is written out by hand: four members, two weeks of daily
09:00 (Warsaw) shifts, one role, every member 3 or 4 shifts (the hours band of 3.5 +- 0.5).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from rota.metrics import member_loads, spreads
from rota.model import Override, Schedule, ScheduledShift
from rota.solver import SolveResult, solve
from rota.solver.stability import Baseline, changed_assignments, merge_history
from tests.solver.teams import FAST, Case, InfeasibleRotaError, daily_team, people

#            Mon4 Tue5 Wed6 Thu7 Fri8 Sat9 Sun10 Mon11 Tue12 Wed13 Thu14 Fri15 Sat16 Sun17
PUBLISHED = ["a", "b", "c", "d", "a", "b", "b", "c", "d", "b", "c", "d", "a", "a"]
WEEKENDS = {"split": "whole", "max": 1, "per_weeks": 2}
FAIRNESS = {"weights": {"weekends": 0}}
NOW = datetime(2027, 1, 8, 10, 0, tzinfo=UTC)  # Friday; + 48 h freezes every shift to Sun 10


def doc(members: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    sections: dict[str, Any] = {"weekends": WEEKENDS, "fairness": FAIRNESS, **extra}
    return daily_team(members, horizon={"weeks": 2}, **sections)


def published(case: Case, holders: list[str] = PUBLISHED) -> Schedule:
    shifts = tuple(
        ScheduledShift(s.start, s.end, {"primary": who})
        for s, who in zip(case.grid.shifts, holders, strict=True)
    )
    return Schedule(case.grid.team_id, case.grid.start, case.grid.end, shifts, version=1)


def resolve(
    case: Case,
    previous: Schedule,
    now: datetime = NOW,
    overrides: tuple[Override, ...] = (),
    history: Schedule | None = None,
) -> SolveResult:
    baseline = Baseline(previous, now + timedelta(hours=48), overrides, now)
    return solve(case.team, case.grid, history, FAST, baseline)


def test_published_rota_is_valid_and_unchanged_by_a_resolve(tmp_path: Path) -> None:
    case = Case(tmp_path, doc(people("a", "b", "c", "d")))
    before = published(case)
    assert case.violations(before) == []
    result = resolve(case, before)
    assert result.changed == 0
    assert case.holders(result.schedule) == PUBLISHED
    assert result.frozen_shifts == 7


def test_vacation_inside_the_horizon_is_honoured_with_a_minimal_diff(tmp_path: Path) -> None:
    before = published(Case(tmp_path, doc(people("a", "b", "c", "d")), "before"))
    vacation = [{"start": "2027-01-14T12:00", "end": "2027-01-14T18:00"}]
    members = [
        *people("a", "b", "d"),
        {"id": "c", "timezone": "Europe/Warsaw", "unavailable": vacation},
    ]
    case = Case(tmp_path, doc(members))
    result = resolve(case, before)
    after = case.holders(result.schedule)
    assert case.violations(result.schedule) == []
    assert after[10] != "c"  # Thu 14
    # Only "a" could take Thu 14 alone (b and d hold the days next to it), leaving c with 2
    # shifts and a with 5. The fair answer with the fewest changes is one trade: c gives Thu 14
    # and takes one neighbouring shift of the member who takes it. Two changes, nothing else.
    assert result.changed == 2
    moved = [k for k in range(14) if after[k] != PUBLISHED[k]]
    assert len(moved) == 2
    assert 10 in moved
    other = next(k for k in moved if k != 10)
    assert after[other] == "c"
    assert after[10] == PUBLISHED[other]
    assert after[:7] == PUBLISHED[:7]  # the freeze
    fresh = case.solve()
    assert changed_assignments(before, fresh.schedule, after=NOW) >= result.changed


def test_past_and_freeze_never_change_even_when_fairness_would(tmp_path: Path) -> None:
    # a joiner makes fairness want to move shifts: only those after the freeze may move.
    before = published(Case(tmp_path, doc(people("a", "b", "c", "d")), "before"))
    case = Case(tmp_path, doc(people("a", "b", "c", "d", "e")))
    result = resolve(case, before)
    after = case.holders(result.schedule)
    assert after[:7] == PUBLISHED[:7]
    assert case.violations(result.schedule) == []
    assert after[7:].count("e") >= 2  # the joiner gets shifts as fairness asks
    assert result.changed == sum(1 for k in range(7, 14) if after[k] != PUBLISHED[k])
    later = resolve(case, before, now=NOW + timedelta(days=3))  # freeze to Wed 13
    assert case.holders(later.schedule)[:10] == PUBLISHED[:10]


def test_leaver_keeps_past_shifts_and_loses_every_upcoming_one_frozen_or_not(
    tmp_path: Path,
) -> None:
    before = published(Case(tmp_path, doc(people("a", "b", "c", "d")), "before"))
    case = Case(tmp_path, doc(people("a", "b", "c")))  # d left
    now = datetime(2027, 1, 7, 12, tzinfo=UTC)  # during d's Thu 7; freeze to Sat 9
    result = resolve(case, before, now=now)
    after = case.holders(result.schedule)
    assert PUBLISHED[:4] == ["a", "b", "c", "d"]
    assert after[:3] == PUBLISHED[:3]  # the past and the frozen shifts of members stay
    assert "d" not in after[3:]  # Thu 7 is under way and frozen, yet nobody pages d
    assert any(
        "d is no longer in the team: " in w and "planned again" in w for w in result.warnings
    )
    assert result.changed is not None
    assert result.changed >= 3  # d's Thu 7, Tue 12 and Fri 15


def test_leaver_keeps_a_shift_already_over_as_history(tmp_path: Path) -> None:
    before = published(Case(tmp_path, doc(people("a", "b", "c", "d")), "before"))
    case = Case(tmp_path, doc(people("a", "b", "c")))
    result = resolve(case, before, now=datetime(2027, 1, 8, 12, tzinfo=UTC))  # after Thu 7
    after = case.holders(result.schedule)
    assert after[3] == "d"  # over before now: kept as it was
    assert any("d is no longer in the team but keeps" in w for w in result.warnings)


def test_vacation_inside_the_freeze_fails_and_suggests_an_override(tmp_path: Path) -> None:
    before = published(Case(tmp_path, doc(people("a", "b", "c", "d")), "before"))
    members: list[dict[str, Any]] = [
        {"id": "a", "timezone": "Europe/Warsaw"},
        {
            "id": "b",
            "timezone": "Europe/Warsaw",
            "unavailable": [{"start": "2027-01-09", "end": "2027-01-09", "reason": "flu"}],
        },
        *people("c", "d"),
    ]
    case = Case(tmp_path, doc(members))
    with pytest.raises(InfeasibleRotaError, match=r"before the freeze") as caught:
        resolve(case, before)
    text = str(caught.value)
    assert "b holds 2027-01-09" in text
    assert "unavailable (flu)" in text
    assert "rota override add" in text


def test_frozen_assignments_breaking_a_rule_together_are_named(tmp_path: Path) -> None:
    # The published Sat 9 + Sun 10 (b, inside the freeze) is a whole weekend; the team file
    # now says single-day: b cannot keep both, and the message names them.
    before = published(Case(tmp_path, doc(people("a", "b", "c", "d")), "before"))
    case = Case(
        tmp_path,
        doc(people("a", "b", "c", "d"), weekends={**WEEKENDS, "split": "single-day"}),
    )
    with pytest.raises(InfeasibleRotaError, match=r"frozen assignments") as caught:
        resolve(case, before)
    assert "b on 2027-01-09" in str(caught.value) or "b on 2027-01-10" in str(caught.value)


def test_override_in_force_keeps_its_member_busy(tmp_path: Path) -> None:
    two_roles = {"roles": ["primary", "secondary"]}
    members = people("a", "b", "c", "d", "e", "f")
    case = Case(tmp_path, daily_team(members, rotation=two_roles, fairness=FAIRNESS))
    first = case.solve().schedule
    shift = first.shifts[4]  # Fri 8
    busy = next(m for m in "abcdef" if m not in shift.assignments.values())
    override = Override(case.team.id, "primary", busy, shift.start, shift.end)
    result = solve(
        case.team,
        case.grid,
        None,
        FAST,
        Baseline(first, case.grid.start, (override,)),
    )
    assert result.schedule.shifts[4].assignments["secondary"] != busy


def test_history_merges_versions_newest_first() -> None:
    start = datetime(2027, 1, 4, 8, tzinfo=UTC)

    def version(holders: list[str], first_day: int) -> Schedule:
        shifts = tuple(
            ScheduledShift(
                start + timedelta(days=first_day + i),
                start + timedelta(days=first_day + i + 1),
                {"primary": who},
            )
            for i, who in enumerate(holders)
        )
        return Schedule("t", shifts[0].start, shifts[-1].end, shifts)

    old = version(["a", "a", "a", "a"], 0)
    new = version(["b", "b", "b"], 2)
    merged = merge_history([new, old], start + timedelta(days=4))
    assert merged is not None
    assert [s.assignments["primary"] for s in merged.shifts] == ["a", "a", "b", "b"]


def test_two_horizons_are_fairer_together_with_history_than_without(tmp_path: Path) -> None:
    members = [*people("a", "b", "c")]
    history_on = {"weights": {"weekends": 0}, "history": True}
    first = Case(tmp_path, daily_team(members, fairness=history_on), "first")
    # an unfair first week (as a lead published it by hand): a 4, b 2, c 1
    holders = ["a", "b", "a", "c", "a", "b", "a"]
    week1 = Schedule(
        first.grid.team_id,
        first.grid.start,
        first.grid.end,
        tuple(
            ScheduledShift(s.start, s.end, {"primary": who})
            for s, who in zip(first.grid.shifts, holders, strict=True)
        ),
    )
    spreads_by_mode = {}
    for mode in (True, False):
        fairness = {"weights": {"weekends": 0}, "history": mode}
        second = Case(
            tmp_path,
            daily_team(members, horizon={"start": "2027-01-11"}, fairness=fairness),
            f"second-{mode}",
        )
        result = second.solve(week1 if mode else None)
        both = Schedule(
            "t",
            week1.horizon_start,
            result.schedule.horizon_end,
            (*week1.shifts, *result.schedule.shifts),
        )
        spreads_by_mode[mode] = spreads(second.team, member_loads(second.team, both)).hours
    assert spreads_by_mode[True] < spreads_by_mode[False]
    assert spreads_by_mode[True] <= 24.0  # within one daily shift over both weeks
