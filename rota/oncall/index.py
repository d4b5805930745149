"""O(log n) lookup of the effective shift holding an instant, exact at handoffs.

Shifts are half-open ``[start, end)``: at the instant one shift ends the next one holds, so an
instant equal to the end of shift ``k`` belongs to shift ``k + 1``. The index keeps the sorted
start instants and finds a shift with :func:`bisect.bisect_right`; it is built once per schedule
(and set of overrides) and then answers any number of lookups.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from itertools import pairwise

from rota.errors import ScheduleNotFound
from rota.model import Override, Schedule, ScheduledShift
from rota.oncall.effective import EffectivePiece, effective_pieces, span_text

_NO_OVERRIDES: Mapping[str, Override] = {}


def instant_text(instant: datetime) -> str:
    """RFC 3339 UTC, with microseconds only when there are any.

    >>> from datetime import timezone, timedelta
    >>> instant_text(datetime(2027, 3, 1, 1, 0, tzinfo=timezone(timedelta(hours=1))))
    '2027-03-01T00:00:00Z'
    >>> instant_text(datetime(2027, 3, 1, 0, 0, 0, 5, tzinfo=UTC))
    '2027-03-01T00:00:00.000005Z'
    """
    utc = instant.astimezone(UTC)
    if utc.microsecond:
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


class OnCallIndex:
    """The effective shifts of one team, indexed by start instant.

    Args:
        team_id: the team, named in error messages.
        shifts: effective shifts tiling ``[start, end)``, in time order.
        overrides: per shift, role -> the override in force (default: none, all planned).

    Raises:
        ScheduleNotFound: ``shifts`` is empty.
        ValueError: the shifts do not tile an interval, or ``overrides`` has another length.
    """

    __slots__ = ("_next_change", "_overrides", "_shifts", "_starts", "team_id")

    def __init__(
        self,
        team_id: str,
        shifts: Sequence[ScheduledShift],
        overrides: Sequence[Mapping[str, Override]] | None = None,
    ) -> None:
        if not shifts:
            raise ScheduleNotFound(f"team {team_id!r} has an empty schedule; run `rota solve`")
        for before, after in pairwise(shifts):
            if before.end != after.start:
                raise ValueError(
                    f"shifts of team {team_id!r} do not tile: "
                    f"{instant_text(before.end)} != {instant_text(after.start)}"
                )
        for shift in shifts:
            if shift.start >= shift.end:
                raise ValueError(f"empty shift {span_text(shift.start, shift.end)}")
        if overrides is not None and len(overrides) != len(shifts):
            raise ValueError("one overrides mapping per shift is needed")
        self.team_id = team_id
        self._shifts = tuple(shifts)
        self._overrides = (
            tuple(overrides) if overrides is not None else (_NO_OVERRIDES,) * len(shifts)
        )
        self._starts = [shift.start for shift in shifts]
        # _next_change[k]: the first position after k whose holders differ from k's (or None).
        nxt: list[int | None] = [None] * len(shifts)
        for k in range(len(shifts) - 2, -1, -1):
            same = shifts[k + 1].assignments == shifts[k].assignments
            nxt[k] = nxt[k + 1] if same else k + 1
        self._next_change = nxt

    @classmethod
    def from_pieces(cls, team_id: str, pieces: Sequence[EffectivePiece]) -> OnCallIndex:
        """Index pieces from :func:`~rota.oncall.effective.effective_pieces` (keeps provenance)."""
        return cls(team_id, [p.shift for p in pieces], [p.overrides for p in pieces])

    @classmethod
    def from_schedule(cls, schedule: Schedule, overrides: Sequence[Override] = ()) -> OnCallIndex:
        """Apply ``overrides`` to ``schedule`` and index the result."""
        return cls.from_pieces(schedule.team_id, effective_pieces(schedule, overrides))

    @property
    def start(self) -> datetime:
        return self._shifts[0].start

    @property
    def end(self) -> datetime:
        return self._shifts[-1].end

    @property
    def shifts(self) -> tuple[ScheduledShift, ...]:
        return self._shifts

    def __len__(self) -> int:
        return len(self._shifts)

    def position(self, at: datetime) -> int:
        """The index of the shift holding ``at`` (``start <= at < end``).

        Raises:
            ValueError: ``at`` is naive.
            ScheduleNotFound: ``at`` is outside the indexed interval.
        """
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError(f"'at' must be timezone-aware, got naive {at.isoformat()}")
        if not self._starts[0] <= at < self._shifts[-1].end:
            raise ScheduleNotFound(
                f"no schedule for team {self.team_id!r} at {instant_text(at)}; "
                f"the stored schedule covers {span_text(self.start, self.end)}"
            )
        return bisect_right(self._starts, at) - 1

    def shift_at(self, at: datetime) -> ScheduledShift:
        """The effective shift holding ``at`` (see :meth:`position`)."""
        return self._shifts[self.position(at)]

    def overrides_at_position(self, position: int) -> Mapping[str, Override]:
        """Role -> override in force in the shift at ``position``."""
        return self._overrides[position]

    def next_change(self, position: int) -> int | None:
        """The first position after ``position`` where any role's holder differs, or None."""
        return self._next_change[position]
