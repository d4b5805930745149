"""Follow-the-sun handoff times derived from the members' working windows (docs/rules.md, rule 1).

When ``rotation.handoffs_utc`` is absent, the cuts are the result of a small, exact optimisation
on a 15-minute UTC grid (96 slots a day). Nothing is tuned to particular teams.

**Good shifts** (:mod:`rota.suncoverage`): a shift ``[a, b)`` is good when every role can be
given to a different member whose working window covers the whole shift; ``reach[a]`` is the
longest good shift starting at slot ``a``.

**One daily pattern.** Member coverage is the same every UTC day except where a member's zone
changes its clock, so UTC days are grouped by their *coverage key* (each group's covered slots on
that day). For every key that holds for at least two consecutive days (a *regime*), a cyclic
24-hour pattern is chosen by dynamic programming over the 96-slot circle: for each possible
first cut, a longest-path DP over shift lengths in ``shift_hours.min..max`` (``max`` lowered to
``rest.max_block_hours`` when that is shorter: a longer shift could not be worked), with the
lexicographic objective

1. most slots in good shifts,
2. fewest shifts (fewest handoffs),
3. fewest cuts off a whole hour of the team zone (standard time),
4. most even lengths (least sum of squared lengths),
5. the first cut nearest after team-local midnight (standard time), which makes the no-coverage
   fallback "evenly spaced from local midnight", e.g. 4 x 6 h.

**The horizon.** The cuts from the first pattern cut at or after ``begin`` to the first cut at or
after ``finish`` come from a second longest-path DP over the horizon timeline with the
objective (1) most slots in good shifts, (2) most cuts that belong to the pattern of their day,
(3) fewest shifts, (4) whole hours, (5) even lengths. On a day deep inside a regime (its key
equals both neighbours' keys) only the regime's pattern cuts are allowed, since there the
pattern is already optimal for the real coverage; around a key change every slot is allowed and
a cut "belongs to the pattern" when it is in the pattern of the regime before or after. So the
pattern changes only where DST moved somebody's window, and the splice is optimal for the
criteria above. If that restricted DP finds no legal tiling (very narrow ``shift_hours``), the
same DP runs with every slot allowed; when no 24-hour pattern exists at all (e.g. exactly 5 h
shifts), it simply tiles the horizon by the same criteria.

Everything is integer slot arithmetic over bit strings; per-key results are memoised, so a
104-week horizon costs one DP per distinct coverage key plus a DP over a few thousand nodes.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rota.suncoverage import (
    WindowGroup,
    longest_matchable,
    role_subsets,
    window_groups,
    window_seconds,
)
from rota.team import Team

SLOT = timedelta(minutes=15)
SLOTS_PER_DAY = 96
SLOTS_PER_HOUR = 4
_BYTES_PER_DAY = SLOTS_PER_DAY // 8

Key = tuple[bytes, ...]
"""Coverage of one UTC day: per member group, 96 bits (slot ``s`` is bit ``s``)."""


@dataclass(frozen=True, slots=True)
class DailyPattern:
    """A cyclic 24-hour handoff pattern: cut times of day in UTC and its good shift minutes."""

    cuts: tuple[time, ...]
    good_minutes: int

    @property
    def shift_hours(self) -> tuple[float, ...]:
        """Lengths of the pattern's shifts, starting with the shift that begins at ``cuts[0]``."""
        minutes = [c.hour * 60 + c.minute for c in self.cuts]
        nxt = [*minutes[1:], minutes[0] + 1440]
        return tuple((b - a) / 60 for a, b in zip(minutes, nxt, strict=True))


def derive_cuts(team: Team, begin: datetime, finish: datetime) -> list[datetime]:
    """Cut instants from the first at/after ``begin`` to the first at/after ``finish``.

    Args:
        team: a follow-the-sun team (``rotation.handoffs_utc`` is not consulted).
        begin: UTC instant of team-local midnight of the horizon's first day.
        finish: UTC instant of team-local midnight of the horizon's end day.

    Returns:
        Sorted UTC instants on the 15-minute grid; consecutive ones are ``shift_hours.min`` to
        ``shift_hours.max`` apart.
    """
    return _Deriver(team, begin, finish).cuts()


def boundary_cut(team: Team, instant: datetime) -> datetime:
    """The derived handoff a horizon starts or ends with: the first cut at or after ``instant``
    of the daily pattern of its UTC day, taken from that day's coverage alone.

    Because it depends on nothing but the date, a horizon ending at ``instant`` and the next one
    starting there share this handoff, so consecutive horizons join exactly (docs/rules.md).
    """
    day = instant.astimezone(UTC).date()
    origin = datetime(day.year, day.month, day.day, tzinfo=UTC)
    deriver = _Deriver(team, origin, origin + timedelta(days=1), fixed_ends=False)
    pattern = sorted(deriver.pattern(deriver.key(0)) or ())
    # The pattern is cyclic, so its first cut of the next day follows its last within max
    # hours: the handoff found is less than one longest shift after ``instant``.
    for candidate in (
        origin + days * timedelta(days=1) + cut * SLOT for days in (0, 1) for cut in pattern
    ):
        if candidate >= instant:
            return candidate
    return origin + _ceil_slots(instant - origin) * SLOT


def daily_pattern(team: Team, day: date) -> DailyPattern | None:
    """The optimal cyclic pattern for the coverage of UTC ``day``, as if every day were like it.

    None when no sequence of legal shift lengths adds up to 24 hours.
    """
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    deriver = _Deriver(team, start, start + timedelta(days=1))
    key = deriver.key(0)
    slots = deriver.pattern(key)
    if slots is None:
        return None
    reach = deriver.reach(key, key)
    ordered = sorted(slots)
    good = 0
    for k, cut in enumerate(ordered):
        length = (ordered[(k + 1) % len(ordered)] - cut) % SLOTS_PER_DAY or SLOTS_PER_DAY
        good += length if length <= reach[cut] else 0
    return DailyPattern(
        cuts=tuple(time(s // SLOTS_PER_HOUR, (s % SLOTS_PER_HOUR) * 15) for s in ordered),
        good_minutes=good * 15,
    )


def _ceil_slots(delta: timedelta) -> int:
    seconds = int(delta.total_seconds())
    return -(-seconds // int(SLOT.total_seconds()))


def _standard_offset_slots(zone: ZoneInfo, year: int) -> int:
    """The zone's smaller UTC offset of ``year`` (its standard time), in whole slots."""
    offsets = [datetime(year, month, 1, 12, tzinfo=zone).utcoffset() for month in (1, 7)]
    minutes = min(int(o.total_seconds()) // 60 for o in offsets if o is not None)
    return round(minutes / 15)


class _Deriver:
    """The optimisation of the module docstring for one team and one horizon."""

    def __init__(
        self, team: Team, begin: datetime, finish: datetime, *, fixed_ends: bool = True
    ) -> None:
        shift_hours = team.config.rotation.shift_hours
        # A shift longer than the block cap is a block nobody may work (docs/rules.md, rule 6);
        # the config check keeps the cap at or above shift_hours.min.
        longest = min(shift_hours.max, team.config.max_block_hours() or shift_hours.max)
        self.lo = round(shift_hours.min * SLOTS_PER_HOUR)
        self.hi = max(self.lo, round(longest * SLOTS_PER_HOUR))
        begin_utc = begin.astimezone(UTC)
        self.origin = datetime(begin_utc.year, begin_utc.month, begin_utc.day, tzinfo=UTC)
        self.begin_slot = _ceil_slots(begin - self.origin)
        self.finish_slot = max(_ceil_slots(finish - self.origin), self.begin_slot + 1)
        # The first and last handoff, shared with the neighbouring horizons (see boundary_cut).
        self.start_slot: int | None = None
        self.end_slot: int | None = None
        if fixed_ends:
            self.start_slot = _ceil_slots(boundary_cut(team, begin) - self.origin)
            self.end_slot = _ceil_slots(boundary_cut(team, finish) - self.origin)
        self.days = (max(self.finish_slot, self.end_slot or 0) + self.hi - 1) // SLOTS_PER_DAY + 2
        # Relative position 0 is team-local midnight in standard time; cuts at relative
        # positions divisible by 4 are on a whole team-local hour.
        self.ref = -_standard_offset_slots(team.zone, begin_utc.year) % SLOTS_PER_DAY
        self.groups = window_groups(team)
        self.subsets = role_subsets(len(team.roles))
        span = self.days * SLOTS_PER_DAY
        self._plain_days: dict[str, list[bool]] = {}
        self.bits = [self._group_bits(g, span) for g in self.groups]
        self._reach: dict[tuple[Key, Key], tuple[int, ...]] = {}
        self._patterns: dict[Key, frozenset[int] | None] = {}

    # ------------------------------------------------------------------ coverage

    def _group_bits(self, group: WindowGroup, span: int) -> bytes:
        """Slots of the timeline that lie wholly inside the group's working window."""
        end = self.origin + span * SLOT
        slot_seconds = int(SLOT.total_seconds())
        mask = 0
        windows = window_seconds(group.window, group.zone, self.origin, end, self._plain_days)
        for start, stop in windows:
            first = -(-start // slot_seconds)
            last = stop // slot_seconds
            if last > first:
                mask |= ((1 << (last - first)) - 1) << first
        return mask.to_bytes(span // 8, "little")

    def key(self, day: int) -> Key:
        """Coverage key of timeline day ``day`` (0 is the UTC date of ``begin``)."""
        lo = day * _BYTES_PER_DAY
        return tuple(bits[lo : lo + _BYTES_PER_DAY] for bits in self.bits)

    def reach(self, today: Key, tomorrow: Key) -> tuple[int, ...]:
        """For each slot of a day with coverage ``today`` followed by ``tomorrow``: the longest
        good shift starting there, in slots (0: none)."""
        memo = self._reach.get((today, tomorrow))
        if memo is not None:
            return memo
        horizon = SLOTS_PER_DAY + self.hi
        runs: list[list[int]] = []
        for a, b in zip(today, tomorrow, strict=True):
            covered = int.from_bytes(a + b, "little")
            run = [0] * (horizon + 1)
            for s in range(horizon - 1, -1, -1):
                if covered >> s & 1:
                    run[s] = run[s + 1] + 1
            runs.append(run)
        result: list[int] = []
        for s in range(SLOTS_PER_DAY):
            entries = sorted(
                (
                    (run[s], mask, count)
                    for run, group in zip(runs, self.groups, strict=True)
                    if run[s]
                    for mask, count in group.roles
                ),
                reverse=True,
            )
            result.append(longest_matchable(entries, self.subsets, self.hi))
        memo = tuple(result)
        self._reach[(today, tomorrow)] = memo
        return memo

    # ------------------------------------------------------------------ one day

    def pattern(self, key: Key) -> frozenset[int] | None:
        """Best cyclic pattern (UTC slots of the day) for coverage ``key`` repeated daily."""
        if key not in self._patterns:
            self._patterns[key] = self._cyclic_dp(self.reach(key, key))
        return self._patterns[key]

    def _cyclic_dp(self, reach: tuple[int, ...]) -> frozenset[int] | None:
        lo, hi, ref = self.lo, self.hi, self.ref
        lengths = range(lo, min(hi, SLOTS_PER_DAY) + 1)
        # Weights, lexicographic by construction: sum of squared lengths < 2**14, so a cut off
        # the hour (2**14) outweighs it; 96 such cuts < 2**21 = one shift; 96 shifts < 2**28
        # = one good slot.
        weight: list[list[int]] = []
        for x in range(SLOTS_PER_DAY):
            row = []
            for length in lengths:
                good = length if length <= reach[(x + ref) % SLOTS_PER_DAY] else 0
                off_hour = (x + length) % SLOTS_PER_HOUR != 0
                row.append((good << 28) - (1 << 21) - (off_hour << 14) - length * length)
            weight.append(row)
        weight += weight  # relative start positions 0..191

        best_score: int | None = None
        best_cuts: list[int] = []
        for first in range(min(hi, SLOTS_PER_DAY)):
            score: list[int | None] = [None] * (SLOTS_PER_DAY + 1)
            back = [0] * (SLOTS_PER_DAY + 1)
            score[0] = 0
            for q in range(lo, SLOTS_PER_DAY + 1):
                top: int | None = None
                for k, length in enumerate(lengths):
                    if length > q:
                        break
                    prev = score[q - length]
                    if prev is None:
                        continue
                    value = prev + weight[first + q - length][k]
                    if top is None or value > top:
                        top, back[q] = value, length
                score[q] = top
            total = score[SLOTS_PER_DAY]
            if total is not None and (best_score is None or total > best_score):
                best_score = total
                best_cuts, q = [], SLOTS_PER_DAY
                while q > 0:
                    best_cuts.append((first + q + ref) % SLOTS_PER_DAY)
                    q -= back[q]
        return frozenset(best_cuts) if best_score is not None else None

    # ------------------------------------------------------------------ the horizon

    def cuts(self) -> list[datetime]:
        keys = [self.key(d) for d in range(self.days)]
        regime = _regime_keys(keys)
        steady: list[frozenset[int] | None] = []
        matching: list[frozenset[int]] = []
        for d in range(self.days):
            own = self.pattern(keys[d]) if regime[d] is not None else None
            inside = 0 < d < self.days - 1 and keys[d - 1] == keys[d] == keys[d + 1]
            inside = inside or (d == 0 and self.days > 1 and keys[0] == keys[1])
            steady.append(own if inside else None)
            matching.append(self._neighbour_patterns(keys, regime, d))
        start = self._start_slot(matching) if self.start_slot is None else self.start_slot
        slots = self._horizon_dp(start, keys, steady, matching, restrict=True)
        if slots is None:
            slots = self._horizon_dp(start, keys, steady, matching, restrict=False)
        if slots is None and self.end_slot is not None:
            # Shift lengths too rigid (e.g. min == max) to reach the shared end handoff from
            # the shared start across a DST change: end at the first cut after ``finish``.
            self.end_slot = None
            slots = self._horizon_dp(start, keys, steady, matching, restrict=False)
        assert slots is not None, "an unrestricted tiling always exists"
        return [self.origin + s * SLOT for s in slots]

    def _neighbour_patterns(
        self, keys: list[Key], regime: list[Key | None], day: int
    ) -> frozenset[int]:
        """Cuts that "belong to the pattern" on ``day``: the regime's, or around a change the
        union of the regime before and the regime after."""
        found: set[int] = set()
        for step in (-1, 1):
            d = day
            while 0 <= d < len(keys) and regime[d] is None:
                d += step
            if 0 <= d < len(keys):
                key = regime[d]
                assert key is not None
                found |= self.pattern(key) or frozenset()
        return frozenset(found)

    def _start_slot(self, matching: list[frozenset[int]]) -> int:
        first_day = self.begin_slot // SLOTS_PER_DAY
        for day in (first_day, first_day + 1):
            for cut in sorted(matching[day]):
                slot = day * SLOTS_PER_DAY + cut
                if slot >= self.begin_slot:
                    return slot
        return self.begin_slot

    def _horizon_dp(
        self,
        start: int,
        keys: list[Key],
        steady: list[frozenset[int] | None],
        matching: list[frozenset[int]],
        *,
        restrict: bool,
    ) -> list[int] | None:
        lo, hi, end, finish = self.lo, self.hi, self.end_slot, self.finish_slot
        stop = finish + hi if end is None else end + 1
        nodes = [start]
        for day in range(start // SLOTS_PER_DAY, (stop - 1) // SLOTS_PER_DAY + 1):
            base = day * SLOTS_PER_DAY
            pattern = steady[day] if restrict else None
            offsets: Iterable[int] = sorted(pattern) if pattern is not None else range(96)
            nodes.extend(base + o for o in offsets if start < base + o < stop)
        if end is not None:
            # No handoff between the end day's midnight and the shared last handoff: the
            # horizon ends at the first handoff at or after that midnight.
            nodes = [n for n in nodes if n < finish] + [end]
        nodes.sort()
        # Weights of the module docstring's horizon objective, lexicographic by construction.
        unit = (len(nodes) * SLOTS_PER_DAY * SLOTS_PER_DAY + 1).bit_length()
        w_hour, w_shift, w_match, w_good = 1 << unit, 1 << 2 * unit, 1 << 3 * unit, 1 << 4 * unit
        reach_of_day: dict[int, tuple[int, ...]] = {}
        score: list[int | None] = [None] * len(nodes)
        back = [-1] * len(nodes)
        score[0] = 0
        best: int | None = None
        best_node = -1
        for n in range(1, len(nodes)):
            j = nodes[n]
            day, cut = divmod(j, SLOTS_PER_DAY)
            gain = (w_match if cut in matching[day] else 0) - w_shift
            if (cut - self.ref) % SLOTS_PER_HOUR:
                gain -= w_hour
            top: int | None = None
            first = bisect_left(nodes, j - hi, 0, n)
            last = bisect_right(nodes, min(j - lo, finish - 1), 0, n)
            for m in range(first, last):
                prev = score[m]
                if prev is None:
                    continue
                i = nodes[m]
                length = j - i
                i_day = i // SLOTS_PER_DAY
                reach = reach_of_day.get(i_day)
                if reach is None:
                    reach = reach_of_day[i_day] = self.reach(keys[i_day], keys[i_day + 1])
                good = length if length <= reach[i - i_day * SLOTS_PER_DAY] else 0
                value = prev + gain + good * w_good - length * length
                if top is None or value > top:
                    top, back[n] = value, m
            score[n] = top
            if (
                top is not None
                and (j == end if end is not None else j >= finish)
                and (best is None or top > best)
            ):
                best, best_node = top, n
        if best is None:
            return None
        path: list[int] = []
        n = best_node
        while n >= 0:
            path.append(nodes[n])
            n = back[n]
        return path[::-1]


def _regime_keys(keys: list[Key]) -> list[Key | None]:
    """Each day's key when it holds for at least two consecutive days, else None."""
    result: list[Key | None] = []
    for d, key in enumerate(keys):
        same_before = d > 0 and keys[d - 1] == key
        same_after = d + 1 < len(keys) and keys[d + 1] == key
        result.append(key if same_before or same_after else None)
    return result


__all__ = ["DailyPattern", "daily_pattern", "derive_cuts"]
