"""The ``rota`` command line: thin wrappers that load, call the core, and print.

Exit codes: 0 success; 1 the work failed (no feasible rota, no schedule at that instant);
2 bad input or usage (team file, arguments, unknown team, unusable database).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast
from zoneinfo import ZoneInfo

import typer

from rota.cli_absence import absence_app
from rota.cli_advise import advise, whatif
from rota.cli_check import check
from rota.cli_diff import diff
from rota.cli_feed import feed_app
from rota.cli_io import (
    DEFAULT_DB,
    ID_MAX,
    DbOption,
    JsonOption,
    TeamArgument,
    TzOption,
    err,
    instant_option,
    open_store,
    out,
    print_json,
    write_output,
    zone_option,
)
from rota.cli_jobs import jobs_commands
from rota.cli_override import override_app
from rota.cli_report import report
from rota.cli_serve import db_app, serve
from rota.cli_solve import solve
from rota.cli_swap import swap
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

if TYPE_CHECKING:
    pass

app = typer.Typer(
    name="rota",
    help="Fair, humane on-call rotas: validate a team file, solve, publish, ask who is on call.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)


def _exit_code(exc: RotaError) -> int:
    if isinstance(exc, InfeasibleRotaError | ScheduleNotFound):
        return 1
    if isinstance(exc, ConfigError | UsageError | TeamNotFound | StoreError | FeedError):
        return 2
    return 1


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
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz",
            metavar="ZONE",
            help="Zone of the first time column (default: UTC); the team's zones follow.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show the shift grid in UTC (or --tz) and local times, with who can cover each shift."""
    from rota.config import load_config
    from rota.coverage import eligible_members
    from rota.horizon import build_grid
    from rota.team import team_from_config

    first = zone_option(tz) or ZoneInfo("UTC")
    team = team_from_config(load_config(file))
    shifts_grid = build_grid(team)
    eligible = [eligible_members(team, s.start, s.end) for s in shifts_grid.shifts]
    if as_json:
        from rota.views import grid_view

        print_json(grid_view(shifts_grid, eligible))
        return
    from rota.present import grid_table

    out.print(grid_table(team, shifts_grid, eligible, first))


# ----------------------------------------------------------------------------------- solve


app.command()(solve)  # rota/cli_solve.py


# ----------------------------------------------------------------------------------- show


@app.command()
def show(
    team_id: TeamArgument,
    db: DbOption = DEFAULT_DB,
    start: Annotated[
        str | None,
        typer.Option("--from", help="Date or date-time (in --tz unless it has an offset)."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="First instant not shown (as --from): a date means its 00:00."),
    ] = None,
    member: Annotated[str | None, typer.Option(help="Only this member's shifts.")] = None,
    version: Annotated[
        int | None,
        typer.Option(min=1, max=ID_MAX, help="Schedule version (default: latest)."),
    ] = None,
    planned: Annotated[
        bool, typer.Option("--planned", help="The solver's schedule without overrides.")
    ] = False,
    tz: TzOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the team's effective schedule (overrides applied; --planned: without them)."""
    from rota.service import load_team_state
    from rota.views import schedule_view

    chosen_zone = zone_option(tz)
    try:
        state = load_team_state(open_store(db), team_id, version)
    except ScheduleNotFound as exc:
        if version is None:
            raise
        raise UsageError(str(exc)) from exc
    zone = chosen_zone or state.team.zone
    lo = instant_option(start, "--from", zone)
    hi = instant_option(end, "--to", zone)
    if lo is not None and hi is not None and hi <= lo:
        raise UsageError(f"--to must be after --from. Got value: {end!r}")
    all_shifts = state.schedule.shifts if planned else state.index.shifts
    if member is not None and member not in {m.id for m in state.team.members}:
        raise UsageError(
            f"--member: no member {member!r} in team {team_id!r} (members: "
            f"{', '.join(m.id for m in state.team.members)})"
        )
    shifts = [
        s
        for s in all_shifts
        if (lo is None or s.end > lo)
        and (hi is None or s.start < hi)
        and (member is None or member in s.assignments.values())
    ]
    if as_json:
        print_json(schedule_view(state.schedule, shifts))
        return
    from rota.present import schedule_table

    out.print(schedule_table(state.schedule, shifts, zone))


# ----------------------------------------------------------------------------------- who


@app.command()
def who(
    team_id: TeamArgument,
    db: DbOption = DEFAULT_DB,
    at: Annotated[
        str | None,
        typer.Option(help="Date or date-time (in --tz unless it has an offset; default: now)."),
    ] = None,
    severity: Annotated[
        str | None, typer.Option(help="Severity whose escalation chain to resolve.")
    ] = None,
    tz: TzOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who is on call at an instant, and the escalation chain to page (same answer as the API)."""
    from rota.oncall import oncall_view, resolve_oncall
    from rota.service import load_team_state

    chosen_zone = zone_option(tz)
    state = load_team_state(open_store(db), team_id)
    zone = chosen_zone or state.team.zone
    instant = instant_option(at, "--at", zone) or datetime.now(UTC)
    answer = resolve_oncall(state.team, state.index, instant, severity)
    view = oncall_view(answer)
    if as_json:
        print_json(view)
        return
    from rota.present import oncall_text

    out.print(oncall_text(state.team, answer, zone))


# ----------------------------------------------------------------------------------- export


export_app = typer.Typer(help="Export a schedule.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("ics")
def export_ics(
    team_id: TeamArgument,
    db: DbOption = DEFAULT_DB,
    member: Annotated[
        str | None, typer.Option(help="Only this member (all their teams' on-call).")
    ] = None,
    role: Annotated[str | None, typer.Option(help="Only this role of the team.")] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """An iCalendar feed of the team (or one member, or one role)."""
    from rota.calendar.publish import FeedPublisher

    if member is not None and role is not None:
        raise UsageError("--member and --role cannot be combined; choose one feed")
    store = open_store(db)
    publisher = FeedPublisher(store)
    if member is not None:
        state, _events = publisher.team_events(team_id)
        if member not in {m.id for m in state.team.members}:
            raise UsageError(
                f"--member: no member {member!r} in team {team_id!r} (members: "
                f"{', '.join(m.id for m in state.team.members)})"
            )
        body = publisher.member_feed(member)
    else:
        body = publisher.team_feed(team_id, role)
    if output is None:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    else:
        write_output(output, body, "--output")
        err.print(f"wrote {output}", markup=False)


# ----------------------------------------------------------------------------------- keys, feeds


key_app = typer.Typer(help="API keys (shown once, stored hashed).", no_args_is_help=True)
app.add_typer(key_app, name="key")
app.add_typer(override_app, name="override")  # rota/cli_override.py
app.add_typer(absence_app, name="absence")  # rota/cli_absence.py


@key_app.command("create")
def key_create(
    name: Annotated[str, typer.Argument(help="A name to recognise the key by.")],
    scope: Annotated[str, typer.Option(help="read or write.")] = "read",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Create an API key and print it once."""
    from rota.keys import API_KEY_PREFIX, key_name_problem, new_secret, secret_hash

    if scope not in ("read", "write"):
        raise UsageError(f"--scope: expected 'read' or 'write'. Got value: {scope!r}")
    problem = key_name_problem(name)
    if problem is not None:
        raise UsageError(f"NAME: {problem}. Got value: {name!r}")
    key = new_secret(API_KEY_PREFIX)
    open_store(db).add_api_key(
        name, key_hash=secret_hash(key), scope=cast(Literal["read", "write"], scope)
    )
    err.print(f"API key {name!r} ({scope}); it is shown only now:", markup=False)
    sys.stdout.write(key + "\n")


@key_app.command("revoke")
def key_revoke(
    name: Annotated[str, typer.Argument(help="The key's name.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Revoke an API key."""
    if not open_store(db).revoke_api_key(name):
        raise UsageError(f"no active API key named {name!r}")
    out.print(f"API key {name!r} revoked", markup=False)


@key_app.command("list")
def key_list(db: DbOption = DEFAULT_DB) -> None:
    """API keys by name and scope (never the keys themselves)."""
    for key in open_store(db).list_api_keys():
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        out.print(f"{key.name}\t{key.scope}\t{state}", markup=False)


app.add_typer(feed_app, name="feed")  # rota/cli_feed.py


app.command()(diff)  # rota/cli_diff.py
app.command()(swap)  # rota/cli_swap.py


# ----------------------------------------------------------------------------------- report

app.command()(report)
app.command()(check)
app.add_typer(jobs_commands)  # rota/cli_jobs.py: submit, worker, jobs
app.command()(advise)
app.command()(whatif)


# ----------------------------------------------------------------------------------- serve

app.command()(serve)  # rota/cli_serve.py
app.add_typer(db_app, name="db")


def main() -> None:
    """Console-script entry point: run the app, turning rota errors into messages and exit codes.

    A usage error (unknown option, bad or out-of-range value) prints one line naming the
    command and the option, and exits 2; a :class:`RotaError` prints its one-line message(s) and
    exits 1 or 2 (see the module docstring); nothing prints a traceback for a user mistake. A
    reader that closes stdout early (``rota solve FILE | head -1``) is no failure: the work is
    done when the output starts, so the command exits 0.
    """
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as exc:  # click's usage errors (typer vendors click)
        if type(exc).__name__ == "NoArgsIsHelpError":  # `rota` alone: the help, as typer does
            exc.show()  # type: ignore[attr-defined]
        else:
            err.print(_usage_line(exc), markup=False, highlight=False)
        raise SystemExit(getattr(exc, "exit_code", 2)) from None
    except typer.Abort:
        err.print("Aborted.")
        raise SystemExit(1) from None
    except RotaError as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise SystemExit(_exit_code(exc)) from None
    except KeyboardInterrupt:
        err.print("Interrupted; nothing was stored.")
        raise SystemExit(130) from None
    except (BrokenPipeError, SystemExit) as exc:
        if not _closed_stdout(exc):
            raise
        raise SystemExit(0) from None
    if isinstance(code, int) and code:
        raise SystemExit(code)


def _usage_line(exc: Any) -> str:
    """A click usage error as one line: ``rota show: Invalid value for '--version': ...``."""
    ctx = getattr(exc, "ctx", None)
    where = f"{ctx.command_path}: " if ctx is not None else ""
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    return where + " ".join(exc.format_message().split()) + hint


def _closed_stdout(exc: BaseException) -> bool:
    """Whether ``exc`` is, or was raised while handling, a write to a closed stdout pipe (typer
    and rich turn one into exit 1); stdout then goes to /dev/null so nothing fails at exit."""
    seen: BaseException | None = exc
    while seen is not None and not isinstance(seen, BrokenPipeError):
        seen = seen.__context__
    if seen is None:
        return False
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
        os.close(devnull)
    except (OSError, ValueError):  # no real stdout (tests): nothing to silence
        pass
    return True
