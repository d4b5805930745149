"""The ``rota`` command line: thin wrappers that load, call the core, and print.

Exit codes: 0 success; 1 the work failed (no feasible rota, no schedule at that instant);
2 bad input or usage (team file, arguments, unknown team, unusable database).
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast
from zoneinfo import ZoneInfo

import typer

from rota.cli_absence import absence_app
from rota.cli_advise import advise, whatif
from rota.cli_check import check
from rota.cli_feed import feed_app
from rota.cli_io import (
    DEFAULT_DB,
    ID_MAX,
    DbOption,
    JsonOption,
    SeedOption,
    StrategyOption,
    TimeLimitOption,
    TzOption,
    err,
    instant_option,
    open_store,
    out,
    print_json,
    required_instant,
    span,
    write_output,
    zone_option,
)
from rota.cli_jobs import jobs_commands
from rota.cli_override import override_app, override_json
from rota.cli_report import report
from rota.cli_serve import db_app, serve
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
from rota.instants import local_text

if TYPE_CHECKING:
    from rota.diff import Change
    from rota.metrics import MemberLoad
    from rota.model import Override, Schedule
    from rota.night import NightDelta
    from rota.service import TeamState
    from rota.store import Store
    from rota.swap import SwapOptions
    from rota.team import Team

app = typer.Typer(
    name="rota",
    help="Fair, humane on-call rotas: validate a team file, solve, publish, ask who is on call.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
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


@app.command()
def solve(
    file: Annotated[Path, typer.Argument(help="Team file.")],
    db: DbOption = DEFAULT_DB,
    time_limit: TimeLimitOption = 60.0,
    strategy: StrategyOption = "cp-sat",
    seed: SeedOption = 0,
    workers: Annotated[int, typer.Option(min=1, max=256, help="Solver threads.")] = 2,
    freeze: Annotated[
        float | None,
        typer.Option(
            min=0,
            max=8760,
            help="Re-solve: keep shifts starting before now + HOURS as published "
            "(default: rotation.freeze_hours, 48).",
        ),
    ] = None,
    now_text: Annotated[
        str | None, typer.Option("--now", hidden=True, help="Pretend it is this instant (tests).")
    ] = None,
    tz: TzOption = None,
    advise_time: Annotated[
        float,
        typer.Option(
            "--advise-time",
            min=0,
            help="When no rota exists: seconds to find a verified suggestion (0: none).",
        ),
    ] = 30.0,
    as_json: JsonOption = False,
) -> None:
    """Solve a rota for the team file and store it as a new schedule version.

    When the team already has a published schedule overlapping the new horizon this is a
    re-solve: every shift starting before now + freeze keeps its holders, overrides in force
    stay honoured, and the rest changes as little as fairness allows.
    """
    from rota.config import load_team_file
    from rota.metrics import member_loads, spreads
    from rota.night import deltas_json, night_text
    from rota.present import floors_line, load_totals, loads_table, solve_summary
    from rota.progress import SolveProgress
    from rota.solving import STRATEGIES, SolveRequest, solve_and_store

    if strategy not in STRATEGIES:
        raise UsageError(f"--strategy: expected 'cp-sat' or 'round-robin'. Got value: {strategy!r}")
    chosen_zone = zone_option(tz)
    cfg, source_text = load_team_file(file)  # bounded read; the text validated is the one stored
    request = SolveRequest.of(
        cfg,
        source_text,
        file.name,
        time_limit_s=time_limit,
        strategy=strategy,
        seed=seed,
        workers=workers,
        freeze_hours=freeze,
    )
    zone = chosen_zone or request.team.zone
    store = open_store(db)
    now = instant_option(now_text, "--now", zone) or datetime.now(UTC)
    # The live panel (stderr, terminals only) is gone before any result is printed,
    # also when the solver raises (no feasible rota, Ctrl-C).
    enabled = not as_json and strategy == "cp-sat"
    try:
        with SolveProgress(err, enabled=enabled, time_limit_s=time_limit) as progress:
            outcome = solve_and_store(
                store,
                request,
                now=now,
                zone=zone,
                on_progress=progress.update if progress.enabled else None,
                warn=lambda problem: err.print(
                    f"warning: {problem}", markup=False, highlight=False
                ),
            )
    except InfeasibleRotaError as exc:
        published = store.revision(cfg.team.id, missing_ok=True)[0] is not None
        if as_json or published or not advise_time:  # advice is for a fresh team file
            raise
        from rota.cli_advise import suggest_after_infeasible

        err.print(str(exc), markup=False, highlight=False)
        err.print(suggest_after_infeasible(file, advise_time), markup=False, highlight=False)
        raise typer.Exit(1) from None
    team, stored, meta = outcome.team, outcome.stored, outcome.meta
    previous, baseline = outcome.previous, outcome.baseline
    loads = member_loads(team, stored)
    summary = spreads(team, loads)
    changes = _resolve_changes(previous, stored) if baseline is not None else []
    nights = _solve_nights(team, loads, changes if baseline is not None else None)
    if as_json:
        from rota.present import load_totals, loads_json

        data: dict[str, Any] = {
            "team": team.id,
            "version": stored.version,
            "shifts": len(stored.shifts),
            **meta,
            "members": loads_json(loads),
            "spreads": summary_json(summary),
            "totals": load_totals(loads),
        }
        if baseline is not None:
            data["changes"] = [c.sentence() for c in changes]
        data["night"] = deltas_json(nights)
        print_json(data)
        return
    for warning in meta.get("warnings", []):
        err.print(f"warning: {warning}", markup=False, highlight=False)
    out.print(solve_summary(team, stored, meta, zone))
    if "floors" in meta:
        out.print(floors_line(load_totals(loads), meta["floors"]), markup=False)
    out.print(f"night: {night_text(nights)}", markup=False)
    if baseline is not None and previous is not None:
        out.print(
            f"re-solved from version {previous.version}: {meta['frozen_shifts']} shift(s) frozen "
            f"before {local_text(baseline.frozen_until, zone)} ({zone.key}), "
            f"{meta['changed_assignments']} assignment(s) changed after it",
            markup=False,
        )
        for change in changes[:DIFF_LINES]:
            out.print(f"  {change.sentence(zone)}", markup=False, highlight=False)
        if len(changes) > DIFF_LINES:
            out.print(
                f"  ... and {len(changes) - DIFF_LINES} more "
                f"(rota diff {team.id} --from {previous.version} --to {stored.version})",
                markup=False,
            )
    out.print(loads_table(team, loads, summary))


DIFF_LINES = 5
"""Changes listed after a re-solve (the rest: ``rota diff``)."""


def _solve_nights(
    team: Team, loads: dict[str, MemberLoad], changes: list[Change] | None
) -> list[NightDelta]:
    """Night hours a solve adds or removes per member: every night hour of a first rota, the
    changes' on a re-solve."""
    from rota.diff import night_deltas
    from rota.night import night_totals

    if changes is None:
        return night_totals({m: load.night_hours for m, load in loads.items()})
    return night_deltas(team.members, changes)


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


@app.command()
def show(
    team_id: Annotated[str, typer.Argument(metavar="TEAM", help="Team id.")],
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
    team_id: Annotated[str, typer.Argument(metavar="TEAM", help="Team id.")],
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


# ----------------------------------------------------------------------------------- diff


def _load_version(store: Store, team_id: str, version: int | None) -> Schedule:
    """A stored version; a version the user named that does not exist is bad input (exit 2)."""
    try:
        return store.load_schedule(team_id, version)
    except ScheduleNotFound as exc:
        if version is None:
            raise
        raise UsageError(str(exc)) from exc


def _stored_zone(store: Store, schedule: Schedule) -> ZoneInfo:
    """The zone of the team file stored with ``schedule``."""
    from rota.service import config_from_text

    assert schedule.version is not None
    text = store.team_config_text(schedule.team_id, schedule.version)
    return config_from_text(text, f"{schedule.team_id} (stored v{schedule.version})").team.timezone


@app.command()
def diff(
    team_id: Annotated[str, typer.Argument(metavar="TEAM", help="Team id.")],
    db: DbOption = DEFAULT_DB,
    from_version: Annotated[
        int | None,
        typer.Option(
            "--from", min=1, max=ID_MAX, help="Older version (default: the one before --to)."
        ),
    ] = None,
    to_version: Annotated[
        int | None,
        typer.Option("--to", min=1, max=ID_MAX, help="Newer version (default: the latest)."),
    ] = None,
    tz: TzOption = None,
    as_json: JsonOption = False,
) -> None:
    """What changed between two schedule versions, per shift and per member."""
    from rota.diff import diff_schedules, diff_view, member_deltas, night_deltas
    from rota.night import night_text
    from rota.service import load_team_state

    chosen_zone = zone_option(tz)
    store = open_store(db)
    new = _load_version(store, team_id, to_version)
    assert new.version is not None
    older = from_version if from_version is not None else new.version - 1
    if older < 1:
        raise UsageError(
            f"team {team_id!r} has only version {new.version}; nothing to compare it with"
        )
    old = _load_version(store, team_id, older)
    changes = diff_schedules(old, new)
    members = load_team_state(store, team_id, new.version).team.members
    if as_json:
        print_json(diff_view(old, new, changes, members))
        return
    zone = chosen_zone or _stored_zone(store, new)
    out.print(
        f"{team_id}: version {old.version} -> {new.version}: {len(changes)} change(s) "
        f"(times in {zone.key})",
        markup=False,
    )
    for change in changes:
        out.print(f"  {change.sentence(zone)}", markup=False, highlight=False)
    for delta in member_deltas(changes):
        out.print(
            f"  {delta.member_id}: {delta.net_hours:+g} h "
            f"({len(delta.gained)} gained, {len(delta.lost)} lost)",
            markup=False,
        )
    out.print(f"night: {night_text(night_deltas(members, changes))}", markup=False)


# ----------------------------------------------------------------------------------- swap


@app.command()
def swap(
    team_id: Annotated[str, typer.Argument(metavar="TEAM", help="Team id.")],
    member: Annotated[str, typer.Option(help="The member giving the shift away.")],
    shift: Annotated[
        str,
        typer.Option(
            help="Start of their shift (date-time, in --tz unless it has an offset), or a "
            "date: each of their shifts starting that local day."
        ),
    ],
    apply: Annotated[bool, typer.Option("--apply", help="Record the swap as override(s).")] = False,
    to: Annotated[
        str | None, typer.Option("--to", help="With --apply: this member (else the best).")
    ] = None,
    db: DbOption = DEFAULT_DB,
    now_text: Annotated[
        str | None, typer.Option("--now", hidden=True, help="Pretend it is this instant (tests).")
    ] = None,
    tz: TzOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who can take a member's shift without breaking a rule, and one-for-one trades."""
    from rota.service import add_checked_overrides, load_team_state
    from rota.swap import published_swap_options, swap_view

    chosen_zone = zone_option(tz)
    if to is not None and not apply:
        raise UsageError("--to is only used with --apply")
    store = open_store(db)
    state = load_team_state(store, team_id)
    zone = chosen_zone or state.team.zone
    typed = required_instant(shift, "--shift", zone)
    now = instant_option(now_text, "--now", zone) or datetime.now(UTC)
    starts = [typed.at] if typed.day is None else _starts_on(state, member, typed.day, zone)
    if apply and len(starts) > 1:
        # Each shift's best taker is checked alone; several taken at once could break a rule
        # together (rest, hours a day), so they are recorded one at a time.
        raise UsageError(
            f"--shift: {member} holds {len(starts)} shifts starting on {typed.day} ({zone.key}); "
            "--apply records one swap at a time: give the start of one, "
            f"e.g. --shift {local_text(starts[0], zone).replace(' ', 'T')}"
        )
    every = [published_swap_options(store, state, member, start, now) for start in starts]
    applied: list[Override] = []
    if apply:
        applied = add_checked_overrides(
            store, team_id, every[0].overrides(to), created_by="cli swap"
        )
    if as_json:
        views = [swap_view(options) for options in every]
        data: dict[str, Any] = (
            views[0]
            if typed.day is None
            else {"team": team_id, "member": member, "day": typed.day.isoformat(), "shifts": views}
        )
        if apply:
            data["applied"] = [override_json(o) for o in applied]
        print_json(data)
        return
    for options in every:
        _print_swap_options(options, zone)
    for o in applied:
        out.print(
            f"override {o.id}: {o.member_id} is {o.role} {span(o.start, o.end, zone)}",
            markup=False,
        )


def _starts_on(state: TeamState, member: str, day: date, zone: ZoneInfo) -> list[datetime]:
    """Starts of ``member``'s effective shifts that begin on local ``day`` in ``zone``.

    Raises:
        UsageError: they hold none (naming the day, the zone and their next shifts).
    """
    from rota.localtime import local_day_bounds

    bounds = local_day_bounds(day, zone)
    held = [s.start for s in state.index.shifts if member in s.assignments.values()]
    starts = [t for t in held if bounds.start <= t < bounds.end]
    if not starts:
        later = [local_text(t, zone) for t in held if t >= bounds.end][:3]
        ids = [m.id for m in state.team.members]
        hint = (
            f"no member {member!r} in team {state.team.id!r} (members: {', '.join(ids)})"
            if member not in ids
            else f"member {member!r} holds no shift starting on {day} ({zone.key})"
            + (f"; their next shifts start {', '.join(later)}" if later else "")
        )
        raise UsageError(f"--shift: {hint}")
    return starts


def _print_swap_options(options: SwapOptions, zone: ZoneInfo) -> None:
    """One shift's candidates and trades, times in ``zone``."""
    from rota.night import night_text

    out.print(
        f"{options.team_id}: {options.member_id}'s {options.role} shift "
        f"{span(options.start, options.end, zone)}",
        markup=False,
    )
    if options.candidates:
        out.print("can take it (fairest first; at night last):", markup=False)
        for c in options.candidates:
            night = f", {c.night_hours:+g} night h for {c.member_id}" if c.night_hours else ""
            out.print(
                f"  {c.member_id}: {c.hours:g} h -> {c.hours_after:g} h "
                f"(fair share {c.fair_share_hours:.1f} h, fairness {c.fairness_effect:+.1f} h, "
                f"off-hours {c.off_hours:g} h{night})",
                markup=False,
            )
        at_night = [c.night_hours > 0 for c in options.candidates]
        if all(at_night):
            out.print("  (each of them would be on call at night)", markup=False)
        elif any(at_night):
            out.print(
                "  (who would be on call at night ranks after everyone who would not)",
                markup=False,
            )
    else:
        out.print("nobody can take it without breaking a hard rule", markup=False)
    if options.trades:
        out.print("one-for-one trades (nobody's hours change):", markup=False)
        for t in options.trades:
            out.print(
                f"  {t.member_id} takes it, {options.member_id} takes {t.member_id}'s {t.role} "
                f"{span(t.start, t.end, zone)} (weekends moved {t.weekends_moved}, "
                f"off-hours {t.off_hours_added:+g} h, {night_text(t.night)})",
                markup=False,
            )


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
