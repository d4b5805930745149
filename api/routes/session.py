"""Who is looking at a page: an API key, sent as a Bearer header or held by a session cookie.

The cookie is ``<key hash>.<expiry>.<signature>``: the SHA-256 of the API key (what the store
keeps, never the key), the Unix time it expires, and an HMAC-SHA256 of both under a server
secret. Each request looks the hash up again, so revoking the key ends its sessions (within the
key cache's age). The secret is ``settings.session_secret`` when the deployment sets one, else
random per process: restarting the server signs everyone out, which is the safe default.

Forms that change something (sign-out, creating a feed link) carry a CSRF token derived from the
cookie, and every POST must come from the page's own origin when the browser says where from.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from datetime import datetime
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import Request

from api.deps import KeyCache
from rota.keys import secret_hash, secret_matches
from rota.store import ApiKey

SESSION_COOKIE = "rota_session"
SESSION_SECONDS = 14 * 24 * 3600
MAX_FORM_BYTES = 8192

_secret_lock = threading.Lock()


def _secret(request: Request) -> bytes:
    state = request.app.state
    found: bytes | None = getattr(state, "session_secret", None)
    if found is not None:
        return found
    with _secret_lock:
        found = getattr(state, "session_secret", None)
        if found is None:
            configured = getattr(state.settings, "session_secret", None)
            found = (
                configured.encode("utf-8")
                if isinstance(configured, str) and configured
                else secrets.token_bytes(32)
            )
            state.session_secret = found
        return found


def _sign(request: Request, text: str) -> str:
    digest = hmac.new(_secret(request), text.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def make_session(request: Request, key: ApiKey, now: datetime) -> str:
    """A signed session cookie value for ``key``, valid for :data:`SESSION_SECONDS`."""
    payload = f"{key.key_hash}.{int(now.timestamp()) + SESSION_SECONDS}"
    return f"{payload}.{_sign(request, payload)}"


def _session_key(request: Request, value: str, now: datetime) -> ApiKey | None:
    parts = value.split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    payload = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_sign(request, payload), parts[2]):
        return None
    if int(parts[1]) <= now.timestamp():
        return None
    keys: KeyCache = request.app.state.keys
    key = keys.find(parts[0])
    return key if key is not None and hmac.compare_digest(key.key_hash, parts[0]) else None


def login_key(request: Request, secret: str) -> ApiKey | None:
    """The active API key ``secret`` is, or None (unknown, revoked or empty)."""
    secret = secret.strip()
    if not secret:
        return None
    keys: KeyCache = request.app.state.keys
    key = keys.find(secret_hash(secret))
    return key if key is not None and secret_matches(secret, key.key_hash) else None


def viewer(request: Request, now: datetime) -> ApiKey | None:
    """The key behind the request: ``Authorization: Bearer`` first, else the session cookie."""
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials:
        return login_key(request, credentials)
    cookie = request.cookies.get(SESSION_COOKIE)
    return _session_key(request, cookie, now) if cookie else None


def csrf_token(request: Request, cookie: str) -> str:
    """The token forms of this session carry (an HMAC of the cookie)."""
    return _sign(request, f"csrf.{cookie}")


def csrf_valid(request: Request, token: str) -> bool:
    """True for a form of this session, or a request authenticated by a Bearer header."""
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return True  # browsers never attach this header on their own
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie or not token:
        return False
    return hmac.compare_digest(csrf_token(request, cookie), token)


def same_origin(request: Request) -> bool:
    """False when the browser says the POST comes from another origin."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    allowed = {f"{request.url.scheme}://{request.url.netloc}"}
    public = request.app.state.settings.public_url
    if public:
        parts = urlsplit(public)
        allowed.add(f"{parts.scheme}://{parts.netloc}")
    return origin in allowed


def safe_next(target: str, quoted: bool = False) -> str:
    """``target`` when it is a path on this site, else ``/`` (no open redirect).

    >>> safe_next("/teams/ops?tz=UTC"), safe_next("//evil.example/"), safe_next("https://x")
    ('/teams/ops?tz=UTC', '/', '/')
    """
    ok = target.startswith("/") and not target.startswith(("//", "/\\")) and "\n" not in target
    chosen = target if ok else "/"
    return quote(chosen, safe="") if quoted else chosen


async def read_form(request: Request) -> dict[str, str]:
    """A small ``application/x-www-form-urlencoded`` body as a dict (first value per name)."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return {}
    fields = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}
