"""Generated benchmark teams of increasing size, deterministic for a seed.

Each team is built as the dict a team file would hold and validated by the real loader, so the
benchmark exercises exactly what users run. Sizes follow the solver issue: 6 members / 1 zone /
daily / 4 weeks up to 100 members / 5 zones / follow-the-sun / 26 weeks, with vacations and
part-timers. Regions get enough people that a valid rota exists: with two roles and a 1-in-N
weekend rule, a slot only one region covers in working hours needs 2N people there.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import yaml

# Regions for follow-the-sun teams, each with an on-call working window in local time.
REGIONS: dict[str, tuple[str, str, str]] = {
    "America/Los_Angeles": ("US", "07:00", "19:00"),
    "America/New_York": ("US", "07:00", "19:00"),
    "Europe/Warsaw": ("PL", "07:00", "19:00"),
    "Asia/Kolkata": ("IN", "07:00", "19:00"),
    "Australia/Sydney": ("AU", "07:00", "19:00"),
}
THREE_ZONES = ("America/Los_Angeles", "Europe/Warsaw", "Australia/Sydney")
FIVE_ZONES = tuple(REGIONS)


@dataclass(frozen=True, slots=True)
class TeamSpec:
    name: str
    members: int
    zones: tuple[str, ...]
    kind: str
    weeks: int
    per_weeks: int


SPECS = (
    TeamSpec("6m-1z-daily-4w", 6, ("Europe/Berlin",), "daily", 4, 2),
    TeamSpec("12m-3z-fts-8w", 12, THREE_ZONES, "follow-the-sun", 8, 2),
    TeamSpec("30m-3z-fts-12w", 30, THREE_ZONES, "follow-the-sun", 12, 3),
    TeamSpec("100m-5z-fts-26w", 100, FIVE_ZONES, "follow-the-sun", 26, 3),
)

START = date(2027, 1, 4)  # a Monday


def team_document(spec: TeamSpec, seed: int = 0) -> dict[str, Any]:
    """The team file (as a dict) for ``spec``; vacations and part-timers drawn from ``seed``."""
    rng = random.Random(f"{spec.name}-{seed}")
    members: list[dict[str, Any]] = []
    for i in range(spec.members):
        zone = spec.zones[i % len(spec.zones)]
        country, start, end = REGIONS.get(zone, ("DE", "09:00", "17:00"))
        member: dict[str, Any] = {
            "id": f"m{i:03d}",
            "name": f"Member {i}",
            "timezone": zone,
            "country": country,
        }
        if spec.kind == "follow-the-sun":
            member["working_hours"] = {"start": start, "end": end}
        if i % 7 == 3:
            member["fte"] = 0.5
        if rng.random() < 0.5:
            first = START + timedelta(days=rng.randrange(0, 7 * spec.weeks - 7))
            member["unavailable"] = [
                {
                    "start": first.isoformat(),
                    "end": (first + timedelta(days=rng.choice([2, 4, 6]))).isoformat(),
                    "reason": "vacation",
                }
            ]
        members.append(member)
    doc: dict[str, Any] = {
        "team": {"id": spec.name, "timezone": spec.zones[0]},
        "horizon": {"start": START.isoformat(), "weeks": spec.weeks},
        "rotation": {"kind": spec.kind, "roles": ["primary", "secondary"]},
        "weekends": {"split": "whole", "max": 1, "per_weeks": spec.per_weeks},
        "members": members,
    }
    if spec.kind == "follow-the-sun":
        doc["rotation"]["shift_hours"] = {"min": 4, "max": 6}
        doc["rotation"]["off_hours"] = "avoid"
    return doc


def team_yaml(spec: TeamSpec, seed: int = 0) -> str:
    return yaml.safe_dump(team_document(spec, seed), sort_keys=False)
