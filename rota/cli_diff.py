"""``rota diff``: what changed between two stored schedule versions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from rota.cli_io import (
    DEFAULT_DB,
    ID_MAX,
    DbOption,
    JsonOption,
    TeamArgument,
    TzOption,
    open_store,
    out,
    print_json,
    zone_option,
)
from rota.errors import ScheduleNotFound, UsageError

if TYPE_CHECKING:
    from rota.model import Schedule
    from rota.store import Store


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


def diff(
    team_id: TeamArgument,
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
