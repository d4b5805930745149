"""Follow-the-sun handoff times derived from the members' working windows (placeholder)."""

from __future__ import annotations

from datetime import datetime

from rota.errors import ConfigError, Problem
from rota.team import Team


def derive_cuts(team: Team, begin: datetime, finish: datetime) -> list[datetime]:
    """Cut instants from the first at/after ``begin`` to the first at/after ``finish``."""
    raise ConfigError([Problem("<team>", "rotation.handoffs_utc", "derivation not implemented yet")])
