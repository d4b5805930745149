"""What every module of the command line shares: the store option, the terminal, JSON, reading
instants (in the ``--tz`` zone) and free text from arguments, and output files (``-o``).

Kept apart from :mod:`rota.cli` so that the command modules (``cli_report``, ``cli_feed``,
``cli_override``, ...) use it without an import cycle.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.console import Console

from rota.errors import UsageError
from rota.instants import (
    LocalTimeGap,
    SubSecondInstant,
    TypedInstant,
    exact_second,
    floor_second,
    parse_local_instant,
)
from rota.text import text_problem

if TYPE_CHECKING:
    from rota.store import Store

DEFAULT_DB = "sqlite:///rota.db"

DbOption = Annotated[
    str,
    typer.Option("--db", envvar="ROTA_DB", help="Store URL (SQLite file or PostgreSQL URL)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
TimeLimitOption = Annotated[
    float, typer.Option("--time-limit", min=0.1, help="Seconds the solver may search.")
]
StrategyOption = Annotated[
    str, typer.Option(help="cp-sat (fair, keeps every rule) or round-robin (baseline to compare).")
]
SeedOption = Annotated[
    int, typer.Option(min=0, max=2**31 - 1, help="Random seed (same seed, same rota).")
]
WorkersOption = Annotated[int, typer.Option(min=1, max=256, help="Solver threads.")]
TeamArgument = Annotated[str, typer.Argument(metavar="TEAM", help="Team id.")]
NowOption = Annotated[
    str | None, typer.Option("--now", hidden=True, help="Pretend it is this instant (tests).")
]
TzOption = Annotated[
    str | None,
    typer.Option(
        "--tz",
        metavar="ZONE",
        help="Time zone of the times you type (without an offset) and read, an IANA name such "
        "as Europe/Berlin. Default: the team's zone.",
    ),
]

PIPE_WIDTH = 160
"""Columns of tables written to a pipe or a file (a terminal keeps its own width), so that
``rota solve FILE > out.txt`` keeps every column whole."""
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else PIPE_WIDTH)
err = Console(stderr=True, soft_wrap=True)

ID_MAX = 2**63 - 1
"""Largest version or override id the store can hold (a signed 64-bit integer)."""


def write_output(path: Path, data: str | bytes, option: str = "--output") -> None:
    """Write ``data`` (text as UTF-8) to ``path``.

    Raises:
        UsageError: the file cannot be written (a directory, a missing folder, no permission,
            a full disk); the message names ``option``, the reason and the path.
    """
    try:
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UsageError(
            f"{option}: cannot write the file: {reason}. Got value: {str(path)!r}"
        ) from exc


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def open_store(db: str) -> Store:
    from rota.store import Store

    return Store.open(db)


def zone_option(text: str | None) -> ZoneInfo | None:
    """The zone ``--tz`` names (None when not given: the caller's default applies).

    Raises:
        UsageError: an unknown zone, or a legacy or fixed-offset name (with the zone people
            usually mean), as a team file's ``timezone`` is checked.
    """
    if text is None:
        return None
    from rota.config import named_zone

    try:
        return named_zone(text)
    except ValueError as exc:
        raise UsageError(f"--tz: {exc}. Got value: {text!r}") from exc


def typed_instant(
    text: str | None, option: str, zone: ZoneInfo, *, exact: bool = False
) -> TypedInstant | None:
    """What the person typed for ``option``, read in ``zone`` by :func:`parse_local_instant`
    (the command line's one rule for instants), floored to its second; with ``exact`` (an
    instant to store or match) a fraction of a second is refused. A wall-clock time that occurs
    twice is its first occurrence, and a note on stderr says so.

    Raises:
        UsageError: not a date or date-time, a time the clocks skip, out of range, or (with
            ``exact``) a fraction of a second; the message names ``option``.
    """
    if text is None:
        return None
    from rota.views import InstantOutOfRange

    try:
        typed = parse_local_instant(text, zone)
        at = exact_second(typed.at) if exact else floor_second(typed.at)
    except (InstantOutOfRange, SubSecondInstant, LocalTimeGap) as exc:
        raise UsageError(f"{option}: {exc}. Got value: {text!r}") from exc
    except ValueError as exc:
        raise UsageError(
            f"{option}: expected a date (YYYY-MM-DD) or a date-time (YYYY-MM-DDTHH:MM, "
            f"in {zone.key} unless it has an offset). Got value: {text!r}"
        ) from exc
    note = typed.repeat_note(option, zone)
    if note is not None:
        err.print(f"note: {note}", markup=False, highlight=False)
    return TypedInstant(at, typed.day, typed.repeated)


def instant_option(text: str | None, option: str, zone: ZoneInfo) -> datetime | None:
    """An instant to look up (``--from``, ``--to``, ``--at``): :func:`typed_instant`'s."""
    typed = typed_instant(text, option, zone)
    return None if typed is None else typed.at


def required_instant(text: str, option: str, zone: ZoneInfo) -> TypedInstant:
    """An instant to store or match exactly (``--start``, ``--end``, ``--shift``)."""
    typed = typed_instant(text, option, zone, exact=True)
    assert typed is not None
    return typed


def check_text(text: str | None, option: str, limit: int) -> None:
    """Refuse free text that is not one printable line of at most ``limit`` characters."""
    problem = None if text is None else text_problem(text, limit)
    if problem is not None:
        raise UsageError(f"{option}: {problem}. Got value: {text!r}")
