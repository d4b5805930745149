"""Plain-data views (JSON-ready dicts) of grids and schedules, shared by the CLI and the API."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from rota.model import Grid, Schedule, ScheduledShift


def rfc3339(instant: datetime) -> str:
    """``2026-12-07T00:00:00Z`` for an aware instant (converted to UTC)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class InstantOutOfRange(ValueError):
    """An instant whose UTC time falls outside years 1-9999 (``0001-01-01T00:00:00+00:01``)."""

    def __init__(self) -> None:
        super().__init__("out of range, it falls outside years 1-9999 in UTC")


def in_utc(value: datetime) -> datetime:
    """An aware ``value`` in UTC; :class:`InstantOutOfRange` when that falls outside the
    calendar (``0001-01-01T00:00:00+00:01`` is in year 0 in UTC)."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise InstantOutOfRange from None


def shift_view(shift: ScheduledShift) -> dict[str, Any]:
    return {
        "start": rfc3339(shift.start),
        "end": rfc3339(shift.end),
        "assignments": dict(shift.assignments),
    }


def schedule_view(
    schedule: Schedule, shifts: Iterable[ScheduledShift] | None = None
) -> dict[str, Any]:
    """The ``rota show --json`` document."""
    chosen = schedule.shifts if shifts is None else tuple(shifts)
    return {
        "team": schedule.team_id,
        "version": schedule.version,
        "horizon": {"start": rfc3339(schedule.horizon_start), "end": rfc3339(schedule.horizon_end)},
        "shifts": [shift_view(s) for s in chosen],
    }


def grid_view(grid: Grid, eligible: list[dict[str, list[str]]]) -> dict[str, Any]:
    """``rota grid --json``: shifts with UTC bounds and eligible member ids per role."""
    return {
        "team": grid.team_id,
        "horizon": {"start": rfc3339(grid.start), "end": rfc3339(grid.end)},
        "roles": list(grid.roles),
        "shifts": [
            {
                "index": shift.index,
                "start": rfc3339(shift.start),
                "end": rfc3339(shift.end),
                "hours": round(shift.hours, 4),
                "eligible": eligible[shift.index],
            }
            for shift in grid.shifts
        ],
    }
