"""The values each family may take, and the candidate members, read off the team itself."""

from __future__ import annotations

from pathlib import Path

from rota.advice.families import FAMILIES
from rota.advice.newcomers import candidates_per_profile, profiles
from rota.config import load_config
from rota.horizon import build_grid
from rota.solver.constraints import lookback_days
from rota.solver.facts import build_timeline
from rota.team import team_from_config

SRE_9 = Path(__file__).parents[2] / "configs" / "cannot-fit" / "sre-9.yaml"


def test_values_of_the_nine_person_team() -> None:
    cfg = load_config(SRE_9)
    team = team_from_config(cfg)
    grid = build_grid(team)
    timeline = build_timeline(team, grid, None, lookback_days=lookback_days(team, grid))
    values = {f.path: f.values(cfg, timeline) for f in FAMILIES}
    assert values == {
        "rotation.off_hours": ["forbid", "avoid"],
        "rotation.night": [],  # avoid (the default): not a hard rule, nothing to bend
        "weekends.per_weeks": [3, 2, 1],  # 1 in 1: no limit
        "rest.after_weekend": [True, False],
        "rest.after_night": [True, False],
        # Three 8-hour bands: two shifts of a member that do not touch are 8 h apart or more.
        "rest.min_hours": [12.0, 0],
        # Follow-the-sun caps blocks at 12 h by default; touching runs are 16, 24, 32 h.
        "rest.max_block_hours": [None, 16.0, 24.0, 32.0],
        # One more 8-hour shift a week per step, then no cap.
        "limits.max_hours_per_week": [40.0, 48.0, 56.0, None],
    }


def test_candidates_staff_a_profile_s_weekends_alone() -> None:
    cfg = load_config(SRE_9)
    found = {(p.timezone, p.start, p.end): candidates_per_profile(cfg, p) for p in profiles(cfg)}
    # Two roles every weekend at 1 in 3 take six people; Berlin has 4, New York 3, Kolkata 2.
    assert found == {
        ("Europe/Berlin", "10:30", "18:30"): 2,
        ("America/New_York", "12:30", "20:30"): 3,
        ("Asia/Kolkata", "07:00", "15:00"): 4,
    }
