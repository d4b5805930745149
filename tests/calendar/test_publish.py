"""Feeds as published from a store: SEQUENCE through re-solves and overrides, odd stored rows,
and the per-state cache of each feed's bytes.

The team is ``ops`` (``tests/data/oncall_team.yaml``): daily shifts from Monday 2027-01-04 00:00
UTC, primary/secondary per day as in ``tests.ops_team.DAYS`` (Mon: ann/cat, ..., Sun: bob/ann).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from rota.calendar.publish import FeedPublisher
from rota.model import Override
from rota.store import Store
from tests.ops_team import DAYS, TEAM_FILE, ops_schedule, ops_store, store_sub_second_override


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return ops_store(tmp_path / "feeds.db")


def published(feed: bytes) -> dict[str, tuple[int, tuple[str, ...]]]:
    """UID (without team and domain) -> (SEQUENCE, what a subscriber sees of the event)."""
    events = Calendar.from_ical(feed).walk("VEVENT")
    return {
        str(e["uid"]).removeprefix("ops-").removesuffix("@rota"): (
            int(str(e["sequence"])),
            (
                utc(e.decoded("dtstart")),
                utc(e.decoded("dtend")),
                str(e["summary"]),
                str(e["description"]),
            ),
        )
        for e in events
    }


def utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def dan_primary_monday_afternoon(store: Store) -> Override:
    [override] = store.add_overrides(
        "ops",
        [
            Override(
                "ops",
                "primary",
                "dan",
                datetime(2027, 1, 4, 13, tzinfo=UTC),
                datetime(2027, 1, 4, 18, tzinfo=UTC),
            )
        ],
    )
    return override


def resolve_sunday(store: Store) -> None:
    """A re-solve that changes only Sunday's primary (bob -> dan)."""
    days = list(DAYS)
    days[6] = ("dan", "ann")
    store.save_schedule(
        ops_schedule(days), config_text=TEAM_FILE.read_text(), config_name="ops.yaml", meta={}
    )


def test_a_resolve_keeps_the_sequence_of_every_event_it_does_not_change(store: Store) -> None:
    dan_primary_monday_afternoon(store)
    before = published(FeedPublisher(store).team_feed("ops"))
    assert before["primary-20270104T000000Z"][0] == 1  # ann 00-13: cut by the override
    assert before["primary-20270104T130000Z"][0] == 0  # dan 13-18

    resolve_sunday(store)
    after = published(FeedPublisher(store).team_feed("ops"))

    unchanged = [uid for uid in before if uid in after and before[uid][1] == after[uid][1]]
    assert "primary-20270104T000000Z" in unchanged
    assert {uid: after[uid][0] for uid in unchanged} == {uid: before[uid][0] for uid in unchanged}
    # What the re-solve did change rises: bob's Sat-Sun primary is Saturday only now.
    assert before["primary-20270109T000000Z"][0] == 0
    assert after["primary-20270109T000000Z"][0] == 1
    assert after["primary-20270110T000000Z"][0] == 0  # dan on Sunday: a new event


def test_sequence_rises_again_when_an_override_is_removed(store: Store) -> None:
    publisher = FeedPublisher(store)
    first = published(publisher.team_feed("ops"))["primary-20270104T000000Z"]
    override = dan_primary_monday_afternoon(store)
    cut = published(publisher.team_feed("ops"))["primary-20270104T000000Z"]
    store.remove_override("ops", override.id or 0)
    back = published(publisher.team_feed("ops"))["primary-20270104T000000Z"]

    assert [first[0], cut[0], back[0]] == [0, 1, 2]  # never back down to 0
    assert back[1] == first[1]


def test_a_stored_sub_second_override_is_floored_in_the_feed(store: Store, tmp_path: Path) -> None:
    # Written as an older rota stored it: 13:00:00.000001 .. 18:00:00.5.
    store_sub_second_override(
        tmp_path / "feeds.db", end=datetime(2027, 1, 4, 18, 0, 0, 500_000, tzinfo=UTC)
    )

    publisher = FeedPublisher(store)
    events = published(publisher.team_feed("ops"))
    assert events["primary-20270104T130000Z"][1][:2] == ("20270104T130000Z", "20270104T180000Z")
    assert events["primary-20270104T000000Z"][1][:2] == ("20270104T000000Z", "20270104T130000Z")
    member = Calendar.from_ical(publisher.member_feed("dan")).walk("VEVENT")
    assert "20270104T130000Z" in {utc(e.decoded("dtstart")) for e in member}


def test_control_characters_in_stored_names_are_shown_as_spaces(tmp_path: Path) -> None:
    text = (
        TEAM_FILE.read_text()
        .replace("name: Ops,", 'name: "Ops\\nTeam",')
        .replace("name: Ann Lee", 'name: "Ann\\r\\nLee;\\u001b[2J\\u202e"')
    )
    store = Store.open(f"sqlite:///{tmp_path / 'odd.db'}")
    store.save_schedule(ops_schedule(), config_text=text, config_name="ops.yaml", meta={})
    publisher = FeedPublisher(store)

    team = Calendar.from_ical(publisher.team_feed("ops"))
    assert str(team["x-wr-calname"]) == "On call: Ops Team"
    monday = team.walk("VEVENT")[0]
    assert str(monday["summary"]) == "On call: primary — Ops Team"
    assert str(monday["description"]).startswith("ann (Ann Lee; [2J) is primary for Ops Team.\n")
    member = publisher.member_feed("ann")
    assert b"NAME:On call: ann (Ann Lee\\; [2J)\r\n" in member  # RFC 5545 TEXT escaping
    assert not any(ch in member.replace(b"\r\n", b"") for ch in (b"\n", b"\r", b"\x1b"))


def test_each_feed_is_built_once_per_state(store: Store) -> None:
    publisher = FeedPublisher(store)
    first = publisher.team_published("ops")
    assert publisher.team_published("ops") is first
    assert publisher.team_published("ops", "primary") is not first
    member = publisher.member_published("ann")
    assert publisher.member_published("ann") is member

    dan_primary_monday_afternoon(store)
    changed = publisher.team_published("ops")
    assert changed.etag != first.etag
    assert changed.last_modified >= first.last_modified
    assert publisher.member_published("ann") is not member


def test_the_feed_cache_is_bounded(store: Store) -> None:
    publisher = FeedPublisher(store, max_feeds=1)
    team = publisher.team_published("ops")
    publisher.team_published("ops", "primary")  # pushes the team feed out
    again = publisher.team_published("ops")
    assert again is not team
    assert again.body == team.body
    assert again.etag == team.etag


def test_building_one_team_does_not_wait_for_another(store: Store) -> None:
    other = TEAM_FILE.read_text().replace("id: ops,", "id: web,")
    days = ops_schedule()
    store.save_schedule(
        type(days)("web", days.horizon_start, days.horizon_end, days.shifts),
        config_text=other,
        config_name="web.yaml",
        meta={},
    )
    publisher = FeedPublisher(store)
    done = threading.Event()
    with publisher._lock_of("ops"):  # as if a slow build of ops were under way

        def build_web() -> None:
            publisher.team_feed("web")
            done.set()

        worker = threading.Thread(target=build_web)
        worker.start()
        assert done.wait(timeout=10)
    worker.join()
