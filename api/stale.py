"""Answers from the last good state while the store is unavailable (``docs/operations.md``).

Paging lookups that keep working through a database outage are worth more than purity: while
the store does not answer, ``oncall`` is answered from the team state this process last built
or confirmed current, and a feed from the bytes it last served for that token, each for at most
``Settings.stale_seconds`` after that confirmation, and marked with ``X-Rota-Stale: <seconds>``
(how long ago the state was last confirmed). Everything else answers 503 with ``Retry-After``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from fastapi import Request

from rota.calendar.publish import MAX_FEEDS, PublishedFeed

STALE_HEADER = "X-Rota-Stale"


def stale_headers(age_s: float) -> dict[str, str]:
    """The header marking an answer given from a state ``age_s`` seconds old."""
    return {STALE_HEADER: str(int(age_s))}


def stale_limit(request: Request) -> float:
    """How old a state may be to be served while the store is down (seconds)."""
    limit: float = request.app.state.settings.stale_seconds
    return limit


class LastFeeds:
    """The feed last served for each token (by its hash), to serve while the store is down.

    Bounded like the feed cache (:data:`~rota.calendar.publish.MAX_FEEDS` tokens, the least
    recently served go first); the bytes are mostly the same objects that cache holds.
    """

    def __init__(self, max_entries: int = MAX_FEEDS) -> None:
        self._max_entries = max_entries
        self._lock = threading.Lock()
        self._feeds: OrderedDict[str, tuple[PublishedFeed, float]] = OrderedDict()

    def remember(self, token_hash: str, feed: PublishedFeed) -> None:
        with self._lock:
            self._feeds[token_hash] = (feed, time.monotonic())
            self._feeds.move_to_end(token_hash)
            while len(self._feeds) > self._max_entries:
                self._feeds.popitem(last=False)

    def recall(self, token_hash: str, max_age_s: float) -> tuple[PublishedFeed, float] | None:
        """The feed last served for the token and its age, if younger than ``max_age_s``."""
        with self._lock:
            found = self._feeds.get(token_hash)
        if found is None:
            return None
        age = time.monotonic() - found[1]
        return (found[0], age) if age < max_age_s else None
