"""``rota override add|list|remove``: manual changes on top of the solved schedule.

Registered on the main app by ``rota/cli.py`` (``app.add_typer(override_app, name="override")``).
Overrides are written only through :func:`rota.service.add_checked_overrides`; ``list`` shows
each one's state (active, suspended with why, removed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from rota.cli_io import (
    DEFAULT_DB,
    ID_MAX,
    DbOption,
    JsonOption,
    TeamArgument,
    TzOption,
    check_text,
    open_store,
    out,
    print_json,
    required_instant,
    zone_option,
)
from rota.errors import UsageError
from rota.instants import local_span, local_text
from rota.text import REASON_MAX, escaped

if TYPE_CHECKING:
    from rota.model import Override

override_app = typer.Typer(
    help="Manual changes on top of the solved schedule.", no_args_is_help=True
)


@override_app.command("add")
def override_add(
    team_id: TeamArgument,
    member: Annotated[str, typer.Option(help="Member who takes the role.")],
    role: Annotated[str, typer.Option(help="Role to take.")],
    start: Annotated[str, typer.Option(help="Date or date-time, in --tz unless it has an offset.")],
    end: Annotated[
        str, typer.Option(help="First instant not covered (as --start): a date means its 00:00.")
    ],
    reason: Annotated[str | None, typer.Option(help="Why (shown in listings).")] = None,
    db: DbOption = DEFAULT_DB,
    tz: TzOption = None,
    as_json: JsonOption = False,
) -> None:
    """Put MEMBER in ROLE from START to END; it cuts into shifts at any instant."""
    from rota.model import Override
    from rota.service import add_checked_overrides, load_team_state

    chosen_zone = zone_option(tz)
    check_text(reason, "--reason", REASON_MAX)
    store = open_store(db)
    zone = chosen_zone or load_team_state(store, team_id).team.zone
    lo = required_instant(start, "--start", zone).at
    hi = required_instant(end, "--end", zone).at
    candidate = Override(
        team_id=team_id, role=role, member_id=member, start=lo, end=hi, reason=reason
    )
    (stored,) = add_checked_overrides(store, team_id, [candidate], created_by="cli")
    if as_json:
        print_json(override_json(stored))
        return
    out.print(f"override {stored.id}: {member} is {role} {local_span(lo, hi, zone)}", markup=False)


@override_app.command("list")
def override_list(
    team_id: TeamArgument,
    db: DbOption = DEFAULT_DB,
    show_removed: Annotated[bool, typer.Option("--all", help="Include removed ones.")] = False,
    tz: TzOption = None,
    as_json: JsonOption = False,
) -> None:
    """The team's overrides: active, suspended (with why) and, with --all, removed ones."""
    from rota.service import load_team_state

    chosen_zone = zone_option(tz)
    store = open_store(db)
    state = load_team_state(store, team_id)  # unknown team -> clear error
    zone = chosen_zone or state.team.zone
    listed: list[tuple[Override, str | None]] = state.listed_overrides()
    if show_removed:
        removed = [o for o in store.list_overrides(team_id, include_removed=True) if o.removed_at]
        listed = sorted([*listed, *((o, None) for o in removed)], key=lambda r: r[0].id or 0)
    if as_json:
        print_json([override_json(o, because) for o, because in listed])
        return
    if not listed:
        out.print(f"{team_id}: no overrides", markup=False)
    for o, because in listed:
        if o.removed_at:
            state_text = f" (removed {local_text(o.removed_at, zone)})"
        elif because:
            state_text = f" [suspended: {because}; the planned holder pages]"
        else:
            state_text = ""
        why = f" — {escaped(o.reason)}" if o.reason else ""  # stored text: no raw controls
        out.print(
            f"{o.id}: {o.member_id} is {o.role} "
            f"{local_span(o.start, o.end, zone)}{why}{state_text}",
            markup=False,
        )


@override_app.command("remove")
def override_remove(
    team_id: TeamArgument,
    override_id: Annotated[
        int, typer.Argument(metavar="ID", min=1, max=ID_MAX, help="Override id (see list).")
    ],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Remove an override (kept in the history as removed)."""
    store = open_store(db)
    store.load_schedule(team_id)
    if store.remove_override(team_id, override_id) is None:
        raise UsageError(f"no active override {override_id} in team {team_id!r}")
    out.print(f"override {override_id} removed", markup=False)


def override_json(o: Any, suspended_because: str | None = None) -> dict[str, Any]:
    from rota.views import rfc3339

    state = "removed" if o.removed_at else "suspended" if suspended_because else "active"
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
        "state": state,
        "suspended_because": suspended_because,
    }
