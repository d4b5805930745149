"""The schedule view's layout decisions: labels, colours, periods, the people view and "up next"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rota.labels import PAD_PX, choose_label, fits, initials, role_abbreviations, text_px
from rota.model import Interval, ScheduledShift
from rota.palette import (
    FILLS,
    MIN_HUE_DISTANCE,
    PALETTE,
    RESERVED_REDS,
    contrast,
    hue_distance,
    member_colours,
    saturation,
)
from rota.service import config_from_text
from rota.team import Team, team_from_config
from rota.timeline import Span, View, build_timeline, hour_marks, period_of
from rota.upnext import Phase, up_next

UTC_ZONE = ZoneInfo("UTC")


@pytest.fixture
def ops(data_dir: Path) -> Team:
    text = (data_dir / "oncall_team.yaml").read_text(encoding="utf-8")
    return team_from_config(config_from_text(text, "oncall_team.yaml"))


# ------------------------------------------------------------------------------ labels


def test_a_label_is_whole_or_short_or_absent() -> None:
    width = text_px("Anna Schmidt") + 2 * PAD_PX
    assert choose_label("Anna Schmidt", "AS", width) == "Anna Schmidt"
    assert choose_label("Anna Schmidt", "AS", width - 1) == "AS"
    assert choose_label("Anna Schmidt", "AS", text_px("AS") + 2 * PAD_PX - 1) == ""


@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=5), st.floats(0, 2000))
def test_a_chosen_label_fits_and_is_one_of_the_two(full: str, short: str, width: float) -> None:
    label = choose_label(full, short, width)
    assert label in {full, short, ""}
    assert label == "" or fits(label, width)
    if fits(full, width):
        assert label == full


def test_initials_are_unique_within_the_team() -> None:
    names = [
        ("anna", "Anna Schmidt"),
        ("andreas", "Andreas Stein"),
        ("priya", "Priya Sharma"),
        ("pooja", "Pooja Singh"),
        ("max", "Maximilian Hoffmann-Berger"),
        ("cher", "Cher"),
        ("ed1", "Ed Ng"),
        ("ed2", "Ed Ng"),
    ]
    short = initials(names)
    assert short["priya"] == "PrS"
    assert short["pooja"] == "PoS"
    assert short["anna"] == "AnnS"
    assert short["andreas"] == "AndS"
    assert short["max"] == "MB"
    assert short["cher"] == "Ch"
    assert {short["ed1"], short["ed2"]} == {"EN1", "EN2"}
    assert len(set(short.values())) == len(names)


@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=15))
def test_initials_are_unique_for_any_names(names: list[str]) -> None:
    short = initials([(str(k), name) for k, name in enumerate(names)])
    assert len(set(short.values())) == len(names)


def test_role_abbreviations() -> None:
    assert role_abbreviations(["primary", "secondary", "shadow"]) == {
        "primary": "P",
        "secondary": "Se",
        "shadow": "Sh",
    }


# ------------------------------------------------------------------------------ colours


def test_palette_keeps_away_from_the_reserved_reds() -> None:
    assert len(FILLS) >= 10
    for fill in FILLS:
        if saturation(fill) < 0.1:  # black: no hue, and far from both reds in lightness
            assert all(contrast(fill, red) >= 3 for red in RESERVED_REDS)
            continue
        for red in RESERVED_REDS:
            assert hue_distance(fill, red) >= MIN_HUE_DISTANCE, (fill, red)
    assert sum(saturation(fill) < 0.1 for fill in FILLS) <= 1
    assert hue_distance("#ff0000", "#00ff00") == pytest.approx(120)
    assert hue_distance("#ff0000", "#ff0040") == pytest.approx(15, abs=0.5)


def test_text_on_each_fill_is_readable() -> None:
    for colour in PALETTE:
        assert contrast(colour.fill, colour.text) >= 4.5, colour


def test_ten_members_get_ten_fills_then_marks_tell_them_apart() -> None:
    ten = member_colours(f"m{k}" for k in range(10))
    assert len({c.fill for c in ten.values()}) == 10
    assert {c.mark for c in ten.values()} == {0}
    twelve = member_colours(f"m{k}" for k in range(12))
    assert len(set(twelve.values())) == 12
    assert sorted(c.mark for c in twelve.values()) == [0] * 10 + [1, 1]


# ------------------------------------------------------------------------------ periods


def test_periods_and_their_neighbours() -> None:
    day = period_of(Span.DAY, date(2027, 3, 28))
    assert (day.first, day.after, day.previous, day.next) == (
        date(2027, 3, 28),
        date(2027, 3, 29),
        date(2027, 3, 27),
        date(2027, 3, 29),
    )
    # Berlin's spring-forward day is 23 hours long
    assert day.window(ZoneInfo("Europe/Berlin")).end - day.window(
        ZoneInfo("Europe/Berlin")
    ).start == timedelta(hours=23)
    week = period_of(Span.WEEK, date(2027, 12, 29))
    assert (week.last, week.next) == (date(2028, 1, 4), date(2028, 1, 5))
    month = period_of(Span.MONTH, date(2027, 12, 29))
    assert (month.first, month.after, month.previous) == (
        date(2027, 12, 1),
        date(2028, 1, 1),
        date(2027, 11, 1),
    )


def test_day_view_hour_marks_follow_local_time(ops: Team) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    timeline = build_timeline(
        ops, [], period_of(Span.DAY, date(2027, 3, 28)).window(berlin), berlin
    )
    marks = hour_marks(timeline)
    # 02:00 does not exist that day: 00, 03, 06 ... 21 local, at real-time positions
    assert [text for _, text in marks] == [f"{h:02d}:00" for h in range(0, 24, 3)]
    assert marks[1][0] == pytest.approx(2 / 23)


# ------------------------------------------------------------------------------ people view


def test_people_view_has_a_row_per_member_labelled_by_role(ops: Team) -> None:
    start = datetime(2027, 1, 4, tzinfo=UTC)
    shifts = [
        ScheduledShift(start, start + timedelta(days=1), {"primary": "ann", "secondary": "cat"}),
        ScheduledShift(
            start + timedelta(days=1),
            start + timedelta(days=2),
            {"primary": "cat", "secondary": "ann"},
        ),
    ]
    window = Interval(start, start + timedelta(days=7))
    timeline = build_timeline(ops, shifts, window, UTC_ZONE, view=View.PEOPLE, track_px=1100)
    assert [row.key for row in timeline.rows] == ["ann", "bob", "cat", "dan"]
    ann = timeline.rows[0]
    assert ann.title == "Ann Lee"
    assert [(b.role, b.label, b.role_index) for b in ann.blocks] == [
        ("primary", "primary", 0),
        ("secondary", "secondary", 1),
    ]
    # at a quarter of the width the role names no longer fit: their short forms do
    narrow = build_timeline(ops, shifts, window, UTC_ZONE, view=View.PEOPLE, track_px=300)
    assert [b.label for b in narrow.rows[0].blocks] == ["P", "S"]
    roles = build_timeline(ops, shifts, window, UTC_ZONE, track_px=300)
    assert [b.label for b in roles.rows[0].blocks] == ["AL", "cat"]


# ------------------------------------------------------------------------------ up next


def _across_us_dst() -> list[ScheduledShift]:
    """Daily 14:00 UTC handoffs from Fri 2027-03-12; New York springs forward on Sun 14 March."""
    start = datetime(2027, 3, 12, 14, tzinfo=UTC)
    pairs = [("ann", "cat"), ("cat", "ann"), ("cat", "ann"), ("dan", "ann")]
    return [
        ScheduledShift(
            start + timedelta(days=k),
            start + timedelta(days=k + 1),
            {"primary": p, "secondary": s},
        )
        for k, (p, s) in enumerate(pairs)
    ]


def test_before_the_rota_starts_first_on_call_comes_first(ops: Team) -> None:
    shifts = _across_us_dst()
    answer = up_next(ops, shifts, datetime(2027, 3, 10, tzinfo=UTC))
    assert answer.phase is Phase.BEFORE
    first = answer.items[0]
    assert first.first
    assert first.at == shifts[0].start
    assert [(c.role, c.before, c.after.id if c.after else None) for c in first.changes] == [
        ("primary", None, "ann"),
        ("secondary", None, "cat"),
    ]
    # cat's first shift starts 09:00 New York time (EST, UTC-5)
    assert [t.strftime("%H:%M %Z") for t in first.changes[1].local_times(first.at)] == ["09:00 EST"]
    assert [item.at.day for item in answer.items] == [12, 13, 15, 16]
    assert answer.items[-1].last


def test_during_the_rota_each_holder_sees_their_own_time_across_dst(ops: Team) -> None:
    shifts = _across_us_dst()
    answer = up_next(ops, shifts, datetime(2027, 3, 13, 15, tzinfo=UTC))
    assert answer.phase is Phase.DURING
    # 14 March passes no holder on (cat and ann keep their roles): next is Monday 15th
    handoff = answer.items[0]
    assert handoff.at == datetime(2027, 3, 15, 14, tzinfo=UTC)
    (change,) = handoff.changes
    assert (change.role, change.before.id, change.after.id) == ("primary", "cat", "dan")  # type: ignore[union-attr]
    assert [t.strftime("%a %H:%M %Z") for t in change.local_times(handoff.at)] == [
        "Mon 10:00 EDT",
        "Mon 14:00 UTC",
    ]
    end = answer.items[-1]
    assert end.last
    assert end.at == shifts[-1].end
    assert [(c.before.id if c.before else None, c.after) for c in end.changes] == [
        ("dan", None),
        ("ann", None),
    ]


def test_after_the_horizon_nothing_follows(ops: Team) -> None:
    shifts = _across_us_dst()
    answer = up_next(ops, shifts, shifts[-1].end)
    assert answer.phase is Phase.AFTER
    assert answer.items == ()
    assert answer.end == shifts[-1].end
    assert up_next(ops, [], shifts[0].start).phase is Phase.EMPTY


def test_up_next_stops_at_count(ops: Team) -> None:
    shifts = _across_us_dst()
    assert len(up_next(ops, shifts, shifts[0].start, count=2).items) == 2
