"""Secrets handed to people once (API keys, feed tokens): made random, stored only as a hash.

The secrets are 256-bit random strings, so a plain SHA-256 is a sound one-way hash (no salt or
slow hash is needed against guessing). Comparisons use :func:`hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from rota.text import KEY_NAME_MAX, text_problem

API_KEY_PREFIX = "rota_k_"
FEED_TOKEN_PREFIX = "rota_f_"  # noqa: S105 (a prefix, not a secret)
ACTOR_MAX = 100
"""Width of the ``created_by`` column that records who made an override."""


def new_secret(prefix: str) -> str:
    """A fresh URL-safe secret with a recognisable prefix (so leaked keys are easy to grep)."""
    return prefix + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """The stored form of a secret: hex SHA-256.

    >>> secret_hash("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Constant-time check of ``secret`` against a stored hash."""
    return hmac.compare_digest(secret_hash(secret), stored_hash)


def key_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name an API key (one printable line, at most
    :data:`~rota.text.KEY_NAME_MAX` characters, so :func:`api_key_actor` fits), or None.

    >>> key_name_problem("pager-bot") is None
    True
    """
    if not name.strip():
        return "must not be empty"
    return text_problem(name, KEY_NAME_MAX)


def api_key_actor(name: str) -> str:
    """What an override made with the key called ``name`` records as its author.

    Names longer than :data:`~rota.text.KEY_NAME_MAX` exist only from before that limit; their
    record is cut to the column's :data:`ACTOR_MAX` characters.

    >>> api_key_actor("pager-bot")
    'api-key:pager-bot'
    >>> len(api_key_actor("k" * 100))
    100
    """
    return f"api-key:{name}"[:ACTOR_MAX]
