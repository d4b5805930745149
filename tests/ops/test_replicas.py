"""Two ``rota serve`` processes on one PostgreSQL of the test's own (``tests/ops/cluster.py``):
one session secret, one store, an outage and a restart, as an operator would run them.

Checked: both start at once on an empty database (migrations serialised); a browser session made
on one is valid on the other and after a restart; a write through one is seen by the other on its
next request; while PostgreSQL is stopped ``/readyz`` says 503, ``oncall`` and the feed answer from
the last good state with ``X-Rota-Stale``, everything else 503 with ``Retry-After``, and nothing
hangs (every request has a 5 s client timeout) or answers 500; after PostgreSQL is started again
the same processes answer 200 and fresh data; ``/metrics`` counts exactly the requests made; JSON
logs carry one line per request without secrets; SIGTERM finishes a request in flight.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from rota.store import Store
from tests.ops.cluster import Cluster, can_run_postgres, throwaway_postgres
from tests.ops_team import TEAM_FILE, make_key, ops_schedule
from tests.served import free_port, rota_command

pytestmark = pytest.mark.skipif(
    not can_run_postgres(), reason="needs PostgreSQL's server binaries (as .ci/postgres.sh)"
)

SECRET = "a-session-secret-of-at-least-32-characters"
TIMEOUT_S = 5.0
"""Client timeout: a request that takes longer counts as hanging and fails the test."""
READY_S = 20.0

ONCALL = "/v1/teams/{team}/oncall"
THURSDAY_9 = "2027-01-07T09:00:00Z"  # bob primary; the test moves it to ann


@dataclass
class Server:
    """One ``rota serve`` process and a client that tallies what it asked (route, status)."""

    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    tally: Counter[tuple[str, str, int]] = field(default_factory=Counter)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [rota_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("a") as sink:
            self.process = subprocess.Popen(
                command, env={**os.environ, **self.env}, stdout=sink, stderr=subprocess.STDOUT
            )

    def request(self, method: str, path: str, route: str, **kwargs: Any) -> httpx.Response:
        with httpx.Client(base_url=self.base, timeout=TIMEOUT_S) as client:
            response = client.request(method, path, **kwargs)
        self.tally[(method, route, response.status_code)] += 1
        assert response.status_code != 500, response.text
        return response

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_S
        while True:
            assert self.process is not None
            assert self.process.poll() is None, self.log.read_text()
            try:
                if self.request("GET", "/readyz", "/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass  # not listening yet
            assert time.monotonic() < deadline, self.log.read_text()[-3000:]
            time.sleep(0.1)

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; the exit status (uvicorn ends a graceful
        shutdown by re-raising the signal: -15)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with throwaway_postgres() as started:
        yield started


@pytest.fixture
def servers(cluster: Cluster, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    common = {"ROTA_DB": cluster.url, "ROTA_SESSION_SECRET": SECRET, "ROTA_CACHE_SECONDS": "0"}
    a = Server(common, tmp_path / "a.log")
    b = Server({**common, "ROTA_LOG_FORMAT": "json"}, tmp_path / "b.log")
    try:
        a.start()
        b.start()  # at once, on an empty database: the migration lock serialises them
        a.wait_ready()
        b.wait_ready()
        yield a, b
    finally:
        for server in (a, b):
            if server.process is not None and server.process.poll() is None:
                server.stop()


def primary(server: Server, headers: dict[str, str]) -> httpx.Response:
    path = "/v1/teams/ops/oncall"
    return server.request("GET", path, ONCALL, params={"at": THURSDAY_9}, headers=headers)


def test_replicas_share_sessions_and_writes_and_ride_out_an_outage(
    cluster: Cluster, servers: tuple[Server, Server]
) -> None:
    a, b = servers
    with Store.open(cluster.url) as store:
        store.save_schedule(
            ops_schedule(), config_text=TEAM_FILE.read_text(), config_name="ops.yaml", meta={}
        )
        read_key, write_key = make_key(store, "pager", "read"), make_key(store, "lead", "write")
    reader = {"Authorization": f"Bearer {read_key}"}
    writer = {"Authorization": f"Bearer {write_key}"}

    # a session made on one replica is valid on the other
    login = a.request("POST", "/login", "/login", data={"key": read_key, "next": "/"})
    assert login.status_code == 303, login.text
    cookie = {"Cookie": f"rota_session={login.cookies['rota_session']}"}
    assert b.request("GET", "/teams/ops", "/teams/{team}", headers=cookie).status_code == 200

    # a write through one is seen by the other on its next request
    assert primary(b, reader).json()["holders"]["primary"]["id"] == "bob"
    override = {"member": "ann", "role": "primary"}
    override |= {"start": "2027-01-07T06:00:00Z", "end": "2027-01-07T12:00:00Z"}
    added = a.request(
        "POST", "/v1/teams/ops/overrides", "/v1/teams/{team}/overrides", json=override,
        headers=writer,
    )  # fmt: skip
    assert added.status_code == 201, added.text
    assert primary(b, reader).json()["holders"]["primary"]["id"] == "ann"
    wanted = {"kind": "team", "team": "ops"}
    feed = a.request("POST", "/v1/feeds", "/v1/feeds", json=wanted, headers=writer)
    assert feed.status_code == 201, feed.text
    feed_path = "/feeds/" + feed.json()["url"].rsplit("/feeds/", 1)[1]
    for server in (a, b):
        assert server.request("GET", feed_path, "/feeds/{token}.ics").status_code == 200
    pids = [server.process.pid for server in (a, b) if server.process is not None]

    cluster.stop()
    for server in (a, b):
        ready = server.request("GET", "/readyz", "/readyz")
        assert ready.status_code == 503
        assert ready.headers["retry-after"] == "2"
        answer = primary(server, reader)  # paging lookups go on, marked as stale
        assert answer.status_code == 200, answer.text
        assert answer.json()["holders"]["primary"]["id"] == "ann"
        assert int(answer.headers["x-rota-stale"]) >= 0
        stale_feed = server.request("GET", feed_path, "/feeds/{token}.ics")
        assert stale_feed.status_code == 200
        assert "x-rota-stale" in stale_feed.headers
        assert b"BEGIN:VCALENDAR" in stale_feed.content
        refused = [
            server.request("GET", "/v1/teams", "/v1/teams", headers=reader),
            server.request("GET", "/healthz", "/healthz"),
            server.request(
                "POST",
                "/v1/teams/ops/overrides",
                "/v1/teams/{team}/overrides",
                json=override,
                headers=writer,
            ),
            server.request(
                "GET", "/v1/teams/ops/schedule", "/v1/teams/{team}/schedule", headers=reader
            ),
        ]
        for response in refused:
            assert response.status_code == 503, response.text
            assert response.headers["retry-after"] == "2"
        page = server.request("GET", "/teams/ops", "/teams/{team}", headers=cookie)
        assert page.status_code == 503

    cluster.start()
    for server in (a, b):
        server.wait_ready()  # the same processes, no restart
        answer = primary(server, reader)
        assert answer.status_code == 200
        assert "x-rota-stale" not in answer.headers
        assert answer.json()["holders"]["primary"]["id"] == "ann"
    assert [server.process.pid for server in (a, b) if server.process is not None] == pids

    # the session outlives a restart of the process that made it
    assert a.stop() in (0, -signal.SIGTERM)
    a.start()
    a.wait_ready()
    assert a.request("GET", "/teams/ops", "/teams/{team}", headers=cookie).status_code == 200

    check_metrics(b)
    check_json_log(b, secrets=(read_key, write_key, SECRET, feed_path[7:-4]))


def check_metrics(server: Server) -> None:
    """``/metrics`` counts exactly the requests this test made to the (never restarted) server."""
    text = httpx.get(f"{server.base}/metrics", timeout=TIMEOUT_S).text
    counted: Counter[tuple[str, str, int]] = Counter()
    families = {family.name: family for family in text_string_to_metric_families(text)}
    for sample in families["rota_http_requests"].samples:
        if sample.name == "rota_http_requests_total" and sample.labels["route"] != "/metrics":
            key = (sample.labels["method"], sample.labels["route"], int(sample.labels["status"]))
            counted[key] = int(sample.value)
    assert counted == server.tally
    stale = {s.labels["route"]: s.value for s in families["rota_stale_answers"].samples}
    assert stale == {ONCALL: 1, "/feeds/{token}.ics": 1}
    latency = [
        s for s in families["rota_http_request_duration_seconds"].samples
        if s.name.endswith("_count") and s.labels["route"] == ONCALL
    ]  # fmt: skip
    assert [s.value for s in latency] == [sum(n for k, n in server.tally.items() if k[1] == ONCALL)]
    lookups = {
        (s.labels["cache"], s.labels["result"]): s.value
        for s in families["rota_cache_lookups"].samples
        if s.name == "rota_cache_lookups_total"
    }
    assert lookups[("team_state", "miss")] >= 2  # built before and after the override


def check_json_log(server: Server, secrets: tuple[str, ...]) -> None:
    """One JSON object per line; one ``rota.request`` line per request; no secret anywhere."""
    text = server.log.read_text()
    for secret in secrets:
        assert secret not in text
    lines = [line for line in text.splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    requests = Counter(
        (e["method"], e["route"], e["status"]) for e in entries if e["logger"] == "rota.request"
    )
    requests.pop(("GET", "/metrics", 200), None)
    assert requests == server.tally
    feeds = [e["path"] for e in entries if e.get("route") == "/feeds/{token}.ics"]
    assert feeds
    assert set(feeds) == {"/feeds/<redacted>.ics"}


def test_sigterm_finishes_the_request_in_flight(cluster: Cluster, tmp_path: Path) -> None:
    server = Server({"ROTA_DB": cluster.url, "ROTA_SESSION_SECRET": SECRET}, tmp_path / "c.log")
    server.start()
    try:
        server.wait_ready()
        answers: list[int] = []
        url = cluster.url.replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(url) as holder:
            holder.execute("LOCK TABLE teams IN ACCESS EXCLUSIVE MODE")  # /healthz waits on it
            asking = threading.Thread(
                target=lambda: answers.append(
                    server.request("GET", "/healthz", "/healthz").status_code
                )
            )
            asking.start()
            time.sleep(0.5)
            assert server.process is not None
            server.process.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            assert server.process.poll() is None  # still finishing the request
        asking.join(timeout=TIMEOUT_S)  # the lock is gone with the transaction
        assert answers == [200]
        assert server.process.wait(timeout=10) in (0, -signal.SIGTERM)
        assert "Finished server process" in server.log.read_text()
    finally:
        if server.process is not None and server.process.poll() is None:
            server.process.kill()
            server.process.wait()
