"""Logging for ``rota serve``: uvicorn's access log without secrets.

Feed URLs carry their token in the path; the access log shows ``/feeds/<redacted>.ics``
instead. API keys travel in the Authorization header, which uvicorn never logs.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_FEED_PATH = re.compile(r"/feeds/[^/\s?\"]+")
_KEY = re.compile(r"rota_[kf]_[A-Za-z0-9_-]{8,}")


def redact(text: str) -> str:
    """Remove feed tokens and API keys from a log text.

    >>> redact('GET /feeds/rota_f_abcdefghijkl.ics HTTP/1.1')
    'GET /feeds/<redacted>.ics HTTP/1.1'
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


def log_config() -> dict[str, Any]:
    """uvicorn's default logging config with :class:`RedactSecrets` on every handler."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = {**LOGGING_CONFIG}
    config["filters"] = {"redact": {"()": "api.logs.RedactSecrets"}}
    config["handlers"] = {
        name: {**handler, "filters": ["redact"]}
        for name, handler in LOGGING_CONFIG["handlers"].items()
    }
    return config
