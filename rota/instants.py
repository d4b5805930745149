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
as a Unix timestamp), and refuses one without an offset.

The command line reads what a person types with :func:`parse_local_instant`, in one zone (the
``--tz`` option, by default the team's): a date alone is that zone's midnight, a date-time
without an offset is that zone's wall-clock time, an offset (or ``Z``) is taken as given. A
wall-clock time the clocks skip (spring forward) is refused; one they pass twice (fall back) is
its first occurrence, and the caller says so. :func:`local_text` and :func:`local_span` write
instants back in that zone with their offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from rota.localtime import local_midnight_utc

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


_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


class LocalTimeGap(ValueError):
    """A wall-clock time the clocks skip in a zone (spring forward); give an offset or another
    time."""

    def __init__(self, value: datetime, zone: ZoneInfo) -> None:
        before = value.replace(tzinfo=zone, fold=0).utcoffset() or timedelta()
        after = value.replace(tzinfo=zone, fold=1).utcoffset() or timedelta()
        # The change happens between these two instants (both readings of the missing time).
        lo, hi = value - after, value - before
        while hi - lo > timedelta(seconds=1):
            mid = lo + (hi - lo) / 2
            if mid.replace(tzinfo=UTC).astimezone(zone).utcoffset() == before:
                lo = mid
            else:
                hi = mid
        change = hi.replace(microsecond=0)
        super().__init__(
            f"{value:%Y-%m-%d %H:%M} does not exist in {zone.key}: the clocks go from "
            f"{change + before:%H:%M} (UTC{_offset(before)}) straight to "
            f"{change + after:%H:%M} (UTC{_offset(after)}); give a time outside that gap, "
            "or an offset"
        )


@dataclass(frozen=True, slots=True)
class TypedInstant:
    """An instant a person typed, read in a zone.

    Attributes:
        at: the instant, aware, in UTC.
        day: the local date when a date alone was typed (it stands for the whole day to some
            commands), else None.
        repeated: the wall-clock time occurs twice that day (the clocks fall back) and ``at``
            is its first occurrence.
    """

    at: datetime
    day: date | None = None
    repeated: bool = False

    def repeat_note(self, option: str, zone: ZoneInfo) -> str | None:
        """What to tell the person when :attr:`repeated`, else None."""
        if not self.repeated:
            return None
        local = self.at.astimezone(zone)
        second = local.replace(fold=1)
        return (
            f"{option}: {local:%Y-%m-%d %H:%M} happens twice in {zone.key} (the clocks fall "
            f"back); took the first, {local_text(self.at, zone)}; for the second write "
            f"{second:%Y-%m-%dT%H:%M}{_offset(second.utcoffset())}"
        )


def parse_local_instant(text: str, zone: ZoneInfo) -> TypedInstant:
    """Read a date, a wall-clock date-time or an instant with an offset, in ``zone``.

    The one rule for instants typed on the command line (``--from``, ``--to``, ``--at``,
    ``--start``, ``--end``, ``--shift``, ...). Fractions of a second are kept: the caller floors
    or refuses them (:func:`floor_second`, :func:`exact_second`).

    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> parse_local_instant("2026-12-07T12:00", berlin).at.isoformat()
    '2026-12-07T11:00:00+00:00'
    >>> parse_local_instant("2026-12-07", berlin)
    TypedInstant(at=datetime.datetime(2026, 12, 6, 23, 0, tzinfo=datetime.timezone.utc), \
day=datetime.date(2026, 12, 7), repeated=False)
    >>> parse_local_instant("2026-12-07T12:00Z", berlin).at.isoformat()
    '2026-12-07T12:00:00+00:00'

    Raises:
        ValueError: not a date or ISO 8601 date-time.
        LocalTimeGap: a wall-clock time the clocks skip in ``zone``.
        InstantOutOfRange: the instant falls outside years 1-9999 in UTC.
    """
    from rota.views import InstantOutOfRange, in_utc

    value = text.strip()
    if _DATE_ONLY.fullmatch(value):
        day = date.fromisoformat(value)
        try:
            return TypedInstant(local_midnight_utc(day, zone), day=day)
        except OverflowError:  # 0001-01-01 east of UTC, 9999-12-31 west of it
            raise InstantOutOfRange from None
    parsed = datetime.fromisoformat(value.replace("z", "Z"))
    if parsed.tzinfo is not None:
        return TypedInstant(in_utc(parsed))
    first = parsed.replace(tzinfo=zone, fold=0)
    second = parsed.replace(tzinfo=zone, fold=1)
    at = in_utc(first)
    if at.astimezone(zone).replace(tzinfo=None) != parsed:
        raise LocalTimeGap(parsed, zone)
    return TypedInstant(at, repeated=first.utcoffset() != second.utcoffset())


def local_text(at: datetime, zone: ZoneInfo) -> str:
    """``at`` as wall-clock time in ``zone`` with its offset; seconds only when not zero.

    >>> local_text(datetime(2026, 12, 7, 11, 0, tzinfo=UTC), ZoneInfo("Europe/Berlin"))
    '2026-12-07 12:00+01:00'
    """
    local = at.astimezone(zone)
    return local.isoformat(sep=" ", timespec="seconds" if local.second else "minutes")


def local_span(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """``[start, end)`` in ``zone``; the end's date is left out when it is the start's.

    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> local_span(datetime(2026, 12, 7, 11, tzinfo=UTC), datetime(2026, 12, 7, 19, tzinfo=UTC),
    ...            berlin)
    '2026-12-07 12:00+01:00 – 20:00+01:00 (Europe/Berlin)'
    """
    first, last = local_text(start, zone), local_text(end, zone)
    if last[:10] == first[:10]:
        last = last[11:]
    return f"{first} \N{EN DASH} {last} ({zone.key})"


def _offset(offset: timedelta | None) -> str:
    """``+01:00`` for one hour east of UTC."""
    minutes = int((offset or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
