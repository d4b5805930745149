"""Fixtures of the web page tests: a store with the small ``ops`` team and keys to sign in with."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import NoMatchFound

from api.app import create_app
from api.routes import pages
from api.settings import Settings
from rota.store import Store
from tests.ops_team import NOW, make_key, ops_schedule, ops_store

# ops as the page tests see it (primary, secondary per day from Monday 2027-01-04 00:00 UTC).
DAYS = [
    ("ann", "cat"),
    ("dan", "cat"),
    ("ann", "cat"),
    ("dan", "cat"),
    ("dan", "ann"),
    ("bob", "ann"),
    ("bob", "ann"),
]


def page_app(settings: Settings, store: Store) -> FastAPI:
    """The app as ``rota serve`` builds it (pages included once api/app.py includes them)."""
    app = create_app(settings, store=store)
    if not serves_pages(app):
        app.include_router(pages.router)
    return app


def serves_pages(app: FastAPI) -> bool:
    """True when ``app`` routes the web page (``api/app.py`` includes ``pages.router``)."""
    try:
        app.url_path_for("login_form")
    except NoMatchFound:
        return False
    return True


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = ops_store(tmp_path / "web.db", ops_schedule(DAYS))
    yield opened
    opened.close()


@pytest.fixture
def clock() -> list[datetime]:
    """The app's clock; tests move it by replacing ``clock[0]``."""
    return [NOW]


@pytest.fixture
def client(store: Store, clock: list[datetime]) -> Iterator[TestClient]:
    app = page_app(Settings(db_url="unused", now=lambda: clock[0], cache_seconds=0), store)
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def read_key(store: Store) -> str:
    return make_key(store, "pager", "read")


@pytest.fixture
def write_key(store: Store) -> str:
    return make_key(store, "lead", "write")


def sign_in(client: TestClient, key: str) -> None:
    response = client.post("/login", data={"key": key, "next": "/"}, follow_redirects=False)
    assert response.status_code == 303, response.text
