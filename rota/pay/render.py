"""Pay figures as JSON entries, payroll CSV lines, a terminal table and an HTML table."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from jinja2 import Environment
from markupsafe import Markup
from rich.table import Table

from rota.pay.categories import CATEGORIES
from rota.pay.ledger import MemberPayLine, PayFigures, PayLedger

PAY_CSV_COLUMNS = ("member", "month", "category", "hours", "rate", "amount")


def _hours(seconds: int) -> float:
    return round(seconds / 3600, 4) + 0.0


def _amount(value: Decimal) -> float:
    return float(value)


def figures_json(figures: PayFigures) -> dict[str, Any]:
    return {
        "hours": {c.value: _hours(figures.seconds[c]) for c in CATEGORIES},
        "amounts": {c.value: _amount(figures.amounts[c]) for c in CATEGORIES},
        "stipend": _amount(figures.stipend),
        "total": _amount(figures.total),
    }


def pay_member_json(line: MemberPayLine, *, by_month: bool) -> dict[str, Any]:
    """The keys ``rota report --pay`` adds to a member's JSON entry."""
    entry: dict[str, Any] = {
        "rates": {c.value: _amount(line.rates[c]) for c in CATEGORIES},
        "pay": figures_json(line.figures),
    }
    if by_month:
        entry["months"] = [
            {
                "month": month.month,
                "hours": _hours(month.figures.total_seconds),
                "pay": figures_json(month.figures),
            }
            for month in line.months
        ]
    return entry


def _csv_rows(line: MemberPayLine) -> Iterator[list[object]]:
    for month in line.months:
        figures = month.figures
        for c in CATEGORIES:
            if figures.seconds[c] or figures.amounts[c]:
                yield [
                    line.member_id,
                    month.month,
                    c.value,
                    _hours(figures.seconds[c]),
                    line.rates[c],
                    figures.amounts[c],
                ]
        if figures.stipend and line.stipend is not None:
            yield [line.member_id, month.month, "stipend", "", line.stipend.amount, figures.stipend]


def pay_csv(ledger: PayLedger) -> str:
    """Payroll lines, long form: one per member, month and category with time or an amount,
    plus one ``stipend`` line per member and month that has one (its ``rate`` is the amount per
    week or block, ``hours`` empty)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(PAY_CSV_COLUMNS)
    for line in ledger.members:
        writer.writerows(_csv_rows(line))
    return buffer.getvalue()


def _hour_cells(figures: PayFigures) -> list[str]:
    return [f"{figures.seconds[c] / 3600:.1f}" for c in CATEGORIES]


def _amount_cells(figures: PayFigures) -> list[str]:
    amounts = [f"{figures.amounts[c]:.2f}" for c in CATEGORIES]
    return [*amounts, f"{figures.stipend:.2f}", f"{figures.total:.2f}"]


def _lines(ledger: PayLedger, *, by_month: bool) -> Iterator[tuple[str, str, PayFigures]]:
    """(member, month, figures): each member's months (with ``by_month``), then their whole
    period, then the team's total."""
    total: PayFigures | None = None
    for line in ledger.members:
        if by_month:
            for month in line.months:
                yield line.member_id, month.month, month.figures
        yield line.member_id, "all" if by_month else "", line.figures
        total = line.figures if total is None else total + line.figures
    if total is not None:
        yield "total", "", total


def pay_tables(ledger: PayLedger, *, by_month: bool) -> list[Table]:
    """On-call hours per pay category, and (with a ``pay:`` section) the amounts, per member
    (and month), with totals."""
    heads = [c.value.replace("_", "-") for c in CATEGORIES]
    hours = Table(title="On-call hours by pay category (each hour in one)")
    amounts = Table(title=f"On-call pay ({ledger.currency})")
    for table, columns in ((hours, heads), (amounts, [*heads, "stipend", "total"])):
        table.add_column("member")
        if by_month:
            table.add_column("month")
        for column in columns:
            table.add_column(column, justify="right")
    for member, month, figures in _lines(ledger, by_month=by_month):
        first = [member, *([month] if by_month else [])]
        hours.add_row(*first, *_hour_cells(figures))
        amounts.add_row(*first, *_amount_cells(figures))
    return [hours, amounts] if ledger.currency is not None else [hours]


_HTML = """\
<h2>On-call pay{% if currency %} ({{ currency }}){% endif %}</h2>
<p>Every on-call hour counts in exactly one category: holiday, then weekend, night, off-hours,
working hours.</p>
<div class="table-wrap"><table class="pay">
<thead><tr><th>member</th>{% if by_month %}<th>month</th>{% endif %}
{%- for c in categories %}<th>{{ c }}</th>{% endfor %}
{%- if currency %}<th>stipend</th><th>total</th>{% endif %}</tr></thead>
<tbody>
{%- for row in rows %}
<tr><td>{{ row.label }}</td>{% if by_month %}<td>{{ row.month }}</td>{% endif %}
{%- for cell in row.cells %}<td>{{ cell }}</td>{% endfor %}</tr>
{%- endfor %}
</tbody></table></div>
"""

_ENV = Environment(autoescape=True)


def pay_html(ledger: PayLedger, names: dict[str, str], *, by_month: bool) -> Markup:
    """The pay table of the HTML report: hours (and amounts) per category, member and month."""
    priced = ledger.currency is not None
    rows = []
    for member, month, figures in _lines(ledger, by_month=by_month):
        cells = _hour_cells(figures)
        if priced:
            cells = [f"{h} h · {a}" for h, a in zip(cells, _amount_cells(figures), strict=False)]
            cells += [f"{figures.stipend:.2f}", f"{figures.total:.2f}"]
        rows.append({"label": names.get(member, member), "month": month, "cells": cells})
    html = _ENV.from_string(_HTML).render(
        currency=ledger.currency,
        by_month=by_month,
        categories=[c.value.replace("_", "-") for c in CATEGORIES],
        rows=rows,
    )
    return Markup(html)  # noqa: S704 (autoescaped)


__all__ = [
    "PAY_CSV_COLUMNS",
    "figures_json",
    "pay_csv",
    "pay_html",
    "pay_member_json",
    "pay_tables",
]
