"""Answers while the store is down, in one process: the store's methods are made to fail as
PostgreSQL's do when it stops (``tests/ops/test_replicas.py`` stops a real one)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

import api.deps
import rota.service
from api.app import create_app
from api.settings import Settings
from rota.errors import StoreError
from rota.store import Store
from rota.store.engine import make_engine
from tests.ops_team import NOW, make_key, ops_store
from tests.served import free_port

AT = {"at": "2027-01-05T10:30:00Z"}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = ops_store(tmp_path / "api.db")
    yield opened
    opened.close()


def store_down(monkeypatch: pytest.MonkeyPatch, store: Store) -> None:
    def unavailable(*_args: object, **_kwargs: object) -> None:
        raise StoreError(f"store {store.url}: connection refused")

    for method in ("revision", "find_api_key", "list_teams", "load_schedule", "schema_current"):
        monkeypatch.setattr(store, method, unavailable)


def client_of(store: Store, stale_seconds: float = 3600) -> TestClient:
    settings = Settings(
        db_url="unused", now=lambda: NOW, cache_seconds=0, stale_seconds=stale_seconds
    )
    return TestClient(create_app(settings, store=store))


def test_oncall_is_served_stale_and_the_rest_refused(
    monkeypatch: pytest.MonkeyPatch, store: Store
) -> None:
    headers = {"Authorization": f"Bearer {make_key(store, 'pager', 'read')}"}
    with client_of(store) as client:
        before = client.get("/v1/teams/ops/oncall", params=AT, headers=headers)
        assert before.status_code == 200
        assert "x-rota-stale" not in before.headers
        assert client.get("/readyz").json() == {"status": "ready"}
        store_down(monkeypatch, store)
        during = client.get("/v1/teams/ops/oncall", params=AT, headers=headers)
        assert during.status_code == 200
        assert during.json() == before.json()
        assert during.headers["x-rota-stale"] == "0"
        for path in ("/v1/teams", "/healthz", "/readyz", "/v1/teams/ops/schedule"):
            refused = client.get(path, headers=headers)
            assert refused.status_code == 503, path
            assert refused.headers["retry-after"] == "2"
        # a key this process never saw, and a team it never loaded, get no stale answer
        stranger = {"Authorization": "Bearer rota_k_neverseenbefore"}
        assert client.get("/v1/teams/ops/oncall", params=AT, headers=stranger).status_code == 503
        monkeypatch.undo()
        after = client.get("/v1/teams/ops/oncall", params=AT, headers=headers)
        assert after.status_code == 200
        assert "x-rota-stale" not in after.headers


def test_stale_answers_stop_at_the_limit(monkeypatch: pytest.MonkeyPatch, store: Store) -> None:
    # The ages of the team state and of the key's last answer are read from a clock the test
    # moves, so a slow request cannot age them past the limit.
    seconds = [1000.0]
    clock = SimpleNamespace(monotonic=lambda: seconds[0])
    monkeypatch.setattr(rota.service, "time", clock)
    monkeypatch.setattr(api.deps, "time", clock)
    headers = {"Authorization": f"Bearer {make_key(store, 'pager', 'read')}"}
    with client_of(store, stale_seconds=60) as client:
        assert client.get("/v1/teams/ops/oncall", params=AT, headers=headers).status_code == 200
        store_down(monkeypatch, store)
        seconds[0] += 59
        stale = client.get("/v1/teams/ops/oncall", params=AT, headers=headers)
        assert stale.status_code == 200
        assert stale.headers["x-rota-stale"] == "59"
        seconds[0] += 2
        late = client.get("/v1/teams/ops/oncall", params=AT, headers=headers)
        assert late.status_code == 503
        assert late.headers["retry-after"] == "2"


def test_no_stale_answers_when_switched_off(monkeypatch: pytest.MonkeyPatch, store: Store) -> None:
    headers = {"Authorization": f"Bearer {make_key(store, 'pager', 'read')}"}
    with client_of(store, stale_seconds=0) as client:
        assert client.get("/v1/teams/ops/oncall", params=AT, headers=headers).status_code == 200
        store_down(monkeypatch, store)
        assert client.get("/v1/teams/ops/oncall", params=AT, headers=headers).status_code == 503


def test_readyz_refuses_an_old_schema(store: Store) -> None:
    with client_of(store) as client:
        assert client.get("/readyz").status_code == 200
        with store._engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0001_initial'"))
        answer = client.get("/readyz")
    assert answer.status_code == 503
    assert "rota db upgrade" in answer.json()["detail"]


def test_an_unreachable_server_fails_fast_then_is_tried_again() -> None:
    """After a refused connection the store answers at once for a moment (no pile-up of
    connection attempts), then tries the server again."""
    url = f"postgresql+psycopg://rota@127.0.0.1:{free_port()}/rota"
    store = Store(make_engine(url), url)
    with pytest.raises(StoreError, match=r"Connection refused|connection failed"):
        store.list_teams()
    with pytest.raises(StoreError, match=r"unreachable \(trying again shortly\)"):
        store.list_teams()
    time.sleep(0.6)
    with pytest.raises(StoreError, match=r"Connection refused|connection failed"):
        store.list_teams()
    store.close()
