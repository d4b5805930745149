"""The ``rota`` command line: thin wrappers that load, call the core, and print.

Exit codes: 0 success; 1 the work failed (no feasible rota, no schedule at that instant);
2 bad input or usage (team file, arguments, unknown team, unusable database).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from rota.errors import (
    ConfigError,
    FeedError,
    InfeasibleRotaError,
    RotaError,
    ScheduleNotFound,
    StoreError,
    TeamNotFound,
    UsageError,
)

DEFAULT_DB = "sqlite:///rota.db"

app = typer.Typer(
    name="rota",
    help="Fair, humane on-call rotas: validate a team file, solve, publish, ask who is on call.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@dataclass(slots=True)
class Context:
    db: str


DbOption = Annotated[
    str,
    typer.Option("--db", envvar="ROTA_DB", help="Store URL (SQLite file or PostgreSQL URL)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _exit_code(exc: RotaError) -> int:
    if isinstance(exc, InfeasibleRotaError | ScheduleNotFound):
        return 1
    if isinstance(exc, ConfigError | UsageError | TeamNotFound | StoreError | FeedError):
        return 2
    return 1


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _open_store(db: str) -> Any:
    from rota.store import Store

    return Store.open(db)


# ----------------------------------------------------------------------------------- validate


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Team files to check.", show_default=False)],
) -> None:
    """Check team files; print every problem, one line each (exit 2 if any)."""
    from rota.config import load_config
    from rota.horizon import build_grid
    from rota.team import team_from_config

    failed = False
    for path in files:
        try:
            cfg = load_config(path)
            grid = build_grid(team_from_config(cfg))
        except ConfigError as exc:
            failed = True
            err.print(str(exc), markup=False, highlight=False)
            continue
        out.print(
            f"{path}: ok — team {cfg.team.id}, {len(cfg.members)} members, "
            f"{cfg.rotation.kind.value}, {len(grid.shifts)} shifts",
            markup=False,
            highlight=False,
        )
    if failed:
        raise typer.Exit(2)


# ----------------------------------------------------------------------------------- grid


@app.command()
def grid(
    file: Annotated[Path, typer.Argument(help="Team file.")],
    as_json: JsonOption = False,
) -> None:
    """Show the shift grid in UTC and local times, with who can cover each shift."""
    from rota.config import load_config
    from rota.coverage import eligible_members
    from rota.horizon import build_grid
    from rota.team import team_from_config

    team = team_from_config(load_config(file))
    shifts_grid = build_grid(team)
    eligible = [eligible_members(team, s.start, s.end) for s in shifts_grid.shifts]
    if as_json:
        from rota.views import grid_view

        _print_json(grid_view(shifts_grid, eligible))
        return
    from rota.present import grid_table

    out.print(grid_table(team, shifts_grid, eligible))


# ----------------------------------------------------------------------------------- solve


@app.command()
def solve(
    file: Annotated[Path, typer.Argument(help="Team file.")],
    db: DbOption = DEFAULT_DB,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, help="Seconds the solver may search.")
    ] = 60.0,
    strategy: Annotated[
        str,
        typer.Option(help="cp-sat (fair, keeps every rule) or round-robin (baseline to compare)."),
    ] = "cp-sat",
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same rota).")] = 0,
    workers: Annotated[int, typer.Option(min=1, help="Solver threads.")] = 2,
    as_json: JsonOption = False,
) -> None:
    """Solve a rota for the team file and store it as a new schedule version."""
    from rota.config import load_config
    from rota.horizon import build_grid
    from rota.metrics import member_loads, spreads
    from rota.present import loads_table, solve_summary
    from rota.solver import SolveOptions
    from rota.solver import solve as run_solver
    from rota.team import team_from_config

    if strategy not in ("cp-sat", "round-robin"):
        raise UsageError(f"--strategy: expected 'cp-sat' or 'round-robin'. Got value: {strategy!r}")
    source_text = file.read_text(encoding="utf-8") if file.is_file() else ""
    cfg = load_config(file)
    team = team_from_config(cfg)
    shifts_grid = build_grid(team)
    store = _open_store(db)
    history = None
    if cfg.fairness.history:
        try:
            history = store.load_schedule(team.id)
        except (TeamNotFound, ScheduleNotFound):
            history = None

    started = datetime.now(UTC)
    if strategy == "round-robin":
        from rota.solver.roundrobin import round_robin

        schedule = round_robin(team, shifts_grid)
        meta: dict[str, Any] = {
            "strategy": "round-robin",
            "status": "feasible",
            "wall_s": (datetime.now(UTC) - started).total_seconds(),
        }
    else:
        progress = _progress_printer(as_json)
        result = run_solver(
            team,
            shifts_grid,
            history,
            SolveOptions(
                time_limit_s=time_limit, workers=workers, seed=seed, on_progress=progress
            ),
        )
        schedule = result.schedule
        meta = {
            "strategy": "cp-sat",
            "status": result.status,
            "objective": result.objective,
            "bound": result.bound,
            "gap": result.gap,
            "wall_s": result.wall_s,
            "first_solution_s": result.first_solution_s,
            "variables": result.num_variables,
            "constraints": result.num_constraints,
            "time_limit_s": time_limit,
            "seed": seed,
        }
    stored = store.save_schedule(
        schedule, config_text=source_text, config_name=file.name, meta=meta
    )
    loads = member_loads(team, stored)
    summary = spreads(team, loads)
    if as_json:
        from rota.present import loads_json

        _print_json(
            {
                "team": team.id,
                "version": stored.version,
                "shifts": len(stored.shifts),
                **meta,
                "members": loads_json(loads),
                "spreads": summary_json(summary),
            }
        )
        return
    out.print(solve_summary(team, stored, meta))
    out.print(loads_table(team, loads, summary))


def summary_json(summary: Any) -> Any:
    from dataclasses import asdict, is_dataclass

    return asdict(summary) if is_dataclass(summary) and not isinstance(summary, type) else summary


def _progress_printer(quiet: bool) -> Callable[[Any], None] | None:
    """Live progress on stderr: a line per improving solution (only on a terminal)."""
    if quiet or not err.is_terminal:
        return None

    def show(progress: Any) -> None:
        gap = (
            abs(progress.objective - progress.bound) / max(abs(progress.objective), 1e-9)
            if progress.solutions
            else float("nan")
        )
        err.print(
            f"[dim]{progress.elapsed_s:6.1f}s[/dim] solution {progress.solutions}: "
            f"objective {progress.objective:,.0f}  bound {progress.bound:,.0f}  gap {gap:.2%}"
        )

    return show


# ----------------------------------------------------------------------------------- show


def _parse_day_or_instant(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    from rota.views import parse_instant

    try:
        if len(text.strip()) == 10:
            day = date.fromisoformat(text.strip())
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        return parse_instant(text)
    except ValueError as exc:
        raise UsageError(
            f"{option}: expected a date (YYYY-MM-DD) or an ISO 8601 instant. Got value: {text!r}"
        ) from exc


@app.command()
def show(
    team_id: Annotated[str, typer.Argument(metavar="TEAM", help="Team id.")],
    db: DbOption = DEFAULT_DB,
    start: Annotated[str | None, typer.Option("--from", help="Date or instant (UTC).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Date or instant (UTC).")] = None,
    member: Annotated[str | None, typer.Option(help="Only this member's shifts.")] = None,
    version: Annotated[int | None, typer.Option(help="Schedule version (default: latest).")] = None,
    planned: Annotated[
        bool, typer.Option("--planned", help="The solver's schedule without overrides.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Show the team's effective schedule."""
    from rota.views import schedule_view

    lo = _parse_day_or_instant(start, "--from")
    hi = _parse_day_or_instant(end, "--to")
    if lo is not None and hi is not None and hi <= lo:
        raise UsageError(f"--to must be after --from. Got value: {end!r}")
    store = _open_store(db)
    schedule = store.load_schedule(team_id, version)
    shifts = [
        s
        for s in schedule.shifts
        if (lo is None or s.end > lo)
        and (hi is None or s.start < hi)
        and (member is None or member in s.assignments.values())
    ]
    if member is not None and not any(member in s.assignments.values() for s in schedule.shifts):
        known = sorted({m for s in schedule.shifts for m in s.assignments.values()})
        raise UsageError(
            f"--member: no member {member!r} in team {team_id!r} (members with shifts: "
            f"{', '.join(known)})"
        )
    if as_json:
        _print_json(schedule_view(schedule, shifts))
        return
    from rota.present import schedule_table

    out.print(schedule_table(schedule, shifts))


def main() -> None:
    """Console-script entry point: run the app, turning rota errors into messages and exit codes."""
    try:
        code = app(standalone_mode=False)
    except RotaError as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise SystemExit(_exit_code(exc)) from None
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        err.print("Aborted.")
        raise SystemExit(130) from None
    except KeyboardInterrupt:
        err.print("Interrupted; nothing was stored.")
        raise SystemExit(130) from None
    except Exception as exc:  # click usage errors arrive as ClickException subclasses
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            raise SystemExit(exc.exit_code) from None
        raise
    raise SystemExit(code if isinstance(code, int) else 0)


