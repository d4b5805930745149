"""The headline figures of a rota: what ``advise`` shows per suggestion and ``whatif`` compares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rota.metrics import MemberLoad, member_loads, spreads
from rota.model import Schedule
from rota.team import Team


@dataclass(frozen=True, slots=True)
class Figures:
    """Totals and spreads (max - min among comparable members) of one rota, in hours."""

    off_hours: float
    night_hours: float
    weekend_hours: float
    holiday_hours: float
    hours_spread: float
    weekends_spread: int
    off_hours_spread: float
    night_spread: float
    members: dict[str, float]
    """Each member's hours."""

    def as_json(self) -> dict[str, Any]:
        return {
            "off_hours": self.off_hours,
            "night_hours": self.night_hours,
            "weekend_hours": self.weekend_hours,
            "holiday_hours": self.holiday_hours,
            "hours_spread": self.hours_spread,
            "weekends_spread": self.weekends_spread,
            "off_hours_spread": self.off_hours_spread,
            "night_spread": self.night_spread,
        }

    def headline(self) -> str:
        """``12 h off-hours, 0 h at night, spreads: hours 8 h, weekends 1``."""
        return (
            f"{self.off_hours:g} h off-hours, {self.night_hours:g} h at night, spreads: "
            f"hours {self.hours_spread:g} h, weekends {self.weekends_spread}"
        )


def figures(team: Team, schedule: Schedule) -> Figures:
    loads: dict[str, MemberLoad] = member_loads(team, schedule)
    summary = spreads(team, loads)
    values = list(loads.values())

    def total(name: str) -> float:
        return round(float(sum(getattr(load, name) for load in values)), 2)

    return Figures(
        off_hours=total("off_hours"),
        night_hours=total("night_hours"),
        weekend_hours=total("weekend_hours"),
        holiday_hours=total("holiday_hours"),
        hours_spread=round(summary.hours, 2),
        weekends_spread=summary.weekends_worked,
        off_hours_spread=round(summary.off_hours, 2),
        night_spread=round(summary.night_hours, 2),
        members={member_id: round(load.hours, 2) for member_id, load in loads.items()},
    )
