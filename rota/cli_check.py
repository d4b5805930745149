"""``rota check FILE``: the capacity analysis of :mod:`rota.capacity`, without solving.

Registered on the main app by ``rota/cli.py`` with ``app.command()(check)``. Exit 0 for
``fits`` and ``tight``, 1 for ``cannot-fit``; a bad team file raises
:class:`~rota.errors.ConfigError`, which ``rota.cli.main`` turns into a message and exit 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rota.capacity import CapacityReport


def report_text(report: CapacityReport) -> str:
    """The report for a terminal: the verdict, the findings, then the tables by region."""
    from rota.capacity.findings import hours, names, plural
    from rota.localtime import local_date

    team, grid = report.team, report.grid
    cfg = team.config
    zone = team.zone
    regions = report.regions
    first, last = local_date(grid.start, zone), local_date(grid.end, zone)
    lines = [
        f"{team.id} ({cfg.team.name or team.id}): {plural(len(team.members), 'member')} in "
        f"{plural(len(regions), 'region')}, {cfg.rotation.kind.value}, roles "
        f"{names(list(team.roles))}, {plural(len(grid.shifts), 'shift')} "
        f"{first.isoformat()}..{last.isoformat()} ({zone.key})",
        f"verdict: {report.verdict.value}",
        "",
    ]
    for finding in report.findings:
        lines.append(f"{finding.level.value:<10}  {finding.rule:<13}  {finding.message}")
    lines += [
        "",
        "Members whose working window covers some of each UTC hour (the fewest on any day); "
        f"{len(team.roles)} needed every hour:",
    ]
    width = max([len("all regions"), *(len(r.zone) for r in regions)])
    lines.append(" " * width + " " + "".join(f"{h:>3}" for h in range(24)))
    for table in regions:
        lines.append(
            f"{table.zone:<{width}} " + "".join(f"{n if n else '.':>3}" for n in table.covering)
        )
    total = [sum(t.covering[h] for t in regions) for h in range(24)]
    lines.append(f"{'all regions':<{width}} " + "".join(f"{n:>3}" for n in total))
    weeks = len(regions[0].away) if regions else 0
    lines += ["", f"Members away for some of each week (weeks from {first.isoformat()}):"]
    lines.append(" " * width + " " + "".join(f"{w + 1:>4}" for w in range(weeks)))
    for table in regions:
        lines.append(
            f"{table.zone:<{width}} " + "".join(f"{n if n else '.':>4}" for n in table.away)
        )
    lines += [
        "",
        f"Floors in every rota: {hours(report.off_hours_floor)} outside working hours, "
        f"{hours(report.night_floor)} at night.",
    ]
    return "\n".join(lines) + "\n"


def check(
    file: Annotated[Path, typer.Argument(help="Team file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Also count the team's absences recorded in this store."),
    ] = None,
) -> None:
    """Count capacity without solving: fits, tight (and why) or cannot-fit (with the proof)."""
    from rota.capacity import Verdict, check_capacity
    from rota.config import load_config
    from rota.team import team_from_config

    team = team_from_config(load_config(file))
    if db is not None:
        from rota.absence import with_absences
        from rota.cli_io import open_store

        with open_store(db) as store:
            team = with_absences(team, store.list_absences(team.id))
    report = check_capacity(team)
    if as_json:
        sys.stdout.write(json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(report_text(report))
    if report.verdict is Verdict.CANNOT_FIT:
        raise typer.Exit(1)
