"""The fairness and on-call compensation report: per member hours over ``[start, end)``.

The numbers come from :func:`rota.metrics.member_loads` (the one place loads are counted), over
the *effective* schedule: overrides applied, since pay follows who actually held the pager. This
module only picks the period, orders the rows and renders them: CSV and JSON for finance and
scripts, and the fairness charts shared by ``rota report --format html`` and the web page
(:func:`fairness_charts`, inline SVG and CSS, no script).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment
from markupsafe import Markup

from rota.errors import UsageError
from rota.metrics import FairnessSummary, MemberLoad, member_loads, spreads
from rota.model import Schedule, ScheduledShift
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


def build_report(
    team: Team,
    schedule: Schedule,
    effective: Sequence[ScheduledShift] | None = None,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Report:
    """Count every member's load in ``[start, end)`` (default: the schedule's horizon).

    Args:
        team: the team as stored with the schedule.
        schedule: the stored schedule (its version and horizon).
        effective: its effective shifts (overrides applied); default: the planned shifts.
        start: first instant counted (aware).
        end: first instant not counted (aware).

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
    )


# --------------------------------------------------------------------------------- CSV / JSON

CSV_COLUMNS = (
    "member",
    "name",
    "fte",
    "shifts",
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
        "shifts": load.shifts,
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


def report_json(report: Report) -> dict[str, Any]:
    """The JSON document of ``rota report --format json`` (hours rounded to 4 decimals)."""
    summary = report.summary
    return {
        "team": report.team_id,
        "name": report.team_name,
        "timezone": report.zone.key,
        "version": report.version,
        "period": {"start": rfc3339(report.start), "end": rfc3339(report.end)},
        "members": [member_json(row) for row in report.rows],
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


def report_csv(report: Report) -> str:
    """One line per member (the columns of :data:`CSV_COLUMNS`); spreads are in JSON/HTML."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        data = member_json(row)
        writer.writerow([data[column] for column in CSV_COLUMNS])
    return buffer.getvalue()


# --------------------------------------------------------------------------------- charts

CHART_CSS = """
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,21rem),1fr));gap:1rem}
.chart{border:1px solid #d0d4da;border-radius:.5rem;padding:.6rem .8rem;background:#fff}
.chart h3{font-size:1rem;margin:0 0 .4rem}
.bar-row{display:grid;grid-template-columns:6.5rem minmax(2rem,1fr) 6.5rem;gap:.4rem;
  align-items:center;margin:.2rem 0;font-size:.85rem}
.bar-label{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bar{width:100%;height:14px;display:block;background:#f0f2f5;border-radius:2px}
.bar-value{font-variant-numeric:tabular-nums;white-space:nowrap;color:#333;text-align:right}
.chart .note{font-size:.8rem;color:#555;margin:.4rem 0 0}
"""


@dataclass(frozen=True, slots=True)
class _Metric:
    key: str
    title: str
    value: Callable[[ReportRow], float]
    text: Callable[[ReportRow], str]
    spread: Callable[[FairnessSummary], float]
    fair_share: bool = False


def _h(value: float) -> str:
    return f"{value:.1f} h"


METRICS: tuple[_Metric, ...] = (
    _Metric(
        "hours",
        "On-call hours (line: fair share)",
        lambda r: r.load.hours,
        lambda r: f"{_h(r.load.hours)} / {r.load.fair_share_hours:.1f}",
        lambda s: s.hours,
        fair_share=True,
    ),
    _Metric(
        "off_hours",
        "Off-hours / share of the zone's",
        lambda r: r.load.off_hours,
        lambda r: f"{_h(r.load.off_hours)} / {r.load.off_hours_share:.1f}",
        lambda s: s.off_hours,
    ),
    _Metric(
        "night_hours",
        "Night hours / share of the zone's",
        lambda r: r.load.night_hours,
        lambda r: f"{_h(r.load.night_hours)} / {r.load.night_share:.1f}",
        lambda s: s.night_hours,
    ),
    _Metric(
        "weekend_hours",
        "Weekend hours (weekends worked)",
        lambda r: r.load.weekend_hours,
        lambda r: f"{_h(r.load.weekend_hours)} ({r.load.weekends_worked})",
        lambda s: s.weekend_hours,
    ),
    _Metric(
        "holiday_hours",
        "Public-holiday hours",
        lambda r: r.load.holiday_hours,
        lambda r: _h(r.load.holiday_hours),
        lambda s: s.holiday_hours,
    ),
)

_CHARTS = """\
<div class="charts">
{%- for chart in charts %}
<section class="chart" data-metric="{{ chart.key }}">
<h3>{{ chart.title }}</h3>
{%- for bar in chart.bars %}
<div class="bar-row" data-member="{{ bar.member }}">
<span class="bar-label" title="{{ bar.name }}">{{ bar.name }}</span>
<svg class="bar" role="img" aria-label="{{ bar.name }}: {{ bar.text }}" height="14">
<rect x="0" y="0" height="14" width="{{ bar.width }}%" fill="{{ bar.fill }}"/>
{%- if bar.marker is not none %}
<line x1="{{ bar.marker }}%" x2="{{ bar.marker }}%" y1="0" y2="14" stroke="#111" stroke-width="2"/>
{%- endif %}
</svg>
<span class="bar-value">{{ bar.text }}</span>
</div>
{%- endfor %}
<p class="note">Spread among comparable members: {{ chart.spread }}</p>
</section>
{%- endfor %}
</div>
"""

_ENV = Environment(autoescape=True, keep_trailing_newline=True)


def _percent(value: float, scale: float) -> str:
    return f"{min(max(value / scale, 0.0), 1.0) * 100:.2f}" if scale > 0 else "0"


def fairness_charts(report: Report) -> Markup:
    """The fairness bars, one small chart per metric, as HTML with inline SVG (no script).

    Each chart is scaled to its largest value (for hours: value or fair share); style it with
    :data:`CHART_CSS`.
    """
    charts = []
    for metric in METRICS:
        scale = max(
            (
                max(metric.value(row), row.load.fair_share_hours if metric.fair_share else 0.0)
                for row in report.rows
            ),
            default=0.0,
        )
        bars = [
            {
                "member": row.member_id,
                "name": row.name,
                "fill": row.colour.fill,
                "width": _percent(metric.value(row), scale),
                "marker": _percent(row.load.fair_share_hours, scale) if metric.fair_share else None,
                "text": metric.text(row),
            }
            for row in report.rows
        ]
        charts.append(
            {
                "key": metric.key,
                "title": metric.title,
                "bars": bars,
                "spread": _h(metric.spread(report.summary)),
            }
        )
    return Markup(_ENV.from_string(_CHARTS).render(charts=charts))  # noqa: S704 (autoescaped)


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
<p>On-call report for {{ period }} ({{ report.zone.key }}), schedule version
{{ report.version }}. Hours are counted from the effective schedule (overrides applied).</p>
<div class="table-wrap"><table>
<thead><tr><th>member</th><th>fte</th><th>shifts</th><th>hours</th><th>fair share</th>
<th>off-hours</th><th>off share</th><th>night</th><th>night share</th>
<th>weekend h</th><th>weekends</th><th>holiday h</th></tr></thead>
<tbody>
{%- for row in report.rows %}
<tr><td><svg class="swatch" width="12" height="12"><rect width="12" height="12"
 fill="{{ row.colour.fill }}"/></svg>{{ row.name }}</td><td>{{ row.fte }}</td>
<td>{{ row.load.shifts }}</td><td>{{ "%.1f"|format(row.load.hours) }}</td>
<td>{{ "%.1f"|format(row.load.fair_share_hours) }}</td>
<td>{{ "%.1f"|format(row.load.off_hours) }}</td>
<td>{{ "%.1f"|format(row.load.off_hours_share) }}</td>
<td>{{ "%.1f"|format(row.load.night_hours) }}</td>
<td>{{ "%.1f"|format(row.load.night_share) }}</td>
<td>{{ "%.1f"|format(row.load.weekend_hours) }}</td><td>{{ row.load.weekends_worked }}</td>
<td>{{ "%.1f"|format(row.load.holiday_hours) }}</td></tr>
{%- endfor %}
</tbody></table></div>
{{ charts }}
<p>Largest gap between anyone's hours and their fair share:
{{ "%.1f"|format(report.summary.fair_share_deviation) }} h. Comparable members (full-time, fully
available): {{ report.summary.comparable|join(", ") }}.</p>
</body>
</html>
"""


def period_text(report: Report) -> str:
    """``2026-12-21 09:00 – 2026-12-28 09:00 CET`` in the team's zone."""
    lo, hi = report.start.astimezone(report.zone), report.end.astimezone(report.zone)
    return f"{lo:%Y-%m-%d %H:%M} – {hi:%Y-%m-%d %H:%M %Z}"


def report_html(report: Report) -> str:
    """A standalone HTML document: the table and the page's fairness charts (inline CSS/SVG)."""
    return _ENV.from_string(_DOCUMENT).render(
        report=report,
        period=period_text(report),
        css=Markup(CHART_CSS),  # noqa: S704 (a constant)
        charts=fairness_charts(report),
    )


__all__ = [
    "CHART_CSS",
    "CSV_COLUMNS",
    "Report",
    "ReportRow",
    "build_report",
    "fairness_charts",
    "period_text",
    "report_csv",
    "report_html",
    "report_json",
]
