"""Differences between schedule versions, checked against changes written out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from rota.diff import Change, diff_schedules, member_deltas
from rota.model import Schedule, ScheduledShift

T0 = datetime(2026, 12, 24, 0, tzinfo=UTC)


def sched(rows: list[tuple[int, int, dict[str, str]]], version: int = 1) -> Schedule:
    """Shifts given as (start hour, end hour, holders) from 2026-12-24 00:00 UTC."""
    shifts = tuple(
        ScheduledShift(T0 + timedelta(hours=a), T0 + timedelta(hours=b), holders)
        for a, b, holders in rows
    )
    return Schedule("ops", shifts[0].start, shifts[-1].end, shifts, version=version)


def test_identical_versions_have_no_changes() -> None:
    rows = [(0, 8, {"primary": "alice"}), (8, 14, {"primary": "bob"})]
    assert diff_schedules(sched(rows), sched(rows, 2)) == []


def test_one_changed_shift_reads_as_a_sentence() -> None:
    old = sched([(0, 8, {"primary": "carol"}), (8, 14, {"primary": "alice"})])
    new = sched([(0, 8, {"primary": "carol"}), (8, 14, {"primary": "bob"})], 2)
    changes = diff_schedules(old, new)
    assert [c.sentence() for c in changes] == [
        "alice no longer on call 2026-12-24 08:00-14:00 UTC (primary), now bob"
    ]
    deltas = {d.member_id: d.net_hours for d in member_deltas(changes)}
    assert deltas == {"alice": -6.0, "bob": 6.0}


def test_different_grids_are_compared_on_the_timeline() -> None:
    # old: one 12 h shift; new: two 6 h shifts, the second one changed holder.
    old = sched([(0, 12, {"primary": "alice", "secondary": "bob"})])
    new = sched(
        [
            (0, 6, {"primary": "alice", "secondary": "bob"}),
            (6, 12, {"primary": "carol", "secondary": "bob"}),
        ],
        2,
    )
    assert diff_schedules(old, new) == [
        Change("primary", T0 + timedelta(hours=6), T0 + timedelta(hours=12), "alice", "carol")
    ]


def test_adjacent_pieces_with_the_same_change_merge() -> None:
    old = sched([(0, 6, {"primary": "alice"}), (6, 12, {"primary": "alice"})])
    new = sched([(0, 6, {"primary": "bob"}), (6, 12, {"primary": "bob"})], 2)
    assert [(c.start, c.end) for c in diff_schedules(old, new)] == [(T0, T0 + timedelta(hours=12))]


def test_time_only_one_version_covers_is_a_change() -> None:
    old = sched([(0, 6, {"primary": "alice"})])
    new = sched([(0, 6, {"primary": "alice"}), (6, 12, {"primary": "bob"})], 2)
    (change,) = diff_schedules(old, new)
    assert (change.before, change.after) == (None, "bob")
    assert "newly scheduled" in change.sentence()


holders = st.sampled_from(["a", "b", "c"])


@settings(max_examples=150, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 6), min_size=1, max_size=8),
    old_people=st.lists(holders, min_size=8, max_size=8),
    new_people=st.lists(holders, min_size=8, max_size=8),
)
def test_applying_the_changes_to_old_gives_new(
    lengths: list[int], old_people: list[str], new_people: list[str]
) -> None:
    rows_old, rows_new, t = [], [], 0
    for i, length in enumerate(lengths):
        rows_old.append((t, t + length, {"primary": old_people[i]}))
        rows_new.append((t, t + length, {"primary": new_people[i]}))
        t += length
    old, new = sched(rows_old), sched(rows_new, 2)
    changes = diff_schedules(old, new)
    for hour in range(t):
        at = T0 + timedelta(hours=hour, minutes=30)
        before = next(s.assignments["primary"] for s in old.shifts if s.start <= at < s.end)
        after = next(s.assignments["primary"] for s in new.shifts if s.start <= at < s.end)
        covering = [c for c in changes if c.start <= at < c.end]
        if before == after:
            assert covering == []
        else:
            assert [(c.before, c.after) for c in covering] == [(before, after)]
