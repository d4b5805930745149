"""Fixtures of the web page tests: a store with the small ``ops`` team and keys to sign in with."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import NoMatchFound

from api.app import create_app
from api.routes import pages
from api.settings import Settings
from rota.keys import API_KEY_PREFIX, new_secret, secret_hash
from rota.model import Schedule, ScheduledShift
from rota.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"
TEAM_FILE = DATA / "oncall_team.yaml"
NOW = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)  # Monday, ann and cat on call

# ops: daily shifts from 00:00 UTC, 2027-01-04 .. 2027-01-11 (primary, secondary).
DAYS = [
    ("ann", "cat"),
    ("dan", "cat"),
    ("ann", "cat"),
    ("dan", "cat"),
    ("dan", "ann"),
    ("bob", "ann"),
    ("bob", "ann"),
]


def ops_schedule() -> Schedule:
    start = datetime(2027, 1, 4, tzinfo=UTC)
    shifts = tuple(
        ScheduledShift(
            start=start + timedelta(days=i),
            end=start + timedelta(days=i + 1),
            assignments={"primary": p, "secondary": s},
        )
        for i, (p, s) in enumerate(DAYS)
    )
    return Schedule("ops", shifts[0].start, shifts[-1].end, shifts)


def make_key(store: Store, name: str, scope: str) -> str:
    key = new_secret(API_KEY_PREFIX)
    store.add_api_key(name, key_hash=secret_hash(key), scope=scope)  # type: ignore[arg-type]
    return key


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
    opened = Store.open(f"sqlite:///{tmp_path / 'web.db'}")
    opened.save_schedule(
        ops_schedule(), config_text=TEAM_FILE.read_text(), config_name=TEAM_FILE.name, meta={}
    )
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
