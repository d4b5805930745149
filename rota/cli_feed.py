"""``rota feed create|list|revoke``: calendar feed URLs (secret tokens, stored hashed).

Registered on the main app by ``rota/cli.py`` (``app.add_typer(feed_app, name="feed")``). Kept
apart from ``rota.cli`` (no import of it, so no import cycle); errors are
:class:`~rota.errors.RotaError` subclasses, which ``rota.cli.main`` turns into a one-line
message and exit code 2.
"""

from __future__ import annotations

import sys
from typing import Annotated, Literal, cast
from zoneinfo import ZoneInfo

import typer

from rota.cli_io import (
    DEFAULT_DB,
    ID_MAX,
    DbOption,
    JsonOption,
    TeamArgument,
    TzOption,
    err,
    out,
    print_json,
    zone_option,
)
from rota.errors import UsageError
from rota.instants import local_text

feed_app = typer.Typer(help="Calendar feed URLs (secret tokens).", no_args_is_help=True)


@feed_app.command("create")
def feed_create(
    team_id: TeamArgument,
    member: Annotated[str | None, typer.Option(help="A member feed instead.")] = None,
    role: Annotated[str | None, typer.Option(help="A single role of the team.")] = None,
    base_url: Annotated[
        str, typer.Option(help="Where `rota serve` is reachable (http:// or https://).")
    ] = "http://127.0.0.1:8080",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Create a subscribable feed URL (printed once; only its hash is stored)."""
    from rota.calendar.links import checked_base_url, feed_links
    from rota.keys import FEED_TOKEN_PREFIX, new_secret, secret_hash
    from rota.service import load_team_state
    from rota.store import Store

    if member is not None and role is not None:
        raise UsageError("--member and --role cannot be combined; choose one feed")
    base = checked_base_url(base_url, "--base-url")
    with Store.open(db) as store:
        state = load_team_state(store, team_id)
        if member is not None and member not in {m.id for m in state.team.members}:
            raise UsageError(f"--member: no member {member!r} in team {team_id!r}")
        if role is not None and role not in state.team.roles:
            raise UsageError(
                f"--role: not a role of team {team_id!r} (roles: {', '.join(state.team.roles)})."
                f" Got value: {role!r}"
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
    links = feed_links(base, token)
    err.print("Subscribe with (shown only now):", markup=False)
    sys.stdout.write(f"{links.webcal}\n{links.url}\n")


@feed_app.command("list")
def feed_list(
    team_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[TEAM]",
            help="Only this team's team and role feeds and its members' feeds.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = DEFAULT_DB,
    tz: TzOption = None,
) -> None:
    """Active feed URLs: id, kind, team, role, member, created and last used (to the minute;
    in --tz, by default the team's zone with TEAM, else UTC)."""
    from rota.calendar.tokens import token_view, tokens_of_team
    from rota.service import load_team_state
    from rota.store import Store

    chosen = zone_option(tz)
    zone = chosen or ZoneInfo("UTC")
    with Store.open(db) as store:
        tokens = [t for t in store.list_feed_tokens() if t.revoked_at is None]
        if team_id is not None:
            team = load_team_state(store, team_id).team
            zone = chosen or team.zone
            tokens = tokens_of_team(tokens, team_id, {m.id for m in team.members})
    views = [token_view(t) for t in tokens]
    if as_json:
        print_json({"feeds": views})
        return
    if not views:
        err.print("no feeds" + (f" of team {team_id!r}" if team_id else ""), markup=False)
        return
    columns = ("id", "kind", "team", "role", "member")
    rows = [
        [
            *(str(v[c]) if v[c] is not None else "-" for c in columns),
            *(
                "-" if at is None else local_text(at.replace(second=0, microsecond=0), zone)
                for at in (t.created_at, t.last_used_at)
            ),
        ]
        for v, t in zip(views, tokens, strict=True)
    ]
    header = [
        "id",
        "kind",
        "team",
        "role",
        "member",
        f"created ({zone.key})",
        f"last used ({zone.key})",
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        out.print(line.rstrip(), markup=False, highlight=False)


@feed_app.command("revoke")
def feed_revoke(
    feed_id: Annotated[
        int, typer.Argument(metavar="ID", min=1, max=ID_MAX, help="Feed id (see `rota feed list`).")
    ],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Revoke a feed URL: calendars subscribed to it get 404 from then on."""
    from rota.store import Store

    with Store.open(db) as store:
        if not store.revoke_feed_token(feed_id):
            raise UsageError(f"ID: no active feed with id {feed_id} (see `rota feed list`)")
    out.print(f"feed {feed_id} revoked", markup=False)
