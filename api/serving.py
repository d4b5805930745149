"""Running the API under uvicorn: one process, or ``processes`` processes on one port.

With one process ``rota serve`` hands uvicorn the app object. With several, uvicorn starts each
as a fresh process that imports :func:`app_from_environment`; the settings reach it in one
environment variable that ``rota serve`` writes for its own children. Each process keeps its
own caches (team states, key lookups, feeds), which stay coherent through the store's revision
fingerprint: a change made through one process is seen by it at once and by the others (and
by other hosts on the same PostgreSQL) within ``Settings.cache_seconds``. The processes share
one session secret: ``ROTA_SESSION_SECRET`` when set (then sessions also survive restarts and
work on every host), else one drawn at random when ``rota serve`` starts.

On SIGTERM or Ctrl-C uvicorn stops accepting connections and finishes the requests in flight
(for up to ``ServeSettings.shutdown_seconds``) before the process exits.
"""

from __future__ import annotations

import json
import os
import secrets
import ssl
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from api.app import create_app
from api.settings import ServeSettings, Settings
from rota.errors import UsageError

SETTINGS_ENV = "ROTA_SERVE_SETTINGS"
"""Where ``rota serve --processes N`` passes its settings to its processes (JSON)."""


def app_from_environment() -> FastAPI:
    """The app of one server process, from the settings ``rota serve`` left in the environment.

    Raises:
        RuntimeError: not started by ``rota serve`` (the variable is missing).
    """
    raw = os.environ.get(SETTINGS_ENV)
    if raw is None:
        raise RuntimeError(
            f"{SETTINGS_ENV} is not set: start processes with `rota serve --processes`"
        )
    return create_app(Settings(**json.loads(raw)))


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


def serve(chosen: ServeSettings) -> None:
    """Serve the API on ``chosen.host:chosen.port`` until interrupted (HTTPS when ``chosen``
    names a certificate and key, checked by :func:`checked_tls` first)."""
    import uvicorn

    from api.logs import log_config

    settings = chosen.api_settings()
    common: dict[str, Any] = {
        "host": chosen.host,
        "port": chosen.port,
        "log_config": log_config(settings.log_format),
        "access_log": settings.log_format == "text",  # json: api.telemetry logs each request
        "proxy_headers": False,
        "timeout_graceful_shutdown": chosen.shutdown_seconds,
    }
    if chosen.ssl_certfile is not None and chosen.ssl_keyfile is not None:
        common.update(ssl_certfile=str(chosen.ssl_certfile), ssl_keyfile=str(chosen.ssl_keyfile))
    if chosen.processes == 1:
        uvicorn.run(create_app(settings), **common)
        return
    shared = replace(settings, session_secret=settings.session_secret or secrets.token_hex(32))
    fields = asdict(shared)
    del fields["now"]
    os.environ[SETTINGS_ENV] = json.dumps(fields)
    uvicorn.run(
        "api.serving:app_from_environment", factory=True, workers=chosen.processes, **common
    )
