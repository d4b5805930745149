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
from dataclasses import replace

from fastapi import FastAPI

from api.app import create_app
from api.settings import Settings

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


def serve(settings: Settings, *, host: str, port: int, workers: int = 1) -> None:
    """Serve the API on ``host:port`` until interrupted, in ``workers`` processes."""
    import uvicorn

    from api.logs import log_config

    common = {"host": host, "port": port, "log_config": log_config(), "proxy_headers": False}
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
