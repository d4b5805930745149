"""What ``rota check`` reports: findings, their levels, the verdict, and the words they use.

A finding is one counting argument about the team file: a rule (``coverage``,
``weekend-limit``, ...), a level, a message in the team's words (members, zones, dates in the
team's zone) and where it applies. The verdict is the worst level found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo


class Level(StrEnum):
    """How a finding bears on the rota: ``cannot-fit`` is a proof, ``tight`` has no spare."""

    CANNOT_FIT = "cannot-fit"
    TIGHT = "tight"
    INFO = "info"


class Verdict(StrEnum):
    FITS = "fits"
    TIGHT = "tight"
    CANNOT_FIT = "cannot-fit"


LEVEL_ORDER = {Level.CANNOT_FIT: 0, Level.TIGHT: 1, Level.INFO: 2}


@dataclass(frozen=True, slots=True)
class Where:
    """Where a finding applies: zones, members, team-zone dates and a UTC time of day."""

    zones: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    first: date | None = None
    last: date | None = None
    utc: str | None = None  # "01:30-09:30", the shift's UTC time of day

    def as_json(self) -> dict[str, object]:
        return {
            "zones": list(self.zones),
            "members": list(self.members),
            "from": self.first.isoformat() if self.first else None,
            "to": self.last.isoformat() if self.last else None,
            "utc": self.utc,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    level: Level
    message: str
    where: Where = field(default_factory=Where)

    def as_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "level": self.level.value,
            "message": self.message,
            "where": self.where.as_json(),
        }


def verdict_of(findings: Iterable[Finding]) -> Verdict:
    """The worst level among ``findings`` (``fits`` when none is above ``info``)."""
    levels = {f.level for f in findings}
    if Level.CANNOT_FIT in levels:
        return Verdict.CANNOT_FIT
    if Level.TIGHT in levels:
        return Verdict.TIGHT
    return Verdict.FITS


# ------------------------------------------------------------------------------ words


def region_name(zone: str) -> str:
    """The city of an IANA zone, as people say it.

    >>> region_name("America/New_York"), region_name("UTC")
    ('New York', 'UTC')
    """
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def names(items: Sequence[str], *, limit: int = 8) -> str:
    """``a``, ``a and b``, ``a, b and c``; long lists end with "and N more".

    >>> names(["ann"]), names(["ann", "bob", "cat"]), names([])
    ('ann', 'ann, bob and cat', 'nobody')
    """
    if not items:
        return "nobody"
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 member``, ``2 members``.

    >>> plural(1, "day"), plural(3, "day"), plural(2, "person", "people")
    ('1 day', '3 days', '2 people')
    """
    return f"{count} {word if count == 1 else (many or word + 's')}"


def hours(minutes: float) -> str:
    """Minutes as hours for people: ``56 h``, ``7.5 h``.

    >>> hours(3360), hours(450)
    ('56 h', '7.5 h')
    """
    return f"{round(minutes / 60, 1):g} h"


def dates_text(days: Sequence[date]) -> str:
    """A set of dates: listed when few, else the count and the first and last.

    >>> dates_text([date(2027, 1, 4)])
    'on 2027-01-04'
    >>> dates_text([date(2027, 1, d) for d in range(4, 11)])
    'on 7 dates, 2027-01-04..2027-01-10'
    """
    ordered = sorted(set(days))
    if len(ordered) <= 3:
        return "on " + names([d.isoformat() for d in ordered])
    return f"on {len(ordered)} dates, {ordered[0].isoformat()}..{ordered[-1].isoformat()}"


def clock_span(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """``07:00-15:00`` of ``[start, end)`` read in ``zone``."""
    a, b = start.astimezone(zone), end.astimezone(zone)
    return f"{a:%H:%M}-{b:%H:%M}"


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
