"""The fairness and on-call compensation report: per member hours over ``[start, end)``.

The numbers come from :func:`rota.metrics.member_loads` (the one place loads are counted), over
the *effective* schedule: overrides applied, since pay follows who actually held the pager. This
module only picks the period, orders the rows and renders them as CSV, JSON and HTML; the pay
figures come from :mod:`rota.pay`, the charts from :mod:`rota.charts` (docs/report.md).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment
from markupsafe import Markup

from rota.charts import CHART_CSS, fairness_charts
from rota.errors import UsageError
from rota.instants import local_span, local_text
from rota.metrics import FairnessSummary, MemberLoad, member_loads, spreads
from rota.model import Interval, Schedule, ScheduledShift
from rota.pay import PayLedger, pay_ledger
from rota.pay.render import pay_html, pay_member_json
from rota.team import Team
from rota.timeline import Colour, member_colours
from rota.views import rfc3339


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One member's line: who they are and what they carried."""

    member_id: str
    name: str
    fte: float
    colour: Colour
    load: MemberLoad

    @property
    def deviation_hours(self) -> float:
        """Hours above (positive) or below (negative) the fair share."""
        return self.load.hours - self.load.fair_share_hours


@dataclass(frozen=True, slots=True)
class Report:
    """The report of one team over ``[start, end)``."""

    team_id: str
    team_name: str
    zone: ZoneInfo
    version: int | None
    start: datetime
    end: datetime
    rows: tuple[ReportRow, ...]
    summary: FairnessSummary
    horizon: Interval
    """The stored schedule's horizon."""
    unscheduled: tuple[Interval, ...] = ()
    """Parts of the period outside the horizon: nothing is counted there."""
    pay: PayLedger | None = None
    """Pay by category, month and member (``rota report --pay``)."""


def build_report(
    team: Team,
    schedule: Schedule,
    effective: Sequence[ScheduledShift] | None = None,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    pay: bool = False,
) -> Report:
    """Count every member's load in ``[start, end)`` (default: the schedule's horizon).

    Args:
        team: the team as stored with the schedule.
        schedule: the stored schedule (its version and horizon).
        effective: its effective shifts (overrides applied); default: the planned shifts.
        start: first instant counted (aware).
        end: first instant not counted (aware).
        pay: also count pay categories, amounts and months (:mod:`rota.pay`).

    Raises:
        UsageError: ``end`` is not after ``start``.
    """
    lo = start or schedule.horizon_start
    hi = end or schedule.horizon_end
    if hi <= lo:
        raise UsageError(
            f"the report period must end after it starts: {rfc3339(lo)} – {rfc3339(hi)}"
        )
    counted = schedule if effective is None else replace(schedule, shifts=tuple(effective))
    loads = member_loads(team, counted, start=lo, end=hi)
    ledger = None
    if pay:
        ledger = pay_ledger(
            team, counted.shifts, start=lo, end=hi, weeks_from=schedule.horizon_start
        )
    colours = member_colours(m.id for m in team.members)
    rows = tuple(ReportRow(m.id, m.name, m.fte, colours[m.id], loads[m.id]) for m in team.members)
    return Report(
        team_id=team.id,
        team_name=team.config.team_name,
        zone=team.zone,
        version=schedule.version,
        start=lo,
        end=hi,
        rows=rows,
        summary=spreads(team, loads),
        horizon=Interval(schedule.horizon_start, schedule.horizon_end),
        unscheduled=_outside(lo, hi, schedule.horizon_start, schedule.horizon_end),
        pay=ledger,
    )


def _outside(lo: datetime, hi: datetime, first: datetime, last: datetime) -> tuple[Interval, ...]:
    """The parts of ``[lo, hi)`` outside ``[first, last)``."""
    parts = []
    if lo < first:
        parts.append(Interval(lo, min(hi, first)))
    if hi > last:
        parts.append(Interval(max(lo, last), hi))
    return tuple(parts)


# --------------------------------------------------------------------------------- CSV / JSON

CSV_COLUMNS = (
    "member",
    "name",
    "fte",
    "blocks",
    "hours",
    "fair_share_hours",
    "deviation_hours",
    "off_hours",
    "off_hours_share",
    "night_hours",
    "night_share",
    "weekend_hours",
    "weekends_worked",
    "holiday_hours",
    "unavailable_hours",
)


def _hours(value: float) -> float:
    """Hours to the second (4 decimals), without ``-0.0``."""
    return round(value, 4) + 0.0


def member_json(row: ReportRow) -> dict[str, Any]:
    load = row.load
    return {
        "member": row.member_id,
        "name": row.name,
        "fte": row.fte,
        "blocks": load.blocks,
        "hours": _hours(load.hours),
        "fair_share_hours": _hours(load.fair_share_hours),
        "deviation_hours": _hours(row.deviation_hours),
        "off_hours": _hours(load.off_hours),
        "off_hours_share": _hours(load.off_hours_share),
        "night_hours": _hours(load.night_hours),
        "night_share": _hours(load.night_share),
        "weekend_hours": _hours(load.weekend_hours),
        "weekends_worked": load.weekends_worked,
        "holiday_hours": _hours(load.holiday_hours),
        "unavailable_hours": _hours(load.unavailable_hours),
    }


OVERLAPPING = ("off_hours", "night_hours", "weekend_hours", "holiday_hours")
"""The fairness figures that overlap: one hour may count in several (pay categories do not)."""


def report_json(report: Report, *, by_month: bool = False) -> dict[str, Any]:
    """The JSON document of ``rota report --format json`` (hours rounded to 4 decimals)."""
    summary = report.summary
    members = [member_json(row) for row in report.rows]
    data: dict[str, Any] = {
        "team": report.team_id,
        "name": report.team_name,
        "timezone": report.zone.key,
        "version": report.version,
        "period": {
            "start": rfc3339(report.start),
            "end": rfc3339(report.end),
            "unscheduled": [
                {"start": rfc3339(part.start), "end": rfc3339(part.end)}
                for part in report.unscheduled
            ],
        },
        "overlapping": list(OVERLAPPING),
        "members": members,
        "spreads": {
            "comparable": list(summary.comparable),
            "hours": _hours(summary.hours),
            "off_hours": _hours(summary.off_hours),
            "night_hours": _hours(summary.night_hours),
            "weekend_hours": _hours(summary.weekend_hours),
            "weekends_worked": summary.weekends_worked,
            "holiday_hours": _hours(summary.holiday_hours),
            "fair_share_deviation": _hours(summary.fair_share_deviation),
        },
    }
    if report.pay is not None:
        data["currency"] = report.pay.currency
        for entry, line in zip(members, report.pay.members, strict=True):
            entry.update(pay_member_json(line, by_month=by_month))
    return data


def report_csv(report: Report) -> str:
    """One line per member (the columns of :data:`CSV_COLUMNS`); spreads are in JSON/HTML."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        data = member_json(row)
        writer.writerow([data[column] for column in CSV_COLUMNS])
    return buffer.getvalue()


_ENV = Environment(autoescape=True, keep_trailing_newline=True)

_DOCUMENT = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ report.team_name }}: on-call report {{ period }}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
  padding:1rem;max-width:72rem;color:#111;background:#f7f8fa}
h1{font-size:1.4rem;margin:.2rem 0}
table{border-collapse:collapse;width:100%;background:#fff;margin:1rem 0;font-size:.9rem}
th,td{border-bottom:1px solid #e1e4e8;padding:.3rem .5rem;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.3rem;
  vertical-align:-.1rem}
.table-wrap{overflow-x:auto}
{{ css }}
</style>
</head>
<body>
<h1>{{ report.team_name }} ({{ report.team_id }})</h1>
<p>On-call report for {{ period }}, schedule version {{ report.version }}. Hours are counted
from the effective schedule (overrides applied). Off-hours, night, weekend and holiday hours are
fairness figures and overlap (one hour may count in several){% if pay %}; the pay table below
puts every hour in exactly one category{% endif %}.</p>
{%- for note in notes %}
<p class="note">{{ note }}</p>
{%- endfor %}
<div class="table-wrap"><table>
<thead><tr><th>member</th><th>fte</th><th>blocks</th><th>hours</th><th>fair share</th>
<th>off-hours</th><th>night</th><th>weekend h</th><th>weekends</th><th>holiday h</th></tr></thead>
<tbody>
{%- for row in report.rows %}
<tr><td><svg class="swatch" width="12" height="12"><rect width="12" height="12"
 fill="{{ row.colour.fill }}"/></svg>{{ row.name }}</td><td>{{ row.fte }}</td>
<td>{{ row.load.blocks }}</td><td>{{ "%.1f"|format(row.load.hours) }}</td>
<td>{{ "%.1f"|format(row.load.fair_share_hours) }}</td>
<td>{{ "%.1f"|format(row.load.off_hours) }}</td>
<td>{{ "%.1f"|format(row.load.off_hours_share) }}</td>
<td>{{ "%.1f"|format(row.load.night_hours) }}</td>
<td>{{ "%.1f"|format(row.load.night_share) }}</td>
<td>{{ "%.1f"|format(row.load.weekend_hours) }}</td><td>{{ row.load.weekends_worked }}</td>
<td>{{ "%.1f"|format(row.load.holiday_hours) }}</td></tr>
{%- endfor %}
</tbody></table></div>
{{ pay }}
{{ charts }}
<p>Largest gap between anyone's hours and their fair share:
{{ "%.1f"|format(report.summary.fair_share_deviation) }} h. Comparable members (full-time, fully
available): {{ report.summary.comparable|join(", ") }}.</p>
</body>
</html>
"""


def period_text(report: Report) -> str:
    """``2026-12-21 09:00+01:00 – 2026-12-28 09:00+01:00 (Europe/Berlin)``, in the report's
    zone."""
    return local_span(report.start, report.end, report.zone)


def unscheduled_notes(report: Report) -> list[str]:
    """One sentence per part of the period that the stored schedule does not cover."""
    zone = report.zone
    notes = []
    for part in report.unscheduled:
        edge = report.horizon.start if part.end <= report.horizon.start else report.horizon.end
        where = "starts" if edge == report.horizon.start else "ends"
        notes.append(
            f"No schedule for {local_span(part.start, part.end, zone)}: the stored rota {where} "
            f"at {local_text(edge, zone)}, so nothing is counted there."
        )
    return notes


def report_html(report: Report, *, by_month: bool = False) -> str:
    """A standalone HTML document: the table, the pay table (with ``--pay``) and the page's
    fairness charts (inline CSS/SVG)."""
    names = {row.member_id: row.name for row in report.rows}
    return _ENV.from_string(_DOCUMENT).render(
        report=report,
        period=period_text(report),
        notes=unscheduled_notes(report),
        pay=pay_html(report.pay, names, by_month=by_month) if report.pay else "",
        css=Markup(CHART_CSS),  # noqa: S704 (a constant)
        charts=fairness_charts(report),
    )


__all__ = [
    "CSV_COLUMNS",
    "Report",
    "ReportRow",
    "build_report",
    "period_text",
    "report_csv",
    "report_html",
    "report_json",
    "unscheduled_notes",
]
