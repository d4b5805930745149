"""``rota absence add|list|remove``: a member away, re-planned and published in one step.

Registered on the main app by ``rota/cli.py`` (``app.add_typer(absence_app, name="absence")``).
``add`` goes through :func:`rota.replan.add_absence`; ``remove`` deletes the record and leaves
the published rota as it is (``rota solve`` plans the member in again).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import typer

from rota.cli_io import (
    DEFAULT_DB,
    ID_MAX,
    DbOption,
    JsonOption,
    NowOption,
    SeedOption,
    TeamArgument,
    TimeLimitOption,
    TzOption,
    WorkersOption,
    check_text,
    err,
    instant_option,
    open_store,
    out,
    print_json,
    zone_option,
)
from rota.errors import UsageError
from rota.instants import local_span
from rota.text import REASON_MAX, escaped

if TYPE_CHECKING:
    from rota.absence import Absence
    from rota.replan import Replan

absence_app = typer.Typer(
    help="A member away: recorded, re-planned and published in one step.", no_args_is_help=True
)

WHEN_HELP = (
    "A date (whole member-local days; --to inclusive) or a date-time (--to exclusive; "
    "without an offset: the team's zone)."
)


@absence_app.command("add")
def absence_add(
    team_id: TeamArgument,
    member: Annotated[str, typer.Option(help="Member who is away.")],
    start: Annotated[str, typer.Option("--from", metavar="WHEN", help=WHEN_HELP)],
    end: Annotated[str, typer.Option("--to", metavar="WHEN", help=WHEN_HELP)],
    reason: Annotated[str | None, typer.Option(help="Why (shown in listings).")] = None,
    db: DbOption = DEFAULT_DB,
    time_limit: TimeLimitOption = 30.0,
    seed: SeedOption = 0,
    workers: WorkersOption = 2,
    now_text: NowOption = None,
    tz: TzOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record that MEMBER is away, re-plan the shifts it touches and publish the new version.

    Exit 1 (nothing stored) when no re-plan keeps every rule; exit 2 when the member already
    has an absence overlapping this one.
    """
    from rota.absence import absence_when
    from rota.replan import add_absence, published_team
    from rota.solver import SolveOptions

    check_text(reason, "--reason", REASON_MAX)
    store = open_store(db)
    team = published_team(store, team_id)
    zone = zone_option(tz) or team.zone
    absence = absence_when(team, member, start, end, reason=reason, zone=zone)
    now = instant_option(now_text, "--now", zone) or datetime.now(UTC)
    options = SolveOptions(time_limit_s=time_limit, workers=workers, seed=seed)
    replan = add_absence(store, absence, options=options, now=now, created_by="cli")
    if as_json:
        print_json(replan_json(replan))
        return
    for warning in replan.meta.get("warnings", []):
        err.print(f"warning: {warning}", markup=False, highlight=False)
    for line in replan_lines(replan, zone):
        out.print(line, markup=False, highlight=False)


def replan_lines(replan: Replan, zone: ZoneInfo) -> list[str]:
    """What ``absence add`` prints: the absence, the version, who covers what, night hours."""
    a = replan.absence
    lines = [
        f"absence {a.id}: {a.member_id} away {local_span(a.start, a.end, zone)}"
        + (f" — {escaped(a.reason)}" if a.reason else ""),
        f"published version {replan.schedule.version} (from {replan.previous.version}), "
        f"re-planning {replan.scope_text()}: {len(replan.changes)} change(s)",
    ]
    lines += [f"  {c.sentence(zone)}" for c in replan.changes]
    if replan.night_hours:
        lines.append(
            "night: "
            + ", ".join(
                f"{hours:+.1f} night h for {who}" for who, hours in replan.night_hours.items()
            )
        )
    else:
        lines.append("night: no night hours added")
    return lines


def replan_json(replan: Replan) -> dict[str, Any]:
    from rota.views import rfc3339

    return {
        "absence": absence_json(replan.absence),
        "version": replan.schedule.version,
        "resolved_from": replan.previous.version,
        "widened_by_hours": (
            None if replan.widened_by is None else replan.widened_by.total_seconds() / 3600
        ),
        "freeze_kept": replan.freeze_kept,
        "changes": [
            {
                "role": c.role,
                "start": rfc3339(c.start),
                "end": rfc3339(c.end),
                "before": c.before,
                "after": c.after,
                "sentence": c.sentence(),
            }
            for c in replan.changes
        ],
        "night_hours": replan.night_hours,
        "warnings": list(replan.meta.get("warnings", [])),
    }


@absence_app.command("list")
def absence_list(
    team_id: TeamArgument,
    db: DbOption = DEFAULT_DB,
    tz: TzOption = None,
    as_json: JsonOption = False,
) -> None:
    """The team's recorded absences, by start."""
    from rota.service import load_team_state

    store = open_store(db)
    zone = zone_option(tz) or load_team_state(store, team_id).team.zone
    absences = store.list_absences(team_id)
    if as_json:
        print_json([absence_json(a) for a in absences])
        return
    if not absences:
        out.print(f"{team_id}: no absences", markup=False)
    for a in absences:
        why = f" — {escaped(a.reason)}" if a.reason else ""
        period = local_span(a.start, a.end, zone)
        out.print(f"{a.id}: {a.member_id} away {period}{why}", markup=False)


@absence_app.command("remove")
def absence_remove(
    team_id: TeamArgument,
    absence_id: Annotated[
        int, typer.Argument(metavar="ID", min=1, max=ID_MAX, help="Absence id (see list).")
    ],
    db: DbOption = DEFAULT_DB,
    tz: TzOption = None,
) -> None:
    """Delete an absence; the published rota stays as it is (`rota solve` re-plans)."""
    from rota.service import load_team_state

    store = open_store(db)
    zone = zone_option(tz) or load_team_state(store, team_id).team.zone
    removed = store.remove_absence(team_id, absence_id)
    if removed is None:
        raise UsageError(f"no absence {absence_id} in team {team_id!r} (see `rota absence list`)")
    out.print(
        f"absence {absence_id} removed ({removed.member_id}, "
        f"{local_span(removed.start, removed.end, zone)}). "
        f"The published rota is unchanged; run `rota solve FILE` to plan {removed.member_id} "
        "in again",
        markup=False,
    )


def absence_json(a: Absence) -> dict[str, Any]:
    from rota.views import rfc3339

    return {
        "id": a.id,
        "team": a.team_id,
        "member": a.member_id,
        "start": rfc3339(a.start),
        "end": rfc3339(a.end),
        "reason": a.reason,
        "created_by": a.created_by,
        "created_at": rfc3339(a.created_at) if a.created_at else None,
    }
