"""API benchmark: ``GET /v1/teams/{team}/oncall`` under wrk on loopback, and the in-process floor.

Usage::

    .venv/bin/python -m bench.api [--seconds 20] [--connections 32]

Seeds a temporary SQLite store with a 100-member follow-the-sun team and a year of schedule
(round-robin: the benchmark measures lookups, not the solver), starts ``rota serve`` on
127.0.0.1 as a separate process, creates a read key, and runs ``wrk`` (Debian package ``wrk``)
against random instants of the year. The in-process floor is ``resolve_oncall`` on the same
team state, timed with ``timeit``. Also times a year-long team feed. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import timeit
from datetime import timedelta
from pathlib import Path

from bench.teams import FIVE_ZONES, TeamSpec, team_yaml
from rota.calendar.publish import FeedPublisher
from rota.horizon import build_grid
from rota.keys import API_KEY_PREFIX, new_secret, secret_hash
from rota.oncall import oncall_view, resolve_oncall
from rota.service import config_from_text, load_team_state
from rota.solver.roundrobin import round_robin
from rota.store import Store
from rota.team import team_from_config
from tests.served import rota_serve

SPEC = TeamSpec("api-100m-5z-52w", 100, FIVE_ZONES, "follow-the-sun", 52, 3)

LUA = """
math.randomseed(42)
local starts = {STARTS}
request = function()
  local at = starts[math.random(#starts)]
  local headers = {["Authorization"] = "Bearer {KEY}"}
  return wrk.format("GET", "/v1/teams/{TEAM}/oncall?at=" .. at, headers)
end
"""


def seed(db_url: str) -> tuple[list[str], float]:
    text = team_yaml(SPEC)
    team = team_from_config(config_from_text(text, f"{SPEC.name}.yaml"))
    schedule = round_robin(team, build_grid(team))
    with Store.open(db_url) as store:
        store.save_schedule(schedule, config_text=text, config_name=f"{SPEC.name}.yaml", meta={})
        state = load_team_state(store, SPEC.name)
        rng = random.Random(7)
        span = (schedule.horizon_end - schedule.horizon_start).total_seconds()
        instants = [
            schedule.horizon_start + timedelta(seconds=rng.uniform(0, span)) for _ in range(2000)
        ]
        stamps = [i.strftime("%Y-%m-%dT%H:%M:%SZ") for i in instants]
        cycle = iter(instants * 50)
        per_call = (
            min(
                timeit.repeat(
                    lambda: oncall_view(resolve_oncall(state.team, state.index, next(cycle))),
                    number=10_000,
                    repeat=5,
                )
            )
            / 10_000
        )
        publisher = FeedPublisher(store)
        t0 = time.perf_counter()
        publisher.team_feed(SPEC.name)
        feed_s = time.perf_counter() - t0
        print(
            f"in-process resolve+view: {per_call * 1e6:.1f} µs; year feed {feed_s:.3f} s",
            file=sys.stderr,
        )
    return stamps, per_call


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, nargs="+", default=[8, 16, 32])
    args = parser.parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk not found: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        stamps, floor = seed(db_url)
        key = new_secret(API_KEY_PREFIX)
        with Store.open(db_url) as store:
            store.add_api_key("bench", key_hash=secret_hash(key), scope="read")
        with rota_serve(db_url) as base:
            script = Path(tmp) / "oncall.lua"
            script.write_text(
                LUA.replace("{STARTS}", "{" + ",".join(f'"{s}"' for s in stamps) + "}")
                .replace("{TEAM}", SPEC.name)
                .replace("{KEY}", key),
                encoding="utf-8",
            )
            # Warm the cache, then measure.
            subprocess.run(
                [wrk, "-t1", "-c2", "-d2s", "-s", str(script), base],
                capture_output=True,
                check=True,
            )
            results = {
                connections: subprocess.run(
                    [
                        wrk,
                        "-t2",
                        f"-c{connections}",
                        f"-d{args.seconds}s",
                        "--latency",
                        "-s",
                        str(script),
                        base,
                    ],
                    capture_output=True,
                    check=True,
                    text=True,
                ).stdout
                for connections in args.connections
            }
    print(f"in-process `resolve_oncall` + view (the floor): {floor * 1e6:.1f} µs per call\n")
    print("| wrk connections | requests/s | p50 | p90 | p99 | non-2xx | socket errors |")
    print("|---|---|---|---|---|---|---|")
    for connections, result in results.items():
        print(result, file=sys.stderr)
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", result).group(1))  # type: ignore[union-attr]
        lat = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", result, re.M))
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result)
        socket_errors = re.search(r"Socket errors: (.*)", result)
        print(
            f"| {connections} | {rps:,.0f} | {lat.get('50')} | {lat.get('90')} | {lat.get('99')} "
            f"| {errors.group(1) if errors else 0} "
            f"| {socket_errors.group(1) if socket_errors else 'none'} |"
        )


if __name__ == "__main__":
    main()
