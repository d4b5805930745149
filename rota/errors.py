"""The one exception hierarchy of rota.

Every error a user can cause derives from :class:`RotaError`. The command line maps
:class:`ConfigError` (and other input errors) to exit code 2 and :class:`InfeasibleRotaError`
to exit code 1, printing the message without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class RotaError(Exception):
    """Root of every error rota raises on purpose; catch this at the edges."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located by file, YAML path and (when known) line."""

    file: str
    path: str
    message: str
    value: object = None
    has_value: bool = False
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = f"{self.file}: {self.path or '<root>'}: {self.message}"
        if self.has_value:
            text += f". Got value: {self.value!r}"
        if self.line is not None:
            text += f" (line {self.line}"
            text += f", column {self.column})" if self.column is not None else ")"
        return text


class ConfigError(RotaError, ValueError):
    """A team file is malformed or inconsistent; fix the file at the paths named in the message."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UsageError(RotaError, ValueError):
    """A command-line argument or API query is malformed; correct the named argument."""


class InfeasibleRotaError(RotaError):
    """No schedule satisfies the hard rules; the message names the shifts, rules and members."""

    def __init__(self, summary: str, reasons: list[str] | None = None) -> None:
        self.summary = summary
        self.reasons = reasons or []
        lines = [summary, *(f"  - {r}" for r in self.reasons)]
        super().__init__("\n".join(lines))


class RotaNotFoundInTime(InfeasibleRotaError):
    """No rota was found within the time limit, but none was proven impossible either: more
    time may find one. Callers that must tell the two apart catch this subclass."""


class ConcurrentChange(RotaError):
    """The team changed (a new version, an override) while this ran; nothing was stored: rerun."""


class DuplicateOverride(UsageError):
    """An identical active override already exists; ``existing_id`` names it."""

    def __init__(self, message: str, existing_id: int) -> None:
        self.existing_id = existing_id
        super().__init__(message)


class DuplicateAbsence(UsageError):
    """The member already has an absence overlapping the new one; ``existing_id`` names it."""

    def __init__(self, message: str, existing_id: int) -> None:
        self.existing_id = existing_id
        super().__init__(message)


class ScheduleNotFound(RotaError):
    """The team has no stored schedule (or not that version); run `rota solve` first."""


class TeamNotFound(RotaError):
    """No team with that id is known to the store; check the id or solve its team file."""


class StoreError(RotaError):
    """The database cannot be opened or is not a rota store; check `--db` / `ROTA_DB`."""


class FeedError(RotaError):
    """A calendar feed cannot be produced for the request; the message says which part."""
