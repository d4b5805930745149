"""Irregular benchmark teams: lumpy regions, personal hours, part-timers, absences; seeded.

Real teams are not tidy: regions of 2 and of 14, everyone with their own working window,
several countries sharing a time zone, members who only take the second role, part-timers,
vacations of a day to three weeks and half-day appointments. :func:`irregular_document` draws
such a team for a size and a seed, deterministically, as the dict a team file would hold;
:func:`irregular_config` validates it through the real loader. A drawn team that ``rota check``
proves cannot fit is drawn again from the next sub-seed, so every benchmark team has a rota
(the draw, not the solver, decides which teams exist).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import yaml

from rota.config import TeamConfig, config_from_document
from rota.yamlfile import YamlDocument

# Regions: (zone, country) pairs that share a clock (several countries per region).
REGIONS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("Europe/Berlin", "DE"), ("Europe/Warsaw", "PL"), ("Europe/Amsterdam", "NL")),
    (("America/New_York", "US"), ("America/Toronto", "CA")),
    (("Asia/Kolkata", "IN"),),
    (("America/Los_Angeles", "US"), ("America/Vancouver", "CA")),
    (("Europe/London", "GB"), ("Europe/Dublin", "IE")),
    (("Asia/Singapore", "SG"), ("Asia/Manila", "PH")),
    (("Australia/Sydney", "AU"), ("Australia/Melbourne", "AU")),
    (("America/Sao_Paulo", "BR"),),
)
WINDOWS = (
    ("07:00", "15:00"),
    ("08:00", "16:00"),
    ("09:00", "17:00"),
    ("09:30", "17:30"),
    ("10:00", "18:00"),
    ("11:00", "19:00"),
    ("07:00", "19:00"),
)
START = date(2027, 1, 4)  # a Monday


@dataclass(frozen=True, slots=True)
class IrregularSpec:
    """A size of irregular team: how many members, how many weeks, which rotation."""

    members: int
    weeks: int
    kind: str = "follow-the-sun"

    @property
    def name(self) -> str:
        kind = {"follow-the-sun": "fts", "daily": "daily", "weekly": "weekly"}[self.kind]
        return f"irregular-{self.members}m-{self.weeks}w-{kind}"


SIZES = (
    IrregularSpec(10, 8),
    IrregularSpec(24, 12),
    IrregularSpec(60, 16),
    IrregularSpec(150, 26),
    IrregularSpec(14, 8, "daily"),
    IrregularSpec(18, 12, "weekly"),
)


def _region_sizes(rng: random.Random, members: int) -> list[int]:
    """Unequal region sizes, each at least 2, summing to ``members``."""
    count = max(2, min(len(REGIONS), round(members / 7) + rng.randint(0, 2)))
    count = min(count, members // 2)
    weights = [rng.uniform(0.2, 1.0) ** 2 for _ in range(count)]
    sizes = [2] * count
    for _ in range(members - 2 * count):
        sizes[rng.choices(range(count), weights)[0]] += 1
    return sizes


def _absences(rng: random.Random, weeks: int, window: tuple[str, str]) -> list[dict[str, Any]]:
    days = 7 * weeks
    entries: list[dict[str, Any]] = []
    if rng.random() < 0.4:  # a vacation of 5 days to 3 weeks
        first = START + timedelta(days=rng.randrange(0, max(1, days - 5)))
        last = first + timedelta(days=rng.randint(4, 20))
        entries.append({"start": first.isoformat(), "end": last.isoformat(), "reason": "vacation"})
    if rng.random() < 0.3:  # a sick day
        day = START + timedelta(days=rng.randrange(0, days))
        entries.append({"start": day.isoformat(), "reason": "sick"})
    if rng.random() < 0.25:  # a half-day appointment inside the working window
        day = START + timedelta(days=rng.randrange(0, days))
        begin = datetime.combine(day, time.fromisoformat(window[0])) + timedelta(hours=1)
        entries.append(
            {
                "start": begin.isoformat(timespec="minutes"),
                "end": (begin + timedelta(hours=4)).isoformat(timespec="minutes"),
                "reason": "appointment",
            }
        )
    return entries


def _draw(spec: IrregularSpec, seed: str) -> dict[str, Any]:
    rng = random.Random(seed)
    regions = rng.sample(REGIONS, len(REGIONS))
    members: list[dict[str, Any]] = []
    for region, size in zip(regions, _region_sizes(rng, spec.members), strict=False):
        for _ in range(size):
            zone, country = rng.choice(region)
            window = rng.choice(WINDOWS)
            member: dict[str, Any] = {
                "id": f"m{len(members):03d}",
                "name": f"Member {len(members)}",
                "timezone": zone,
                "country": country,
                "working_hours": {"start": window[0], "end": window[1]},
            }
            if rng.random() < 0.15:
                member["fte"] = rng.choice([0.5, 0.6, 0.8])
            if rng.random() < 0.1:
                member["roles"] = ["secondary"]
            if unavailable := _absences(rng, spec.weeks, window):
                member["unavailable"] = unavailable
            members.append(member)
    doc: dict[str, Any] = {
        "team": {"id": spec.name, "timezone": members[0]["timezone"]},
        "horizon": {"start": START.isoformat(), "weeks": spec.weeks},
        "rotation": {"kind": spec.kind, "roles": ["primary", "secondary"]},
        "weekends": {
            "split": "whole" if spec.kind == "weekly" else rng.choice(["whole", "single-day"]),
            "max": 1,
            # small teams cannot staff every weekend with 1 in 3
            "per_weeks": 2 if spec.members < 18 else rng.choice([2, 3]),
        },
        "members": members,
    }
    if spec.kind == "follow-the-sun":
        doc["rotation"]["shift_hours"] = {"min": 4, "max": 6}
        doc["rotation"]["off_hours"] = "avoid"
    return doc


def irregular_document(spec: IrregularSpec, seed: int = 0) -> dict[str, Any]:
    """The team file (as a dict) for ``spec`` and ``seed``: the first draw that ``rota check``
    does not prove impossible and, for teams of up to :data:`PROVEN_UP_TO` members, that a
    short solve does not prove infeasible."""
    for attempt in range(50):
        doc = _draw(spec, f"{spec.name}-{seed}-{attempt}")
        if _may_have_a_rota(spec, doc):
            return doc
    raise RuntimeError(f"no feasible draw for {spec.name} seed {seed} in 50 attempts")


PROVEN_UP_TO = 30
"""Draws of teams this small are also solved briefly; larger ones rely on ``rota check``."""


def _may_have_a_rota(spec: IrregularSpec, doc: dict[str, Any]) -> bool:
    """Not proven impossible: by ``rota check``, then (small teams) by the hard rules alone."""
    from ortools.sat.python import cp_model

    from rota.capacity.check import check_capacity
    from rota.horizon import build_grid
    from rota.solver.constraints import build_model
    from rota.team import team_from_config

    team = team_from_config(_validated(spec, doc))
    if check_capacity(team).verdict.value == "cannot-fit":
        return False
    if spec.members > PROVEN_UP_TO:
        return True
    m = build_model(team, build_grid(team), None)
    if m.broken:
        return False
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 30
    solver.parameters.num_workers = 2
    return bool(solver.Solve(m.cp) != cp_model.INFEASIBLE)


def _validated(spec: IrregularSpec, doc: dict[str, Any]) -> TeamConfig:
    return config_from_document(YamlDocument(file=f"{spec.name}.yaml", data=doc))


def irregular_yaml(spec: IrregularSpec, seed: int = 0) -> str:
    return yaml.safe_dump(irregular_document(spec, seed), sort_keys=False)


def irregular_config(spec: IrregularSpec, seed: int = 0) -> TeamConfig:
    """Validated through the same loader as a team file on disk."""
    return _validated(spec, irregular_document(spec, seed))


__all__ = ["SIZES", "IrregularSpec", "irregular_config", "irregular_document", "irregular_yaml"]
