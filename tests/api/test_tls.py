"""``rota serve --ssl-certfile/--ssl-keyfile``: both or neither, and they must load (exit 2 with a
message otherwise, before anything listens). HTTPS itself is exercised by
tests/api/test_pagerduty_clients.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.serving import TlsFiles, checked_tls
from tests.certificates import make_certificate
from tests.test_cli import run


def test_a_certificate_and_its_key_load(tmp_path: Path) -> None:
    cert, key = make_certificate(tmp_path)
    assert checked_tls(cert, key) == TlsFiles(cert, key)
    assert checked_tls(None, None) is None


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (["--ssl-certfile", "{cert}"], "--ssl-certfile and --ssl-keyfile go together"),
        (["--ssl-keyfile", "{key}"], "--ssl-certfile and --ssl-keyfile go together"),
        (["--ssl-certfile", "{cert}", "--ssl-keyfile", "{missing}"], "cannot load"),
        (["--ssl-certfile", "{key}", "--ssl-keyfile", "{key}"], "cannot load"),
        (["--ssl-certfile", "{cert}", "--ssl-keyfile", "{other_key}"], "cannot load"),
    ],
    ids=["cert-only", "key-only", "missing-key", "key-as-cert", "key-of-another"],
)
def test_tls_mistakes_exit_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: list[str], expected: str
) -> None:
    cert, key = make_certificate(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    _, other_key = make_certificate(other)
    names = {"cert": cert, "key": key, "missing": tmp_path / "nope.pem", "other_key": other_key}
    args = [a.format(**names) for a in files]
    db = f"sqlite:///{tmp_path / 'rota.db'}"
    code, _out, err = run(capsys, "serve", "--db", db, "--port", "1", *args)
    assert code == 2
    assert expected in err


def test_tls_files_come_from_rota_variables_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, _key = make_certificate(tmp_path)
    monkeypatch.setenv("ROTA_SSL_CERTFILE", str(cert))
    db = f"sqlite:///{tmp_path / 'rota.db'}"
    code, _out, err = run(capsys, "serve", "--db", db, "--port", "1")
    assert code == 2
    assert "--ssl-certfile and --ssl-keyfile go together" in err
