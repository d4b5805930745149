"""Small, hand-checkable teams for the solver tests, written as team files.

Each team is a YAML file in ``tmp_path`` so the independent checker (``tests/checker.py``) reads
exactly what the solver read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from rota.config import load_config
from rota.errors import InfeasibleRotaError
from rota.horizon import build_grid
from rota.model import Schedule, ScheduledShift
from rota.solver import SolveOptions, SolveResult, solve
from rota.team import Team, team_from_config
from rota.views import schedule_view
from tests.checker import Violation, check_schedule

FAST = SolveOptions(time_limit_s=5.0, workers=2, seed=0)


def daily_team(members: list[dict[str, Any]], **sections: Any) -> dict[str, Any]:
    """A daily Warsaw team from Monday 2027-01-04 (one week unless ``horizon`` says otherwise)."""
    doc: dict[str, Any] = {
        "team": {"id": "t", "timezone": "Europe/Warsaw"},
        "horizon": {"start": "2027-01-04", "weeks": 1},
        "rotation": {"kind": "daily", "roles": ["primary"], "handoff": "09:00"},
        "members": members,
    }
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(doc.get(key), dict):
            doc[key] = {**doc[key], **value}
        else:
            doc[key] = value
    return doc


def sun_team(members: list[dict[str, Any]], **sections: Any) -> dict[str, Any]:
    """A follow-the-sun team with 4 x 6 h UTC shifts from Monday 2027-01-04, one week."""
    doc = daily_team(members, **sections)
    rotation = {
        "kind": "follow-the-sun",
        "roles": ["primary"],
        "shift_hours": {"min": 4, "max": 6},
        "handoffs_utc": ["00:00", "06:00", "12:00", "18:00"],
    }
    doc["rotation"] = {**rotation, **sections.get("rotation", {})}
    return doc


def day_sun_team(members: list[dict[str, Any]], **sections: Any) -> dict[str, Any]:
    """:func:`sun_team` with a 07:00-19:00 working window and one weekend a week allowed."""
    defaults = {
        "working_hours": {"start": "07:00", "end": "19:00"},
        "weekends": {"max": 1, "per_weeks": 1},
    }
    return sun_team(members, **{**defaults, **sections})


def unavailable_for(doc: dict[str, Any], member: str, first_day: int, days: int) -> None:
    """Make ``member`` of ``doc`` unavailable from 2027-01-``first_day`` for ``days`` days."""
    for entry in doc["members"]:
        if entry["id"] == member:
            entry["unavailable"] = [
                {"start": f"2027-01-{first_day:02d}", "end": f"2027-01-{first_day + days:02d}"}
            ]


def people(*ids: str, zone: str = "Europe/Warsaw", **extra: Any) -> list[dict[str, Any]]:
    return [{"id": i, "timezone": zone, **extra} for i in ids]


class Case:
    """A team file on disk and the solver's answer for it."""

    def __init__(self, tmp_path: Path, doc: dict[str, Any], name: str = "team") -> None:
        self.path = tmp_path / f"{name}.yaml"
        self.path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        self.team: Team = team_from_config(load_config(self.path))
        self.grid = build_grid(self.team)

    def solve(self, history: Schedule | None = None, options: SolveOptions = FAST) -> SolveResult:
        return solve(self.team, self.grid, history, options)

    def violations(self, schedule: Schedule, history: Schedule | None = None) -> list[Violation]:
        history_json = None
        if history is not None:
            history_json = schedule_view(history)
        return check_schedule(self.path, schedule_view(schedule), history_json)

    def holders(self, schedule: Schedule, role: str = "primary") -> list[str]:
        return [s.assignments[role] for s in schedule.shifts]

    def schedule(self, holders: list[str]) -> Schedule:
        """The grid with ``holders[k]`` holding the primary role of shift ``k``."""
        shifts = tuple(
            ScheduledShift(start=s.start, end=s.end, assignments={"primary": h})
            for s, h in zip(self.grid.shifts, holders, strict=True)
        )
        return Schedule(self.grid.team_id, self.grid.start, self.grid.end, shifts)


__all__ = [
    "FAST",
    "Case",
    "InfeasibleRotaError",
    "daily_team",
    "people",
    "sun_team",
    "unavailable_for",
]
