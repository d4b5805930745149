"""What every module of the command line shares: the store option, the terminal, JSON, reading
instants and free text from arguments, and output files (``-o``).

Kept apart from :mod:`rota.cli` so that the command modules (``cli_report``, ``cli_feed``,
``cli_override``, ...) use it without an import cycle.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from rota.errors import UsageError
from rota.text import text_problem

if TYPE_CHECKING:
    from rota.store import Store

DEFAULT_DB = "sqlite:///rota.db"

DbOption = Annotated[
    str,
    typer.Option("--db", envvar="ROTA_DB", help="Store URL (SQLite file or PostgreSQL URL)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]

out = Console(soft_wrap=True)
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


def span(start: datetime, end: datetime) -> str:
    """``2027-01-04 13:00–2027-01-04 18:00 UTC``."""
    return f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M} UTC"


def parse_day_or_instant(text: str | None, option: str, *, exact: bool = False) -> datetime | None:
    """A date (00:00 UTC) or an ISO 8601 instant (naive means UTC), floored to its second; with
    ``exact`` (an instant to store) a fraction of a second is refused (see rota.instants)."""
    if text is None:
        return None
    from rota.instants import SubSecondInstant, exact_second, floor_second
    from rota.views import InstantOutOfRange, parse_instant

    try:
        if len(text.strip()) == 10:
            day = date.fromisoformat(text.strip())
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        value = parse_instant(text)
        return exact_second(value) if exact else floor_second(value)
    except (InstantOutOfRange, SubSecondInstant) as exc:
        raise UsageError(f"{option}: {exc}. Got value: {text!r}") from exc
    except ValueError as exc:
        raise UsageError(
            f"{option}: expected a date (YYYY-MM-DD) or an ISO 8601 instant. Got value: {text!r}"
        ) from exc


def required_instant(text: str, option: str) -> datetime:
    """An instant to store or match exactly: whole seconds only."""
    value = parse_day_or_instant(text, option, exact=True)
    if value is None:
        raise UsageError(f"{option} is required")
    return value


def check_text(text: str | None, option: str, limit: int) -> None:
    """Refuse free text that is not one printable line of at most ``limit`` characters."""
    problem = None if text is None else text_problem(text, limit)
    if problem is not None:
        raise UsageError(f"{option}: {problem}. Got value: {text!r}")
