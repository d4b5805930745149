"""``rota check``: a capacity analysis of a team file, without solving.

Every ``cannot-fit`` finding is a counting proof that no rota keeps the hard rules (the
solver's eligibility, a matching, sums of minutes or weekends); ``tight`` marks a count that
holds with less spare than one member's part, so one more absence would break it; ``info``
gives the figures (what each region must hold, the off-hours and night hours every rota has).
The rules and how to read them are in ``docs/capacity.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rota.capacity.counting import Counting, build_counting
from rota.capacity.findings import LEVEL_ORDER, Finding, Verdict, verdict_of
from rota.capacity.floors import floor_findings
from rota.capacity.hours import hours_findings
from rota.capacity.regions import RegionTable, region_tables
from rota.capacity.shifts import after_weekend_findings, coverage_findings, shift_length_findings
from rota.capacity.weekends import weekend_findings, weekend_hours_findings
from rota.horizon import build_grid
from rota.model import Grid
from rota.team import Team


@dataclass(frozen=True, slots=True)
class CapacityReport:
    team: Team
    grid: Grid
    verdict: Verdict
    findings: tuple[Finding, ...]
    regions: tuple[RegionTable, ...]
    off_hours_floor: int  # minutes
    night_floor: int  # minutes

    def as_json(self) -> dict[str, object]:
        return {
            "team": self.team.id,
            "verdict": self.verdict.value,
            "findings": [f.as_json() for f in self.findings],
            "regions": [r.as_json() for r in self.regions],
            "floors": {
                "off_hours": self.off_hours_floor / 60,
                "night_hours": self.night_floor / 60,
            },
        }


def check_capacity(team: Team, grid: Grid | None = None) -> CapacityReport:
    """Count what the team file asks against what its members can give."""
    shifts = build_grid(team) if grid is None else grid
    c = build_counting(team, shifts)
    floors, off, night = floor_findings(c)
    findings = [
        *coverage_findings(c),
        *shift_length_findings(c),
        *after_weekend_findings(c),
        *weekend_findings(c),
        *weekend_hours_findings(c),
        *hours_findings(c),
        *floors,
    ]
    findings.sort(key=lambda f: LEVEL_ORDER[f.level])  # stable: each rule's order is kept
    return CapacityReport(
        team=team,
        grid=shifts,
        verdict=verdict_of(findings),
        findings=tuple(findings),
        regions=tuple(region_tables(c)),
        off_hours_floor=off,
        night_floor=night,
    )


def counting(team: Team) -> Counting:
    """The counting facts of a team (for tests and tools that want the raw numbers)."""
    return build_counting(team, build_grid(team))
