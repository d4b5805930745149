"""The most minutes a member can work under rest and block rules (rota.capacity.blocks)."""

from __future__ import annotations

from datetime import UTC, datetime

from rota.capacity.blocks import most_minutes
from rota.solver.facts import Slot

T = datetime(2027, 1, 9, tzinfo=UTC)


def four_hour_slots(count: int) -> list[Slot]:
    return [Slot(240 * k, 240 * (k + 1), T, T, k) for k in range(count)]


def test_the_rest_gap_holds_between_shifts_of_one_block_that_do_not_touch() -> None:
    # 00-04, 04-08, 08-12 with 12 h rest: the first and the last do not touch and are 4 h
    # apart, so a member works two touching ones at most, 8 h; with 4 h rest all three.
    slots = four_hour_slots(3)
    assert most_minutes(slots, range(3), 0, 720, gap=720, cap=720) == 480
    assert most_minutes(slots, range(3), 0, 720, gap=240, cap=720) == 720


def test_a_block_longer_than_the_cap_is_cut_by_a_rest() -> None:
    # Six 4 h shifts over 24 h, 8 h blocks and 8 h rest: 00-08, rest, 16-24 gives 16 h.
    slots = four_hour_slots(6)
    assert most_minutes(slots, range(6), 0, 1440, gap=480, cap=480) == 960
