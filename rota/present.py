"""Rich tables and text for people: the grid, a solve summary, loads and schedules.

Times are shown in UTC and in local zones here, and only here (plus the API's edges); the
commands' own tables and text show them in the ``--tz`` zone with offsets
(:func:`rota.instants.local_text`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Group
from rich.table import Table
from rich.text import Text

from rota.instants import local_span, local_text
from rota.metrics import FairnessSummary, MemberLoad
from rota.model import Grid, Schedule, ScheduledShift
from rota.oncall import OnCallAnswer
from rota.team import Team


def _zones(team: Team) -> list[ZoneInfo]:
    """The team zone first, then every other member zone, each once."""
    seen: list[ZoneInfo] = [team.zone]
    for member in team.members:
        if member.timezone.key not in {z.key for z in seen}:
            seen.append(member.timezone)
    return seen


def _short(zone: ZoneInfo) -> str:
    return zone.key.rsplit("/", 1)[-1].replace("_", " ")


def grid_table(
    team: Team, grid: Grid, eligible: Sequence[dict[str, list[str]]], first: ZoneInfo
) -> Group:
    """The grid, one row per shift: its dates and times in ``first`` (UTC unless ``--tz``),
    each other zone's local time, and who can cover it."""
    zones = [z for z in _zones(team) if z.key != first.key]
    table = Table(
        title=f"{team.id}: {len(grid.shifts)} shifts, {team.kind.value}", show_lines=False
    )
    table.add_column("#", justify="right")
    table.add_column(first.key)
    for zone in zones:
        table.add_column(_short(zone))
    table.add_column("h", justify="right")
    for role in grid.roles:
        table.add_column(f"{role} (in hours)")
    nominal = {"daily": 24.0, "weekly": 168.0}.get(team.kind.value)
    holes = 0
    notes: list[str] = []
    for shift in grid.shifts:
        lo, hi = shift.start.astimezone(first), shift.end.astimezone(first)
        cells = [str(shift.index), f"{lo:%a %m-%d %H:%M}–{hi:%H:%M}"]
        for zone in zones:
            lo, hi = shift.start.astimezone(zone), shift.end.astimezone(zone)
            cells.append(f"{lo:%a %H:%M}–{hi:%H:%M}")
        hours = shift.hours
        hours_text = f"{hours:g}"
        if nominal is not None and abs(hours - nominal) > 1e-9:
            hours_text = f"[yellow]{hours:g}[/yellow]"
            notes.append(
                f"shift {shift.index} ({shift.start:%Y-%m-%d}) lasts {hours:g} h: "
                "a DST change in the team zone"
            )
        cells.append(hours_text)
        per_role = eligible[shift.index]
        for role in grid.roles:
            names = per_role.get(role, [])
            if not names:
                cells.append("[red]nobody[/red]")
            else:
                cells.append(", ".join(names))
        if len({m for r in grid.roles for m in per_role.get(r, [])}) < len(grid.roles):
            holes += 1
        table.add_row(*cells)
    footer = Text()
    footer.append(f"horizon {local_span(grid.start, grid.end, first)}. ")
    if holes:
        footer.append(
            f"{holes} shift(s) lie outside the working hours of enough members for all roles "
            "(someone covers them off-hours).",
            style="yellow",
        )
    else:
        footer.append("Every shift lies inside the working hours of enough members.", style="green")
    parts: list[Any] = [table, footer]
    parts.extend(Text(note, style="yellow") for note in notes)
    return Group(*parts)


def solve_summary(team: Team, schedule: Schedule, meta: dict[str, Any], zone: ZoneInfo) -> Text:
    """``rota solve``'s first lines: the version stored, its horizon in ``zone``, the search."""
    text = Text()
    status = str(meta.get("status", "?"))
    text.append(f"{team.id}: stored version {schedule.version} ", style="bold")
    horizon = local_span(schedule.horizon_start, schedule.horizon_end, zone)
    text.append(f"({len(schedule.shifts)} shifts, {horizon}, strategy {meta.get('strategy')})\n")
    text.append(f"status {status}", style="green" if status == "optimal" else "yellow")
    text.append(search_figures(meta))
    return text


def search_figures(meta: dict[str, Any]) -> str:
    """The search's figures after its status. A gap of 100 % means a stage (``fair``,
    ``humane``) has no lower bound above 0 yet, which the line says, naming the stage and
    how close the others came, rather than leave it to read as "the worst possible rota".

    >>> search_figures({"objective": 5210, "bound": 4980, "gap": 0.0441, "wall_s": 59.8})
    ', objective 5,210, bound 4,980, gap 4.41%, wall time 59.8 s'
    >>> search_figures({"objective": 9120, "bound": 0, "gap": 1.0, "wall_s": 300.2})[40:]
    '(a stage has no lower bound proven within the time limit), wall time 300.2 s'
    """
    text = ""
    if "objective" in meta:
        text += (
            f", objective {meta['objective']:,.0f}, bound {meta['bound']:,.0f}, "
            f"gap {meta['gap']:.2%}"
        )
        if meta["gap"] >= 1.0:
            text += f" ({_unproven(meta.get('stage_gaps', {}))})"
    text += f", wall time {meta.get('wall_s', 0):.1f} s"
    if meta.get("first_solution_s") is not None:
        text += f" (first solution after {meta['first_solution_s']:.1f} s)"
    return text


def _unproven(stage_gaps: dict[str, float]) -> str:
    """Which stages have no lower bound yet, and how far the others are from theirs (a later
    stage's bound holds at the earlier stages' values).

    >>> _unproven({"fair": 1.0, "humane": 0.0135})
    'no lower bound proven for fair within the time limit; humane 1.35% above its bound'
    >>> _unproven({"fair": 0.0, "humane": 1.0})
    'no lower bound proven for humane within the time limit; fair proven'
    """
    unbounded = [name for name, gap in stage_gaps.items() if gap >= 1.0]
    if not unbounded:
        return "a stage has no lower bound proven within the time limit"
    parts = [f"no lower bound proven for {' and '.join(unbounded)} within the time limit"]
    parts += [
        f"{name} {gap:.2%} above its bound" if gap > 0 else f"{name} proven"
        for name, gap in stage_gaps.items()
        if gap < 1.0
    ]
    return "; ".join(parts)


def load_totals(loads: dict[str, MemberLoad]) -> dict[str, float]:
    """The team's off-hours and night hours, summed over its members."""
    return {
        "off_hours": sum(load.off_hours for load in loads.values()),
        "night_hours": sum(load.night_hours for load in loads.values()),
    }


def floors_line(totals: dict[str, float], floors: dict[str, float]) -> str:
    """``off-hours 452 h, at least 380 h unavoidable; night 88.5 h, at least 40 h unavoidable``.

    >>> floors_line({"off_hours": 452, "night_hours": 88.5}, {"off_hours": 380, "night_hours": 0})
    'off-hours 452 h, at least 380 h unavoidable; night 88.5 h, none unavoidable'
    """
    parts = []
    for key, words in (("off_hours", "off-hours"), ("night_hours", "night")):
        floor = floors[key]
        least = f"at least {_hours(floor)} unavoidable" if floor > 0 else "none unavoidable"
        parts.append(f"{words} {_hours(totals[key])}, {least}")
    return "; ".join(parts)


MORE_TIME_GAP = 0.1
"""A rota this far above its bound, or further, when the time ran out: the user is told that
more time may find a better one (the benchmarks' teams end their limits below it, see
``docs/benchmarks.md``)."""


def more_time_hint(meta: dict[str, Any], time_limit_s: float) -> str | None:
    """What to do when the search stopped at ``time_limit_s`` far from its bound (None when
    the rota is optimal or close to its bound).

    >>> more_time_hint({"status": "feasible", "gap": 0.43}, 60)
    'time ran out 43% above the bound: --time-limit 120 may find a better rota'
    >>> more_time_hint({"status": "feasible", "gap": 1.0}, 30)
    'time ran out before a bound was proven: --time-limit 60 may find a better rota'
    >>> more_time_hint({"status": "feasible", "gap": 0.02}, 60) is None
    True
    """
    gap = meta.get("gap", 0.0)
    if meta.get("status") != "feasible" or gap < MORE_TIME_GAP:
        return None
    where = "before a bound was proven" if gap >= 1.0 else f"{gap:.0%} above the bound"
    return f"time ran out {where}: --time-limit {2 * time_limit_s:g} may find a better rota"


def _hours(value: float) -> str:
    """``1,729.5 h``, ``452 h`` (to the tenth, no trailing zero)."""
    return f"{value:,.1f}".removesuffix(".0") + " h"


def loads_json(loads: dict[str, MemberLoad]) -> list[dict[str, Any]]:
    return [asdict(load) for load in loads.values()]


def loads_table(team: Team, loads: dict[str, MemberLoad], summary: FairnessSummary) -> Group:
    table = Table(
        title="Per-member load: hours (h), fair share, off-hours and night hours (each with "
        "the member's share of their zone's, by fte and availability), weekends worked, "
        "public-holiday hours"
    )
    for header in (
        "member",
        "fte",
        "blocks",
        "h",
        "share",
        "off",
        "(share)",
        "night",
        "(share)",
        "wkends",
        "hol",
    ):
        table.add_column(header, justify="left" if header == "member" else "right")
    for member in team.members:
        load = loads[member.id]
        table.add_row(
            member.id,
            f"{member.fte:g}",
            str(load.blocks),
            f"{load.hours:.1f}",
            f"{load.fair_share_hours:.1f}",
            f"{load.off_hours:.1f}",
            f"{load.off_hours_share:.1f}",
            f"{load.night_hours:.1f}",
            f"{load.night_share:.1f}",
            str(load.weekends_worked),
            f"{load.holiday_hours:.1f}",
        )
    spread_text = Text("Spread among comparable members (max − min): ")
    for key, value in asdict(summary).items():
        if isinstance(value, int | float):
            spread_text.append(f"{key} {value:g}  ")
    return Group(table, spread_text)


def schedule_table(schedule: Schedule, shifts: Sequence[ScheduledShift], zone: ZoneInfo) -> Table:
    """``rota show``: one row per shift, its bounds in ``zone`` with their offsets."""
    roles: list[str] = []
    for shift in shifts:
        for role in shift.assignments:
            if role not in roles:
                roles.append(role)
    table = Table(
        title=f"{schedule.team_id} v{schedule.version}: {len(shifts)} shifts ({zone.key})"
    )
    table.add_column("start", no_wrap=True)
    table.add_column("end", no_wrap=True)
    for role in roles:
        table.add_column(role)
    for shift in shifts:
        table.add_row(
            f"{shift.start.astimezone(zone):%a} {local_text(shift.start, zone)}",
            f"{shift.end.astimezone(zone):%a} {local_text(shift.end, zone)}",
            *(shift.assignments.get(role, "—") for role in roles),
        )
    return table


def oncall_text(team: Team, answer: OnCallAnswer, zone: ZoneInfo) -> Text:
    """``rota who``: holders, the escalation chain level by level, and the next handoff; times
    in ``zone`` (each holder's own time too)."""
    text = Text()
    text.append(f"{team.config.team_name} ({team.id}) at ", style="bold")
    text.append(f"{local_text(answer.at, zone)} ({zone.key})\n")
    text.append(f"shift {local_span(answer.shift.start, answer.shift.end, zone)}\n")
    for holder in answer.holders:
        local = answer.at.astimezone(holder.member.timezone)
        source = " (override)" if holder.source.value == "override" else ""
        text.append(f"  {holder.role}: ", style="bold")
        text.append(
            f"{holder.member.name} <{holder.member.email or holder.member.id}>{source}"
            f" — their time {local:%a %H:%M}\n"
        )
    severity = answer.severity or "default"
    text.append(f"escalation ({severity}, walk the chain {answer.repeat}×):\n", style="bold")
    for level in answer.levels:
        names = ", ".join(f"{p.member.id} (via {p.via})" for p in level.members)
        text.append(f"  {level.number}. {names or 'nobody available'}")
        text.append(f"  — ack within {level.ack_timeout_minutes} min\n")
        for skipped in level.skipped:
            text.append(f"     skipped {skipped.member.id}: {skipped.text}\n", style="yellow")
    if answer.next_handoff is None:
        text.append("no further handoff in the stored schedule")
    else:
        changes = ", ".join(
            f"{c.role}: {c.before.id if c.before else '—'} → {c.after.id if c.after else '—'}"
            for c in answer.next_handoff.changes
        )
        text.append(f"next handoff {local_text(answer.next_handoff.at, zone)}: {changes}")
    return text
