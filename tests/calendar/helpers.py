"""Helpers for the calendar tests: small team files in ``data/`` and hand-written rotas."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from rota.config import config_from_document
from rota.horizon import build_grid
from rota.model import ScheduledShift
from rota.team import Team, team_from_config
from rota.yamlfile import parse_yaml

DATA = Path(__file__).parent / "data"
# The schedules' created_at: DTSTAMP of every feed in these tests (never the wall clock).
STAMP = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def load_team(name: str) -> Team:
    """The team in ``data/{name}.yaml``."""
    path = DATA / f"{name}.yaml"
    return team_from_config(config_from_document(parse_yaml(path.read_text(), str(path))))


def rota(team: Team, rows: Sequence[Mapping[str, str]]) -> tuple[ScheduledShift, ...]:
    """The team's grid with ``rows[i]`` (role -> member) assigned to its i-th shift."""
    grid = build_grid(team).shifts
    assert len(grid) == len(rows), f"{team.id}: {len(grid)} shifts, {len(rows)} rows"
    return tuple(
        ScheduledShift(start=s.start, end=s.end, assignments=dict(r))
        for s, r in zip(grid, rows, strict=True)
    )
