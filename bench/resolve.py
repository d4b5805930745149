"""Re-solve benchmark: one new one-week vacation on a published rota, re-solved vs solved afresh.

Usage::

    PYTHONPATH=. python -m bench.resolve                      # 30m-3z-fts-12w
    PYTHONPATH=. python -m bench.resolve --only 12m-3z-fts-8w --time-limit 30

Steps: solve the team (version 1); pick the member with the most shifts in week 5 (well after
the freeze, ``now`` = the horizon start) and give them a one-week vacation that week; re-solve
against version 1 with the default 48 h freeze; and solve the modified team afresh. Reported:
the assignments the vacation frees (the member's shifts that week, counted per role), the
assignments each run changed against version 1, changes before the freeze (must be 0), wall
time, the hours and weekend spreads, and violations found by the independent checker.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from bench.teams import SPECS, TeamSpec, team_document
from rota.config import config_from_document
from rota.horizon import build_grid
from rota.metrics import member_loads, spreads
from rota.model import Schedule
from rota.solver import SolveOptions, solve
from rota.solver.stability import Baseline, changed_assignments
from rota.team import Team, team_from_config
from rota.views import schedule_view
from rota.yamlfile import YamlDocument

ROOT = Path(__file__).resolve().parents[1]
VACATION_WEEK = 4  # 0-based: the fifth week of the horizon
FREEZE = timedelta(hours=48)


def _team(doc: dict[str, Any], name: str) -> Team:
    return team_from_config(config_from_document(YamlDocument(file=f"{name}.yaml", data=doc)))


def _violations(doc: dict[str, Any], schedule: Schedule) -> int:
    sys.path.insert(0, str(ROOT))
    from tests.checker import check_schedule

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "team.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        return len(check_schedule(path, schedule_view(schedule)))


def _with_vacation(
    doc: dict[str, Any], first: Schedule, team: Team
) -> tuple[dict[str, Any], str, int]:
    """The team file with one new week of vacation for the busiest member of that week."""
    week_start = first.horizon_start + timedelta(days=7 * VACATION_WEEK)
    week_end = week_start + timedelta(days=7)
    counts: dict[str, int] = {}
    for shift in first.shifts:
        if week_start <= shift.start < week_end:
            for who in shift.assignments.values():
                counts[who] = counts.get(who, 0) + 1
    member = max(sorted(counts), key=lambda who: counts[who])
    zone = team.member(member).timezone
    local_first = week_start.astimezone(zone).date()
    changed = copy.deepcopy(doc)
    for entry in changed["members"]:
        if entry["id"] == member:
            entry["unavailable"] = [
                *entry.get("unavailable", []),
                {
                    "start": local_first.isoformat(),
                    "end": (local_first + timedelta(days=6)).isoformat(),
                    "reason": "vacation",
                },
            ]
    new_team = _team(changed, "changed")
    freed = sum(
        1
        for shift in first.shifts
        for who in shift.assignments.values()
        if who == member and new_team.member(member).unavailable_during(shift.start, shift.end)
    )
    return changed, member, freed


def _before_freeze_changes(first: Schedule, new: Schedule, until: Any) -> int:
    held = {(s.start, s.end, r): w for s in new.shifts for r, w in s.assignments.items()}
    return sum(
        1
        for s in first.shifts
        if s.start < until
        for r, w in s.assignments.items()
        if held.get((s.start, s.end, r)) != w
    )


def run_one(spec: TeamSpec, time_limit: float, resolve_limit: float) -> dict[str, Any]:
    doc = team_document(spec)
    team = _team(doc, spec.name)
    grid = build_grid(team)
    options = SolveOptions(time_limit_s=time_limit, workers=2, seed=0)
    first = solve(team, grid, None, options).schedule

    changed_doc, member, freed = _with_vacation(doc, first, team)
    new_team = _team(changed_doc, spec.name)
    new_grid = build_grid(new_team)
    now = grid.start
    baseline = Baseline(previous=first, frozen_until=now + FREEZE)

    improved: list[float] = []
    t0 = time.perf_counter()
    again = solve(
        new_team,
        new_grid,
        None,
        SolveOptions(
            time_limit_s=resolve_limit,
            workers=2,
            seed=0,
            on_progress=lambda p: improved.append(p.elapsed_s),
        ),
        baseline,
    )
    resolve_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    fresh = solve(new_team, new_grid, None, options)
    fresh_s = time.perf_counter() - t0

    def row(result_schedule: Schedule, wall: float, status: str) -> dict[str, Any]:
        summary = spreads(new_team, member_loads(new_team, result_schedule))
        return {
            "wall_s": round(wall, 1),
            "status": status,
            "changed": changed_assignments(first, result_schedule, after=grid.start),
            "changed_before_freeze": _before_freeze_changes(first, result_schedule, now + FREEZE),
            "hours_spread": summary.hours,
            "weekend_spread": summary.weekends_worked,
            "fair_share_deviation": round(summary.fair_share_deviation, 1),
            "violations": _violations(changed_doc, result_schedule),
        }

    first_summary = spreads(team, member_loads(team, first))
    return {
        "team": spec.name,
        "assignments": len(first.shifts) * len(grid.roles),
        "member": member,
        "freed": freed,
        "first": {
            "hours_spread": first_summary.hours,
            "fair_share_deviation": round(first_summary.fair_share_deviation, 1),
        },
        "resolve": row(again.schedule, resolve_s, again.status),
        "resolve_last_improvement_s": round(improved[-1], 1) if improved else None,
        "fresh": row(fresh.schedule, fresh_s, fresh.status),
    }


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| team | assignments | vacation frees | run | changed | before freeze | time (s) "
        "| hours spread | max fair-share deviation (h) | violations |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        for run in ("resolve", "fresh"):
            x = r[run]
            name = "re-solve" if run == "resolve" else "fresh solve"
            lines.append(
                f"| {r['team']} | {r['assignments']:,} | {r['freed']} | {name} "
                f"| {x['changed']:,} | {x['changed_before_freeze']} | {x['wall_s']:.1f} "
                f"| {x['hours_spread']:.1f} | {x['fair_share_deviation']:.1f} "
                f"| {x['violations']} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="team name(s) to run")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per solve")
    parser.add_argument("--resolve-limit", type=float, help="seconds for the re-solve")
    parser.add_argument("--json", type=Path, help="write raw rows to this file")
    args = parser.parse_args(argv)
    names = args.only or ["30m-3z-fts-12w"]
    rows = []
    for spec in SPECS:
        if spec.name not in names:
            continue
        print(f"re-solving {spec.name} (limit {args.time_limit:g} s) ...", file=sys.stderr)
        result = run_one(spec, args.time_limit, args.resolve_limit or args.time_limit)
        print(json.dumps(result), file=sys.stderr, flush=True)
        rows.append(result)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    print(markdown(rows))


if __name__ == "__main__":
    main()
