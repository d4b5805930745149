"""Calendar feeds: merged events, their text, stable UIDs, SEQUENCE, scopes and RFC 5545 shape.

The fixture is ``data/platform.yaml``: 3 members, daily 09:00 Warsaw handoffs (08:00 UTC in
December), 7 shifts from Mon 2026-12-07. ``WEEK`` below is the rota, one row per day.
Golden files: set ``ROTA_UPDATE_GOLDEN=1`` to rewrite them, then review the diff.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from rota.calendar import (
    FeedEvent,
    FeedScope,
    build_calendar,
    build_events,
    event_uid,
    events_across_versions,
    feed_bytes,
)
from rota.errors import FeedError
from rota.model import ScheduledShift
from rota.team import Team
from tests.calendar.helpers import STAMP, load_team, rota

GOLDEN = Path(__file__).parent / "golden"

#         primary  secondary
WEEK = [
    ("alice", "bob"),  # Mon 12-07
    ("alice", "carol"),  # Tue 12-08
    ("bob", "carol"),  # Wed 12-09
    ("bob", "alice"),  # Thu 12-10
    ("carol", "alice"),  # Fri 12-11
    ("carol", "bob"),  # Sat 12-12
    ("carol", "bob"),  # Sun 12-13
]


def day(n: int) -> datetime:
    """The handoff opening day ``n`` of the week (0 = Mon 2026-12-07 08:00 UTC)."""
    return datetime(2026, 12, 7, 8, tzinfo=UTC) + timedelta(days=n)


def week(rows: list[tuple[str, str]]) -> tuple[ScheduledShift, ...]:
    return rota(PLATFORM, [{"primary": p, "secondary": s} for p, s in rows])


def changed(day_index: int, primary: str, secondary: str) -> list[tuple[str, str]]:
    rows = list(WEEK)
    rows[day_index] = (primary, secondary)
    return rows


def outline(events: tuple[FeedEvent, ...]) -> list[tuple[str, str, int, int, int]]:
    """(role, member, first day, end day, sequence) per event, for hand-checkable asserts."""
    base = day(0)
    return [
        (
            e.role,
            e.member_id,
            (e.start - base) // timedelta(days=1),
            (e.end - base) // timedelta(days=1),
            e.sequence,
        )
        for e in events
    ]


PLATFORM = load_team("platform")
DATABASE = load_team("database")
EVENTS = build_events(PLATFORM, week(WEEK))


# ----------------------------------------------------------------------------------- events


def test_adjacent_shifts_of_one_member_in_one_role_become_one_event() -> None:
    assert outline(EVENTS) == [
        ("primary", "alice", 0, 2, 0),
        ("secondary", "bob", 0, 1, 0),
        ("secondary", "carol", 1, 3, 0),
        ("primary", "bob", 2, 4, 0),
        ("secondary", "alice", 3, 5, 0),
        ("primary", "carol", 4, 7, 0),
        ("secondary", "bob", 5, 7, 0),
    ]


def test_summary_says_role_and_team() -> None:
    assert {e.summary for e in EVENTS} == {
        "On call: primary — Platform SRE",
        "On call: secondary — Platform SRE",
    }


def test_description_gives_escalation_partners_and_handoffs() -> None:
    alice_primary, bob_secondary, carol_secondary = EVENTS[0], EVENTS[1], EVENTS[2]
    assert alice_primary.description == (
        "alice (Alice Nowak) is primary for Platform SRE.\n"
        "Secondary: bob (Bob Brown) until 2026-12-08 08:00 UTC, then carol\n"
        "Hands over to bob (Bob Brown) at 2026-12-09 08:00 UTC (09:00 Europe/Warsaw)."
    )
    # Times in the holder's own zone; a date is shown when it differs from the UTC date.
    assert bob_secondary.description == (
        "bob (Bob Brown) is secondary for Platform SRE.\n"
        "Primary: alice (Alice Nowak)\n"
        "Hands over to carol at 2026-12-08 08:00 UTC (03:00 America/New_York)."
    )
    assert carol_secondary.description == (
        "carol is secondary for Platform SRE.\n"
        "Primary: alice (Alice Nowak) until 2026-12-09 08:00 UTC, then bob (Bob Brown)\n"
        "Takes over from bob (Bob Brown) at 2026-12-08 08:00 UTC (13:30 Asia/Kolkata).\n"
        "Hands over to alice (Alice Nowak) at 2026-12-10 08:00 UTC (13:30 Asia/Kolkata)."
    )
    assert EVENTS[-1].description.endswith(
        "Ends at 2026-12-14 08:00 UTC (03:00 America/New_York): end of the published schedule."
    )


def test_description_names_gaps_when_a_role_is_unheld() -> None:
    shifts = list(week(WEEK))
    shifts[1] = ScheduledShift(shifts[1].start, shifts[1].end, {"primary": "alice"})
    events = build_events(PLATFORM, shifts)
    bob_secondary = next(e for e in events if e.role == "secondary" and e.member_id == "bob")
    assert bob_secondary.description.endswith(
        "Ends at 2026-12-08 08:00 UTC (03:00 America/New_York); nobody holds secondary until"
        " 2026-12-09 08:00 UTC (03:00 America/New_York)."
    )
    assert "Secondary: bob (Bob Brown) until 2026-12-08 08:00 UTC, then nobody" in (
        events[0].description
    )


def test_shift_order_does_not_matter() -> None:
    assert build_events(PLATFORM, tuple(reversed(week(WEEK)))) == EVENTS


def test_overlapping_shifts_are_refused() -> None:
    shifts = list(week(WEEK))
    shifts[1] = ScheduledShift(shifts[1].start - timedelta(hours=1), shifts[1].end, {})
    with pytest.raises(FeedError, match=r"2026-12-07T08:00:00\+00:00 and 2026-12-08T07:00"):
        build_events(PLATFORM, shifts)


def test_naive_times_are_refused() -> None:
    naive = ScheduledShift(datetime(2026, 12, 7, 8), datetime(2026, 12, 8, 8), {"primary": "bob"})
    with pytest.raises(FeedError, match="has no zone"):
        build_events(PLATFORM, [naive])


# ------------------------------------------------------------------------- UID and SEQUENCE


def test_uid_is_team_role_and_start_in_utc() -> None:
    assert [e.uid for e in EVENTS[:2]] == [
        "platform-primary-20261207T080000Z@rota",
        "platform-secondary-20261207T080000Z@rota",
    ]
    assert all(e.uid == event_uid(e.team_id, e.role, e.start) for e in EVENTS)


def test_resolve_elsewhere_keeps_uids_and_sequence_of_untouched_events() -> None:
    # Saturday's secondary moves from bob to alice: alice's Thu-Sat event grows to Sunday.
    after = build_events(PLATFORM, week(changed(5, "carol", "alice")), previous=EVENTS)
    assert outline(after) == [
        ("primary", "alice", 0, 2, 0),
        ("secondary", "bob", 0, 1, 0),
        ("secondary", "carol", 1, 3, 0),
        ("primary", "bob", 2, 4, 0),
        ("secondary", "alice", 3, 6, 1),  # same UID, longer
        ("primary", "carol", 4, 7, 1),  # same UID, partner text changed
        ("secondary", "bob", 6, 7, 0),  # new slot, new UID
    ]
    before_uids = {e.uid: e for e in EVENTS}
    untouched = [e for e in after if e.start < day(3)]
    assert all(before_uids[e.uid] == e for e in untouched)
    assert after[4].uid == EVENTS[4].uid
    assert after[6].uid == event_uid("platform", "secondary", day(6))
    assert event_uid("platform", "secondary", day(5)) not in {e.uid for e in after}


def test_split_event_keeps_its_uid_for_the_first_part() -> None:
    # Tuesday's primary moves from alice to bob: alice Mon-Wed becomes Mon-Tue; bob Tue-Fri.
    after = build_events(PLATFORM, week(changed(1, "bob", "carol")), previous=EVENTS)
    primary = [e for e in after if e.role == "primary"]
    assert outline(tuple(primary)) == [
        ("primary", "alice", 0, 1, 1),
        ("primary", "bob", 1, 4, 0),
        ("primary", "carol", 4, 7, 0),
    ]
    assert primary[0].uid == EVENTS[0].uid
    assert primary[1].uid == event_uid("platform", "primary", day(1))
    assert EVENTS[3].uid not in {e.uid for e in after}  # bob's old Wed start: merged away


def test_new_holder_of_a_slot_keeps_the_uid_with_a_higher_sequence() -> None:
    after = build_events(PLATFORM, week(changed(0, "carol", "bob")), previous=EVENTS)
    assert (after[0].uid, after[0].member_id, after[0].sequence) == (EVENTS[0].uid, "carol", 1)


def test_identical_resolve_keeps_every_sequence() -> None:
    bumped = tuple(replace(e, sequence=4) for e in EVENTS)
    assert build_events(PLATFORM, week(WEEK), previous=bumped) == bumped


def test_sequence_rises_through_versions_and_survives_a_gap() -> None:
    versions = [
        week(WEEK),
        week(changed(1, "bob", "carol")),  # alice's Mon event shrinks: seq 1
        week(WEEK),  # and grows back: seq 2; bob's Tue event vanishes
        week(changed(1, "bob", "alice")),  # bob's Tue UID is back, other partner: seq 1
    ]
    events = events_across_versions(PLATFORM, versions)
    by_uid = {e.uid: e.sequence for e in events}
    assert by_uid[EVENTS[0].uid] == 3
    assert by_uid[event_uid("platform", "primary", day(1))] == 1
    # Back exactly as last published: it keeps that SEQUENCE.
    same = events_across_versions(PLATFORM, [*versions[:3], versions[1]])
    assert {e.uid: e.sequence for e in same}[event_uid("platform", "primary", day(1))] == 0


# ----------------------------------------------------------------------------------- scopes


def database_week() -> tuple[ScheduledShift, ...]:
    holders = ["dave", "dave", "dave", "dave", "dave", "alice", "alice"]
    return rota(DATABASE, [{"primary": m} for m in holders])


def test_member_feed_spans_teams() -> None:
    events = [*EVENTS, *build_events(DATABASE, database_week())]
    calendar = build_calendar(events, FeedScope.for_member("alice", "Alice Nowak"), stamp=STAMP)
    assert calendar["X-WR-CALNAME"] == "On call: alice (Alice Nowak)"
    assert [(str(v["UID"]), v.decoded("DTSTART")) for v in calendar.walk("VEVENT")] == [
        ("platform-primary-20261207T080000Z@rota", day(0)),
        ("platform-secondary-20261210T080000Z@rota", day(3)),
        ("database-primary-20261212T080000Z@rota", day(5)),
    ]
    assert str(calendar.walk("VEVENT")[2]["SUMMARY"]) == "On call: primary — Database"


def test_role_feed_has_only_that_role() -> None:
    calendar = build_calendar(EVENTS, FeedScope.for_role(PLATFORM, "secondary"), stamp=STAMP)
    assert calendar["NAME"] == "On call: Platform SRE — secondary"
    uids = [str(v["UID"]) for v in calendar.walk("VEVENT")]
    assert uids == [e.uid for e in EVENTS if e.role == "secondary"]
    assert len(uids) == 4


def test_team_feed_leaves_out_other_teams() -> None:
    events = [*EVENTS, *build_events(DATABASE, database_week())]
    calendar = build_calendar(events, FeedScope.for_team(PLATFORM), stamp=STAMP)
    assert [str(v["UID"]) for v in calendar.walk("VEVENT")] == [e.uid for e in EVENTS]


def test_unknown_role_is_refused() -> None:
    with pytest.raises(FeedError, match=r"unknown role 'tertiary' \(roles: primary, secondary\)"):
        FeedScope.for_role(PLATFORM, "tertiary")


def test_same_events_twice_is_refused() -> None:
    with pytest.raises(FeedError, match="share the UID platform-primary-20261207T080000Z@rota"):
        build_calendar([*EVENTS, *EVENTS], FeedScope.for_team(PLATFORM), stamp=STAMP)


def test_naive_stamp_is_refused() -> None:
    with pytest.raises(FeedError, match="no zone"):
        build_calendar(EVENTS, FeedScope.for_team(PLATFORM), stamp=datetime(2026, 12, 1))


# ---------------------------------------------------------------------------- RFC 5545 shape


def test_feed_has_rfc5545_and_rfc7986_calendar_properties() -> None:
    data = feed_bytes(EVENTS, FeedScope.for_team(PLATFORM), stamp=STAMP)
    header = data.split(b"BEGIN:VEVENT", 1)[0].decode()
    assert header.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rota//")
    for line in (
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "NAME:On call: Platform SRE",
        "X-WR-CALNAME:On call: Platform SRE",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ):
        assert f"\r\n{line}\r\n" in header
    assert data.endswith(b"END:VCALENDAR\r\n")


def test_every_event_has_uid_dtstamp_and_utc_times_only() -> None:
    data = feed_bytes(EVENTS, FeedScope.for_team(PLATFORM), stamp=STAMP)
    calendar = Calendar.from_ical(data)
    for vevent in calendar.walk("VEVENT"):
        assert vevent["UID"]
        assert vevent.decoded("DTSTAMP") == STAMP  # the schedule's created_at, not the clock
    assert re.findall(rb"^DT(?:START|END|STAMP)[;:].*$", data, re.MULTILINE) == re.findall(
        rb"^DT(?:START|END|STAMP):\d{8}T\d{6}Z\r$", data, re.MULTILINE
    )
    assert b"TZID" not in data  # UTC only: no VTIMEZONE needed


def test_lines_end_in_crlf_and_fold_at_75_octets_without_splitting_characters() -> None:
    wordy = [replace(e, description=e.description + " Zażółć gęślą jaźń. " * 9) for e in EVENTS]
    data = feed_bytes(wordy, FeedScope.for_team(PLATFORM), stamp=STAMP)
    assert b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)
    for line in lines:
        line.decode("utf-8")  # no multi-byte character cut in two by folding
    parsed = Calendar.from_ical(data).walk("VEVENT")
    assert [str(v["DESCRIPTION"]) for v in parsed] == [e.description for e in wordy]


def test_feed_is_deterministic() -> None:
    scope = FeedScope.for_team(PLATFORM)
    assert feed_bytes(EVENTS, scope, stamp=STAMP) == feed_bytes(EVENTS, scope, stamp=STAMP)


# ----------------------------------------------------------------------------------- golden


def without_dtstamp(data: bytes) -> str:
    """The feed as text with LF line ends and no DTSTAMP lines."""
    text = data.decode("utf-8").replace("\r\n", "\n")
    return "".join(
        line for line in text.splitlines(keepends=True) if not line.startswith("DTSTAMP")
    )


def golden_scopes(team: Team) -> dict[str, FeedScope]:
    return {
        "platform_team.ics": FeedScope.for_team(team),
        "platform_secondary.ics": FeedScope.for_role(team, "secondary"),
        "alice_member.ics": FeedScope.for_member("alice", "Alice Nowak"),
    }


@pytest.mark.parametrize("name", sorted(golden_scopes(PLATFORM)))
def test_feed_matches_golden_file(name: str) -> None:
    events = [*EVENTS, *build_events(DATABASE, database_week())]
    data = feed_bytes(events, golden_scopes(PLATFORM)[name], stamp=STAMP)
    path = GOLDEN / name
    if os.environ.get("ROTA_UPDATE_GOLDEN") == "1":
        path.write_bytes(data)
    assert path.exists(), f"missing {path}; run with ROTA_UPDATE_GOLDEN=1 and review it"
    assert without_dtstamp(data) == without_dtstamp(path.read_bytes())


# -------------------------------------------------------------------------------- round trip

MEMBERS = ("alice", "bob", "carol")


@st.composite
def tilings(draw: st.DrawFn) -> tuple[ScheduledShift, ...]:
    """Shifts tiling a random span from a random start: 15-minute grid, 15 min to 30 h each,
    each role held by one of three members or (sometimes) nobody."""
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(
        minutes=15 * draw(st.integers(0, 4 * 24 * 365))
    )
    lengths = draw(st.lists(st.integers(1, 120), min_size=1, max_size=25))
    holder = st.one_of(st.sampled_from(MEMBERS), st.none())
    shifts = []
    for quarters in lengths:
        end = start + timedelta(minutes=15 * quarters)
        roles = {"primary": draw(holder), "secondary": draw(holder)}
        shifts.append(ScheduledShift(start, end, {r: m for r, m in roles.items() if m}))
        start = end
    return tuple(shifts)


@settings(max_examples=60, deadline=None)
@given(tilings())
def test_feed_round_trips_to_the_built_events(shifts: tuple[ScheduledShift, ...]) -> None:
    events = build_events(PLATFORM, shifts)
    parsed = Calendar.from_ical(feed_bytes(events, FeedScope.for_team(PLATFORM), stamp=STAMP))
    assert [
        (
            str(v["UID"]),
            v.decoded("DTSTART"),
            v.decoded("DTEND"),
            str(v["SUMMARY"]),
            str(v["DESCRIPTION"]),
            v.decoded("SEQUENCE"),
        )
        for v in parsed.walk("VEVENT")
    ] == [(e.uid, e.start, e.end, e.summary, e.description, e.sequence) for e in events]
    # Every held (shift, role) lies in exactly one event of that holder, and events are maximal.
    for role in ("primary", "secondary"):
        mine = [e for e in events if e.role == role]
        for shift in shifts:
            if role in shift.assignments:
                covering = [e for e in mine if e.start <= shift.start and shift.end <= e.end]
                assert [e.member_id for e in covering] == [shift.assignments[role]]
        for first, second in pairwise(mine):
            assert first.end <= second.start
            assert not (first.end == second.start and first.member_id == second.member_id)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"abc \\^,;:é€😀", "x" * 20]), max_size=60).map("".join))
def test_fold_line_matches_icalendar_folding(text: str) -> None:
    from icalendar.parser.content_line import Contentline

    from rota.calendar.feed import fold_line

    line = "DESCRIPTION:" + text
    assert fold_line(line).encode("utf-8") == Contentline(line).to_ical()  # type: ignore[no-untyped-call]
    assert all(len(part.encode("utf-8")) <= 75 for part in fold_line(line).split("\r\n"))
