"""Running the API under uvicorn: one process, or ``workers`` processes on one port.

With one worker ``rota serve`` hands uvicorn the app object. With several, uvicorn starts each
worker as a fresh process that imports :func:`app_from_environment`; the settings reach it in
one environment variable that ``rota serve`` writes for its own children. Each worker keeps its
own caches (team states, key lookups, feeds), which stay coherent through the store's revision
fingerprint: a change made through one worker is seen by it at once and by the others within
``Settings.cache_seconds``. The workers share one session secret, drawn at random when
``rota serve`` starts unless the settings carry one, so a browser session works whichever
worker answers (and restarting the server still signs everyone out).
"""

from __future__ import annotations

import json
import os
import secrets
import ssl
from dataclasses import dataclass, replace
from pathlib import Path

from fastapi import FastAPI

from api.app import create_app
from api.settings import Settings
from rota.errors import UsageError

SETTINGS_ENV = "ROTA_SERVE_SETTINGS"
"""Where ``rota serve --workers N`` passes its settings to its worker processes (JSON)."""


def app_from_environment() -> FastAPI:
    """The app of one worker process, from the settings ``rota serve`` left in the environment.

    Raises:
        RuntimeError: not started by ``rota serve`` (the variable is missing).
    """
    raw = os.environ.get(SETTINGS_ENV)
    if raw is None:
        raise RuntimeError(f"{SETTINGS_ENV} is not set: start workers with `rota serve --workers`")
    fields = json.loads(raw)
    return create_app(
        Settings(
            db_url=fields["db_url"],
            public_url=fields["public_url"],
            session_secret=fields["session_secret"],
        )
    )


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """A PEM certificate (chain) and its private key: ``rota serve`` answers HTTPS with them."""

    certfile: Path
    keyfile: Path


def checked_tls(certfile: Path | None, keyfile: Path | None) -> TlsFiles | None:
    """Both files or neither; when both, they must load as a certificate and its key.

    Raises:
        UsageError: one is missing, unreadable, not PEM, or the key does not match.
    """
    if certfile is None and keyfile is None:
        return None
    if certfile is None or keyfile is None:
        raise UsageError(
            "--ssl-certfile and --ssl-keyfile go together: give the certificate and its key"
        )
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(certfile, keyfile)
    except (OSError, ssl.SSLError) as exc:
        raise UsageError(
            f"--ssl-certfile/--ssl-keyfile: cannot load {str(certfile)!r} with key "
            f"{str(keyfile)!r}: {exc.strerror or exc}"
        ) from exc
    return TlsFiles(certfile, keyfile)


def serve(
    settings: Settings, *, host: str, port: int, workers: int = 1, tls: TlsFiles | None = None
) -> None:
    """Serve the API on ``host:port`` until interrupted, in ``workers`` processes (HTTPS with
    ``tls``)."""
    import uvicorn

    from api.logs import log_config

    common: dict[str, object] = {
        "host": host,
        "port": port,
        "log_config": log_config(),
        "proxy_headers": False,
    }
    if tls is not None:
        common.update(ssl_certfile=str(tls.certfile), ssl_keyfile=str(tls.keyfile))
    if workers == 1:
        uvicorn.run(create_app(settings), **common)  # type: ignore[arg-type]
        return
    shared = replace(settings, session_secret=settings.session_secret or secrets.token_hex(32))
    os.environ[SETTINGS_ENV] = json.dumps(
        {
            "db_url": shared.db_url,
            "public_url": shared.public_url,
            "session_secret": shared.session_secret,
        }
    )
    uvicorn.run(
        "api.serving:app_from_environment",
        factory=True,
        workers=workers,
        **common,  # type: ignore[arg-type]
    )
