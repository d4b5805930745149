"""Benchmark ``rota advise`` on generated teams that have no rota, each for a different reason.

Each case takes a generated benchmark team (:mod:`bench.teams`) and breaks it one way: too few
people in a zone for two roles (with ``off_hours: forbid``), a weekend limit too tight, rest
rules too long, a weekly hours cap too low, or working windows that leave hours no one may
cover under ``off_hours: forbid``. Reports the wall time, whether a verified suggestion was
found, the first suggestion, and whether applying its changes lets a solve succeed.

    .venv/bin/python -m bench.advise [--only NAME] [--seeds N] [--time-limit S]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

import yaml

from bench.teams import SPECS, TeamSpec, team_document
from rota.advice.advise import AdviceOptions, advise
from rota.advice.changes import AddMember, Change, SetValue
from rota.advice.verify import solve_changed
from rota.solver import SolveOptions
from rota.yamlfile import parse_yaml

Breaker = Callable[[dict[str, Any]], None]


def _zone_short(doc: dict[str, Any]) -> None:
    """One zone keeps a single member: two roles cannot be held in its hours."""
    zone = doc["members"][-1]["timezone"]
    kept = [m for m in doc["members"] if m["timezone"] != zone]
    doc["members"] = [*kept, next(m for m in doc["members"] if m["timezone"] == zone)]
    doc["rotation"]["off_hours"] = "forbid"


def _weekend_tight(doc: dict[str, Any]) -> None:
    doc["weekends"] = {"split": "whole", "max": 1, "per_weeks": 8}


def _rest(doc: dict[str, Any]) -> None:
    doc["rest"] = {"min_hours": 40, "after_weekend": True, "after_night": True}


def _hours_cap(doc: dict[str, Any]) -> None:
    doc["limits"] = {"max_hours_per_week": 8}


def _forbid_gap(doc: dict[str, Any]) -> None:
    """Working windows of 10:00-16:00 leave UTC hours no region covers."""
    for member in doc["members"]:
        member["working_hours"] = {"start": "10:00", "end": "16:00"}
    doc["rotation"]["off_hours"] = "forbid"


CASES: dict[str, Breaker] = {
    "zone-short": _zone_short,
    "weekend-tight": _weekend_tight,
    "rest": _rest,
    "hours-cap": _hours_cap,
    "forbid-gap": _forbid_gap,
}

TEAMS = tuple(s for s in SPECS if s.kind == "follow-the-sun" and s.members <= 30)


def run_one(spec: TeamSpec, case: str, seed: int, time_limit: float) -> dict[str, Any]:
    data = team_document(spec, seed)
    CASES[case](data)
    doc = parse_yaml(yaml.safe_dump(data, sort_keys=False), f"{spec.name}-{case}.yaml")
    started = time.monotonic()
    found = advise(doc, AdviceOptions(time_limit_s=time_limit, seed=seed))
    wall = time.monotonic() - started
    first = found.suggestions[0] if found.suggestions else None
    applied = None
    if first is not None:
        applied = solve_changed(doc, first.changes, SolveOptions(60, seed=seed)).figures is not None
    return {
        "team": spec.name,
        "case": case,
        "seed": seed,
        "feasible": found.feasible,
        "wall_s": round(wall, 1),
        "verified": sum(s.verified for s in found.suggestions),
        "suggestions": len(found.suggestions),
        "first": first.summary if first else None,
        "first_parts": _parts(first.changes) if first else None,
        "first_solves": applied,
    }


def _parts(changes: tuple[Change, ...]) -> int:
    """Parts a suggestion bends: each setting changed, each zone gaining members."""
    paths = {c.path for c in changes if isinstance(c, SetValue)}
    zones = {c.member["timezone"] for c in changes if isinstance(c, AddMember)}
    return len(paths) + len(zones)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="case name(s) to run")
    parser.add_argument("--team", action="append", help="team name(s) to run")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args(argv)
    rows = []
    for spec in TEAMS:
        if args.team and spec.name not in args.team:
            continue
        for case in CASES:
            if args.only and case not in args.only:
                continue
            for seed in range(args.seeds):
                row = run_one(spec, case, seed, args.time_limit)
                print(json.dumps(row), file=sys.stderr, flush=True)
                rows.append(row)
    print("| team | case | seed | wall s | verified | parts bent | first suggestion | solves |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['team']} | {r['case']} | {r['seed']} | {r['wall_s']} | "
            f"{r['verified']}/{r['suggestions']} | {r['first_parts']} | {r['first']} | "
            f"{r['first_solves']} |"
        )


if __name__ == "__main__":
    main()
