"""The fairness charts shared by ``rota report --format html`` and the web page: one small bar
chart per metric, inline SVG and CSS, no script."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jinja2 import Environment
from markupsafe import Markup

from rota.metrics import FairnessSummary

if TYPE_CHECKING:
    from rota.report import Report, ReportRow

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


__all__ = ["CHART_CSS", "fairness_charts"]
