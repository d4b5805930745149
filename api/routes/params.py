"""Query parameters shared by routes: instants must carry an offset (RFC 3339) and are floored
to their second (the rule is rota.instants'; ``api.schemas.Instant`` refuses numbers)."""

from __future__ import annotations

from datetime import datetime

from fastapi.exceptions import RequestValidationError

from rota.instants import floor_second
from rota.views import InstantOutOfRange, in_utc


def invalid(location: str, name: str, message: str, value: object) -> RequestValidationError:
    """A 422 in FastAPI's own error shape, so every 422 of the API reads the same."""
    return RequestValidationError(
        [{"loc": (location, name), "msg": message, "type": "value_error", "input": value}]
    )


def aware_instant(value: datetime | None, name: str, location: str = "query") -> datetime | None:
    """``value`` in UTC, floored to its second; a value without an offset is refused (a 3 a.m.
    guess is worse), and so is one whose UTC time falls outside years 1-9999
    (``0001-01-01T00:00:00+00:01``). Instants to store are whole seconds already
    (``api.schemas.ExactInstant``), so flooring leaves them as they are."""
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise invalid(
            location,
            name,
            "must include a UTC offset (RFC 3339), e.g. 2026-12-07T09:00:00Z",
            value.isoformat(),
        )
    try:
        return floor_second(in_utc(value))
    except InstantOutOfRange:
        message = "is out of range: in UTC it falls outside years 1-9999"
        raise invalid(location, name, message, value.isoformat()) from None


def ordered(start: datetime | None, end: datetime | None) -> None:
    if start is not None and end is not None and end <= start:
        raise invalid("query", "to", "must be after 'from'", end.isoformat())
