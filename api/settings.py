"""Settings of the HTTP API, passed to :func:`api.app.create_app` (no import-time globals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the store is and how the API tells time.

    Attributes:
        db_url: the store URL (``sqlite:///rota.db``, ``postgresql+psycopg://...``).
        now: the clock; tests inject a fixed one.
        public_url: base URL used in feed links (``webcal://`` is derived from it); None means
            "the URL the request came in on".
        cache_seconds: how long the server trusts its cached team state and key lookups
            before asking the store again; changes made through this server are seen at once,
            changes by other processes (CLI, another server) within this many seconds.
        threads: how many requests to sync (``def``) routes run at once (store queries, feed
            builds); more wait. Python threads share one interpreter lock, so more threads add
            no CPU; they only make the event loop, where ``oncall`` runs, wait longer for the
            lock: with anyio's default of 40, a flood of feed requests held paging lookups for
            tens of milliseconds.
        session_secret: the key that signs browser session cookies; None means a random one
            per process (restarting the server signs everyone out). ``rota serve --workers N``
            gives its workers one shared secret.
    """

    db_url: str
    now: Callable[[], datetime] = field(default=utc_now)
    public_url: str | None = None
    cache_seconds: float = 1.0
    threads: int = 4
    session_secret: str | None = None
