"""Notices of the hand-made ``ops`` week (tests/ops_team.py): which, when, and stable ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from rota.model import Override
from rota.notify import Notice, NoticeKind, team_notices
from rota.oncall import OnCallIndex
from tests.notify.helpers import EXPECTED_NOTICES
from tests.ops_team import DAYS, ops_schedule

ROLES = ("primary", "secondary")


def day(n: int, hour: int = 0) -> datetime:
    return datetime(2027, 1, n, hour, tzinfo=UTC)


def notices(
    overrides: tuple[Override, ...] = (), days: list[tuple[str, str]] = DAYS
) -> list[Notice]:
    return team_notices("ops", ROLES, OnCallIndex.from_schedule(ops_schedule(days), overrides))


def summary(found: list[Notice]) -> set[tuple[str, str, str, int, int, str | None]]:
    return {
        (n.kind.value, n.member_id, n.role, n.start.day, n.end.day, n.previous_id) for n in found
    }


def test_one_starts_soon_per_block_and_one_handoff_per_change_of_holder() -> None:
    found = notices()
    assert len(found) == EXPECTED_NOTICES
    assert summary(found) == {
        # blocks, whatever the role: ann Mon, Wed, Fri-Sun (secondary); cat Mon-Thu ...
        ("starts_soon", "ann", "primary", 4, 5, None),
        ("starts_soon", "ann", "primary", 6, 7, None),
        ("starts_soon", "ann", "secondary", 8, 11, None),
        ("starts_soon", "bob", "primary", 5, 6, None),
        ("starts_soon", "bob", "primary", 7, 8, None),
        ("starts_soon", "bob", "primary", 9, 11, None),
        ("starts_soon", "cat", "secondary", 4, 8, None),
        ("starts_soon", "dan", "primary", 8, 9, None),
        # handoffs: primary changes hands daily until bob keeps Sat-Sun; secondary once
        ("handoff", "bob", "primary", 5, 6, "ann"),
        ("handoff", "ann", "primary", 6, 7, "bob"),
        ("handoff", "bob", "primary", 7, 8, "ann"),
        ("handoff", "dan", "primary", 8, 9, "bob"),
        ("handoff", "bob", "primary", 9, 11, "dan"),
        ("handoff", "ann", "secondary", 8, 11, "cat"),
    }
    assert len({n.id for n in found}) == EXPECTED_NOTICES


def test_due_is_the_lead_before_a_block_and_the_instant_of_a_handoff() -> None:
    by_kind = {n.kind: n for n in notices() if n.start == day(5)}
    lead = timedelta(minutes=60)
    assert by_kind[NoticeKind.STARTS_SOON].due(lead) == day(4, 23)
    assert by_kind[NoticeKind.HANDOFF].due(lead) == day(5)


def test_ids_survive_an_identical_resolve_and_change_with_the_holder() -> None:
    before = {n.id: n for n in notices()}
    assert {n.id for n in notices()} == set(before)
    changed = list(DAYS)
    changed[2] = ("dan", "cat")  # Wed: dan instead of ann as primary
    after = {n.id: n for n in notices(days=changed)}
    gone = summary([before[i] for i in set(before) - set(after)])
    new = summary([after[i] for i in set(after) - set(before)])
    assert gone == {
        ("starts_soon", "ann", "primary", 6, 7, None),
        ("handoff", "ann", "primary", 6, 7, "bob"),
        ("handoff", "bob", "primary", 7, 8, "ann"),
    }
    assert new == {
        ("starts_soon", "dan", "primary", 6, 7, None),
        ("handoff", "dan", "primary", 6, 7, "bob"),
        ("handoff", "bob", "primary", 7, 8, "dan"),
    }


def test_an_override_is_applied_like_rota_who_does() -> None:
    cover = Override("ops", "primary", "dan", day(6, 12), day(7), id=1)
    found = summary(notices((cover,)))
    assert ("starts_soon", "dan", "primary", 6, 7, None) in found  # dan from Wed noon
    assert ("handoff", "dan", "primary", 6, 7, "ann") in found
    assert ("handoff", "bob", "primary", 7, 8, "dan") in found
    assert ("handoff", "bob", "primary", 7, 8, "ann") not in found
    noon = [n for n in notices((cover,)) if n.member_id == "dan" and n.start.day == 6]
    assert {n.start for n in noon} == {day(6, 12)}


def test_a_member_holding_two_roles_at_once_gets_one_block() -> None:
    both = [("ann", "ann"), ("ann", "bob")]
    found = [n for n in notices(days=both) if n.kind is NoticeKind.STARTS_SOON]
    assert summary(found) == {
        ("starts_soon", "ann", "primary+secondary", 4, 6, None),
        ("starts_soon", "bob", "secondary", 5, 6, None),
    }


PEOPLE = st.sampled_from(["ann", "bob", "cat", "dan"])


@given(st.lists(st.tuples(PEOPLE, PEOPLE), min_size=1, max_size=14))
def test_one_notice_per_block_start_and_per_change_of_holder(days: list[tuple[str, str]]) -> None:
    found = notices(days=days)
    handoffs = sum(before[r] != after[r] for before, after in pairwise(days) for r in (0, 1))
    starts = sum(
        member in today and (i == 0 or member not in days[i - 1])
        for i, today in enumerate(days)
        for member in set(today)
    )
    kinds = [n.kind for n in found]
    assert kinds.count(NoticeKind.HANDOFF) == handoffs
    assert kinds.count(NoticeKind.STARTS_SOON) == starts
    assert len({n.id for n in found}) == len(found)
    assert [n.id for n in notices(days=days)] == [n.id for n in found]
