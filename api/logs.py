"""Logging for ``rota serve``: uvicorn's access log without secrets, as text or JSON lines.

Feed URLs carry their token in the path; the access log shows ``/feeds/<redacted>.ics``
instead. API keys travel in the Authorization header, which uvicorn never logs; a key or token
pasted into a query string is redacted too, also when it is percent-encoded (once or more, in
upper or lower case), since uvicorn logs query strings as they arrive.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

_FEED_PATH = re.compile(r"/feeds/[^/\s?\"]+")
_PERCENT = r"%(?:25)*[0-9a-f]{2}"  # one byte, percent-encoded once or more (%5F, %255F)


def _char(char: str) -> str:
    """A pattern for ``char`` written as it is or percent-encoded."""
    return f"(?:{re.escape(char)}|%(?:25)*{ord(char):02x})"


_KEY = re.compile(
    "".join(_char(c) for c in "rota_")
    + f"(?:{_char('k')}|{_char('f')})"
    + _char("_")
    + f"(?:[a-z0-9_-]|{_PERCENT}){{8,}}",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """Remove feed tokens and API keys from a log text.

    >>> redact('GET /feeds/rota_f_abcdefghijkl.ics HTTP/1.1')
    'GET /feeds/<redacted>.ics HTTP/1.1'
    >>> redact('GET /v1/teams?key=rota%5Fk%5Fabcdefghijkl&x=1 HTTP/1.1')
    'GET /v1/teams?key=<redacted>&x=1 HTTP/1.1'
    >>> redact('GET /?k=%72%6f%74%61%5f%6b%5f%61bcdefghijkl HTTP/1.1')
    'GET /?k=<redacted> HTTP/1.1'
    >>> redact('GET /?k=rota%255Fk%255Fabcdefghijkl HTTP/1.1')
    'GET /?k=<redacted> HTTP/1.1'
    """
    text = _FEED_PATH.sub(
        lambda m: "/feeds/<redacted>" + (".ics" if m.group(0).endswith(".ics") else ""), text
    )
    return _KEY.sub("<redacted>", text)


class RedactSecrets(logging.Filter):
    """A filter that rewrites a record's message and arguments through :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and for a request
    (``rota.request``, see :mod:`api.telemetry`) its method, route, path, status and duration."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request = getattr(record, "request", None)
        if isinstance(request, dict):
            entry.update(request)
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def log_config(log_format: str = "text") -> dict[str, Any]:
    """uvicorn's default logging config with :class:`RedactSecrets` on every handler; with
    ``json``, every line is a JSON object and requests are logged by ``rota.request`` (with
    route template and duration) instead of uvicorn's access log."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = {**LOGGING_CONFIG}
    config["filters"] = {"redact": {"()": "api.logs.RedactSecrets"}}
    config["handlers"] = {
        name: {**handler, "filters": ["redact"]}
        for name, handler in LOGGING_CONFIG["handlers"].items()
    }
    config["loggers"] = {
        **LOGGING_CONFIG["loggers"],
        "rota": {"handlers": ["default"], "level": "INFO", "propagate": False},
    }
    if log_format == "json":
        json_lines = {"()": "api.logs.JsonFormatter"}
        config["formatters"] = {"default": json_lines, "access": json_lines}
    return config
