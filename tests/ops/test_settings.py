"""``rota serve``'s settings from ``ROTA_*`` variables and flags, and ``rota db upgrade``."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import ServeSettings, serve_settings
from rota.errors import UsageError
from rota.store import Store
from tests.test_cli import run

SECRET = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[ServeSettings]:
    """What ``rota serve`` would start uvicorn with (it is not started)."""
    started: list[ServeSettings] = []
    monkeypatch.setattr("api.serving.serve", started.append)
    for name in ("ROTA_DB", "ROTA_SESSION_SECRET", "ROTA_PORT", "ROTA_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    return started


def test_variables_configure_every_option(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "ROTA_DB": "sqlite:////tmp/x.db",
        "ROTA_HOST": "0.0.0.0",
        "ROTA_PORT": "9000",
        "ROTA_PROCESSES": "3",
        "ROTA_PUBLIC_URL": "https://rota.example.org",
        "ROTA_SESSION_SECRET": SECRET,
        "ROTA_CACHE_SECONDS": "0.5",
        "ROTA_THREADS": "8",
        "ROTA_STALE_SECONDS": "600",
        "ROTA_METRICS": "false",
        "ROTA_LOG_FORMAT": "json",
        "ROTA_SHUTDOWN_SECONDS": "5",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    chosen = serve_settings({})
    assert (chosen.db, chosen.host, chosen.port, chosen.processes) == (
        "sqlite:////tmp/x.db",
        "0.0.0.0",
        9000,
        3,
    )
    settings = chosen.api_settings()
    assert settings.public_url == "https://rota.example.org"
    assert settings.session_secret == SECRET
    assert (settings.cache_seconds, settings.threads, settings.stale_seconds) == (0.5, 8, 600)
    assert (settings.metrics, settings.log_format, chosen.shutdown_seconds) == (False, "json", 5)


def test_flags_win_over_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROTA_PORT", "9000")
    monkeypatch.setenv("ROTA_LOG_FORMAT", "json")
    chosen = serve_settings({"port": 9100, "log_format": None})
    assert (chosen.port, chosen.log_format) == (9100, "json")


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("ROTA_PORT", "http", "ROTA_PORT: Input should be a valid integer"),
        ("ROTA_PROCESSES", "0", "ROTA_PROCESSES: Input should be greater than or equal to 1"),
        ("ROTA_LOG_FORMAT", "xml", "ROTA_LOG_FORMAT: Input should be 'text' or 'json'"),
        ("ROTA_METRICS", "maybe", "ROTA_METRICS: Input should be a valid boolean"),
        ("ROTA_SESSION_SECRET", "short-secret", "ROTA_SESSION_SECRET: Value error, must have"),
    ],
)
def test_a_bad_variable_is_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(UsageError, match="rota serve: " + expected) as raised:
        serve_settings({})
    if name == "ROTA_SESSION_SECRET":
        assert value not in str(raised.value)


def test_a_bad_flag_is_named_and_exits_2(
    capsys: pytest.CaptureFixture[str], served: list[ServeSettings], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROTA_PORT", "9000")
    code, _, err = run(capsys, "serve", "--port", "70000")
    assert code == 2
    assert "--port" in err
    assert "ROTA_PORT" not in err
    assert served == []


def test_serve_exits_2_on_a_bad_public_url_variable(
    capsys: pytest.CaptureFixture[str],
    served: list[ServeSettings],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("ROTA_PUBLIC_URL", "ftp://example.org")
    code, _, err = run(capsys, "serve", "--db", f"sqlite:///{tmp_path / 'r.db'}")
    assert code == 2
    assert "ROTA_PUBLIC_URL" in err
    assert served == []


def test_serve_without_a_secret_says_sessions_end_on_restart(
    capsys: pytest.CaptureFixture[str], served: list[ServeSettings], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "serve", "--db", f"sqlite:///{tmp_path / 'r.db'}")
    assert code == 0
    assert "sessions end when the server restarts" in err
    assert served[0].session_secret is None


def test_serve_with_a_secret_keeps_it_out_of_its_output(
    capsys: pytest.CaptureFixture[str],
    served: list[ServeSettings],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("ROTA_SESSION_SECRET", SECRET)
    monkeypatch.setenv("ROTA_DB", f"sqlite:///{tmp_path / 'r.db'}")
    code, out, err = run(capsys, "serve", "--workers", "2")
    assert code == 0
    assert "sessions end" not in err
    assert SECRET not in out + err + repr(served[0])
    assert served[0].processes == 2
    assert served[0].api_settings().session_secret == SECRET


def test_db_upgrade_brings_a_new_store_to_the_newest_schema(
    capsys: pytest.CaptureFixture[str], url: str
) -> None:
    code, out, err = run(capsys, "db", "upgrade", "--db", url)
    assert code == 0, err
    with Store.open(url) as store:
        assert store.schema_current()
        revision = store.schema_revision()
    assert out.strip().endswith(f"schema at revision {revision}")
    assert revision != "none"
    code, again, _ = run(capsys, "db", "upgrade", "--db", url)  # nothing left to do
    assert (code, again) == (0, out)


def test_db_upgrade_refuses_a_bad_store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database" * 100)
    code, _, err = run(capsys, "db", "upgrade", "--db", f"sqlite:///{garbage}")
    assert code == 2
    assert "not a SQLite database" in err
