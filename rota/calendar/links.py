"""Feed URLs: where ``rota serve`` is reachable (the base URL) + ``/feeds/<token>.ics``.

A base URL is checked before a token is stored, so a bad one never leaves behind a secret
nobody was shown: it must be ``http`` or ``https`` with a host, and carry no query, fragment
or user name (a feed URL is pasted into calendar apps and mail; ``javascript:`` or a
credential in it has no business there).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from rota.errors import UsageError


@dataclass(frozen=True, slots=True)
class FeedLinks:
    """The two forms of one feed's URL: ``url`` (http/https) and ``webcal`` (one-click)."""

    url: str
    webcal: str


def base_url_problem(value: str) -> str | None:
    """Why ``value`` cannot be the base of feed URLs, or None.

    >>> base_url_problem("https://rota.example.com/oncall") is None
    True
    >>> base_url_problem("rota.example.com")
    'must start with http:// or https:// and name a host'
    >>> base_url_problem("https://rota.example.com/?x=1")
    'must not have a query or a fragment'
    """
    if not value.isprintable() or any(char.isspace() for char in value):
        return "must be one line without spaces or control characters"
    try:
        parts = urlsplit(value)
        port = parts.port  # raises on a port that is not a number in 0..65535
    except ValueError:
        return "is not a URL"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "must start with http:// or https:// and name a host"
    if parts.query or parts.fragment or "?" in value or "#" in value:
        return "must not have a query or a fragment"
    if parts.username is not None or parts.password is not None:
        return "must not hold a user name or password"
    if port == 0:
        return "is not a URL"
    return None


def checked_base_url(value: str, what: str) -> str:
    """``value`` if it can be the base of feed URLs.

    Raises:
        UsageError: it cannot; the message names ``what`` (e.g. ``--base-url``) and the value.
    """
    problem = base_url_problem(value)
    if problem is not None:
        raise UsageError(f"{what}: {problem}. Got value: {value!r}")
    return value


def feed_links(base: str, token: str) -> FeedLinks:
    """The URLs of the feed with ``token`` under ``base`` (checked with :func:`checked_base_url`).

    >>> feed_links("https://rota.example.com/", "rota_f_x").webcal
    'webcal://rota.example.com/feeds/rota_f_x.ics'
    """
    url = f"{base.rstrip('/')}/feeds/{token}.ics"
    return FeedLinks(url=url, webcal="webcal://" + url.split("://", 1)[1])


__all__ = ["FeedLinks", "base_url_problem", "checked_base_url", "feed_links"]
