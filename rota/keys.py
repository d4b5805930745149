"""Secrets handed to people once (API keys, feed tokens): made random, stored only as a hash.

The secrets are 256-bit random strings, so a plain SHA-256 is a sound one-way hash (no salt or
slow hash is needed against guessing). Comparisons use :func:`hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

API_KEY_PREFIX = "rota_k_"
FEED_TOKEN_PREFIX = "rota_f_"  # noqa: S105 (a prefix, not a secret)


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
