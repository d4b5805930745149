"""Who is on call at an instant: lookup at handoffs and across DST, overrides, escalation chains.

Schedules are written out by hand so each expectation can be checked by reading the test.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rota.config import config_from_document, load_config
from rota.errors import ScheduleNotFound, UsageError
from rota.horizon import build_grid
from rota.model import Override, Schedule, ScheduledShift
from rota.oncall import (
    HolderSource,
    OnCallAnswer,
    OnCallIndex,
    oncall_view,
    resolve_oncall,
)
from rota.team import Team, team_from_config
from rota.yamlfile import parse_yaml

DATA = Path(__file__).parent / "data"
US = timedelta(microseconds=1)


def utc(text: str) -> datetime:
    """``"2026-12-07 06:00"`` -> aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def schedule(team_id: str, rows: Sequence[tuple[str, str, dict[str, str]]]) -> Schedule:
    shifts = tuple(ScheduledShift(utc(a), utc(b), holders) for a, b, holders in rows)
    return Schedule(team_id, shifts[0].start, shifts[-1].end, shifts, version=1)


def override(
    team_id: str, role: str, member: str, start: str, end: str, oid: int, created: str
) -> Override:
    return Override(team_id, role, member, utc(start), utc(end), id=oid, created_at=utc(created))


# ------------------------------------------------------------------------------------------------
# The SPEC example team (platform): alice, carol, dave; roles primary, secondary; 6 h shifts.

PLATFORM_DAY = [
    ("2026-12-07 00:00", "2026-12-07 06:00", {"primary": "dave", "secondary": "carol"}),
    ("2026-12-07 06:00", "2026-12-07 12:00", {"primary": "alice", "secondary": "carol"}),
    ("2026-12-07 12:00", "2026-12-07 18:00", {"primary": "alice", "secondary": "dave"}),
    ("2026-12-07 18:00", "2026-12-08 00:00", {"primary": "carol", "secondary": "dave"}),
]


@pytest.fixture(scope="module")
def platform() -> Team:
    return team_from_config(load_config(DATA / "spec_example.yaml"))


@pytest.fixture(scope="module")
def ops() -> Team:
    return team_from_config(load_config(DATA / "oncall_team.yaml"))


@pytest.fixture(scope="module")
def platform_index() -> OnCallIndex:
    return OnCallIndex.from_schedule(schedule("platform", PLATFORM_DAY))


def who(answer: OnCallAnswer) -> dict[str, str]:
    return {holder.role: holder.member.id for holder in answer.holders}


# ------------------------------------------------------------------------------------------------
# Lookup at handoffs: [start, end) -- the end instant of one shift belongs to the next.


@pytest.mark.parametrize(
    ("at", "start", "primary"),
    [
        (utc("2026-12-07 00:00"), "2026-12-07 00:00", "dave"),  # horizon start
        (utc("2026-12-07 06:00") - US, "2026-12-07 00:00", "dave"),  # 1 µs before the handoff
        (utc("2026-12-07 06:00"), "2026-12-07 06:00", "alice"),  # at the handoff
        (utc("2026-12-07 06:00") + US, "2026-12-07 06:00", "alice"),  # just after
        (utc("2026-12-08 00:00") - US, "2026-12-07 18:00", "carol"),  # last µs of the horizon
    ],
)
def test_lookup_is_exact_at_handoffs(
    platform: Team, platform_index: OnCallIndex, at: datetime, start: str, primary: str
) -> None:
    answer = resolve_oncall(platform, platform_index, at)
    assert answer.shift.start == utc(start)
    assert answer.shift.end == utc(start) + timedelta(hours=6)
    assert answer.holder("primary").member.id == primary
    assert answer.holder("primary").source is HolderSource.PLANNED


def test_lookup_accepts_any_aware_zone(platform_index: OnCallIndex) -> None:
    local = datetime(2026, 12, 7, 7, 0, tzinfo=ZoneInfo("Europe/Warsaw"))  # 06:00Z
    assert platform_index.shift_at(local).start == utc("2026-12-07 06:00")


@pytest.mark.parametrize("at", [utc("2026-12-08 00:00"), utc("2026-12-06 23:59")])
def test_outside_the_horizon_is_schedule_not_found(
    platform: Team, platform_index: OnCallIndex, at: datetime
) -> None:
    with pytest.raises(
        ScheduleNotFound,
        match=r"no schedule for team 'platform' at 2026-12-0\dT\d\d:\d\d:00Z; "
        r"the stored schedule covers 2026-12-07T00:00:00Z \u2013 2026-12-08T00:00:00Z",
    ):
        resolve_oncall(platform, platform_index, at)


def test_outside_message_keeps_microseconds(platform_index: OnCallIndex) -> None:
    with pytest.raises(ScheduleNotFound, match=r"at 2026-12-06T23:59:59\.999999Z;"):
        platform_index.shift_at(utc("2026-12-07 00:00") - US)


def test_naive_instant_is_rejected(platform: Team, platform_index: OnCallIndex) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        resolve_oncall(platform, platform_index, datetime(2026, 12, 7, 6, 0))


# ------------------------------------------------------------------------------------------------
# DST: a daily Europe/Warsaw team, handoff 09:00 local. On 2027-03-28 clocks go 02:00 -> 03:00,
# so the shift from Sat 27th 09:00 CET (08:00Z) to Sun 28th 09:00 CEST (07:00Z) lasts 23 hours.

WARSAW_TEAM = """\
team: {id: waw, timezone: Europe/Warsaw}
horizon: {start: 2027-03-22, weeks: 1}
rotation: {kind: daily, roles: [primary], handoff: "09:00"}
weekends: {split: whole, max: 1, per_weeks: 1}
members:
  - {id: ann, timezone: Europe/Warsaw}
  - {id: bob, timezone: Europe/Warsaw}
  - {id: cat, timezone: Europe/Warsaw}
"""


@pytest.fixture(scope="module")
def warsaw() -> tuple[Team, OnCallIndex]:
    team = team_from_config(config_from_document(parse_yaml(WARSAW_TEAM, "waw.yaml")))
    grid = build_grid(team)
    names = ["ann", "bob", "cat"]
    shifts = tuple(
        ScheduledShift(s.start, s.end, {"primary": names[s.index % 3]}) for s in grid.shifts
    )
    planned = Schedule("waw", grid.start, grid.end, shifts)
    return team, OnCallIndex.from_schedule(planned)


def test_dst_grid_has_the_23_hour_shift(warsaw: tuple[Team, OnCallIndex]) -> None:
    _, index = warsaw
    assert [s.start for s in index.shifts][-2:] == [
        utc("2027-03-27 08:00"),  # 09:00 CET
        utc("2027-03-28 07:00"),  # 09:00 CEST
    ]
    assert index.shifts[-2].end - index.shifts[-2].start == timedelta(hours=23)


@pytest.mark.parametrize(
    ("at", "start", "holder"),
    [
        (utc("2027-03-28 01:00") - US, "2027-03-27 08:00", "cat"),  # 01:59:59.999999 CET
        (utc("2027-03-28 01:00"), "2027-03-27 08:00", "cat"),  # 03:00 CEST, the jump itself
        (utc("2027-03-28 07:00") - US, "2027-03-27 08:00", "cat"),  # 08:59:59.999999 CEST
        (utc("2027-03-28 07:00"), "2027-03-28 07:00", "ann"),  # 09:00 CEST handoff
        (utc("2027-03-28 07:00") + US, "2027-03-28 07:00", "ann"),
        (datetime(2027, 3, 28, 9, 0, tzinfo=ZoneInfo("Europe/Warsaw")), "2027-03-28 07:00", "ann"),
    ],
)
def test_dst_lookup(
    warsaw: tuple[Team, OnCallIndex], at: datetime, start: str, holder: str
) -> None:
    team, index = warsaw
    answer = resolve_oncall(team, index, at)
    assert answer.shift.start == utc(start)
    assert answer.holder("primary").member.id == holder


def test_dst_next_handoff_is_the_local_0900(warsaw: tuple[Team, OnCallIndex]) -> None:
    team, index = warsaw
    answer = resolve_oncall(team, index, utc("2027-03-27 12:00"))
    assert answer.next_handoff is not None
    assert answer.next_handoff.at == utc("2027-03-28 07:00")
    assert [(c.role, c.before.id, c.after.id) for c in answer.next_handoff.changes] == [
        ("primary", "cat", "ann")
    ]


def test_no_next_handoff_in_the_last_shift(warsaw: tuple[Team, OnCallIndex]) -> None:
    team, index = warsaw
    assert resolve_oncall(team, index, utc("2027-03-28 12:00")).next_handoff is None


# ------------------------------------------------------------------------------------------------
# Overrides: dave takes primary 08:00-10:00 in the middle of alice's 06:00-12:00 shift.


@pytest.fixture(scope="module")
def split_index() -> OnCallIndex:
    overrides = [
        override(
            "platform",
            "primary",
            "dave",
            "2026-12-07 08:00",
            "2026-12-07 10:00",
            7,
            "2026-12-01 00:00",
        )
    ]
    return OnCallIndex.from_schedule(schedule("platform", PLATFORM_DAY), overrides)


@pytest.mark.parametrize(
    ("at", "piece", "primary", "source", "handoff", "changes"),
    [
        (
            "2026-12-07 07:59:59.999999",
            ("06:00", "08:00"),
            "alice",
            HolderSource.PLANNED,
            "2026-12-07 08:00",
            {"primary": ("alice", "dave")},
        ),
        (
            "2026-12-07 08:00",
            ("08:00", "10:00"),
            "dave",
            HolderSource.OVERRIDE,
            "2026-12-07 10:00",
            {"primary": ("dave", "alice")},
        ),
        (
            "2026-12-07 09:59:59.999999",
            ("08:00", "10:00"),
            "dave",
            HolderSource.OVERRIDE,
            "2026-12-07 10:00",
            {"primary": ("dave", "alice")},
        ),
        (
            "2026-12-07 10:00",
            ("10:00", "12:00"),
            "alice",
            HolderSource.PLANNED,
            "2026-12-07 12:00",
            {"secondary": ("carol", "dave")},
        ),
    ],
)
def test_override_splits_a_shift(
    platform: Team,
    split_index: OnCallIndex,
    at: str,
    piece: tuple[str, str],
    primary: str,
    source: HolderSource,
    handoff: str,
    changes: dict[str, tuple[str, str]],
) -> None:
    answer = resolve_oncall(platform, split_index, utc(at))
    assert (answer.shift.start, answer.shift.end) == (
        utc(f"2026-12-07 {piece[0]}"),
        utc(f"2026-12-07 {piece[1]}"),
    )
    assert who(answer) == {"primary": primary, "secondary": "carol"}
    assert answer.holder("primary").source is source
    assert answer.holder("primary").override_id == (7 if source is HolderSource.OVERRIDE else None)
    assert answer.holder("secondary").source is HolderSource.PLANNED
    assert answer.next_handoff is not None
    assert answer.next_handoff.at == utc(handoff)
    assert {c.role: (c.before.id, c.after.id) for c in answer.next_handoff.changes} == changes


def overlapping(first_created: str, second_created: str) -> list[Override]:
    """carol takes primary 13-16 (id 1), alice (the planned holder) takes it 15-17 (id 2)."""
    return [
        override(
            "platform",
            "primary",
            "alice",
            "2026-12-07 15:00",
            "2026-12-07 17:00",
            2,
            second_created,
        ),
        override(
            "platform", "primary", "carol", "2026-12-07 13:00", "2026-12-07 16:00", 1, first_created
        ),
    ]


def test_overlapping_overrides_later_created_wins(platform: Team) -> None:
    index = OnCallIndex.from_schedule(
        schedule("platform", PLATFORM_DAY), overlapping("2026-12-01 00:00", "2026-12-02 00:00")
    )

    def primary(at: str) -> tuple[str, int | None]:
        holder = resolve_oncall(platform, index, utc(at)).holder("primary")
        return holder.member.id, holder.override_id

    assert primary("2026-12-07 12:59") == ("alice", None)
    assert primary("2026-12-07 13:00") == ("carol", 1)
    assert primary("2026-12-07 14:59") == ("carol", 1)
    assert primary("2026-12-07 15:00") == ("alice", 2)  # the later override wins the overlap
    assert primary("2026-12-07 16:59") == ("alice", 2)
    assert primary("2026-12-07 17:00") == ("alice", None)


def test_overlapping_overrides_order_is_creation_not_input(platform: Team) -> None:
    # Same input order, but now carol's override is the later one: it wins 15:00-16:00.
    index = OnCallIndex.from_schedule(
        schedule("platform", PLATFORM_DAY), overlapping("2026-12-02 00:00", "2026-12-01 00:00")
    )
    answer = resolve_oncall(platform, index, utc("2026-12-07 15:30"))
    assert (answer.holder("primary").member.id, answer.shift.end) == (
        "carol",
        utc("2026-12-07 16:00"),
    )


def test_next_handoff_skips_boundaries_where_nobody_changes(platform: Team) -> None:
    index = OnCallIndex.from_schedule(
        schedule("platform", PLATFORM_DAY), overlapping("2026-12-01 00:00", "2026-12-02 00:00")
    )
    # 15:30: alice by override until 17:00, then alice as planned until 18:00 (no change at 17:00);
    # at 18:00 primary goes to carol, secondary stays with dave (not listed).
    answer = resolve_oncall(platform, index, utc("2026-12-07 15:30"))
    assert answer.shift.end == utc("2026-12-07 17:00")
    assert answer.next_handoff is not None
    assert answer.next_handoff.at == utc("2026-12-07 18:00")
    assert [(c.role, c.before.id, c.after.id) for c in answer.next_handoff.changes] == [
        ("primary", "alice", "carol")
    ]


def test_next_handoff_skips_planned_shifts_with_the_same_holders(
    ops: Team, ops_index: OnCallIndex
) -> None:
    # Jan 6 and Jan 7 both have primary dan, secondary ann.
    answer = resolve_oncall(ops, ops_index, utc("2027-01-06 12:00"))
    assert answer.shift.end == utc("2027-01-07 00:00")
    assert answer.next_handoff is not None
    assert answer.next_handoff.at == utc("2027-01-08 00:00")
    assert {c.role: (c.before.id, c.after.id) for c in answer.next_handoff.changes} == {
        "primary": ("dan", "ann"),
        "secondary": ("ann", "cat"),
    }


# ------------------------------------------------------------------------------------------------
# Escalation chains of the SPEC example (platform) at 2026-12-07 06:30: alice primary, carol
# secondary.


def chain(answer: OnCallAnswer) -> list[tuple[int, int, list[tuple[str, str | None]]]]:
    return [
        (
            level.number,
            level.ack_timeout_minutes,
            [(p.member.id, p.via_role) for p in level.members],
        )
        for level in answer.levels
    ]


def test_default_chain(platform: Team, platform_index: OnCallIndex) -> None:
    answer = resolve_oncall(platform, platform_index, utc("2026-12-07 06:30"))
    assert answer.severity is None
    assert answer.repeat == 1
    assert chain(answer) == [
        (1, 5, [("alice", "primary")]),
        (2, 10, [("carol", "secondary")]),
        (3, 5, [("carol", None)]),
    ]


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        (
            "outage",
            [(1, 3, [("alice", "primary"), ("carol", "secondary")]), (2, 5, [("carol", None)])],
        ),
        (
            "corruption",
            [
                (1, 5, [("alice", "primary")]),
                (2, 5, [("carol", "secondary")]),
                (3, 5, [("carol", None)]),
            ],
        ),
        ("degradation", [(1, 15, [("alice", "primary")])]),
    ],
)
def test_severity_chains(
    platform: Team,
    platform_index: OnCallIndex,
    severity: str,
    expected: list[tuple[int, int, list[tuple[str, str | None]]]],
) -> None:
    answer = resolve_oncall(platform, platform_index, utc("2026-12-07 06:30"), severity)
    assert answer.severity == severity
    assert chain(answer) == expected


def test_unknown_severity_names_the_known_ones(platform: Team, platform_index: OnCallIndex) -> None:
    with pytest.raises(
        UsageError,
        match=r"unknown severity 'sev1' for team 'platform' "
        r"\(known: corruption, degradation, outage\)",
    ):
        resolve_oncall(platform, platform_index, utc("2026-12-07 06:30"), "sev1")


def test_severity_for_a_team_without_severities(ops: Team, ops_index: OnCallIndex) -> None:
    with pytest.raises(UsageError, match=r"team 'ops' defines no severities"):
        resolve_oncall(ops, ops_index, utc("2027-01-04 12:00"), "outage")


def test_unavailable_role_holder_is_skipped_with_reason(platform: Team) -> None:
    # alice's vacation (2026-12-21 .. 2027-01-03, Warsaw) was added after this shift was planned.
    planned = schedule(
        "platform",
        [("2026-12-22 06:00", "2026-12-22 12:00", {"primary": "alice", "secondary": "dave"})],
    )
    answer = resolve_oncall(
        platform, OnCallIndex.from_schedule(planned), utc("2026-12-22 07:00"), "outage"
    )
    first = answer.levels[0]
    assert [(p.member.id, p.via_role) for p in first.members] == [("dave", "secondary")]
    assert [(s.member.id, s.via_role, s.reason, s.until) for s in first.skipped] == [
        ("alice", "primary", "vacation", utc("2027-01-03 23:00"))  # end of 3 Jan in Warsaw
    ]
    assert first.skipped[0].text == "vacation until 2027-01-03T23:00:00Z"
    assert answer.holder("primary").member.id == "alice"  # still shown as the holder


# ------------------------------------------------------------------------------------------------
# The ops team (tests/data/oncall_team.yaml): levels [primary, ann] then [secondary, cat] (10 min),
# repeat 3. bob (Warsaw) is sick on 5 Jan and on vacation on 6 Jan, local days.

OPS_WEEK = [
    ("2027-01-04 00:00", "2027-01-05 00:00", {"primary": "ann", "secondary": "cat"}),
    ("2027-01-05 00:00", "2027-01-06 00:00", {"primary": "bob", "secondary": "cat"}),
    ("2027-01-06 00:00", "2027-01-07 00:00", {"primary": "dan", "secondary": "ann"}),
    ("2027-01-07 00:00", "2027-01-08 00:00", {"primary": "dan", "secondary": "ann"}),
    ("2027-01-08 00:00", "2027-01-09 00:00", {"primary": "ann", "secondary": "cat"}),
    ("2027-01-09 00:00", "2027-01-10 00:00", {"primary": "bob", "secondary": "dan"}),
    ("2027-01-10 00:00", "2027-01-11 00:00", {"primary": "bob", "secondary": "dan"}),
]


@pytest.fixture(scope="module")
def ops_index() -> OnCallIndex:
    return OnCallIndex.from_schedule(schedule("ops", OPS_WEEK))


def test_member_paged_once_per_level(ops: Team, ops_index: OnCallIndex) -> None:
    # ann holds primary and is also a member target of level 1; cat likewise in level 2.
    answer = resolve_oncall(ops, ops_index, utc("2027-01-04 12:00"))
    assert answer.repeat == 3
    assert chain(answer) == [(1, 5, [("ann", "primary")]), (2, 10, [("cat", "secondary")])]
    assert all(not level.skipped for level in answer.levels)


def test_skipped_until_the_end_of_joined_unavailability(ops: Team, ops_index: OnCallIndex) -> None:
    # bob: sick 5 Jan then vacation 6 Jan (Warsaw days) -> unavailable until 6 Jan 23:00Z.
    answer = resolve_oncall(ops, ops_index, utc("2027-01-05 12:00"))
    assert chain(answer)[0] == (1, 5, [("ann", None)])
    assert [(s.member.id, s.text) for s in answer.levels[0].skipped] == [
        ("bob", "sick until 2027-01-06T23:00:00Z")
    ]


def test_role_holder_away_member_target_still_paged(ops: Team) -> None:
    # dan holds primary during his dentist appointment (10:00-12:00): ann (member target) is paged.
    planned = schedule(
        "ops", [("2027-01-04 10:00", "2027-01-04 12:00", {"primary": "dan", "secondary": "cat"})]
    )
    answer = resolve_oncall(ops, OnCallIndex.from_schedule(planned), utc("2027-01-04 11:00"))
    assert chain(answer) == [(1, 5, [("ann", None)]), (2, 10, [("cat", "secondary")])]
    assert [s.text for s in answer.levels[0].skipped] == ["dentist until 2027-01-04T12:00:00Z"]


def test_level_with_everybody_skipped_stays_in_the_chain(platform: Team) -> None:
    planned = schedule(
        "platform",
        [("2026-12-22 06:00", "2026-12-22 12:00", {"primary": "alice", "secondary": "dave"})],
    )
    index = OnCallIndex.from_schedule(planned)
    answer = resolve_oncall(platform, index, utc("2026-12-22 07:00"), "degradation")
    assert chain(answer) == [(1, 15, [])]
    assert [s.member.id for s in answer.levels[0].skipped] == ["alice"]


# ------------------------------------------------------------------------------------------------
# The JSON document.


def test_oncall_view(platform: Team, split_index: OnCallIndex) -> None:
    answer = resolve_oncall(platform, split_index, utc("2026-12-07 08:30"), "outage")
    assert oncall_view(answer) == {
        "team": "platform",
        "at": "2026-12-07T08:30:00Z",
        "shift": {"start": "2026-12-07T08:00:00Z", "end": "2026-12-07T10:00:00Z"},
        "holders": {
            "primary": {
                "id": "dave",
                "name": "dave",
                "email": None,
                "timezone": "Asia/Kolkata",
                "source": "override",
                "override_id": 7,
            },
            "secondary": {
                "id": "carol",
                "name": "carol",
                "email": None,
                "timezone": "America/New_York",
                "source": "planned",
                "override_id": None,
            },
        },
        "severity": "outage",
        "repeat": 1,
        "levels": [
            {
                "level": 1,
                "ack_timeout_minutes": 3,
                "members": [
                    {
                        "id": "dave",
                        "name": "dave",
                        "email": None,
                        "timezone": "Asia/Kolkata",
                        "via": "primary",
                        "phone": None,
                    },
                    {
                        "id": "carol",
                        "name": "carol",
                        "email": None,
                        "timezone": "America/New_York",
                        "via": "secondary",
                        "phone": None,
                    },
                ],
                "skipped": [],
            },
            {
                "level": 2,
                "ack_timeout_minutes": 5,
                "members": [
                    {
                        "id": "carol",
                        "name": "carol",
                        "email": None,
                        "timezone": "America/New_York",
                        "via": "member",
                        "phone": None,
                    }
                ],
                "skipped": [],
            },
        ],
        "next_handoff": {
            "at": "2026-12-07T10:00:00Z",
            "changes": {"primary": {"from": "dave", "to": "alice"}},
        },
    }


def test_oncall_view_skipped_and_no_handoff(ops: Team, ops_index: OnCallIndex) -> None:
    document = oncall_view(resolve_oncall(ops, ops_index, utc("2027-01-10 23:59:59.5")))
    assert document["at"] == "2027-01-10T23:59:59.500000Z"
    assert document["next_handoff"] is None
    assert document["holders"]["primary"]["id"] == "bob"
    document = oncall_view(resolve_oncall(ops, ops_index, utc("2027-01-05 01:00")))
    assert document["levels"][0]["skipped"] == [
        {
            "id": "bob",
            "reason": "sick until 2027-01-06T23:00:00Z",
            "until": "2027-01-06T23:00:00Z",
            "via": "primary",
        }
    ]
    assert document["holders"]["primary"] == {
        "id": "bob",
        "name": "bob",
        "email": None,
        "timezone": "Europe/Warsaw",
        "source": "planned",
        "override_id": None,
    }


def test_holder_missing_from_the_team_file_is_shown_by_id(ops: Team) -> None:
    planned = schedule(
        "ops", [("2027-01-04 00:00", "2027-01-05 00:00", {"primary": "gone", "secondary": "cat"})]
    )
    answer = resolve_oncall(ops, OnCallIndex.from_schedule(planned), utc("2027-01-04 01:00"))
    assert oncall_view(answer)["holders"]["primary"] == {
        "id": "gone",
        "name": "gone",
        "email": None,
        "timezone": "UTC",
        "source": "planned",
        "override_id": None,
    }
    assert chain(answer)[0] == (1, 5, [("gone", "primary"), ("ann", None)])


def test_index_rejects_a_schedule_with_a_gap() -> None:
    shifts = [
        ScheduledShift(utc("2027-01-04 00:00"), utc("2027-01-05 00:00"), {"primary": "ann"}),
        ScheduledShift(utc("2027-01-05 01:00"), utc("2027-01-06 00:00"), {"primary": "bob"}),
    ]
    with pytest.raises(ValueError, match="do not tile"):
        OnCallIndex("ops", shifts)


def test_index_of_another_team_is_refused(ops: Team, platform_index: OnCallIndex) -> None:
    with pytest.raises(ValueError, match="index of team 'platform' used for team 'ops'"):
        resolve_oncall(ops, platform_index, utc("2026-12-07 06:00"))
