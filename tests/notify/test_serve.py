"""The notice sender inside the API app: started by its lifespan, stopped gracefully, and a
server restart neither loses nor repeats a notice (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from rota.store import Store
from tests.notify.helpers import SECRET, Clock, Receiver, running, save_ops


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    with running(Receiver()) as started:
        for name, value in started.environ().items():
            monkeypatch.setenv(name, value)
        yield started


def serve_until(url: str, clock: Clock, receiver: Receiver, count: int, **settings: object) -> None:
    """Run one server (app lifespan) until ``receiver`` has ``count`` notices, then stop it."""
    store = Store.open(url)
    app = create_app(
        Settings(db_url=url, now=clock, notify_interval_seconds=0.05, **settings),  # type: ignore[arg-type]
        store=store,
    )
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        deadline = time.monotonic() + 30
        while len(receiver.delivered()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # several more passes: nothing more may arrive
    store.close()


def test_notices_arrive_once_each_across_a_server_restart(url: str, receiver: Receiver) -> None:
    with Store.open(url) as store:
        save_ops(store)
    clock = Clock(datetime(2027, 1, 5, 23, 45, tzinfo=UTC))  # ann's Wed block starts soon
    serve_until(url, clock, receiver, 2, notify_secret=SECRET)
    assert sorted(r.path for r in receiver.delivered()) == ["/json", "/slack"]
    clock.at = datetime(2027, 1, 6, 0, 10, tzinfo=UTC)  # restarted after the handoff to ann
    serve_until(url, clock, receiver, 4, notify_secret=SECRET)
    delivered = receiver.delivered()
    assert len(delivered) == 4
    assert set(Counter((r.path, r.notice_id) for r in delivered).values()) == {1}
    assert all(r.signed for r in receiver.requests)
    kinds = sorted((r.path, r.document().get("kind")) for r in delivered if r.path == "/json")
    assert kinds == [("/json", "handoff"), ("/json", "starts_soon")]


@pytest.mark.parametrize("settings", [{}, {"notify": False, "notify_secret": SECRET}])
def test_no_sender_without_a_secret_or_when_switched_off(
    url: str, receiver: Receiver, settings: dict[str, object]
) -> None:
    with Store.open(url) as store:
        save_ops(store)
    clock = Clock(datetime(2027, 1, 5, 23, 45, tzinfo=UTC))
    serve_until(url, clock, receiver, 0, **settings)
    assert receiver.requests == []
    with Store.open(url) as store:
        assert store.list_deliveries() == []


def test_serve_settings_read_the_notify_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.settings import serve_settings
    from rota.errors import UsageError

    monkeypatch.setenv("ROTA_NOTIFY_SECRET", SECRET)
    monkeypatch.setenv("ROTA_NOTIFY_INTERVAL_SECONDS", "2.5")
    chosen = serve_settings({}).api_settings()
    assert (chosen.notify_secret, chosen.notify_interval_seconds) == (SECRET, 2.5)
    assert chosen.sends_notices
    monkeypatch.setenv("ROTA_NOTIFY", "false")
    assert not serve_settings({}).api_settings().sends_notices
    monkeypatch.setenv("ROTA_NOTIFY_SECRET", "")
    monkeypatch.setenv("ROTA_NOTIFY", "true")
    assert not serve_settings({}).api_settings().sends_notices
    monkeypatch.setenv("ROTA_NOTIFY_INTERVAL_SECONDS", "0")
    with pytest.raises(UsageError, match="ROTA_NOTIFY_INTERVAL_SECONDS: Input should be greater"):
        serve_settings({})


def test_a_failing_pass_is_logged_and_the_api_keeps_serving(
    url: str, receiver: Receiver, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from rota.notify import NoticeSender

    def broken(self: NoticeSender) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(NoticeSender, "run_once", broken)
    with Store.open(url) as store:
        save_ops(store)
    serve_until(url, Clock(), receiver, 0, notify_secret=SECRET)
    assert "handoff notices: the pass failed" in caplog.text
