"""On-call pay per member: hours by category, amounts at the team's rates, stipends, months.

Amounts are computed per member, calendar month (the team's zone) and category, rounded to the
cent half-up, and everything larger is a sum of those lines: a member's total is the sum of their
months, so a payroll import of the monthly lines (``rota report --pay --format csv``) adds up to
the totals shown. A shift across a month boundary is split at the team's local midnight; a
week's stipend counts in the month where the week starts (weeks are 7-day blocks from the
horizon start, as ``limits.max_hours_per_week`` counts them); a block's stipend in the month
where the block starts.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from rota.config.pay import PayRates, Stipend
from rota.localtime import local_midnight_utc
from rota.metrics import on_call_blocks
from rota.model import Interval, Member, ScheduledShift
from rota.pay.categories import CATEGORIES, Category, categorise
from rota.team import Team

_CENT = Decimal("0.01")
_WEEK = timedelta(days=7)


def _money(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class PayFigures:
    """Seconds and amounts by category, the stipend and the total, of a member or a month."""

    seconds: dict[Category, int]
    amounts: dict[Category, Decimal]
    stipend: Decimal

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), Decimal(0)) + self.stipend

    @property
    def total_seconds(self) -> int:
        return sum(self.seconds.values())

    def __add__(self, other: PayFigures) -> PayFigures:
        return PayFigures(
            seconds={c: self.seconds[c] + other.seconds[c] for c in CATEGORIES},
            amounts={c: self.amounts[c] + other.amounts[c] for c in CATEGORIES},
            stipend=self.stipend + other.stipend,
        )


_ZERO = PayFigures(
    seconds=dict.fromkeys(CATEGORIES, 0),
    amounts=dict.fromkeys(CATEGORIES, Decimal(0)),
    stipend=Decimal(0),
)


@dataclass(frozen=True, slots=True)
class MonthPay:
    month: str
    """``YYYY-MM`` in the team's zone."""
    figures: PayFigures


@dataclass(frozen=True, slots=True)
class MemberPayLine:
    member_id: str
    rates: dict[Category, Decimal]
    stipend: Stipend | None
    months: tuple[MonthPay, ...]

    @property
    def figures(self) -> PayFigures:
        result = _ZERO
        for month in self.months:
            result = result + month.figures
        return result


@dataclass(frozen=True, slots=True)
class PayLedger:
    currency: str | None
    """None when the team file has no ``pay:`` section (every rate is then 0)."""
    members: tuple[MemberPayLine, ...]


def month_key(instant: datetime, zone: ZoneInfo) -> str:
    return f"{instant.astimezone(zone):%Y-%m}"


def _month_cuts(start: datetime, end: datetime, zone: ZoneInfo) -> list[datetime]:
    """``start``, each local first-of-month midnight inside ``(start, end)``, and ``end``."""
    cuts = [start]
    local = start.astimezone(zone).date()
    first = date(local.year + local.month // 12, local.month % 12 + 1, 1)
    while (midnight := local_midnight_utc(first, zone)) < end:
        cuts.append(midnight)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    cuts.append(end)
    return cuts


def _spans(
    member_id: str, shifts: Iterable[ScheduledShift], start: datetime, end: datetime
) -> list[Interval]:
    """The member's on-call time within ``[start, end)``, one span per role held."""
    spans: list[Interval] = []
    for shift in shifts:
        lo, hi = max(shift.start, start), min(shift.end, end)
        if lo < hi:
            spans += [Interval(lo, hi)] * sum(
                1 for m in shift.assignments.values() if m == member_id
            )
    return spans


def _stipend_months(
    stipend: Stipend,
    spans: Sequence[Interval],
    zone: ZoneInfo,
    weeks_from: datetime,
) -> dict[str, int]:
    """How many stipends fall in each month: weeks with any on-call time, or blocks."""
    counts: dict[str, int] = defaultdict(int)
    if stipend.per == "block":
        for block in on_call_blocks(spans):
            counts[month_key(block.start, zone)] += 1
        return counts
    weeks: set[int] = set()
    for span in spans:
        first = (span.start - weeks_from) // _WEEK
        last = (span.end - timedelta(seconds=1) - weeks_from) // _WEEK
        weeks.update(range(first, last + 1))
    for week in weeks:
        counts[month_key(weeks_from + week * _WEEK, zone)] += 1
    return counts


def member_pay(
    member: Member,
    rates: PayRates,
    stipend: Stipend | None,
    shifts: Iterable[ScheduledShift],
    *,
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    weeks_from: datetime,
) -> MemberPayLine:
    """One member's pay over ``[start, end)``, month by month (months in ``zone``)."""
    rate = {c: Decimal(str(rates.rate(c.value))) for c in CATEGORIES}
    spans = _spans(member.id, shifts, start, end)
    seconds: dict[str, dict[Category, int]] = defaultdict(lambda: dict.fromkeys(CATEGORIES, 0))
    for span in spans:
        cuts = _month_cuts(span.start, span.end, zone)
        for lo, hi in itertools.pairwise(cuts):
            month = seconds[month_key(lo, zone)]
            for category, amount in categorise(member, lo, hi).items():
                month[category] += amount
    stipends = _stipend_months(stipend, spans, zone, weeks_from) if stipend else {}
    months = []
    for key in sorted(set(seconds) | set(stipends)):
        held = seconds.get(key, dict.fromkeys(CATEGORIES, 0))
        amounts = {c: _money(rate[c] * held[c] / 3600) for c in CATEGORIES}
        paid = Decimal(str(stipend.amount)) * stipends.get(key, 0) if stipend else Decimal(0)
        months.append(MonthPay(key, PayFigures(dict(held), amounts, _money(paid))))
    return MemberPayLine(member.id, rate, stipend, tuple(months))


def pay_ledger(
    team: Team,
    shifts: Sequence[ScheduledShift],
    *,
    start: datetime,
    end: datetime,
    weeks_from: datetime,
) -> PayLedger:
    """Every member's pay over ``[start, end)`` from the (effective) ``shifts``."""
    section = team.config.pay
    lines = tuple(
        member_pay(
            member,
            section.rates_of(member.id) if section else PayRates(),
            section.stipend_of(member.id) if section else None,
            shifts,
            start=start,
            end=end,
            zone=team.zone,
            weeks_from=weeks_from,
        )
        for member in team.members
    )
    return PayLedger(section.currency if section else None, lines)


__all__ = [
    "MemberPayLine",
    "MonthPay",
    "PayFigures",
    "PayLedger",
    "member_pay",
    "month_key",
    "pay_ledger",
]
