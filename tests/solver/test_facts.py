"""Per-member shift facts: members with the same zone and windows share all but availability."""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path

from rota.model import RotationKind
from rota.solver.facts import MemberShiftFacts, build_timeline, member_facts
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
