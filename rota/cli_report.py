"""``rota report TEAM``: fairness and on-call pay per member (docs/report.md).

Registered on the main app by ``rota/cli.py`` with ``app.command()(report)``. Kept apart from
``rota.cli`` (no import of it, so no import cycle); errors are :class:`~rota.errors.RotaError`
subclasses, which ``rota.cli.main`` turns into a message and exit code 2.
"""

from __future__ import annotations

import io
import json
import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from rota.cli_io import (
    DEFAULT_DB,
    DbOption,
    TeamArgument,
    TzOption,
    instant_option,
    write_output,
    zone_option,
)
from rota.instants import local_text

if TYPE_CHECKING:  # the report (jinja2, holidays) is imported when the command runs
    from rota.report import Report


class ReportSplit(StrEnum):
    MONTH = "month"


class ReportFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    HTML = "html"


def report_table(report: Report) -> Group:
    """The report for a terminal: one row per member, then the spreads."""
    from rota.report import period_text

    table = Table(
        title=f"{report.team_name} ({report.team_id}): {period_text(report)}",
        caption="Fairness figures: off-hours, night, weekend and holiday hours overlap (one hour "
        "may count in several); --pay puts every hour in exactly one category.",
    )
    headers = (
        "member",
        "fte",
        "blocks",
        "hours",
        "fair share",
        "off-hours",
        "night h",
        "weekend h",
        "weekends",
        "holiday h",
    )
    for header in headers:
        table.add_column(header, justify="left" if header == "member" else "right")
    for row in report.rows:
        load = row.load
        table.add_row(
            row.member_id,
            f"{row.fte:g}",
            str(load.blocks),
            f"{load.hours:.1f}",
            f"{load.fair_share_hours:.1f}",
            f"{load.off_hours:.1f}",
            f"{load.night_hours:.1f}",
            f"{load.weekend_hours:.1f}",
            str(load.weekends_worked),
            f"{load.holiday_hours:.1f}",
        )
    s = report.summary
    spread = Text(
        f"Spread among comparable members ({', '.join(s.comparable)}), max − min: "
        f"hours {s.hours:.1f}, off-hours {s.off_hours:.1f}, night {s.night_hours:.1f}, "
        f"weekend hours {s.weekend_hours:.1f}, weekends {s.weekends_worked}, "
        f"holiday hours {s.holiday_hours:.1f}; largest gap to fair share "
        f"{s.fair_share_deviation:.1f} h."
    )
    return Group(table, spread)


def report(
    team_id: TeamArgument,
    db: DbOption = DEFAULT_DB,
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="First instant counted: a date (its 00:00) or a date-time, in --tz unless it "
            "has an offset. Default: the schedule's start.",
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="First instant not counted (as --from). Default: its end."),
    ] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help="table, csv, json or html (standalone).")
    ] = ReportFormat.TABLE,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
    tz: TzOption = None,
    pay: Annotated[
        bool,
        typer.Option(
            "--pay",
            help="Pay: every on-call hour in one category (holiday > weekend > night > "
            "off-hours > working) at the team file's pay: rates, stipends and totals; CSV "
            "becomes payroll lines per member, month and category.",
        ),
    ] = False,
    by: Annotated[
        ReportSplit | None,
        typer.Option("--by", help="month: split pay by calendar month (team zone); implies --pay."),
    ] = None,
) -> None:
    """Fairness and on-call pay numbers per member: hours, off-hours, night, weekend, holiday."""
    from rota.pay.render import pay_csv, pay_tables
    from rota.report import (
        build_report,
        report_csv,
        report_html,
        report_json,
        unscheduled_notes,
    )
    from rota.service import history_before, load_team_state
    from rota.store import Store

    chosen_zone = zone_option(tz)
    store = Store.open(db)
    try:
        state = load_team_state(store, team_id)
        history = history_before(store, team_id, state.schedule.horizon_start)
    finally:
        store.close()
    zone = chosen_zone or state.team.zone
    lo = instant_option(start, "--from", zone)
    hi = instant_option(end, "--to", zone)
    by_month = by is ReportSplit.MONTH
    pay = pay or by_month
    result = build_report(state.team, state.schedule, state.index.shifts, start=lo, end=hi, pay=pay)
    with_history = None
    if history is not None and lo is None:
        # Earlier published horizons: what fairness.history evens out in the next rota.
        combined = replace(
            state.schedule,
            horizon_start=history.horizon_start,
            shifts=(*history.shifts, *state.schedule.shifts),
        )
        with_history = build_report(
            state.team, combined, (*history.shifts, *state.index.shifts), end=hi
        )
    if fmt is not ReportFormat.JSON:  # people read these: the period in --tz
        result = replace(result, zone=zone)
        with_history = with_history and replace(with_history, zone=zone)
    if fmt is ReportFormat.TABLE:
        tables: list[Group | Text | Table] = [report_table(result)]
        tables += [Text(note) for note in unscheduled_notes(result)]
        if result.pay is not None:
            tables += pay_tables(result.pay, by_month=by_month)
            if result.pay.currency is None:
                tables.append(Text("The team file has no pay: section, so every rate is 0."))
        if with_history is not None:
            tables.append(
                Text(
                    "\nIncluding history: every published shift since "
                    f"{local_text(with_history.start, zone)} ({zone.key})",
                    style="bold",
                )
            )
            tables.append(report_table(with_history))
        if output is None:
            # A pipe or a file gets every column whole (a terminal keeps its own width).
            width = None if sys.stdout.isatty() else 160
            Console(soft_wrap=True, width=width).print(*tables)
            return
        buffer = io.StringIO()
        Console(file=buffer, width=120, no_color=True).print(*tables)
        text = buffer.getvalue()
    elif fmt is ReportFormat.CSV:
        text = pay_csv(result.pay) if result.pay is not None else report_csv(result)
    elif fmt is ReportFormat.JSON:
        data = report_json(result, by_month=by_month)
        if with_history is not None:
            data["including_history"] = report_json(with_history)
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = report_html(result, by_month=by_month)
    if output is None:
        sys.stdout.write(text)
    else:
        write_output(output, text, "--output")
        Console(stderr=True).print(f"wrote {output}", markup=False)
