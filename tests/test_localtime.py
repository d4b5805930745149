"""Wall-clock <-> UTC conversions, one local date at a time, across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rota.localtime import (
    local_date,
    local_day_bounds,
    local_midnight_utc,
    local_to_utc,
    overlap_seconds,
    window_intervals,
    window_on,
)
from rota.model import DailyWindow, Interval

WARSAW = ZoneInfo("Europe/Warsaw")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
KOLKATA = ZoneInfo("Asia/Kolkata")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "clock", "zone", "expected"),
    [
        (date(2026, 12, 7), time(9, 0), WARSAW, "2026-12-07T08:00"),  # CET, +01:00
        (date(2027, 7, 7), time(9, 0), WARSAW, "2027-07-07T07:00"),  # CEST, +02:00
        (date(2027, 1, 15), time(9, 0), SYDNEY, "2027-01-14T22:00"),  # AEDT, +11:00
        (date(2027, 7, 15), time(9, 0), SYDNEY, "2027-07-14T23:00"),  # AEST, +10:00
        (date(2027, 3, 28), time(9, 0), KOLKATA, "2027-03-28T03:30"),  # IST, +05:30
        (date(2027, 3, 14), time(9, 0), NEW_YORK, "2027-03-14T13:00"),  # EDT, -04:00
    ],
)
def test_local_to_utc_uses_the_offset_of_that_date(
    day: date, clock: time, zone: ZoneInfo, expected: str
) -> None:
    assert local_to_utc(day, clock, zone) == utc(expected)


@pytest.mark.parametrize(
    ("day", "clock", "zone", "expected"),
    [
        # Spring-forward gap: fold=0 reads the time with the offset before the change,
        # so 02:30 becomes 03:30 summer time.
        (date(2027, 3, 28), time(2, 30), WARSAW, "2027-03-28T01:30"),
        (date(2027, 3, 14), time(2, 30), NEW_YORK, "2027-03-14T07:30"),
        (date(2026, 10, 4), time(2, 30), SYDNEY, "2026-10-03T16:30"),
        # Fall-back repeat: fold=0 is the first occurrence (still summer time).
        (date(2026, 10, 25), time(2, 30), WARSAW, "2026-10-25T00:30"),
        (date(2026, 11, 1), time(1, 30), NEW_YORK, "2026-11-01T05:30"),
        (date(2027, 4, 4), time(2, 30), SYDNEY, "2027-04-03T15:30"),
    ],
)
def test_nonexistent_and_repeated_times_resolve_like_zoneinfo_fold_0(
    day: date, clock: time, zone: ZoneInfo, expected: str
) -> None:
    assert local_to_utc(day, clock, zone) == utc(expected)


@pytest.mark.parametrize(
    ("day", "zone", "hours"),
    [
        (date(2027, 3, 28), WARSAW, 23),
        (date(2026, 10, 25), WARSAW, 25),
        (date(2027, 3, 14), NEW_YORK, 23),
        (date(2026, 11, 1), NEW_YORK, 25),
        (date(2026, 10, 4), SYDNEY, 23),
        (date(2027, 4, 4), SYDNEY, 25),
        (date(2027, 3, 28), KOLKATA, 24),
        (date(2027, 1, 1), WARSAW, 24),
    ],
)
def test_a_local_day_lasts_23_24_or_25_hours(day: date, zone: ZoneInfo, hours: int) -> None:
    bounds = local_day_bounds(day, zone)
    assert bounds.duration == timedelta(hours=hours)
    assert bounds.start == local_midnight_utc(day, zone)


def test_local_date_reads_the_calendar_in_the_zone() -> None:
    instant = utc("2026-12-07T20:00")
    assert local_date(instant, SYDNEY) == date(2026, 12, 8)
    assert local_date(instant, NEW_YORK) == date(2026, 12, 7)


def test_working_window_follows_the_members_own_dst() -> None:
    nine_to_five = DailyWindow(time(9, 0), time(17, 0))
    assert window_on(date(2027, 3, 27), nine_to_five, WARSAW) == Interval(
        utc("2027-03-27T08:00"), utc("2027-03-27T16:00")
    )
    assert window_on(date(2027, 3, 28), nine_to_five, WARSAW) == Interval(
        utc("2027-03-28T07:00"), utc("2027-03-28T15:00")
    )


def test_night_window_crosses_midnight_and_absorbs_the_dst_hour() -> None:
    night = DailyWindow(time(22, 0), time(7, 0))
    # 22:00 CEST on 24 Oct to 07:00 CET on 25 Oct: 10 hours.
    interval = window_on(date(2026, 10, 24), night, WARSAW)
    assert interval == Interval(utc("2026-10-24T20:00"), utc("2026-10-25T06:00"))
    assert interval.duration == timedelta(hours=10)


def test_window_inside_the_dst_gap_is_empty_not_an_error() -> None:
    lost_hour = DailyWindow(time(2, 0), time(3, 0))
    interval = window_on(date(2027, 3, 28), lost_hour, WARSAW)
    assert interval.duration == timedelta(0)
    assert (
        window_intervals(lost_hour, WARSAW, utc("2027-03-28T00:00"), utc("2027-03-28T03:00")) == []
    )


def test_window_intervals_clip_and_merge() -> None:
    whole_day = DailyWindow(time(0, 0), time(0, 0))
    start, end = utc("2027-03-26T12:00"), utc("2027-03-30T12:00")
    assert window_intervals(whole_day, WARSAW, start, end) == [Interval(start, end)]
    office = DailyWindow(time(9, 0), time(17, 0))
    intervals = window_intervals(office, KOLKATA, utc("2027-01-01T05:00"), utc("2027-01-02T05:00"))
    assert intervals == [
        Interval(utc("2027-01-01T05:00"), utc("2027-01-01T11:30")),
        Interval(utc("2027-01-02T03:30"), utc("2027-01-02T05:00")),
    ]
    assert overlap_seconds(intervals, utc("2027-01-01T00:00"), utc("2027-01-02T04:00")) == (
        6.5 * 3600 + 0.5 * 3600
    )


ZONES = [
    "UTC",
    "Europe/Warsaw",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "America/St_Johns",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Pacific/Chatham",
]


@settings(max_examples=200, deadline=None)
@given(
    zone=st.sampled_from(ZONES).map(ZoneInfo),
    day=st.dates(date(2026, 1, 1), date(2028, 12, 31)),
    clock=st.times(),
)
def test_every_local_time_maps_into_its_local_day(zone: ZoneInfo, day: date, clock: time) -> None:
    instant = local_to_utc(day, clock.replace(microsecond=0), zone)
    assert instant.tzinfo is UTC
    bounds = local_day_bounds(day, zone)
    assert bounds.start <= instant < bounds.end
    shown = instant.astimezone(zone)
    if shown.date() == day and shown.time() != clock.replace(microsecond=0):
        # Only a time inside a spring-forward gap may come out different, and then later.
        assert shown.time() > clock.replace(microsecond=0)
