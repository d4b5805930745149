"""``/metrics`` and JSON request logs of one app (``tests/ops/test_replicas.py`` scrapes a
real ``rota serve``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from api.logs import JsonFormatter, log_config
from api.settings import Settings
from rota.store import Store
from tests.ops_team import NOW, make_key, ops_store

AT = {"at": "2027-01-05T10:30:00Z"}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = ops_store(tmp_path / "api.db")
    yield opened
    opened.close()


def samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    return {
        tuple(sorted(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name
    }


def test_metrics_count_requests_by_route_template_and_status(store: Store) -> None:
    key = make_key(store, "pager", "read")
    headers = {"Authorization": f"Bearer {key}"}
    app = create_app(Settings(db_url="unused", now=lambda: NOW), store=store)
    with TestClient(app) as client:
        for _ in range(3):
            assert client.get("/v1/teams/ops/oncall", params=AT, headers=headers).status_code == 200
        assert client.get("/v1/teams/ghosts/oncall", headers=headers).status_code == 404
        assert client.get("/v1/teams/ops/oncall").status_code == 401
        assert client.get("/no/such/page").status_code == 404
        text = client.get("/metrics").text
    requests = samples(text, "rota_http_requests_total")
    oncall = "/v1/teams/{team}/oncall"
    assert requests == {
        (("method", "GET"), ("route", oncall), ("status", "200")): 3,
        (("method", "GET"), ("route", oncall), ("status", "404")): 1,
        (("method", "GET"), ("route", oncall), ("status", "401")): 1,
        (("method", "GET"), ("route", "unmatched"), ("status", "404")): 1,
    }
    latency = samples(text, "rota_http_request_duration_seconds_count")
    assert latency[(("method", "GET"), ("route", oncall))] == 5
    lookups = samples(text, "rota_cache_lookups_total")
    assert lookups[(("cache", "team_state"), ("result", "miss"))] == 1  # built once
    assert lookups[(("cache", "team_state"), ("result", "hit"))] == 2
    for secret in (key, "ghosts", "ann", "/no/such/page"):
        assert secret not in text  # no rota data, only route templates


def test_feed_builds_and_hits_are_counted(store: Store) -> None:
    write = {"Authorization": f"Bearer {make_key(store, 'lead', 'write')}"}
    app = create_app(Settings(db_url="unused", now=lambda: NOW), store=store)
    with TestClient(app) as client:
        created = client.post("/v1/feeds", json={"kind": "team", "team": "ops"}, headers=write)
        path = "/feeds/" + created.json()["url"].rsplit("/feeds/", 1)[1]
        for _ in range(3):
            assert client.get(path).status_code == 200
        text = client.get("/metrics").text
    assert samples(text, "rota_feed_builds_total") == {(): 1}
    assert samples(text, "rota_cache_lookups_total")[(("cache", "feed"), ("result", "hit"))] == 2
    assert (
        samples(text, "rota_http_requests_total")[
            (("method", "GET"), ("route", "/feeds/{token}.ics"), ("status", "200"))
        ]
        == 3
    )


def test_metrics_can_be_switched_off(store: Store) -> None:
    app = create_app(Settings(db_url="unused", metrics=False), store=store)
    with TestClient(app) as client:
        assert client.get("/metrics").status_code == 404


def test_json_logs_one_object_per_request_without_secrets(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(db_url="unused", now=lambda: NOW, log_format="json"), store=store)
    with caplog.at_level(logging.INFO, logger="rota.request"), TestClient(app) as client:
        client.get("/feeds/rota_f_abcdefghijklmnop.ics")
    records = [r for r in caplog.records if r.name == "rota.request"]
    assert len(records) == 1
    entry = json.loads(JsonFormatter().format(records[0]))
    assert entry["route"] == "/feeds/{token}.ics"
    assert entry["path"] == "/feeds/<redacted>.ics"
    assert (entry["method"], entry["status"], entry["level"]) == ("GET", 404, "info")
    assert entry["duration_ms"] >= 0
    assert "abcdefghijklmnop" not in json.dumps(entry)


def test_json_log_config_formats_every_handler() -> None:
    config = log_config("json")
    assert {f["()"] for f in config["formatters"].values()} == {"api.logs.JsonFormatter"}
    assert all(h["filters"] == ["redact"] for h in config["handlers"].values())
    record = logging.LogRecord(
        "uvicorn.error", logging.INFO, "", 0, "GET %s", ("/?key=rota_k_abcdefghijkl",), None
    )
    assert json.loads(JsonFormatter().format(record))["message"] == "GET /?key=<redacted>"
