"""Solving a team with changes applied: the real model, through the solver's public ``solve``.

``advise`` verifies each suggestion this way before showing it, ``whatif`` compares the team
with and without its changes, and the tests apply suggestions with the same function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rota.advice.changes import Change, apply_changes
from rota.advice.figures import Figures, figures
from rota.errors import InfeasibleRotaError, RotaNotFoundInTime
from rota.horizon import build_grid
from rota.model import Schedule
from rota.solver import SolveOptions, solve
from rota.team import Team, team_from_config
from rota.yamlfile import YamlDocument


@dataclass(frozen=True, slots=True)
class Outcome:
    """A solve of a changed team: its figures, or why there is no rota."""

    team: Team
    figures: Figures | None
    schedule: Schedule | None = None
    reason: str | None = None
    timed_out: bool = False
    """No rota found, but none proven impossible either (the time ran out)."""


def solve_changed(doc: YamlDocument, changes: Sequence[Change], options: SolveOptions) -> Outcome:
    """Apply ``changes`` to the team of ``doc`` and solve it (no history: the file alone).

    Raises:
        ConfigError, UsageError: the changes do not make a valid team file.
    """
    team = team_from_config(apply_changes(doc, changes))
    try:
        result = solve(team, build_grid(team), None, options)
    except InfeasibleRotaError as exc:
        return Outcome(team, None, reason=str(exc), timed_out=isinstance(exc, RotaNotFoundInTime))
    return Outcome(team, figures(team, result.schedule), schedule=result.schedule)
