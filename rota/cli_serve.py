"""``rota serve`` (the HTTP API under uvicorn) and ``rota db upgrade`` (migrations on their own).

Every option of ``rota serve`` can also come from a ``ROTA_*`` variable
(:class:`api.settings.ServeSettings`, the table in ``docs/operations.md``); a flag wins over its
variable. Registered on the main app by ``rota/cli.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rota.cli_io import DEFAULT_DB, DbOption, err, open_store, out


def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to listen on [ROTA_HOST; 127.0.0.1].")
    ] = None,
    port: Annotated[int | None, typer.Option(help="TCP port [ROTA_PORT; 8080].")] = None,
    public_url: Annotated[
        str | None,
        typer.Option(help="Base URL for feed links [ROTA_PUBLIC_URL; as requested]."),
    ] = None,
    processes: Annotated[
        int | None,
        typer.Option(
            "--processes",
            "--workers",
            help="Server processes sharing the port (e.g. one per core) [ROTA_PROCESSES; 1]. "
            "Each caches on its own: a change made through one is seen by the others within "
            "--cache-seconds.",
        ),
    ] = None,
    cache_seconds: Annotated[
        float | None,
        typer.Option(help="Seconds cached team state is trusted [ROTA_CACHE_SECONDS; 1]."),
    ] = None,
    log_format: Annotated[
        str | None, typer.Option(help="text or json (one object per request) [ROTA_LOG_FORMAT].")
    ] = None,
    metrics: Annotated[
        bool | None,
        typer.Option("--metrics/--no-metrics", help="Serve /metrics [ROTA_METRICS; on]."),
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="Store URL [ROTA_DB; sqlite:///rota.db].")
    ] = None,
    ssl_certfile: Annotated[
        Path | None,
        typer.Option(help="Serve HTTPS with this PEM certificate (chain) [ROTA_SSL_CERTFILE]."),
    ] = None,
    ssl_keyfile: Annotated[
        Path | None,
        typer.Option(help="The private key of --ssl-certfile (PEM) [ROTA_SSL_KEYFILE]."),
    ] = None,
) -> None:
    """Serve the HTTP API (and web page) with uvicorn; HTTPS with --ssl-certfile/--ssl-keyfile."""
    from api.serving import checked_tls
    from api.serving import serve as run_server
    from api.settings import serve_settings
    from rota.calendar.links import checked_base_url

    chosen = serve_settings(
        {
            "host": host,
            "port": port,
            "public_url": public_url,
            "processes": processes,
            "cache_seconds": cache_seconds,
            "log_format": log_format,
            "metrics": metrics,
            "db": db,
            "ssl_certfile": ssl_certfile,
            "ssl_keyfile": ssl_keyfile,
        }
    )
    if chosen.public_url is not None:
        where = "--public-url" if public_url is not None else "ROTA_PUBLIC_URL"
        checked_base_url(chosen.public_url, where)
    checked_tls(chosen.ssl_certfile, chosen.ssl_keyfile)
    open_store(chosen.db).close()  # fail fast, with a clear message, on a bad store URL
    if chosen.session_secret is None:
        err.print(
            "rota serve: no ROTA_SESSION_SECRET set: browser sessions end when the server "
            "restarts and are valid on this server only",
            markup=False,
            highlight=False,
        )
    if chosen.notify_secret is None or not chosen.notify:
        why = "ROTA_NOTIFY=false" if not chosen.notify else "no ROTA_NOTIFY_SECRET set"
        err.print(
            f"rota serve: {why}: handoff notices are off (docs/notifications.md)",
            markup=False,
            highlight=False,
        )
    run_server(chosen)


db_app = typer.Typer(help="The store's schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = DEFAULT_DB) -> None:
    """Bring the store's schema to this rota's newest revision (servers then start at once)."""
    with open_store(db) as store:
        revision = store.schema_revision()
    out.print(f"store {store.url}: schema at revision {revision}", markup=False, highlight=False)
