"""Overrides on top of the planned schedule, override validation, and the index invariants."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rota.config import load_config
from rota.errors import UsageError
from rota.model import Override, Schedule, ScheduledShift
from rota.oncall import OnCallIndex, effective_pieces, effective_shifts, validate_override
from rota.team import Team, team_from_config

DATA = Path(__file__).parent / "data"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def schedule(team_id: str, rows: Sequence[tuple[str, str, dict[str, str]]]) -> Schedule:
    shifts = tuple(ScheduledShift(utc(a), utc(b), holders) for a, b, holders in rows)
    return Schedule(team_id, shifts[0].start, shifts[-1].end, shifts, version=1)


def ovr(role: str, member: str, start: str, end: str, oid: int = 1, team: str = "ops") -> Override:
    return Override(
        team,
        role,
        member,
        utc(start),
        utc(end),
        id=oid,
        created_at=utc("2027-01-01 00:00") + timedelta(minutes=oid),
    )


def rows(shifts: Sequence[ScheduledShift]) -> list[tuple[str, str, dict[str, str]]]:
    def fmt(t: datetime) -> str:
        return t.strftime("%d %H:%M")

    return [(fmt(s.start), fmt(s.end), dict(s.assignments)) for s in shifts]


# ops team (tests/data/oncall_team.yaml), daily 00:00 UTC shifts from 4 to 11 Jan 2027.
OPS_WEEK = [
    ("2027-01-04 00:00", "2027-01-05 00:00", {"primary": "ann", "secondary": "cat"}),
    ("2027-01-05 00:00", "2027-01-06 00:00", {"primary": "bob", "secondary": "cat"}),
    ("2027-01-06 00:00", "2027-01-07 00:00", {"primary": "dan", "secondary": "ann"}),
    ("2027-01-07 00:00", "2027-01-08 00:00", {"primary": "dan", "secondary": "ann"}),
    ("2027-01-08 00:00", "2027-01-09 00:00", {"primary": "ann", "secondary": "cat"}),
    ("2027-01-09 00:00", "2027-01-10 00:00", {"primary": "bob", "secondary": "dan"}),
    ("2027-01-10 00:00", "2027-01-11 00:00", {"primary": "bob", "secondary": "dan"}),
]
PLAN = schedule("ops", OPS_WEEK)


@pytest.fixture(scope="module")
def ops() -> Team:
    return team_from_config(load_config(DATA / "oncall_team.yaml"))


# ------------------------------------------------------------------------------------------------
# effective_shifts


def test_no_overrides_gives_the_plan() -> None:
    assert effective_shifts(PLAN, []) == PLAN.shifts


def test_override_cuts_at_any_instant() -> None:
    shifts = effective_shifts(PLAN, [ovr("primary", "bob", "2027-01-04 10:30", "2027-01-04 13:15")])
    assert rows(shifts)[:4] == [
        ("04 00:00", "04 10:30", {"primary": "ann", "secondary": "cat"}),
        ("04 10:30", "04 13:15", {"primary": "bob", "secondary": "cat"}),
        ("04 13:15", "05 00:00", {"primary": "ann", "secondary": "cat"}),
        ("05 00:00", "06 00:00", {"primary": "bob", "secondary": "cat"}),
    ]


def test_override_across_a_handoff_keeps_the_planned_handoff() -> None:
    # bob takes primary 4 Jan 18:00 - 5 Jan 06:00; he also holds it on 5 Jan as planned: the
    # pieces 18:00-24:00 and 00:00-06:00 have the same holders but stay apart (different shifts).
    shifts = effective_shifts(PLAN, [ovr("primary", "bob", "2027-01-04 18:00", "2027-01-05 06:00")])
    assert rows(shifts)[:4] == [
        ("04 00:00", "04 18:00", {"primary": "ann", "secondary": "cat"}),
        ("04 18:00", "05 00:00", {"primary": "bob", "secondary": "cat"}),
        ("05 00:00", "05 06:00", {"primary": "bob", "secondary": "cat"}),
        ("05 06:00", "06 00:00", {"primary": "bob", "secondary": "cat"}),
    ]


def test_later_created_override_wins_regardless_of_input_order() -> None:
    early = ovr("primary", "bob", "2027-01-04 06:00", "2027-01-04 12:00", oid=1)
    late = ovr("primary", "dan", "2027-01-04 09:00", "2027-01-04 15:00", oid=2)
    expected = [
        ("04 00:00", "04 06:00", {"primary": "ann", "secondary": "cat"}),
        ("04 06:00", "04 09:00", {"primary": "bob", "secondary": "cat"}),
        ("04 09:00", "04 15:00", {"primary": "dan", "secondary": "cat"}),
        ("04 15:00", "05 00:00", {"primary": "ann", "secondary": "cat"}),
    ]
    assert rows(effective_shifts(PLAN, [early, late]))[:4] == expected
    assert rows(effective_shifts(PLAN, [late, early]))[:4] == expected


def test_shadowed_override_leaves_no_cut() -> None:
    inner = ovr("primary", "bob", "2027-01-04 08:00", "2027-01-04 10:00", oid=1)
    outer = ovr("primary", "dan", "2027-01-04 06:00", "2027-01-04 12:00", oid=2)
    assert rows(effective_shifts(PLAN, [inner, outer]))[:3] == [
        ("04 00:00", "04 06:00", {"primary": "ann", "secondary": "cat"}),
        ("04 06:00", "04 12:00", {"primary": "dan", "secondary": "cat"}),
        ("04 12:00", "05 00:00", {"primary": "ann", "secondary": "cat"}),
    ]


def test_overrides_of_two_roles_cut_independently() -> None:
    pieces = effective_pieces(
        PLAN,
        [
            ovr("primary", "bob", "2027-01-04 06:00", "2027-01-04 12:00", oid=1),
            ovr("secondary", "dan", "2027-01-04 09:00", "2027-01-04 18:00", oid=2),
        ],
    )
    assert [(rows([p.shift])[0], sorted(p.overrides)) for p in pieces[:5]] == [
        (("04 00:00", "04 06:00", {"primary": "ann", "secondary": "cat"}), []),
        (("04 06:00", "04 09:00", {"primary": "bob", "secondary": "cat"}), ["primary"]),
        (
            ("04 09:00", "04 12:00", {"primary": "bob", "secondary": "dan"}),
            ["primary", "secondary"],
        ),
        (("04 12:00", "04 18:00", {"primary": "ann", "secondary": "dan"}), ["secondary"]),
        (("04 18:00", "05 00:00", {"primary": "ann", "secondary": "cat"}), []),
    ]
    assert {p.planned_index for p in pieces[:5]} == {0}


def test_overrides_are_clipped_to_the_horizon_or_ignored() -> None:
    shifts = effective_shifts(
        PLAN,
        [
            ovr("primary", "dan", "2027-01-03 00:00", "2027-01-04 02:00", oid=1),  # clipped
            ovr("primary", "dan", "2027-01-11 00:00", "2027-01-12 00:00", oid=2),  # after: ignored
            ovr("primary", "dan", "2027-01-04 05:00", "2027-01-04 05:00", oid=3),  # empty: ignored
            ovr("tertiary", "dan", "2027-01-04 06:00", "2027-01-04 07:00", oid=4),  # no such role
        ],
    )
    assert rows(shifts)[:2] == [
        ("04 00:00", "04 02:00", {"primary": "dan", "secondary": "cat"}),
        ("04 02:00", "05 00:00", {"primary": "ann", "secondary": "cat"}),
    ]
    assert len(shifts) == len(PLAN.shifts) + 1
    assert shifts[-1].end == PLAN.horizon_end


def test_override_of_another_team_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="override of team 'platform' given for team 'ops'"):
        effective_shifts(
            PLAN, [ovr("primary", "dan", "2027-01-04 01:00", "2027-01-04 02:00", team="platform")]
        )


# ------------------------------------------------------------------------------------------------
# validate_override


def check(team: Team, override: Override, extra: Sequence[Override] = ()) -> None:
    validate_override(team, effective_shifts(PLAN, extra), override)


def test_valid_override_passes(ops: Team) -> None:
    check(ops, ovr("primary", "bob", "2027-01-04 06:00", "2027-01-04 08:00"))
    check(ops, ovr("secondary", "ann", "2027-01-07 12:00", "2027-01-07 13:00"))  # already holds it


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            ovr("primary", "zed", "2027-01-04 06:00", "2027-01-04 08:00"),
            r"no member 'zed' in team 'ops' \(members: ann, bob, cat, dan\)",
        ),
        (
            ovr("tertiary", "ann", "2027-01-04 06:00", "2027-01-04 08:00"),
            r"no role 'tertiary' in team 'ops' \(roles: primary, secondary\)",
        ),
        (
            ovr("primary", "cat", "2027-01-04 06:00", "2027-01-04 08:00"),
            r"member 'cat' cannot fill role 'primary' \(their roles: secondary\)",
        ),
        (
            ovr("primary", "bob", "2027-01-04 08:00", "2027-01-04 08:00"),
            r"override start 2027-01-04T08:00:00Z must be before its end 2027-01-04T08:00:00Z",
        ),
        (
            ovr("primary", "bob", "2027-01-10 12:00", "2027-01-11 12:00"),
            r"override 2027-01-10T12:00:00Z \u2013 2027-01-11T12:00:00Z is outside the schedule of "
            r"team 'ops', which covers 2027-01-04T00:00:00Z \u2013 2027-01-11T00:00:00Z",
        ),
        (
            ovr("primary", "dan", "2027-01-04 09:00", "2027-01-04 11:00"),
            r"member 'dan' is unavailable \(dentist\) 2027-01-04T10:00:00Z \u2013 "
            r"2027-01-04T12:00:00Z",
        ),
        (
            ovr("secondary", "bob", "2027-01-05 22:00", "2027-01-05 23:30"),
            r"member 'bob' is unavailable \(sick\) "
            r"2027-01-04T23:00:00Z \u2013 2027-01-05T23:00:00Z "
            r"\[2027-01-05 00:00 \u2013 2027-01-06 00:00 Europe/Warsaw\]",
        ),
        (
            ovr("secondary", "ann", "2027-01-04 06:00", "2027-01-04 08:00"),
            r"member 'ann' already holds role 'primary' 2027-01-04T06:00:00Z \u2013 "
            r"2027-01-04T08:00:00Z, which overlaps override .* for role 'secondary'",
        ),
        # ann holds secondary on 7 Jan (same role, fine) and primary on 8 Jan: the overlap.
        (
            ovr("secondary", "ann", "2027-01-07 12:00", "2027-01-08 12:00"),
            r"already holds role 'primary' 2027-01-08T00:00:00Z \u2013 2027-01-08T12:00:00Z",
        ),
        # dan holds primary on 6 and 7 Jan: reported as one span.
        (
            ovr("secondary", "dan", "2027-01-05 12:00", "2027-01-08 12:00"),
            r"already holds role 'primary' 2027-01-06T00:00:00Z \u2013 2027-01-08T00:00:00Z",
        ),
    ],
)
def test_invalid_overrides(ops: Team, override: Override, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        check(ops, override)


def test_validation_sees_existing_overrides(ops: Team) -> None:
    existing = [ovr("primary", "dan", "2027-01-08 00:00", "2027-01-08 06:00", oid=1)]
    with pytest.raises(
        UsageError, match=r"'dan' already holds role 'primary' 2027-01-08T03:00:00Z"
    ):
        check(ops, ovr("secondary", "dan", "2027-01-08 03:00", "2027-01-08 04:00", oid=2), existing)


def test_validation_of_another_teams_override(ops: Team) -> None:
    with pytest.raises(UsageError, match=r"override is for team 'platform', not 'ops'"):
        check(ops, ovr("primary", "bob", "2027-01-04 06:00", "2027-01-04 08:00", team="platform"))


def test_naive_override_times_are_rejected(ops: Team) -> None:
    naive = Override("ops", "primary", "bob", datetime(2027, 1, 4, 6), datetime(2027, 1, 4, 8))
    with pytest.raises(ValueError, match="timezone-aware"):
        check(ops, naive)


# ------------------------------------------------------------------------------------------------
# Properties: random plans and overrides. Times are minutes from BASE.

BASE = utc("2027-01-04 00:00")
MEMBERS = ["m0", "m1", "m2", "m3"]
ROLES = ["a", "b"]


def at_minute(minute: int) -> datetime:
    return BASE + timedelta(minutes=minute)


@st.composite
def plans(draw: st.DrawFn) -> Schedule:
    lengths = draw(st.lists(st.integers(1, 600), min_size=1, max_size=12))
    shifts = []
    start = 0
    for length in lengths:
        holders = draw(st.permutations(MEMBERS))
        shifts.append(
            ScheduledShift(
                at_minute(start), at_minute(start + length), dict(zip(ROLES, holders, strict=False))
            )
        )
        start += length
    return Schedule("t", shifts[0].start, shifts[-1].end, tuple(shifts))


@st.composite
def override_lists(draw: st.DrawFn, span: int) -> list[Override]:
    count = draw(st.integers(0, 8))
    result = []
    for number in range(count):
        start = draw(st.integers(-120, span + 60))
        length = draw(st.integers(-10, span))
        created = draw(st.one_of(st.none(), st.integers(0, 5)))
        result.append(
            Override(
                "t",
                draw(st.sampled_from(ROLES)),
                draw(st.sampled_from(MEMBERS)),
                at_minute(start),
                at_minute(start + length),
                id=draw(st.one_of(st.none(), st.just(number))),
                created_at=None if created is None else at_minute(created),
            )
        )
    return result


def expected_holder(plan: Schedule, overrides: Sequence[Override], role: str, at: datetime) -> str:
    """The oracle: latest-created override in force for ``role`` at ``at``, else the plan."""
    floor = datetime.min.replace(tzinfo=UTC)
    in_force = [
        (o.created_at or floor, -1 if o.id is None else o.id, position, o.member_id)
        for position, o in enumerate(overrides)
        if o.role == role and o.start <= at < o.end
    ]
    if in_force:
        return max(in_force)[3]
    return next(s for s in plan.shifts if s.start <= at < s.end).assignments[role]


@settings(max_examples=300, deadline=None)
@given(data=st.data(), plan=plans())
def test_effective_shifts_tile_and_apply_the_latest_override(
    data: st.DataObject, plan: Schedule
) -> None:
    span = int((plan.horizon_end - plan.horizon_start).total_seconds() // 60)
    overrides = data.draw(override_lists(span))
    shifts = effective_shifts(plan, overrides)

    assert shifts[0].start == plan.horizon_start
    assert shifts[-1].end == plan.horizon_end
    assert all(s.start < s.end for s in shifts)
    assert all(a.end == b.start for a, b in pairwise(shifts))
    planned_cuts = {s.start for s in plan.shifts}
    assert planned_cuts <= {s.start for s in shifts}  # planned handoffs are never merged away

    index = OnCallIndex.from_schedule(plan, overrides)
    assert index.shifts == shifts
    instants = data.draw(st.lists(st.integers(0, span * 60_000_000 - 1), min_size=1, max_size=10))
    cuts = [s.start for s in shifts]
    for micros in [*instants, 0, span * 60_000_000 - 1]:
        at = plan.horizon_start + timedelta(microseconds=micros)
        containing = [s for s in shifts if s.start <= at < s.end]  # linear scan
        assert len(containing) == 1
        assert index.shift_at(at) == containing[0]
        for role in ROLES:
            assert containing[0].assignments[role] == expected_holder(plan, overrides, role, at)
    for cut in cuts:  # exact at every boundary: the piece starting there
        assert index.shift_at(cut).start == cut
