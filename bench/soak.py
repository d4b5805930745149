"""Soak: ``rota serve`` under concurrent readers and one override writer, for a bounded time.

Usage::

    .venv/bin/python -m bench.soak [--seconds 60] [--readers 8] [--window 10]

Seeds a temporary SQLite store (the 30-member follow-the-sun benchmark team, round-robin
schedule), starts ``rota serve`` on 127.0.0.1 as a separate process and runs, for ``--seconds``:

- ``--readers`` threads, each on its own keep-alive connection, asking
  ``GET /v1/teams/{team}/oncall?at=<random instant>`` with a read key;
- one writer thread adding an override (``POST``) and removing an earlier one (``DELETE``) in
  turn with a write key, remembering every acknowledged id.

At the end it checks the store directly: every acknowledged POST is there, every acknowledged
DELETE removed it, nothing else changed. It prints the totals and the reader latency (p50, p99)
per ``--window`` seconds, and exits 1 on any error or lost write.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from bench.teams import SPECS, team_yaml
from rota.horizon import build_grid
from rota.keys import API_KEY_PREFIX, new_secret, secret_hash
from rota.service import config_from_text
from rota.solver.roundrobin import round_robin
from rota.store import Store
from rota.team import Team, team_from_config
from tests.served import rota_serve

SPEC = SPECS[1]  # 12 members, 3 zones, follow-the-sun, 8 weeks


@dataclass(slots=True)
class Tally:
    """What the threads saw; lists are appended under the GIL, read after join."""

    latencies: list[tuple[float, float]] = field(default_factory=list)  # (t since start, s)
    reads: int = 0
    errors: list[str] = field(default_factory=list)
    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    writes: int = 0
    refused: int = 0


def seed(db_url: str) -> tuple[Team, str, str]:
    text = team_yaml(SPEC)
    team = team_from_config(config_from_text(text, f"{SPEC.name}.yaml"))
    schedule = round_robin(team, build_grid(team))
    read_key, write_key = new_secret(API_KEY_PREFIX), new_secret(API_KEY_PREFIX)
    with Store.open(db_url) as store:
        store.save_schedule(schedule, config_text=text, config_name=f"{SPEC.name}.yaml", meta={})
        store.add_api_key("soak-read", key_hash=secret_hash(read_key), scope="read")
        store.add_api_key("soak-write", key_hash=secret_hash(write_key), scope="write")
    return team, read_key, write_key


def rfc3339(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def reader(
    port: int, key: str, team: Team, span: tuple[datetime, datetime], stop: threading.Event,
    started: float, tally: Tally, seed_: int,
) -> None:  # fmt: skip
    rng = random.Random(seed_)
    seconds = int((span[1] - span[0]).total_seconds())
    headers = {"Authorization": f"Bearer {key}"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    while not stop.is_set():
        at = rfc3339(span[0] + timedelta(seconds=rng.randrange(seconds)))
        t0 = time.perf_counter()
        try:
            connection.request("GET", f"/v1/teams/{team.id}/oncall?at={at}", headers=headers)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            tally.errors.append(f"read: {exc!r}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        elapsed = time.perf_counter() - t0
        if response.status != 200:
            tally.errors.append(f"read {at}: {response.status} {body[:200]!r}")
        tally.latencies.append((time.perf_counter() - started, elapsed))
        tally.reads += 1
    connection.close()


def writer(
    port: int, key: str, team: Team, span: tuple[datetime, datetime], stop: threading.Event,
    tally: Tally,
) -> None:  # fmt: skip
    try:
        _write(port, key, team, span, stop, tally)
    except Exception as exc:  # a crashed writer is an error of the run, not a silent stop
        tally.errors.append(f"writer crashed: {exc!r}")


def _write(
    port: int, key: str, team: Team, span: tuple[datetime, datetime], stop: threading.Event,
    tally: Tally,
) -> None:  # fmt: skip
    rng = random.Random(99)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    role = team.roles[0]
    holders = [m for m in team.members if role in m.roles]
    active: list[int] = []
    while not stop.is_set():
        if active and (len(active) > 20 or rng.random() < 0.45):
            victim = active.pop(rng.randrange(len(active)))
            connection.request("DELETE", f"/v1/teams/{team.id}/overrides/{victim}", headers=headers)
            response = connection.getresponse()
            response.read()
            tally.writes += 1
            if response.status == 204:
                tally.removed.append(victim)
            else:
                tally.errors.append(f"delete {victim}: {response.status}")
            continue
        start = span[0] + timedelta(
            hours=rng.randrange(int((span[1] - span[0]).total_seconds() // 3600) - 2)
        )
        end = start + timedelta(minutes=rng.choice([30, 60, 90]))
        member = next(
            (m for m in rng.sample(holders, len(holders)) if not m.unavailable_during(start, end)),
            None,
        )
        if member is None:
            continue
        body = json.dumps(
            {"member": member.id, "role": role, "start": rfc3339(start), "end": rfc3339(end),
             "reason": "soak"}
        )  # fmt: skip
        connection.request("POST", f"/v1/teams/{team.id}/overrides", body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        tally.writes += 1
        if response.status == 201:
            override_id = int(json.loads(payload)["id"])
            tally.added.append(override_id)
            active.append(override_id)
        elif response.status == 422:  # a correct refusal (the member holds another role then)
            tally.refused += 1
        else:
            tally.errors.append(f"post: {response.status} {payload[:300]!r}")
    connection.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--window", type=float, default=10)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'soak.db'}"
        team, read_key, write_key = seed(db_url)
        with Store.open(db_url) as store:
            schedule = store.load_schedule(team.id)
        span = (schedule.horizon_start, schedule.horizon_end)
        log = Path(tmp) / "serve.log"
        tally = Tally()
        with rota_serve(db_url, log) as base:
            port = urlsplit(base).port
            assert port is not None
            stop = threading.Event()
            started = time.perf_counter()
            threads = [
                threading.Thread(
                    target=reader,
                    args=(port, read_key, team, span, stop, started, tally, i),
                    daemon=True,
                )
                for i in range(args.readers)
            ]
            threads.append(
                threading.Thread(
                    target=writer, args=(port, write_key, team, span, stop, tally), daemon=True
                )
            )
            for thread in threads:
                thread.start()
            time.sleep(args.seconds)
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            wall = time.perf_counter() - started
        server_errors = [
            line for line in log.read_text().splitlines() if "Traceback" in line or " 500 " in line
        ]
        with Store.open(db_url) as store:
            stored = store.list_overrides(team.id, include_removed=True)
            every = {o.id: o for o in stored if o.id is not None}
            active = {o.id for o in store.list_overrides(team.id) if o.id is not None}

    acknowledged = set(tally.added)
    lost_adds = sorted(acknowledged - set(every))
    lost_removes = sorted(i for i in tally.removed if i in active)
    expected_active = acknowledged - set(tally.removed)
    unexpected = sorted(active ^ expected_active)
    phantom = sorted(set(every) - acknowledged)

    print(f"## Soak: {args.readers} readers + 1 writer, {wall:.0f} s on 127.0.0.1\n")
    print("| requests served | reads | writes (POST+DELETE) | overrides added | removed "
          "| refused (422) | errors | lost writes |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    errors = len(tally.errors) + len(server_errors)
    lost = len(lost_adds) + len(lost_removes) + len(unexpected) + len(phantom)
    print(
        f"| {tally.reads + tally.writes:,} | {tally.reads:,} | {tally.writes:,} "
        f"| {len(tally.added):,} | {len(tally.removed):,} | {tally.refused} | {errors} "
        f"| {lost} |\n"
    )
    print("| window | reads/s | p50 | p99 |")
    print("|---|---|---|---|")
    windows = max(1, int(wall // args.window))
    for w in range(windows):
        lo, hi = w * args.window, (w + 1) * args.window
        sample = [lat for t, lat in tally.latencies if lo <= t < hi]
        print(
            f"| {lo:.0f}-{hi:.0f} s | {len(sample) / args.window:,.0f} "
            f"| {percentile(sample, 0.5) * 1e3:.1f} ms | {percentile(sample, 0.99) * 1e3:.1f} ms |"
        )
    for problem in (tally.errors + server_errors)[:20]:
        print(f"error: {problem}", file=sys.stderr)
    if lost:
        print(
            f"lost: adds {lost_adds[:10]}, removes {lost_removes[:10]}, "
            f"unexpected {unexpected[:10]}, phantom {phantom[:10]}",
            file=sys.stderr,
        )
    return 1 if errors or lost else 0


if __name__ == "__main__":
    raise SystemExit(main())
