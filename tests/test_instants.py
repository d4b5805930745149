"""The command line's one rule for typed instants (rota.instants.parse_local_instant) and how
instants are written back (local_text, local_span), on ordinary days and across DST changes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rota.config import named_zone
from rota.instants import LocalTimeGap, local_span, local_text, parse_local_instant

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("text", "zone", "utc"),
    [
        ("2026-12-07T12:00", BERLIN, "2026-12-07T11:00:00+00:00"),  # a Berlin manager's noon
        ("2026-12-07 12:00", BERLIN, "2026-12-07T11:00:00+00:00"),
        ("2026-12-07T12:00Z", BERLIN, "2026-12-07T12:00:00+00:00"),  # an offset wins
        ("2026-12-07T12:00-05:00", BERLIN, "2026-12-07T17:00:00+00:00"),
        ("2026-07-07T12:00", BERLIN, "2026-07-07T10:00:00+00:00"),  # summer time
        ("2026-03-29T03:00", BERLIN, "2026-03-29T01:00:00+00:00"),  # first minute after the gap
        ("2026-03-29T01:59", BERLIN, "2026-03-29T00:59:00+00:00"),  # last minute before it
        ("2026-11-01T00:59", NEW_YORK, "2026-11-01T04:59:00+00:00"),
        ("2026-11-01T02:00", NEW_YORK, "2026-11-01T07:00:00+00:00"),  # after the repeat
    ],
)
def test_a_date_time_without_offset_is_wall_clock_time_in_the_zone(
    text: str, zone: ZoneInfo, utc: str
) -> None:
    typed = parse_local_instant(text, zone)
    assert typed.at.isoformat() == utc
    assert typed.day is None
    assert not typed.repeated


@pytest.mark.parametrize(
    ("text", "zone", "utc", "hours"),
    [
        ("2026-12-07", BERLIN, "2026-12-06T23:00:00+00:00", 24),
        ("2026-03-29", BERLIN, "2026-03-28T23:00:00+00:00", 23),  # spring forward: 23 h
        ("2026-10-25", BERLIN, "2026-10-24T22:00:00+00:00", 25),  # fall back: 25 h
        ("2026-11-01", NEW_YORK, "2026-11-01T04:00:00+00:00", 25),
        ("2026-03-08", NEW_YORK, "2026-03-08T05:00:00+00:00", 23),
    ],
)
def test_a_bare_date_is_the_local_day_from_its_midnight(
    text: str, zone: ZoneInfo, utc: str, hours: int
) -> None:
    typed = parse_local_instant(text, zone)
    assert typed.day is not None
    following = parse_local_instant((typed.day + timedelta(days=1)).isoformat(), zone)
    assert typed.at.isoformat() == utc
    assert typed.day == date.fromisoformat(text)
    assert following.at - typed.at == timedelta(hours=hours)


def test_a_midnight_the_clocks_skip_starts_the_day_when_they_land() -> None:
    # Santiago springs forward at 00:00 -> 01:00: the day starts at 01:00 local (04:00 UTC).
    typed = parse_local_instant("2026-09-06", ZoneInfo("America/Santiago"))
    assert typed.at == datetime(2026, 9, 6, 4, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "zone", "words"),
    [
        ("2026-03-29T02:30", BERLIN, "the clocks go from 02:00 (UTC+01:00) straight to 03:00"),
        ("2026-03-29T02:00", BERLIN, "does not exist in Europe/Berlin"),
        ("2026-03-08T02:59:59", NEW_YORK, "from 02:00 (UTC-05:00) straight to 03:00 (UTC-04:00)"),
        (
            "2026-10-04T02:15",
            ZoneInfo("Australia/Lord_Howe"),
            "from 02:00 (UTC+10:30) straight to 02:30",
        ),
    ],
)
def test_a_time_the_clocks_skip_is_refused(text: str, zone: ZoneInfo, words: str) -> None:
    with pytest.raises(LocalTimeGap, match=re.escape(words)):
        parse_local_instant(text, zone)


def test_a_time_the_clocks_pass_twice_is_the_first_and_says_so() -> None:
    typed = parse_local_instant("2026-11-01T01:30", NEW_YORK)
    assert typed.at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT, not 01:30 EST
    assert typed.repeated
    assert typed.repeat_note("--start", NEW_YORK) == (
        "--start: 2026-11-01 01:30 happens twice in America/New_York (the clocks fall back); "
        "took the first, 2026-11-01 01:30-04:00; for the second write 2026-11-01T01:30-05:00"
    )
    second = parse_local_instant("2026-11-01T01:30-05:00", NEW_YORK)
    assert second.at - typed.at == timedelta(hours=1)
    assert not second.repeated


@pytest.mark.parametrize("text", ["2026-12-07T25:00", "tomorrow", "2026-13-01", "12:00", ""])
def test_what_is_not_a_date_or_date_time_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the CLI names the option and the shapes
        parse_local_instant(text, BERLIN)


def test_instants_are_written_in_the_zone_with_their_offsets() -> None:
    start = datetime(2026, 3, 28, 23, tzinfo=UTC)
    end = datetime(2026, 3, 29, 22, tzinfo=UTC)
    assert local_span(start, end, BERLIN) == (
        "2026-03-29 00:00+01:00 – 2026-03-30 00:00+02:00 (Europe/Berlin)"
    )
    assert local_span(start, start + timedelta(hours=3), BERLIN) == (
        "2026-03-29 00:00+01:00 – 04:00+02:00 (Europe/Berlin)"  # three hours: the gap
    )
    assert local_text(datetime(2026, 12, 7, 11, 0, 5, tzinfo=UTC), BERLIN) == (
        "2026-12-07 12:00:05+01:00"
    )


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("EST", "America/New_York"),
        ("HST", "Pacific/Honolulu"),
        ("berlin", "Europe/Berlin"),
        ("Etc/GMT+5", "UTC"),
    ],
)
def test_a_zone_named_on_the_command_line_follows_the_team_file_rules(
    name: str, meant: str
) -> None:
    with pytest.raises(ValueError, match=meant):
        named_zone(name)


ZONES = [
    BERLIN,
    NEW_YORK,
    ZoneInfo("Asia/Kolkata"),
    ZoneInfo("Australia/Lord_Howe"),
    ZoneInfo("UTC"),
]


@given(
    zone=st.sampled_from(ZONES),
    wall=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
)
def test_a_wall_clock_time_reads_back_as_typed_or_is_refused(
    zone: ZoneInfo, wall: datetime
) -> None:
    try:
        typed = parse_local_instant(wall.isoformat(), zone)
    except LocalTimeGap:
        assert (
            wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall
        )
        return
    assert typed.at.astimezone(zone).replace(tzinfo=None) == wall
    assert typed.at.tzinfo is UTC
    written = local_text(typed.at, zone).replace(" ", "T")
    assert parse_local_instant(written, zone).at == typed.at  # the echo reads back the same
