"""Solver benchmark: tidy and irregular teams, CP-SAT next to round-robin, in one run.

Usage::

    .venv/bin/python -m bench.solve                          # every team, seed 0
    .venv/bin/python -m bench.solve --irregular --seeds 3     # the irregular teams, 3 seeds
    .venv/bin/python -m bench.solve --only irregular-60m-16w-fts --seeds 3 --reference 10

For each run: time to the first valid rota, the final status and gap, off-hours and night-hours
totals and their proven floors (:mod:`rota.solver.floors`), the fairness spreads, the largest
night load of a part-timer against the most-loaded full-timer of their zone, peak memory (each
solve runs in its own process) and the independent checker's verdict (``tests/checker.py``) on
the rota. ``--reference F`` solves each team again
with F times the limit and reports the totals' ratio. Figures are from one machine in one run:
compare rows against each other, not against another machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.irregular import SIZES, irregular_yaml
from bench.teams import SPECS, team_yaml
from rota.errors import InfeasibleRotaError
from rota.horizon import build_grid
from rota.metrics import MemberLoad, member_loads, spreads
from rota.model import Schedule
from rota.service import config_from_text
from rota.solver import Progress, SolveOptions, solve
from rota.solver.roundrobin import round_robin
from rota.team import Team, team_from_config
from rota.views import schedule_view

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class BenchTeam:
    name: str
    seed: int
    text: str
    limit: float


def _limit(members: int) -> float:
    """The limit a team of this size is benchmarked at (the targets in docs/benchmarks.md)."""
    if members <= 30:
        return 60.0
    if members <= 100:
        return 120.0
    return 300.0


def bench_teams(
    tidy: bool, irregular: bool, seeds: int, only: Sequence[str] | None = None
) -> Iterator[BenchTeam]:
    """The teams to run; ``only`` names the ones wanted (the others are not even drawn). An
    irregular size whose seed has no draw that may have a rota is skipped with a note."""
    for seed in range(seeds):
        if tidy:
            for spec in SPECS:
                if only and spec.name not in only:
                    continue
                limit = 120.0 if spec.members >= 100 else 30.0
                yield BenchTeam(spec.name, seed, team_yaml(spec), limit)
        if irregular:
            for size in SIZES:
                if only and size.name not in only:
                    continue
                try:
                    text = irregular_yaml(size, seed)
                except RuntimeError as exc:
                    print(f"skipped: {exc}", file=sys.stderr)
                    continue
                yield BenchTeam(size.name, seed, text, _limit(size.members))


def _violations(text: str, schedule: Schedule) -> int:
    sys.path.insert(0, str(ROOT))
    from tests.checker import check_schedule

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "team.yaml"
        path.write_text(text, encoding="utf-8")
        return len(check_schedule(path, schedule_view(schedule)))


def part_time_night_excess(team: Team, loads: dict[str, MemberLoad]) -> float:
    """Largest night hours of a part-timer minus the most-loaded full-timer of their zone
    (<= 0 when no part-timer carries more nights than every full-timer beside them)."""
    excess = float("-inf")
    for member in team.members:
        if member.fte >= 1:
            continue
        peers = [
            loads[m.id].night_hours
            for m in team.members
            if m.fte >= 1 and m.timezone.key == member.timezone.key
        ]
        if peers:
            excess = max(excess, loads[member.id].night_hours - max(peers))
    return 0.0 if excess == float("-inf") else excess


def _figures(team: Team, schedule: Schedule, text: str) -> dict[str, Any]:
    loads = member_loads(team, schedule)
    summary = spreads(team, loads)
    return {
        "off_hours": round(sum(x.off_hours for x in loads.values()), 2),
        "night_hours": round(sum(x.night_hours for x in loads.values()), 2),
        "hours_spread": summary.hours,
        "weekend_spread": summary.weekends_worked,
        "night_spread": summary.night_hours,
        "part_time_night_excess": round(part_time_night_excess(team, loads), 2),
        "violations": _violations(text, schedule),
    }


def run_one(bench: BenchTeam, limit: float) -> dict[str, Any]:
    """Solve one team (in a fresh process when called through :func:`run_isolated`)."""
    team = team_from_config(config_from_text(bench.text, f"{bench.name}.yaml"))
    grid = build_grid(team)
    first: list[float] = []

    def on_progress(progress: Progress) -> None:
        if not first:
            first.append(progress.elapsed_s)

    started = time.perf_counter()
    options = SolveOptions(time_limit_s=limit, workers=2, seed=bench.seed, on_progress=on_progress)
    row: dict[str, Any] = {
        "team": bench.name,
        "seed": bench.seed,
        "limit_s": limit,
        "members": len(team.members),
        "shifts": len(grid.shifts),
    }
    try:
        result = solve(team, grid, None, options)
    except InfeasibleRotaError as exc:  # a draw `rota check` passes may still have no rota
        return row | {
            "status": "none",
            "error": exc.summary,
            "wall_s": round(time.perf_counter() - started, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
    row |= {
        "variables": result.num_variables,
        "first_valid_s": result.first_solution_s,
        "wall_s": round(time.perf_counter() - started, 2),
        "status": result.status,
        "gap": result.gap,
        "cp_sat": _figures(team, result.schedule, bench.text),
        "floors": result.unavoidable.as_json() if result.unavoidable else None,
        "round_robin": _figures(team, round_robin(team, grid), bench.text),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    return row


def run_isolated(bench: BenchTeam, limit: float) -> dict[str, Any]:
    """:func:`run_one` in a process of its own, so that ``peak_rss_mb`` is this solve's."""
    with ProcessPoolExecutor(max_workers=1) as pool:
        return pool.submit(run_one, bench, limit).result()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="team name(s) to run")
    parser.add_argument("--tidy", action="store_true", help="only the tidy teams")
    parser.add_argument("--irregular", action="store_true", help="only the irregular teams")
    parser.add_argument("--seeds", type=int, default=1, help="seeds 0..N-1 (team and solver)")
    parser.add_argument("--time-limit", type=float, help="override every team's time limit")
    parser.add_argument(
        "--reference", type=float, help="also solve with this many times the limit (ratios)"
    )
    parser.add_argument("--json", type=Path, help="write raw rows to this file")
    args = parser.parse_args(argv)
    both = not args.tidy and not args.irregular
    rows = []
    for bench in bench_teams(args.tidy or both, args.irregular or both, args.seeds, args.only):
        limit = args.time_limit or bench.limit
        print(f"solving {bench.name} seed {bench.seed} ({limit:g} s) ...", file=sys.stderr)
        row = run_isolated(bench, limit)
        if args.reference and "cp_sat" in row:
            reference = run_isolated(bench, limit * args.reference)
            if "cp_sat" in reference:
                row["reference"] = {"limit_s": reference["limit_s"], **reference["cp_sat"]}
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    print(markdown(rows))


def _ratio(value: float, reference: float) -> str:
    return "-" if reference <= 0 else f"{value / reference:.2f}"


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| team | seed | limit (s) | first valid (s) | status | gap | off-hours (h) cp-sat / rr "
        "| night (h) cp-sat / rr | floors off / night (h) | hours spread | weekend spread "
        "| part-timer night excess (h) "
        "| peak MB | violations cp-sat / rr | vs reference off / night |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if "cp_sat" not in r:  # no rota: the solve raised (see ``error``)
            rest = " | ".join(["-"] * 9)
            lines.append(
                f"| {r['team']} | {r['seed']} | {r['limit_s']:g} | - | no rota: {r['error']} "
                f"| - | {rest} |"
            )
            continue
        cp, rr = r["cp_sat"], r["round_robin"]
        first = "-" if r["first_valid_s"] is None else f"{r['first_valid_s']:.1f}"
        ref = r.get("reference")
        versus = (
            f"{_ratio(cp['off_hours'], ref['off_hours'])} / "
            f"{_ratio(cp['night_hours'], ref['night_hours'])}"
            if ref
            else "-"
        )
        floors = r.get("floors")
        floor_text = f"{floors['off_hours']:,.1f} / {floors['night_hours']:,.1f}" if floors else "-"
        lines.append(
            f"| {r['team']} | {r['seed']} | {r['limit_s']:g} | {first} | {r['status']} "
            f"| {r['gap']:.1%} | {cp['off_hours']:,.1f} / {rr['off_hours']:,.1f} "
            f"| {cp['night_hours']:,.1f} / {rr['night_hours']:,.1f} | {floor_text} "
            f"| {cp['hours_spread']:.1f} "
            f"| {cp['weekend_spread']} | {cp['part_time_night_excess']:.1f} | {r['peak_rss_mb']:,} "
            f"| {cp['violations']} / {rr['violations']} | {versus} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
