"""Keys and errors the way PagerDuty clients expect them.

* A read key of rota's (``rota key create``) in either form: ``Authorization: Token token=KEY``
  (what ``pagerduty.RestApiV2Client`` and ``pdpyras`` send) or ``Authorization: Bearer KEY``.
* Every error under ``/pagerduty`` in PagerDuty's shape, ``{"error": {"code", "message",
  "errors"}}``, with PagerDuty's codes: 2001 invalid input (400), 2006 authentication failed
  (401), 2010 access denied (403), 2100 not found (404); a store outage is 503 with
  ``Retry-After`` as elsewhere in rota's API.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel

from api.deps import KeyCache
from api.pagerduty.shapes import error_body
from rota.errors import RotaError, ScheduleNotFound, StoreError, TeamNotFound
from rota.keys import secret_hash, secret_matches
from rota.store import ApiKey

_log = logging.getLogger("rota.api")

INVALID_INPUT = 2001
AUTHENTICATION_FAILED = 2006
ACCESS_DENIED = 2010
NOT_FOUND = 2100
INTERNAL = 2000


class ErrorDetail(BaseModel):
    code: int
    message: str
    errors: list[str]


class ErrorPublic(BaseModel):
    """PagerDuty's error shape (documented in the OpenAPI schema of every ``/pagerduty`` route)."""

    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status_code: {"model": ErrorPublic, "description": description}
    for status_code, description in (
        (400, "Invalid input (code 2001)"),
        (401, "Authentication failed (code 2006)"),
        (404, "Not found (code 2100)"),
        (503, "Store unavailable (code 2000); see Retry-After"),
    )
}


class PagerDutyError(Exception):
    """An answer in PagerDuty's error shape."""

    def __init__(self, status_code: int, code: int, message: str, errors: Sequence[str] = ()):
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.errors = tuple(errors)

    def response(self) -> JSONResponse:
        from api.routes.health import RETRY_AFTER_S  # api.app registers this package's router

        headers = {"Retry-After": RETRY_AFTER_S} if self.status_code == 503 else None
        if self.status_code == 401:
            headers = {"WWW-Authenticate": 'Token realm="rota"'}
        body = error_body(self.code, self.message, self.errors)
        return JSONResponse(body, status_code=self.status_code, headers=headers)


def invalid_input(*errors: str) -> PagerDutyError:
    return PagerDutyError(
        status.HTTP_400_BAD_REQUEST, INVALID_INPUT, "Invalid Input Provided", errors
    )


def not_found(what: str) -> PagerDutyError:
    return PagerDutyError(status.HTTP_404_NOT_FOUND, NOT_FOUND, "Not Found", [what])


def _as_pagerduty(exc: Exception) -> PagerDutyError:
    if isinstance(exc, PagerDutyError):
        return exc
    if isinstance(exc, RequestValidationError):
        return invalid_input(
            *(
                f"{'.'.join(str(part) for part in error['loc'][1:])}: {error['msg']}"
                for error in exc.errors()
            )
        )
    if isinstance(exc, (TeamNotFound, ScheduleNotFound)):
        return not_found(str(exc))
    if isinstance(exc, StoreError):
        return PagerDutyError(503, INTERNAL, "Store unavailable")
    raise exc


class PagerDutyRoute(APIRoute):
    """A route whose errors, including those of its dependencies, take PagerDuty's shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await handle(request)
            except (PagerDutyError, RequestValidationError, RotaError) as exc:
                answer = _as_pagerduty(exc)
                if isinstance(exc, StoreError):
                    _log.error("GET %s failed in the store", request.url.path)
                return answer.response()
            except HTTPException as exc:  # e.g. FastAPI's own checks
                code = {401: AUTHENTICATION_FAILED, 403: ACCESS_DENIED, 404: NOT_FOUND}
                return PagerDutyError(
                    exc.status_code, code.get(exc.status_code, INVALID_INPUT), str(exc.detail)
                ).response()

        return handler


def _credentials(header: str) -> str | None:
    """The key in ``Token token=KEY`` (quotes allowed) or ``Bearer KEY``; None otherwise.

    >>> _credentials('Token token="rota_abc"'), _credentials("Bearer rota_abc")
    ('rota_abc', 'rota_abc')
    >>> _credentials("Basic dXNlcg==") is None
    True
    """
    scheme, _, rest = header.strip().partition(" ")
    rest = rest.strip()
    if scheme.lower() == "bearer":
        return rest or None
    if scheme.lower() == "token":
        name, equals, value = rest.partition("=")
        if name.strip().lower() == "token" and equals:
            return value.strip().strip('"') or None
    return None


async def require_read_key(request: Request) -> ApiKey:
    """Any active rota key, sent as PagerDuty clients send theirs (or as a Bearer token)."""
    secret = _credentials(request.headers.get("authorization", ""))
    if secret is None:
        raise PagerDutyError(
            401,
            AUTHENTICATION_FAILED,
            "Authentication failed",
            ["Missing API key (Authorization: Token token=<key>)"],
        )
    keys: KeyCache = request.app.state.keys
    key = keys.find(secret_hash(secret))
    if key is None or not secret_matches(secret, key.key_hash):
        raise PagerDutyError(
            401, AUTHENTICATION_FAILED, "Authentication failed", ["Invalid or revoked API key"]
        )
    return key


PagerDutyKey = Annotated[ApiKey, Depends(require_read_key)]
