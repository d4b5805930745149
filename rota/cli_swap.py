"""``rota swap``: who can take a member's shift without breaking a rule, and trades."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import typer

from rota.cli_io import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    NowOption,
    TeamArgument,
    TzOption,
    instant_option,
    open_store,
    out,
    print_json,
    required_instant,
    zone_option,
)
from rota.cli_override import override_json
from rota.errors import UsageError
from rota.instants import local_span, local_text

if TYPE_CHECKING:
    from rota.model import Override
    from rota.service import TeamState
    from rota.swap import SwapOptions


def swap(
    team_id: TeamArgument,
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
    now_text: NowOption = None,
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
            f"override {o.id}: {o.member_id} is {o.role} {local_span(o.start, o.end, zone)}",
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
        f"{local_span(options.start, options.end, zone)}",
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
                f"{local_span(t.start, t.end, zone)} (weekends moved {t.weekends_moved}, "
                f"off-hours {t.off_hours_added:+g} h, {night_text(t.night)})",
                markup=False,
            )
