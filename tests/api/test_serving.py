"""``rota serve --workers N``: each worker builds its app from the settings ``rota serve`` passes
down, and browser sessions work whichever worker answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.serving import SETTINGS_ENV, app_from_environment
from api.settings import Settings
from rota.store import Store
from tests.ops_team import make_key, ops_store
from tests.test_cli import run


@pytest.fixture
def db(tmp_path: Path) -> str:
    ops_store(tmp_path / "rota.db").close()
    return f"sqlite:///{tmp_path / 'rota.db'}"


@pytest.fixture
def read_key(db: str) -> str:
    with Store.open(db) as store:
        return make_key(store, "pager", "read")


def signed_in_cookie(app: FastAPI, key: str) -> str:
    with TestClient(app) as client:
        response = client.post("/login", data={"key": key, "next": "/"}, follow_redirects=False)
        assert response.status_code == 303, response.text
        return str(response.cookies["rota_session"])


def team_page_status(app: FastAPI, cookie: str) -> int:
    with TestClient(app, cookies={"rota_session": cookie}) as client:
        status: int = client.get("/teams/ops", follow_redirects=False).status_code
        return status


def test_workers_accept_each_others_sessions(
    monkeypatch: pytest.MonkeyPatch, db: str, read_key: str
) -> None:
    settings = {"db_url": db, "public_url": None, "session_secret": "s" * 64}
    monkeypatch.setenv(SETTINGS_ENV, json.dumps(settings))
    first, second = app_from_environment(), app_from_environment()
    cookie = signed_in_cookie(first, read_key)
    assert team_page_status(second, cookie) == 200


def test_processes_without_a_shared_secret_do_not(db: str, read_key: str) -> None:
    first, second = create_app(Settings(db_url=db)), create_app(Settings(db_url=db))
    cookie = signed_in_cookie(first, read_key)
    assert team_page_status(first, cookie) == 200
    assert team_page_status(second, cookie) == 303  # back to the login form


def test_a_worker_needs_the_settings_of_rota_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SETTINGS_ENV, raising=False)
    with pytest.raises(RuntimeError, match=SETTINGS_ENV):
        app_from_environment()


def test_serve_refuses_zero_workers(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, _, err = run(capsys, "serve", "--workers", "0", "--db", db)
    assert code == 2
    assert "--processes" in err


def test_sync_routes_run_in_few_threads(db: str) -> None:
    """Few threads, so a flood of feed or store requests cannot keep the event loop, where
    ``oncall`` runs, waiting for the interpreter lock (``Settings.threads``)."""
    from anyio import to_thread

    with TestClient(create_app(Settings(db_url=db, threads=3))) as client:
        assert client.portal is not None
        tokens = client.portal.call(lambda: to_thread.current_default_thread_limiter().total_tokens)
    assert tokens == 3
