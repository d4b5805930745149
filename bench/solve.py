"""Solver benchmark: CP-SAT against the round-robin baseline on generated teams, in one run.

Usage::

    .venv/bin/python -m bench.solve                 # all sizes, writes docs/benchmarks.md section
    .venv/bin/python -m bench.solve --only 12m-3z-fts-8w --time-limit 30
    .venv/bin/python -m bench.solve --only 30m-3z-fts-12w --seeds 4   # run-to-run spread

For each team: variables, time to the first valid rota, time to the final answer, the gap, and
the fairness spreads (max - min among comparable members) of the CP-SAT rota next to
round-robin's on the same team, plus how many hard-rule violations each has according to the
independent checker in ``tests/checker.py``. Figures are from one machine in one run: compare
rows against each other (ratios), not against another machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.teams import SPECS, TeamSpec, team_config, team_yaml
from rota.horizon import build_grid
from rota.metrics import FairnessSummary, member_loads, spreads
from rota.model import Schedule
from rota.solver import Progress, SolveOptions, solve
from rota.solver.roundrobin import round_robin
from rota.team import Team, team_from_config
from rota.views import schedule_view

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LIMITS = {
    "6m-1z-daily-4w": 30.0,
    "12m-3z-fts-8w": 30.0,
    "30m-3z-fts-12w": 30.0,
    "100m-5z-fts-26w": 120.0,
}


def _violations(spec: TeamSpec, schedule: Schedule) -> int:
    sys.path.insert(0, str(ROOT))
    from tests.checker import check_schedule

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{spec.name}.yaml"
        path.write_text(team_yaml(spec), encoding="utf-8")
        return len(check_schedule(path, schedule_view(schedule)))


def _spread_dict(summary: FairnessSummary) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(summary)


def _total_off_hours(team: Team, schedule: Schedule) -> float:
    """Hours all members hold outside their working windows (what the ``humane`` stage cuts)."""
    return sum(load.off_hours for load in member_loads(team, schedule).values())


def run_one(spec: TeamSpec, time_limit: float, seed: int = 0) -> dict[str, Any]:
    team = team_from_config(team_config(spec))
    t0 = time.perf_counter()
    grid = build_grid(team)
    grid_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    baseline = round_robin(team, grid)
    rr_s = time.perf_counter() - t0

    first: list[float] = []

    def on_progress(progress: Progress) -> None:
        if not first:
            first.append(progress.elapsed_s)

    result = solve(
        team,
        grid,
        None,
        SolveOptions(time_limit_s=time_limit, workers=2, seed=seed, on_progress=on_progress),
    )
    row: dict[str, Any] = {
        "team": spec.name,
        "seed": seed,
        "members": spec.members,
        "zones": len(spec.zones),
        "weeks": spec.weeks,
        "shifts": len(grid.shifts),
        "grid_s": round(grid_s, 3),
        "variables": result.num_variables,
        "first_solution_s": result.first_solution_s,
        "wall_s": round(result.wall_s, 2),
        "status": result.status,
        "gap": result.gap,
        "windows": result.windows,
        "round_robin_s": round(rr_s, 3),
        "cp_sat": _spread_dict(spreads(team, member_loads(team, result.schedule))),
        "round_robin": _spread_dict(spreads(team, member_loads(team, baseline))),
        "off_hours_cp_sat": _total_off_hours(team, result.schedule),
        "off_hours_round_robin": _total_off_hours(team, baseline),
        "violations_cp_sat": _violations(spec, result.schedule),
        "violations_round_robin": _violations(spec, baseline),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="team name(s) to run")
    parser.add_argument("--time-limit", type=float, help="override the per-team time limit")
    parser.add_argument("--json", type=Path, help="write raw rows to this file")
    parser.add_argument(
        "--seeds", type=int, default=1, help="solve each team with seeds 0..N-1 (one row each)"
    )
    args = parser.parse_args(argv)
    rows = []
    for spec in SPECS:
        if args.only and spec.name not in args.only:
            continue
        limit = args.time_limit or DEFAULT_LIMITS[spec.name]
        for seed in range(args.seeds):
            print(
                f"solving {spec.name} (limit {limit:g} s, seed {seed}) ...",
                file=sys.stderr,
                flush=True,
            )
            row = run_one(spec, limit, seed)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    print(markdown(rows))


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| team | shifts | variables | first valid (s) | final (s) | status | gap "
        "| hours spread cp-sat / rr | weekend spread cp-sat / rr | off-hours spread cp-sat / rr "
        "| off-hours total cp-sat / rr | rule violations cp-sat / rr |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        cp, rr = r["cp_sat"], r["round_robin"]
        first = "-" if r["first_solution_s"] is None else f"{r['first_solution_s']:.1f}"
        team = r["team"] if not r.get("seed") else f"{r['team']} (seed {r['seed']})"
        lines.append(
            f"| {team} | {r['shifts']} | {r['variables']:,} | {first} | {r['wall_s']:.1f} "
            f"| {r['status']} | {r['gap']:.2%} "
            f"| {cp.get('hours', 0):.1f} / {rr.get('hours', 0):.1f} "
            f"| {cp.get('weekends_worked', 0):g} / {rr.get('weekends_worked', 0):g} "
            f"| {cp.get('off_hours', 0):.1f} / {rr.get('off_hours', 0):.1f} "
            f"| {r.get('off_hours_cp_sat', 0):,.1f} / {r.get('off_hours_round_robin', 0):,.1f} "
            f"| {r['violations_cp_sat']} / {r['violations_round_robin']} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
