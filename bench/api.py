"""API benchmark: on-call lookups under wrk, alone and while a calendar feed is hammered.

Usage::

    PYTHONPATH=. .venv/bin/python -m bench.api [--seconds 15] [--workers 1 2] [--json api.json]

Seeds a temporary SQLite store with two teams (round-robin schedules: the benchmark measures
serving, not the solver):

- ``api-100m-5z-52w``: 100 members in five zones, follow-the-sun, a year;
  ``GET /v1/teams/{team}/oncall?at=<random instant of the year>`` with a read key is the paging
  lookup;
- ``api-daily-52w``: ``configs/startup-daily.yaml`` over 52 weeks, each weekend held whole by
  one member as the solver would (about 310 events, 156 KB): its team feed
  ``GET /feeds/<token>.ics`` is the load.

For each ``--workers`` count it starts ``rota serve --workers N`` on 127.0.0.1 as its own
process, warms its caches, and runs, each for ``--seconds``:

1. ``oncall, sequential``: one keep-alive client asking ``oncall`` one request after another
   (``--pause-ms`` between requests), nothing else: the baseline;
2. the same client while ``wrk`` asks for the feed on 32 connections;
3. ``wrk`` on ``oncall`` at 32 connections (after the server has worked off the feed run).

The sequential client is Python (``http.client``) in this process and records every request's
latency; wrk (Debian package ``wrk``, one thread) reports its own percentiles (``--latency``).
Server, wrk and client share the machine's cores. Also times the in-process floor:
``resolve_oncall`` + view + JSON on the loaded team state. Prints a markdown table and, with
``--json``, writes the figures.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import timeit
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from bench.teams import FIVE_ZONES, TeamSpec, team_yaml
from rota.horizon import build_grid
from rota.keys import API_KEY_PREFIX, FEED_TOKEN_PREFIX, new_secret, secret_hash
from rota.oncall import oncall_view, resolve_oncall
from rota.service import config_from_text, load_team_state
from rota.solver.roundrobin import round_robin
from rota.store import Store
from rota.team import team_from_config
from tests.served import free_port, rota_command

ONCALL_SPEC = TeamSpec("api-100m-5z-52w", 100, FIVE_ZONES, "follow-the-sun", 52, 3)
FEED_TEAM = "api-daily-52w"
FEED_CONFIG = Path(__file__).resolve().parent.parent / "configs" / "startup-daily.yaml"
FEED_CONNECTIONS = 32
ONCALL_CONNECTIONS = 32
SUNDAY = 6

LUA = """
math.randomseed(42)
local starts = {STARTS}
request = function()
  local at = starts[math.random(#starts)]
  local headers = {["Authorization"] = "Bearer {KEY}"}
  return wrk.format("GET", "/v1/teams/{TEAM}/oncall?at=" .. at, headers)
end
"""


@dataclass(frozen=True, slots=True)
class Seeded:
    """What the runs need from the store: lookup instants, a read key, the feed's path."""

    stamps: list[str]
    key: str
    feed_path: str
    floor_us: float


@dataclass(frozen=True, slots=True)
class Latency:
    """Requests and latency percentiles (ms) of one client in one run."""

    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int


def _store_team(store: Store, text: str, name: str, *, whole_weekends: bool = False) -> None:
    """Store a round-robin schedule of the team; ``whole_weekends``: Sunday's holders are
    Saturday's (as the solver's rotas of ``weekends.split: whole`` teams are)."""
    team = team_from_config(config_from_text(text, name))
    schedule = round_robin(team, build_grid(team))
    if whole_weekends:
        zone = team.zone
        shifts = list(schedule.shifts)
        for i in range(1, len(shifts)):
            if shifts[i].start.astimezone(zone).weekday() == SUNDAY:
                shifts[i] = replace(shifts[i], assignments=dict(shifts[i - 1].assignments))
        schedule = replace(schedule, shifts=tuple(shifts))
    store.save_schedule(schedule, config_text=text, config_name=name, meta={})


def seed(db_url: str) -> Seeded:
    """Store both teams, a read key and a team-feed token; return what the clients ask for."""
    oncall_text = team_yaml(ONCALL_SPEC)
    feed_doc = yaml.safe_load(FEED_CONFIG.read_text(encoding="utf-8"))
    feed_doc["team"]["id"] = FEED_TEAM
    feed_doc["horizon"]["weeks"] = 52
    feed_text = yaml.safe_dump(feed_doc, sort_keys=False)
    key = new_secret(API_KEY_PREFIX)
    token = new_secret(FEED_TOKEN_PREFIX)
    with Store.open(db_url) as store:
        _store_team(store, oncall_text, f"{ONCALL_SPEC.name}.yaml")
        _store_team(store, feed_text, f"{FEED_TEAM}.yaml", whole_weekends=True)
        store.add_api_key("bench", key_hash=secret_hash(key), scope="read")
        store.add_feed_token(token_hash=secret_hash(token), kind="team", team_id=FEED_TEAM)
        schedule = store.load_schedule(ONCALL_SPEC.name)
        state = load_team_state(store, ONCALL_SPEC.name)
    rng = random.Random(7)
    span = (schedule.horizon_end - schedule.horizon_start).total_seconds()
    instants = [
        schedule.horizon_start + timedelta(seconds=int(rng.uniform(0, span))) for _ in range(2000)
    ]
    cycle = itertools.cycle(instants)
    floor_s = (
        min(
            timeit.repeat(
                lambda: json.dumps(
                    oncall_view(resolve_oncall(state.team, state.index, next(cycle)))
                ),
                number=5_000,
                repeat=5,
            )
        )
        / 5_000
    )
    stamps = [i.strftime("%Y-%m-%dT%H:%M:%SZ") for i in instants]
    return Seeded(stamps, key, f"/feeds/{token}.ics", floor_s * 1e6)


@contextmanager
def serve(db_url: str, workers: int, log: Path) -> Iterator[str]:
    """``rota serve`` on a free loopback port (``--workers`` only when above 1); its base URL."""
    port = free_port()
    command = [rota_command(), "serve", "--host", "127.0.0.1", "--port", str(port), "--db", db_url]
    if workers > 1:
        command += ["--workers", str(workers)]
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as sink:
        server = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                        break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(
                            f"rota serve did not come up:\n{log.read_text()[-3000:]}"
                        ) from None
                    time.sleep(0.05)
            yield base
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _percentile(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return float("nan")
    return sorted_ms[min(len(sorted_ms) - 1, int(q * len(sorted_ms)))]


def sequential_oncall(base: str, seeded: Seeded, seconds: float, pause_s: float) -> Latency:
    """One keep-alive client asking ``oncall`` one request after another for ``seconds``."""
    port = int(base.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {seeded.key}"}
    rng = random.Random(11)
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()
    end = start + seconds
    while time.perf_counter() < end:
        at = rng.choice(seeded.stamps)
        t0 = time.perf_counter()
        try:
            connection.request(
                "GET", f"/v1/teams/{ONCALL_SPEC.name}/oncall?at={at}", headers=headers
            )
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append((time.perf_counter() - t0) * 1000)
        if response.status != 200 or b'"holders"' not in body:
            errors += 1
        if pause_s:
            time.sleep(pause_s)
    elapsed = time.perf_counter() - start
    connection.close()
    latencies.sort()
    return Latency(
        requests=len(latencies),
        rps=len(latencies) / elapsed,
        p50_ms=_percentile(latencies, 0.50),
        p90_ms=_percentile(latencies, 0.90),
        p99_ms=_percentile(latencies, 0.99),
        max_ms=latencies[-1] if latencies else float("nan"),
        errors=errors,
    )


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNIT_MS[unit]


def wrk(
    url: str, connections: int, seconds: float, script: Path | None = None, threads: int = 1
) -> Latency:
    """``wrk --latency`` against ``url``; its request rate and percentiles."""
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{int(seconds)}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run(
        [*command, url], capture_output=True, check=True, text=True, timeout=seconds + 30
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", out, re.M))
    latency_max = re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", out, re.M)
    requests = re.search(r"(\d+) requests in", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return Latency(
        requests=int(requests.group(1)) if requests else 0,
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=_ms(percentiles["50"]),
        p90_ms=_ms(percentiles["90"]),
        p99_ms=_ms(percentiles["99"]),
        max_ms=_ms(latency_max.group(1)) if latency_max else float("nan"),
        errors=(int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(n) for n in socket.groups()) if socket else 0),
    )


def settle(base: str, seeded: Seeded, limit_s: float = 60) -> None:
    """Wait until the server has worked off requests still queued from a run (an oncall lookup
    answers within 20 ms three times in a row)."""
    deadline = time.monotonic() + limit_s
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        t0 = time.monotonic()
        request = urllib.request.Request(
            f"{base}/v1/teams/{ONCALL_SPEC.name}/oncall?at={seeded.stamps[0]}",
            headers={"Authorization": f"Bearer {seeded.key}"},
        )
        with urllib.request.urlopen(request, timeout=limit_s):
            pass
        quick = quick + 1 if time.monotonic() - t0 < 0.02 else 0
        time.sleep(0.1)


def feed_size(base: str, seeded: Seeded) -> tuple[int, int]:
    """Events and bytes of the feed as served."""
    with urllib.request.urlopen(base + seeded.feed_path, timeout=30) as response:
        body: bytes = response.read()
    return body.count(b"BEGIN:VEVENT"), len(body)


def run_workers(
    db_url: str, seeded: Seeded, workers: int, args: argparse.Namespace, tmp: Path
) -> dict[str, Any]:
    """The three scenarios against one ``rota serve --workers N``."""
    script = tmp / "oncall.lua"
    script.write_text(
        LUA.replace("{STARTS}", "{" + ",".join(f'"{s}"' for s in seeded.stamps) + "}")
        .replace("{TEAM}", ONCALL_SPEC.name)
        .replace("{KEY}", seeded.key),
        encoding="utf-8",
    )
    pause_s = args.pause_ms / 1000
    with serve(db_url, workers, tmp / f"serve-{workers}.log") as base:
        events, size = feed_size(base, seeded)
        # Warm every worker's caches (team state, keys, feed) before measuring.
        wrk(base, 4, 2, script)
        wrk(base + seeded.feed_path, 4, 2)
        alone = sequential_oncall(base, seeded, args.seconds, pause_s)
        print(f"workers {workers}: oncall sequential alone {alone}", file=sys.stderr)
        loaded: dict[str, Latency] = {}

        def feed_load() -> None:
            loaded["feed"] = wrk(base + seeded.feed_path, FEED_CONNECTIONS, args.seconds + 2)

        flood = threading.Thread(target=feed_load)
        flood.start()
        time.sleep(1)  # let wrk open its connections and reach its rate
        beside = sequential_oncall(base, seeded, args.seconds, pause_s)
        flood.join()
        print(f"workers {workers}: feed x{FEED_CONNECTIONS} {loaded['feed']}", file=sys.stderr)
        print(f"workers {workers}: oncall sequential beside it {beside}", file=sys.stderr)
        settle(base, seeded)
        oncall32 = wrk(base, ONCALL_CONNECTIONS, args.seconds, script)
        print(f"workers {workers}: oncall x{ONCALL_CONNECTIONS} {oncall32}", file=sys.stderr)
    return {
        "workers": workers,
        "feed_events": events,
        "feed_bytes": size,
        "oncall_sequential": asdict(alone),
        "feed_x32": asdict(loaded["feed"]),
        "oncall_sequential_beside_feed": asdict(beside),
        "oncall_x32": asdict(oncall32),
    }


def _row(label: str, workers: int, result: dict[str, Any]) -> str:
    return (
        f"| {workers} | {label} | {result['rps']:,.0f} | {result['p50_ms']:.2f} "
        f"| {result['p90_ms']:.2f} | {result['p99_ms']:.2f} | {result['max_ms']:.1f} "
        f"| {result['errors']} |"
    )


def print_table(runs: list[dict[str, Any]], floor_us: float) -> None:
    first = runs[0]
    print(
        f"feed: {first['feed_events']} events, {first['feed_bytes'] / 1000:.0f} KB; "
        f"oncall team: {ONCALL_SPEC.members} members, {ONCALL_SPEC.weeks} weeks; "
        f"in-process resolve_oncall + view + JSON (the floor): {floor_us:.1f} µs\n"
    )
    print("| workers | client | requests/s | p50 ms | p90 ms | p99 ms | max ms | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for run in runs:
        n = run["workers"]
        print(_row("oncall, sequential (baseline)", n, run["oncall_sequential"]))
        print(_row(f"feed, wrk x{FEED_CONNECTIONS}", n, run["feed_x32"]))
        print(_row("oncall, sequential, beside the feed", n, run["oncall_sequential_beside_feed"]))
        print(_row(f"oncall, wrk x{ONCALL_CONNECTIONS}", n, run["oncall_x32"]))
    print()
    for run in runs:
        alone, beside = run["oncall_sequential"], run["oncall_sequential_beside_feed"]
        print(
            f"workers {run['workers']}: beside the feed, sequential oncall p50 "
            f"{beside['p50_ms'] / alone['p50_ms']:.1f}x and p99 "
            f"{beside['p99_ms'] / alone['p99_ms']:.1f}x the baseline's"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15, help="length of each run")
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="rota serve --workers counts"
    )
    parser.add_argument(
        "--pause-ms", type=float, default=5, help="pause of the sequential client between requests"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        db_url = f"sqlite:///{tmp / 'bench.db'}"
        seeded = seed(db_url)
        runs = [run_workers(db_url, seeded, n, args, tmp) for n in args.workers]
    print_table(runs, seeded.floor_us)
    if args.json is not None:
        meta = {
            "seconds": args.seconds,
            "pause_ms": args.pause_ms,
            "cpus": os.cpu_count(),
            "floor_us": seeded.floor_us,
        }
        args.json.write_text(json.dumps({"meta": meta, "runs": runs}, indent=2) + "\n")


if __name__ == "__main__":
    main()
