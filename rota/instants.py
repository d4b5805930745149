"""The one rule for instants at rota's edges (command line and HTTP API): whole seconds.

Every instant rota stores (shift bounds, override start and end) is a whole second, and so is
every instant it writes (RFC 3339 ``2026-12-07T09:00:00Z``, iCalendar). An instant given as input
is therefore:

- **stored or matched exactly** (an override's ``start``/``end``, the ``shift`` start of a swap):
  a fraction of a second is refused, naming the field;
- **only looked up** (``at``, ``from``, ``to``, ``--at``, ``--from``, ``--to``): floored to its
  second. That answers exactly as the instant itself would, since every stored boundary is a
  whole second: ``t >= b`` if and only if ``floor(t) >= b`` for a whole ``b``.

The API takes instants as text only, in RFC 3339 shape (a JSON number or ``at=-1`` is not read
as a Unix timestamp).
"""

from __future__ import annotations

import re
from datetime import datetime

WHOLE_SECONDS = "instants are whole seconds; drop the fraction of a second"
RFC3339_EXAMPLE = "2026-12-07T09:00:00Z"

_SHAPE = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?"
)


class SubSecondInstant(ValueError):
    """An instant to be stored or matched has a fraction of a second; drop it."""

    def __init__(self) -> None:
        super().__init__(WHOLE_SECONDS)


def exact_second(value: datetime) -> datetime:
    """``value`` if it is a whole second, else :class:`SubSecondInstant`.

    >>> exact_second(datetime(2026, 12, 7, 9, 0, 0, 1))  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    SubSecondInstant: instants are whole seconds; drop the fraction of a second
    """
    if value.microsecond:
        raise SubSecondInstant
    return value


def floor_second(value: datetime) -> datetime:
    """``value`` without its fraction of a second (for lookups).

    >>> floor_second(datetime(2026, 12, 7, 9, 0, 0, 999_999)).isoformat()
    '2026-12-07T09:00:00'
    """
    return value.replace(microsecond=0)


def instant_text_problem(value: object) -> str | None:
    """Why ``value`` is not an instant written as RFC 3339 text, or None (it may still lack an
    offset or name a day that does not exist; parsing says so).

    >>> instant_text_problem("2026-12-07T09:00:00Z") is None
    True
    >>> instant_text_problem(-1)
    'expected an RFC 3339 instant such as 2026-12-07T09:00:00Z, as text (not a number)'
    """
    if isinstance(value, str) and _SHAPE.fullmatch(value.strip()):
        return None
    return f"expected an RFC 3339 instant such as {RFC3339_EXAMPLE}" + (
        ", as text (not a number)" if isinstance(value, int | float) else ""
    )
