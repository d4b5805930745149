"""``rota solve``: solve a team file, store the rota, and say what it costs whom."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from rota.cli_io import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    NowOption,
    SeedOption,
    StrategyOption,
    TimeLimitOption,
    TzOption,
    WorkersOption,
    err,
    instant_option,
    open_store,
    out,
    print_json,
    zone_option,
)
from rota.errors import InfeasibleRotaError, UsageError
from rota.instants import local_text

if TYPE_CHECKING:
    from rota.diff import Change
    from rota.metrics import MemberLoad
    from rota.model import Schedule
    from rota.night import NightDelta
    from rota.team import Team


def solve(
    file: Annotated[Path, typer.Argument(help="Team file.")],
    db: DbOption = DEFAULT_DB,
    time_limit: TimeLimitOption = 60.0,
    strategy: StrategyOption = "cp-sat",
    seed: SeedOption = 0,
    workers: WorkersOption = 2,
    freeze: Annotated[
        float | None,
        typer.Option(
            min=0,
            max=8760,
            help="Re-solve: keep shifts starting before now + HOURS as published "
            "(default: rotation.freeze_hours, 48).",
        ),
    ] = None,
    now_text: NowOption = None,
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
    from rota.present import floors_line, load_totals, loads_table, more_time_hint, solve_summary
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
    if (hint := more_time_hint(meta, time_limit)) is not None:
        out.print(hint, markup=False)
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
