"""Fixtures of the API tests: the ``ops`` team in a store, a client, and keys of each scope."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from rota.store import Store
from tests.ops_team import NOW, make_key, ops_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = ops_store(tmp_path / "api.db")
    yield opened
    opened.close()


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    app = create_app(Settings(db_url="unused", now=lambda: NOW), store=store)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def read_headers(store: Store) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(store, 'pager', 'read')}"}


@pytest.fixture
def write_headers(store: Store) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(store, 'lead', 'write')}"}
