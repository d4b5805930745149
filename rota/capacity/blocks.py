"""The most minutes one member can work among some shifts under the rest gap and the block
length alone (and the shifts a whole weekend joins): an upper bound every rota keeps, for the
capacity counts (weekly hours, weekend hours)."""

from __future__ import annotations

from collections.abc import Sequence

from rota.model import WeekendSplit
from rota.solver.facts import SATURDAY, SUNDAY, MemberShiftFacts, Slot


def weekend_joins(split: WeekendSplit, facts: Sequence[MemberShiftFacts]) -> frozenset[int]:
    """The shifts after which a ``whole`` weekend may join the next one into a block of its
    own, for a member with these ``facts``: Saturday then Sunday in their zone (a superset of
    the solver's joins; none for other splits)."""
    if split is not WeekendSplit.WHOLE:
        return frozenset()
    return frozenset(
        k for k in range(len(facts) - 1) if facts[k].day == SATURDAY and facts[k + 1].day == SUNDAY
    )


def most_minutes(
    slots: Sequence[Slot],
    workable: Sequence[int],
    lo: int,
    hi: int,
    *,
    gap: int,
    cap: int | None,
    joins: frozenset[int] = frozenset(),
) -> int:
    """The most minutes inside ``[lo, hi)`` one member can work among ``workable`` shifts.

    Two worked shifts that do not touch are ``gap`` minutes apart at least (every pair, also
    inside a block); a run of touching worked shifts (cut after each shift in ``joins``, where
    a whole weekend joins Saturday and Sunday) lasts at most ``cap`` minutes, or is one shift
    when ``cap`` is None. Shifts touch when adjacent on the grid.

    >>> from datetime import UTC, datetime
    >>> t = datetime(2027, 1, 4, tzinfo=UTC)
    >>> day = [Slot(24 * 60 * d, 24 * 60 * (d + 1), t, t, d) for d in range(7)]
    >>> most_minutes(day, range(7), 0, 7 * 24 * 60, gap=12 * 60, cap=None) // 60
    96
    """
    order = [k for k in sorted(workable) if cap is None or slots[k].minutes <= cap]
    done: list[tuple[int, int, int]] = []  # (end, best value of a block ending there, slot)
    pointer = 0
    prefix = 0  # best value of any finished block that ends early enough
    best = 0
    previous: dict[tuple[int, int | None], int] = {}
    previous_slot = -2
    for b in order:
        slot = slots[b]
        weight = max(0, min(hi, slot.end) - max(lo, slot.start))
        while (
            pointer < len(done)
            and done[pointer][0] + gap <= slot.start
            and done[pointer][2] < b - 1
        ):
            prefix = max(prefix, done[pointer][1])
            pointer += 1
        states: dict[tuple[int, int | None], int] = {(slot.start, None): prefix + weight}
        if previous_slot == b - 1:
            before = slots[b - 1]
            for (piece, earlier_end), value in previous.items():
                if earlier_end is not None and slot.start - earlier_end < gap:
                    continue  # the shift before b - 1 and b do not touch: the rest gap
                start = slot.start if (b - 1) in joins else piece
                if (cap is None and start != slot.start) or (
                    cap is not None and slot.end - start > cap
                ):
                    continue
                key = (start, before.end)
                states[key] = max(states.get(key, 0), value + weight)
        top = max(states.values())
        best = max(best, top)
        done.append((slot.end, top, b))
        previous, previous_slot = states, b
    return best
