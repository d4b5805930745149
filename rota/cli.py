"""The ``rota`` command line: thin wrappers that load, call the core, and print.

Exit codes: 0 success; 1 the work failed (no feasible rota, no schedule at that instant);
2 bad input or usage (team file, arguments, unknown team, unusable database).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

import typer
from rich.console import Console

from rota.cli_report import report
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
    from rota.model import Override, Schedule
    from rota.store import Store

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


def _open_store(db: str) -> Store:
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
    freeze: Annotated[
        float | None,
        typer.Option(
            min=0,
            help="Re-solve: keep shifts starting before now + HOURS as published "
            "(default: rotation.freeze_hours, 48).",
        ),
    ] = None,
    now_text: Annotated[
        str | None, typer.Option("--now", hidden=True, help="Pretend it is this instant (tests).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Solve a rota for the team file and store it as a new schedule version.

    When the team already has a published schedule overlapping the new horizon this is a
    re-solve: every shift starting before now + freeze keeps its holders, overrides in force
    stay honoured, and the rest changes as little as fairness allows.
    """
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
    now = _parse_day_or_instant(now_text, "--now") or datetime.now(UTC)
    hours = cfg.rotation.freeze_hours if freeze is None else freeze
    previous, history, overrides = _published(store, team.id, shifts_grid.start)
    if not cfg.fairness.history:
        history = None
    baseline = None
    from rota.solver.stability import Baseline, overlaps

    if previous is not None and overlaps(previous, shifts_grid):
        if strategy == "round-robin":
            raise UsageError(
                f"team {team.id!r} already has a published schedule overlapping this horizon; "
                "re-solving keeps it stable only with --strategy cp-sat"
            )
        baseline = Baseline(
            previous=previous, frozen_until=now + timedelta(hours=hours), overrides=overrides
        )

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
        from rota.progress import SolveProgress

        # The live panel (stderr, terminals only) is gone before any result is printed,
        # also when the solver raises (no feasible rota, Ctrl-C).
        with SolveProgress(err, enabled=not as_json, time_limit_s=time_limit) as progress:
            result = run_solver(
                team,
                shifts_grid,
                history,
                SolveOptions(
                    time_limit_s=time_limit,
                    workers=workers,
                    seed=seed,
                    on_progress=progress.update if progress.enabled else None,
                ),
                baseline,
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
        if baseline is not None:
            meta.update(
                {
                    "resolved_from": previous.version if previous is not None else None,
                    "frozen_until": baseline.frozen_until.isoformat(),
                    "frozen_shifts": result.frozen_shifts,
                    "changed_assignments": result.changed,
                    "warnings": list(result.warnings),
                }
            )
    stored = store.save_schedule(
        schedule, config_text=source_text, config_name=file.name, meta=meta
    )
    loads = member_loads(team, stored)
    summary = spreads(team, loads)
    changes = _resolve_changes(previous, stored) if baseline is not None else []
    if as_json:
        from rota.present import loads_json

        data: dict[str, Any] = {
            "team": team.id,
            "version": stored.version,
            "shifts": len(stored.shifts),
            **meta,
            "members": loads_json(loads),
            "spreads": summary_json(summary),
        }
        if baseline is not None:
            data["changes"] = [c.sentence() for c in changes]
        _print_json(data)
        return
    for warning in meta.get("warnings", []):
        err.print(f"warning: {warning}", markup=False, highlight=False)
    out.print(solve_summary(team, stored, meta))
    if baseline is not None and previous is not None:
        out.print(
            f"re-solved from version {previous.version}: {meta['frozen_shifts']} shift(s) frozen "
            f"before {baseline.frozen_until:%Y-%m-%d %H:%M} UTC, "
            f"{meta['changed_assignments']} assignment(s) changed after it",
            markup=False,
        )
        for change in changes[:DIFF_LINES]:
            out.print(f"  {change.sentence()}", markup=False, highlight=False)
        if len(changes) > DIFF_LINES:
            out.print(
                f"  ... and {len(changes) - DIFF_LINES} more "
                f"(rota diff {team.id} --from {previous.version} --to {stored.version})",
                markup=False,
            )
    out.print(loads_table(team, loads, summary))


DIFF_LINES = 5
"""Changes listed after a re-solve (the rest: ``rota diff``)."""


def _published(
    store: Store, team_id: str, grid_start: datetime
) -> tuple[Schedule | None, Schedule | None, tuple[Override, ...]]:
    """The latest published version, the history before ``grid_start`` over every version
    (newest wins a time), and the overrides in force."""
    from rota.swap import history_before

    try:
        latest = store.load_schedule(team_id)
    except (TeamNotFound, ScheduleNotFound):
        return None, None, ()
    history = history_before(store, team_id, grid_start)
    return latest, history, tuple(store.list_overrides(team_id))


def _resolve_changes(previous: Schedule | None, new: Schedule) -> list[Any]:
    """Changes from ``previous`` within the new horizon (``rota diff`` sentences)."""
    if previous is None:
        return []
    from rota.diff import diff_schedules

    return [
        c
        for c in diff_schedules(previous, new)
        if c.start >= new.horizon_start and c.end <= new.horizon_end
    ]


def summary_json(summary: Any) -> Any:
    from dataclasses import asdict, is_dataclass

    return asdict(summary) if is_dataclass(summary) and not isinstance(summary, type) else summary


# ----------------------------------------------------------------------------------- show


def _parse_day_or_instant(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    from rota.views import InstantOutOfRange, parse_instant

    try:
        if len(text.strip()) == 10:
            day = date.fromisoformat(text.strip())
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        return parse_instant(text)
    except InstantOutOfRange as exc:
        raise UsageError(f"{option}: {exc}. Got value: {text!r}") from exc
    except ValueError as exc:
        raise UsageError(
            f"{option}: expected a date (YYYY-MM-DD) or an ISO 8601 instant. Got value: {text!r}"
        ) from exc


def _required_instant(text: str, option: str) -> datetime:
    value = _parse_day_or_instant(text, option)
    if value is None:
        raise UsageError(f"{option} is required")
    return value


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
    """Show the team's effective schedule (overrides applied; --planned: without them)."""
    from rota.service import load_team_state
    from rota.views import schedule_view

    lo = _parse_day_or_instant(start, "--from")
    hi = _parse_day_or_instant(end, "--to")
    if lo is not None and hi is not None and hi <= lo:
        raise UsageError(f"--to must be after --from. Got value: {end!r}")
    try:
        state = load_team_state(_open_store(db), team_id, version)
    except ScheduleNotFound as exc:
        if version is None:
            raise
        raise UsageError(str(exc)) from exc
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
        _print_json(schedule_view(state.schedule, shifts))
        return
    from rota.present import schedule_table

    out.print(schedule_table(state.schedule, shifts))


# ----------------------------------------------------------------------------------- who


@app.command()
def who(
    team_id: Annotated[str, typer.Argument(metavar="TEAM", help="Team id.")],
    db: DbOption = DEFAULT_DB,
    at: Annotated[
        str | None, typer.Option(help="ISO 8601 instant (default: now); naive means UTC.")
    ] = None,
    severity: Annotated[
        str | None, typer.Option(help="Severity whose escalation chain to resolve.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Who is on call at an instant, and the escalation chain to page (same answer as the API)."""
    from rota.oncall import oncall_view, resolve_oncall
    from rota.service import load_team_state

    instant = _parse_day_or_instant(at, "--at") or datetime.now(UTC)
    state = load_team_state(_open_store(db), team_id)
    answer = resolve_oncall(state.team, state.index, instant, severity)
    view = oncall_view(answer)
    if as_json:
        _print_json(view)
        return
    from rota.present import oncall_text

    out.print(oncall_text(state.team, answer))


# ----------------------------------------------------------------------------------- export


export_app = typer.Typer(help="Export a schedule.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("ics")
def export_ics(
    team_id: Annotated[str, typer.Argument(metavar="TEAM", help="Team id.")],
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
    store = _open_store(db)
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
        output.write_bytes(body)
        err.print(f"wrote {output}", markup=False)


# ----------------------------------------------------------------------------------- overrides


override_app = typer.Typer(
    help="Manual changes on top of the solved schedule.", no_args_is_help=True
)
app.add_typer(override_app, name="override")


@override_app.command("add")
def override_add(
    team_id: Annotated[str, typer.Argument(metavar="TEAM", help="Team id.")],
    member: Annotated[str, typer.Option(help="Member who takes the role.")],
    role: Annotated[str, typer.Option(help="Role to take.")],
    start: Annotated[str, typer.Option(help="ISO 8601 instant; naive means UTC.")],
    end: Annotated[str, typer.Option(help="ISO 8601 instant; naive means UTC.")],
    reason: Annotated[str | None, typer.Option(help="Why (shown in listings).")] = None,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Put MEMBER in ROLE from START to END; it cuts into shifts at any instant."""
    from rota.model import Override
    from rota.oncall import validate_override
    from rota.service import load_team_state

    lo = _required_instant(start, "--start")
    hi = _required_instant(end, "--end")
    store = _open_store(db)
    state = load_team_state(store, team_id)
    candidate = Override(
        team_id=team_id, role=role, member_id=member, start=lo, end=hi, reason=reason
    )
    validate_override(state.team, state.index.shifts, candidate)
    stored = store.add_override(
        team_id, role=role, member_id=member, start=lo, end=hi, reason=reason, created_by="cli"
    )
    if as_json:
        _print_json(override_json(stored))
        return
    out.print(f"override {stored.id}: {member} is {role} {_span(lo, hi)}", markup=False)


@override_app.command("list")
def override_list(
    team_id: Annotated[str, typer.Argument(metavar="TEAM", help="Team id.")],
    db: DbOption = DEFAULT_DB,
    show_removed: Annotated[bool, typer.Option("--all", help="Include removed ones.")] = False,
    as_json: JsonOption = False,
) -> None:
    """The team's overrides."""
    store = _open_store(db)
    store.load_schedule(team_id)  # unknown team -> clear error
    overrides = store.list_overrides(team_id, include_removed=show_removed)
    if as_json:
        _print_json([override_json(o) for o in overrides])
        return
    if not overrides:
        out.print(f"{team_id}: no overrides", markup=False)
    for o in overrides:
        removed = f" (removed {o.removed_at:%Y-%m-%d %H:%M}Z)" if o.removed_at else ""
        why = f" — {o.reason}" if o.reason else ""
        out.print(
            f"{o.id}: {o.member_id} is {o.role} {_span(o.start, o.end)}{why}{removed}", markup=False
        )


@override_app.command("remove")
def override_remove(
    team_id: Annotated[str, typer.Argument(metavar="TEAM", help="Team id.")],
    override_id: Annotated[int, typer.Argument(metavar="ID", help="Override id (see list).")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Remove an override (kept in the history as removed)."""
    store = _open_store(db)
    store.load_schedule(team_id)
    if store.remove_override(team_id, override_id) is None:
        raise UsageError(f"no active override {override_id} in team {team_id!r}")
    out.print(f"override {override_id} removed", markup=False)


def override_json(o: Any) -> dict[str, Any]:
    from rota.views import rfc3339

    return {
        "id": o.id,
        "team": o.team_id,
        "role": o.role,
        "member": o.member_id,
        "start": rfc3339(o.start),
        "end": rfc3339(o.end),
        "reason": o.reason,
        "created_at": rfc3339(o.created_at) if o.created_at else None,
        "removed_at": rfc3339(o.removed_at) if o.removed_at else None,
    }


def _span(start: datetime, end: datetime) -> str:
    return f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M} UTC"


# ----------------------------------------------------------------------------------- keys, feeds


key_app = typer.Typer(help="API keys (shown once, stored hashed).", no_args_is_help=True)
app.add_typer(key_app, name="key")


@key_app.command("create")
def key_create(
    name: Annotated[str, typer.Argument(help="A name to recognise the key by.")],
    scope: Annotated[str, typer.Option(help="read or write.")] = "read",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Create an API key and print it once."""
    from rota.keys import API_KEY_PREFIX, new_secret, secret_hash

    if scope not in ("read", "write"):
        raise UsageError(f"--scope: expected 'read' or 'write'. Got value: {scope!r}")
    key = new_secret(API_KEY_PREFIX)
    _open_store(db).add_api_key(
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
    if not _open_store(db).revoke_api_key(name):
        raise UsageError(f"no active API key named {name!r}")
    out.print(f"API key {name!r} revoked", markup=False)


@key_app.command("list")
def key_list(db: DbOption = DEFAULT_DB) -> None:
    """API keys by name and scope (never the keys themselves)."""
    for key in _open_store(db).list_api_keys():
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        out.print(f"{key.name}\t{key.scope}\t{state}", markup=False)


feed_app = typer.Typer(help="Calendar feed URLs (secret tokens).", no_args_is_help=True)
app.add_typer(feed_app, name="feed")


@feed_app.command("create")
def feed_create(
    team_id: Annotated[str, typer.Argument(metavar="TEAM", help="Team id.")],
    member: Annotated[str | None, typer.Option(help="A member feed instead.")] = None,
    role: Annotated[str | None, typer.Option(help="A single role of the team.")] = None,
    base_url: Annotated[
        str, typer.Option(help="Where `rota serve` is reachable.")
    ] = "http://127.0.0.1:8080",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Create a subscribable feed URL (printed once; only its hash is stored)."""
    from api.routes.feeds import feed_urls
    from rota.keys import FEED_TOKEN_PREFIX, new_secret, secret_hash
    from rota.service import load_team_state

    if member is not None and role is not None:
        raise UsageError("--member and --role cannot be combined; choose one feed")
    store = _open_store(db)
    state = load_team_state(store, team_id)
    if member is not None and member not in {m.id for m in state.team.members}:
        raise UsageError(f"--member: no member {member!r} in team {team_id!r}")
    if role is not None and role not in state.team.roles:
        raise UsageError(
            f"--role: not a role of team {team_id!r} (roles: {', '.join(state.team.roles)}). "
            f"Got value: {role!r}"
        )
    token = new_secret(FEED_TOKEN_PREFIX)
    kind = "member" if member else "role" if role else "team"
    store.add_feed_token(
        token_hash=secret_hash(token),
        kind=cast(Literal["team", "member", "role"], kind),
        team_id=None if member else team_id,
        member_id=member,
        role=role,
    )
    urls = feed_urls(base_url, token)
    err.print("Subscribe with (shown only now):", markup=False)
    sys.stdout.write(f"{urls.webcal}\n{urls.url}\n")


# ----------------------------------------------------------------------------------- diff


def _load_version(store: Store, team_id: str, version: int | None) -> Schedule:
    """A stored version; a version the user named that does not exist is bad input (exit 2)."""
    try:
        return store.load_schedule(team_id, version)
    except ScheduleNotFound as exc:
        if version is None:
            raise
        raise UsageError(str(exc)) from exc


@app.command()
def diff(
    team_id: Annotated[str, typer.Argument(metavar="TEAM", help="Team id.")],
    db: DbOption = DEFAULT_DB,
    from_version: Annotated[
        int | None, typer.Option("--from", help="Older version (default: the one before --to).")
    ] = None,
    to_version: Annotated[
        int | None, typer.Option("--to", help="Newer version (default: the latest).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """What changed between two schedule versions, per shift and per member."""
    from rota.diff import diff_schedules, diff_view, member_deltas

    store = _open_store(db)
    new = _load_version(store, team_id, to_version)
    assert new.version is not None
    older = from_version if from_version is not None else new.version - 1
    if older < 1:
        raise UsageError(
            f"team {team_id!r} has only version {new.version}; nothing to compare it with"
        )
    old = _load_version(store, team_id, older)
    changes = diff_schedules(old, new)
    if as_json:
        _print_json(diff_view(old, new, changes))
        return
    out.print(
        f"{team_id}: version {old.version} -> {new.version}: {len(changes)} change(s)",
        markup=False,
    )
    for change in changes:
        out.print(f"  {change.sentence()}", markup=False, highlight=False)
    for delta in member_deltas(changes):
        out.print(
            f"  {delta.member_id}: {delta.net_hours:+g} h "
            f"({len(delta.gained)} gained, {len(delta.lost)} lost)",
            markup=False,
        )


# ----------------------------------------------------------------------------------- swap


@app.command()
def swap(
    team_id: Annotated[str, typer.Argument(metavar="TEAM", help="Team id.")],
    member: Annotated[str, typer.Option(help="The member giving the shift away.")],
    shift: Annotated[str, typer.Option(help="Start instant of their shift (ISO 8601, UTC).")],
    apply: Annotated[bool, typer.Option("--apply", help="Record the swap as override(s).")] = False,
    to: Annotated[
        str | None, typer.Option("--to", help="With --apply: this member (else the best).")
    ] = None,
    db: DbOption = DEFAULT_DB,
    now_text: Annotated[
        str | None, typer.Option("--now", hidden=True, help="Pretend it is this instant (tests).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Who can take a member's shift without breaking a rule, and one-for-one trades."""
    from rota.service import load_team_state
    from rota.swap import published_swap_options, swap_view, validated_overrides

    start = _required_instant(shift, "--shift")
    now = _parse_day_or_instant(now_text, "--now") or datetime.now(UTC)
    if to is not None and not apply:
        raise UsageError("--to is only used with --apply")
    store = _open_store(db)
    state = load_team_state(store, team_id)
    options = published_swap_options(store, state, member, start, now)
    applied = []
    if apply:
        new = options.overrides(to)
        validated_overrides(state.team, state.schedule, state.overrides, new)
        for o in new:
            applied.append(
                store.add_override(
                    team_id,
                    role=o.role,
                    member_id=o.member_id,
                    start=o.start,
                    end=o.end,
                    reason=o.reason,
                    created_by="cli swap",
                )
            )
    if as_json:
        data = swap_view(options)
        if apply:
            data["applied"] = [override_json(o) for o in applied]
        _print_json(data)
        return
    out.print(
        f"{team_id}: {member}'s {options.role} shift {_span(options.start, options.end)}",
        markup=False,
    )
    if options.candidates:
        out.print("can take it (fairest first):", markup=False)
        for c in options.candidates:
            out.print(
                f"  {c.member_id}: {c.hours:g} h -> {c.hours_after:g} h "
                f"(fair share {c.fair_share_hours:.1f} h, fairness {c.fairness_effect:+.1f} h, "
                f"off-hours {c.off_hours:g} h)",
                markup=False,
            )
    else:
        out.print("nobody can take it without breaking a hard rule", markup=False)
    if options.trades:
        out.print("one-for-one trades (nobody's hours change):", markup=False)
        for t in options.trades:
            out.print(
                f"  {t.member_id} takes it, {member} takes {t.member_id}'s {t.role} "
                f"{_span(t.start, t.end)} (weekends moved {t.weekends_moved}, "
                f"off-hours {t.off_hours_added:+g} h)",
                markup=False,
            )
    for o in applied:
        out.print(
            f"override {o.id}: {o.member_id} is {o.role} {_span(o.start, o.end)}", markup=False
        )


# ----------------------------------------------------------------------------------- report

app.command()(report)


# ----------------------------------------------------------------------------------- serve


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8080,
    public_url: Annotated[
        str | None, typer.Option(help="Base URL for feed links (default: as requested).")
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Serve the HTTP API (and web page) with uvicorn."""
    import uvicorn

    from api.app import create_app
    from api.logs import log_config
    from api.settings import Settings

    _open_store(db).close()  # fail fast, with a clear message, on a bad --db
    app_ = create_app(Settings(db_url=db, public_url=public_url))
    uvicorn.run(app_, host=host, port=port, log_config=log_config(), proxy_headers=False)


def main() -> None:
    """Console-script entry point: run the app, turning rota errors into messages and exit codes.

    Usage errors are typer's (exit 2); a :class:`RotaError` prints its one-line message(s) and
    exits 1 or 2 (see the module docstring); nothing prints a traceback for a user mistake.
    """
    try:
        app()
    except RotaError as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise SystemExit(_exit_code(exc)) from None
    except KeyboardInterrupt:
        err.print("Interrupted; nothing was stored.")
        raise SystemExit(130) from None
