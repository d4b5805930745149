"""Settings of the HTTP API: :class:`ServeSettings` read from ``ROTA_*`` variables and flags,
and :class:`Settings`, what :func:`api.app.create_app` is given (no import-time globals).

Every ``rota serve`` option has a variable (the table in ``docs/operations.md``); a flag given
on the command line wins over its variable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from rota.errors import UsageError

LogFormat = Literal["text", "json"]

SESSION_SECRET_MIN = 32
"""Characters a configured session secret must have at least (e.g. ``openssl rand -hex 32``)."""


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
            per process (restarting the server signs everyone out). ``rota serve --processes N``
            gives its processes one shared secret.
        stale_seconds: while the store is down, ``oncall`` and feeds are answered from the
            last state this process confirmed, for at most this many seconds after it was
            confirmed (0: never; see ``docs/operations.md``).
        metrics: serve ``/metrics`` (Prometheus text format).
        log_format: ``json`` logs one JSON object per request (and per message).
        notify: run the handoff notice sender (``ROTA_NOTIFY``).
        notify_secret: ``ROTA_NOTIFY_SECRET``, the key that signs handoff notices; None (or
            ``notify`` False) means no notices are sent (``docs/notifications.md``).
        notify_interval_seconds: how often the notice sender looks for due notices.
    """

    db_url: str
    now: Callable[[], datetime] = field(default=utc_now)
    public_url: str | None = None
    cache_seconds: float = 1.0
    threads: int = 4
    session_secret: str | None = None
    stale_seconds: float = 86_400.0
    metrics: bool = True
    log_format: LogFormat = "text"
    notify: bool = True
    notify_secret: str | None = None
    notify_interval_seconds: float = 5.0

    @property
    def sends_notices(self) -> bool:
        """Whether this server runs the notice sender."""
        return self.notify and self.notify_secret is not None


class ServeSettings(BaseSettings):
    """``rota serve``'s options: from flags, else ``ROTA_<NAME>`` variables, else defaults."""

    model_config = SettingsConfigDict(env_prefix="ROTA_", extra="ignore", frozen=True)

    db: str = "sqlite:///rota.db"
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    processes: int = Field(1, ge=1, le=64)
    public_url: str | None = None
    session_secret: SecretStr | None = None
    cache_seconds: float = Field(1.0, ge=0, le=3600)
    threads: int = Field(4, ge=1, le=256)
    stale_seconds: float = Field(86_400.0, ge=0)
    metrics: bool = True
    log_format: LogFormat = "text"
    shutdown_seconds: int = Field(30, ge=1, le=3600)
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    notify: bool = True
    notify_secret: SecretStr | None = None
    notify_interval_seconds: float = Field(5.0, gt=0, le=3600)

    @field_validator("session_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < SESSION_SECRET_MIN:
            raise ValueError(
                f"must have at least {SESSION_SECRET_MIN} characters "
                "(e.g. the output of `openssl rand -hex 32`)"
            )
        return value

    @field_validator(
        "public_url",
        "session_secret",
        "ssl_certfile",
        "ssl_keyfile",
        "notify_secret",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if value == "" else value

    def api_settings(self) -> Settings:
        """The settings of one server process."""
        secret = self.session_secret.get_secret_value() if self.session_secret else None
        notify_secret = self.notify_secret.get_secret_value() if self.notify_secret else None
        return Settings(
            db_url=self.db,
            public_url=self.public_url,
            cache_seconds=self.cache_seconds,
            threads=self.threads,
            session_secret=secret,
            stale_seconds=self.stale_seconds,
            metrics=self.metrics,
            log_format=self.log_format,
            notify=self.notify,
            notify_secret=notify_secret,
            notify_interval_seconds=self.notify_interval_seconds,
        )


def serve_settings(flags: dict[str, Any]) -> ServeSettings:
    """The settings from ``flags`` (None: not given) over the ``ROTA_*`` variables.

    Raises:
        UsageError: a value is invalid; the message names the flag or the variable it came from
            and never shows a secret.
    """
    given = {name: value for name, value in flags.items() if value is not None}
    try:
        return ServeSettings(**given)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "?"
            where = "--" + name.replace("_", "-") if name in given else f"ROTA_{name.upper()}"
            secret = name in ("session_secret", "notify_secret")
            shown = "" if secret else f". Got value: {error.get('input')!r}"
            problems.append(f"rota serve: {where}: {error['msg']}{shown}")
        raise UsageError("\n".join(problems)) from None
