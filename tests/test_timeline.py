"""The page's timeline model: blocks, off-hours, holes, day columns across DST, colours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rota.model import Interval, ScheduledShift
from rota.service import config_from_text
from rota.team import Team, team_from_config
from rota.timeline import PALETTE, build_timeline, member_colours, window_from

WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture
def team(data_dir: Path) -> Team:
    text = (data_dir / "report_christmas.yaml").read_text(encoding="utf-8")
    return team_from_config(config_from_text(text, "report_christmas.yaml"))


def daily(start: datetime, holders: list[str]) -> list[ScheduledShift]:
    return [
        ScheduledShift(start + timedelta(days=i), start + timedelta(days=i + 1), {"primary": h})
        for i, h in enumerate(holders)
    ]


def test_window_is_fourteen_local_days_across_dst() -> None:
    # Warsaw springs forward on Sun 2027-03-28: the window is 14 * 24 - 1 hours long
    window = window_from(datetime(2027, 3, 22, 15, 0, tzinfo=UTC), WARSAW)
    assert window.start == datetime(2027, 3, 21, 23, 0, tzinfo=UTC)
    assert window.end - window.start == timedelta(hours=14 * 24 - 1)


def test_day_columns_follow_local_midnights(team: Team) -> None:
    window = window_from(datetime(2027, 3, 22, 15, 0, tzinfo=UTC), WARSAW)
    timeline = build_timeline(team, [], window, WARSAW)
    assert len(timeline.days) == 14
    widths = {d.day.isoformat(): d.span.width * (14 * 24 - 1) for d in timeline.days}
    assert widths["2027-03-28"] == pytest.approx(23)
    assert widths["2027-03-27"] == pytest.approx(24)
    assert [d.day.weekday() for d in timeline.days if d.weekend] == [5, 6, 5, 6]
    assert sum(d.span.width for d in timeline.days) == pytest.approx(1)


def test_touching_shifts_of_one_member_form_one_block(team: Team) -> None:
    start = datetime(2026, 12, 21, 8, 0, tzinfo=UTC)
    shifts = daily(start, ["ann", "ann", "bob"])
    window = Interval(start, start + timedelta(days=3))
    timeline = build_timeline(team, shifts, window, WARSAW, now=start + timedelta(hours=18))
    (row,) = timeline.rows
    assert [b.member_id for b in row.blocks] == ["ann", "bob"]
    assert [b.span.width for b in row.blocks] == pytest.approx([2 / 3, 1 / 3])
    assert timeline.now == pytest.approx(0.25)
    assert timeline.holes == ()
    # ann 09:00 Mon -> 09:00 Wed: 17:00-09:00 twice -> 32 off-hours in two hatched parts
    ann = row.blocks[0]
    assert ann.off_hours_total == pytest.approx(32)
    assert len(ann.off_hours) == 2
    assert sum(s.width for s in ann.off_hours) * 72 == pytest.approx(32)


def test_overrides_break_blocks_and_are_marked(team: Team) -> None:
    start = datetime(2026, 12, 21, 8, 0, tzinfo=UTC)
    shifts = daily(start, ["ann", "ann"])
    timeline = build_timeline(
        team,
        shifts,
        Interval(start, start + timedelta(days=2)),
        WARSAW,
        overridden=[frozenset(), frozenset({"primary"})],
    )
    assert [b.override for b in timeline.rows[0].blocks] == [False, True]


def test_parts_without_schedule_are_holes(team: Team) -> None:
    start = datetime(2026, 12, 21, 8, 0, tzinfo=UTC)
    window = Interval(start - timedelta(days=1), start + timedelta(days=3))
    timeline = build_timeline(team, daily(start, ["ann", "bob"]), window, WARSAW)
    assert [h.left for h in timeline.holes] == pytest.approx([0.0, 0.75])
    assert [h.width for h in timeline.holes] == pytest.approx([0.25, 0.25])
    assert timeline.now is None


def test_colours_are_stable_and_distinct() -> None:
    ids = [f"member-{i}" for i in range(len(PALETTE))]
    colours = member_colours(ids)
    assert len({c.fill for c in colours.values()}) == len(PALETTE)
    assert member_colours(["member-3"])["member-3"] == member_colours(["member-3", "x"])["member-3"]
