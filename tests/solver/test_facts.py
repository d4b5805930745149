"""Per-member shift facts: members with the same zone and windows share all but availability."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from rota.metrics import weekend_of
from rota.model import RotationKind
from rota.solver.facts import MemberShiftFacts, Slot, build_timeline, member_facts
from tests.solver.teams import Case, daily_team, people

VACATION = {"start": "2027-01-06", "end": "2027-01-07", "reason": "vacation"}


def test_shared_facts_equal_each_member_s_own_and_keep_availability_apart(
    tmp_path: Path,
) -> None:
    members = [
        *people("ann", "bob"),
        *people("cat", unavailable=[VACATION]),
        *people("dan", zone="America/Los_Angeles"),
    ]
    case = Case(tmp_path, daily_team(members, horizon={"weeks": 2}))
    timeline = build_timeline(case.team, case.grid, None, lookback_days=0)
    weekly = case.team.kind is RotationKind.WEEKLY
    by_id = dict(zip((m.id for m in case.team.members), timeline.facts, strict=True))
    for member in case.team.members:  # computed alone, without sharing, they are the same
        assert by_id[member.id] == member_facts(member, timeline.slots, weekly=weekly)
    assert by_id["ann"] == by_id["bob"]
    away = [k for k, f in enumerate(by_id["cat"]) if f.unavailable is not None]
    assert away
    assert {by_id["cat"][k].unavailable for k in away} == {"vacation"}
    assert all(by_id["ann"][k].unavailable is None for k in away)  # cat's vacation is hers
    for k, facts in enumerate(by_id["cat"]):
        assert facts.off_minutes == by_id["ann"][k].off_minutes
    shared: dict[Hashable, tuple[MemberShiftFacts, ...]] = {}
    for member in case.team.members:
        member_facts(member, timeline.slots, weekly=weekly, shared=shared)
    assert len(shared) == 2  # Warsaw's windows (ann, bob, cat) and Los Angeles's (dan)


def test_a_weekly_shift_s_weekend_is_the_one_the_metrics_count(tmp_path: Path) -> None:
    # Sunday 2027-01-10 00:00 to Sunday 2027-01-17 00:00 in Warsaw: 24 h of the weekend of
    # Saturday 01-09 and 24 h of the weekend of 01-16; the tie goes to the earlier weekend,
    # which begins the day before the shift does. Solver and metrics name the same one.
    member = Case(tmp_path, daily_team(people("a"))).team.members[0]
    start = datetime(2027, 1, 10, tzinfo=member.timezone).astimezone(UTC)
    end = start + timedelta(days=7)
    slot = Slot(0, 7 * 1440, start, end, 0)
    (facts,) = member_facts(member, [slot], weekly=True)
    assert facts.weekend == weekend_of(member, start, end, RotationKind.WEEKLY) == date(2027, 1, 9)
    # One hour later the later weekend holds more of it.
    later = Slot(60, 7 * 1440 + 60, start + timedelta(hours=1), end + timedelta(hours=1), 0)
    (facts,) = member_facts(member, [later], weekly=True)
    assert facts.weekend == date(2027, 1, 16)
