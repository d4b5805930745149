"""Continuous on-call blocks (rota/oncall/blocks.py) on the hand-made ``ops`` team.

The ``ops`` week (tests/ops_team.py), daily from 00:00 UTC, (primary, secondary):
Mon 4 (ann, cat), Tue 5 (bob, cat), Wed 6 (ann, cat), Thu 7 (bob, cat), Fri 8 (dan, ann),
Sat 9 (bob, ann), Sun 10 (bob, ann). bob is away Tue 5 and Wed 6 in Warsaw, i.e.
2027-01-04T23:00Z to 2027-01-06T23:00Z. The chain: level 1 [primary, ann], level 2
[secondary, cat]; a person is paged once per level, under the first target naming them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from rota.model import Override
from rota.oncall import OnCallIndex, resolve_oncall
from rota.oncall.blocks import HolderBlock, PagedBlock, holder_blocks, paged_blocks
from rota.service import config_from_text
from rota.team import team_from_config
from tests.ops_team import TEAM_FILE, ops_schedule

TEAM = team_from_config(config_from_text(TEAM_FILE.read_text(), TEAM_FILE.name))


def day(n: int) -> datetime:
    """Midnight UTC of January ``n``, 2027."""
    return datetime(2027, 1, n, tzinfo=UTC)


def level_blocks(
    blocks: tuple[PagedBlock, ...], level: int
) -> list[tuple[str, str | None, int, int]]:
    """(person, via, first day, day after the last) of one level of the default chain."""
    return [
        (b.person_id, b.via_role, b.start.day, b.end.day)
        for b in blocks
        if b.severity is None and b.level == level
    ]


def test_level_one_blocks_by_hand() -> None:
    blocks = paged_blocks(TEAM, OnCallIndex.from_schedule(ops_schedule()))
    # Tue: bob is away, so level 1 pages ann by her id; from Thu, bob holds primary and ann is
    # paged by id beside him until the end of the week (Mon 11).
    assert level_blocks(blocks, 1) == [
        ("ann", "primary", 4, 5),
        ("ann", None, 5, 6),
        ("ann", "primary", 6, 7),
        ("ann", None, 7, 11),
        ("bob", "primary", 7, 8),
        ("dan", "primary", 8, 9),
        ("bob", "primary", 9, 11),
    ]


def test_level_two_joins_planned_shifts_with_the_same_holder() -> None:
    blocks = paged_blocks(TEAM, OnCallIndex.from_schedule(ops_schedule()))
    assert level_blocks(blocks, 2) == [
        ("cat", "secondary", 4, 8),  # four planned shifts, one block
        ("ann", "secondary", 8, 11),
        ("cat", None, 8, 11),
    ]


def test_an_override_cuts_the_block_it_lands_in() -> None:
    override = Override(
        team_id="ops",
        role="secondary",
        member_id="ann",
        start=day(5) + timedelta(hours=6),
        end=day(5) + timedelta(hours=18),
        id=1,
    )
    blocks = paged_blocks(TEAM, OnCallIndex.from_schedule(ops_schedule(), [override]))
    level_two = [
        (b.person_id, b.via_role, b.start, b.end)
        for b in blocks
        if b.level == 2 and b.start < day(8)
    ]
    assert level_two == [
        ("cat", "secondary", day(4), override.start),
        ("ann", "secondary", override.start, override.end),
        ("cat", None, override.start, override.end),  # still paged by id at level 2
        ("cat", "secondary", override.end, day(8)),
    ]


def test_holder_blocks_join_runs_of_one_holder() -> None:
    index = OnCallIndex.from_schedule(ops_schedule())
    assert holder_blocks(index, "secondary") == (
        HolderBlock("secondary", "cat", day(4), day(8)),
        HolderBlock("secondary", "ann", day(8), day(11)),
    )
    assert [b.member_id for b in holder_blocks(index, "primary")] == [
        "ann",
        "bob",
        "ann",
        "bob",
        "dan",
        "bob",
    ]


OVERRIDES = st.lists(
    st.builds(
        lambda role, member, start_h, hours, n: Override(
            team_id="ops",
            role=role,
            member_id=member,
            start=day(4) + timedelta(hours=start_h),
            end=day(4) + timedelta(hours=start_h + hours),
            id=n,
        ),
        st.sampled_from(["primary", "secondary"]),
        st.sampled_from(["ann", "bob", "cat", "dan"]),
        st.integers(0, 160),
        st.integers(1, 40),
        st.integers(1, 1000),
    ),
    max_size=3,
)


@settings(max_examples=60, deadline=None)
@given(overrides=OVERRIDES, minutes=st.lists(st.integers(0, 7 * 24 * 60 - 1), min_size=1))
def test_blocks_agree_with_resolve_oncall_at_every_instant(
    overrides: list[Override], minutes: list[int]
) -> None:
    index = OnCallIndex.from_schedule(ops_schedule(), overrides)
    blocks = paged_blocks(TEAM, index)
    for minute in minutes:
        at = day(4) + timedelta(minutes=minute)
        answer = resolve_oncall(TEAM, index, at)
        expected = {
            (level.number, page.member.id, page.via_role)
            for level in answer.levels
            for page in level.members
        }
        found = [(b.level, b.person_id, b.via_role) for b in blocks if b.start <= at < b.end]
        assert sorted(found) == sorted(expected)  # each exactly once
