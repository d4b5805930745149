"""``cannot-fit`` is a proof: on small random teams it agrees with the pre-check and CP-SAT.

* the ``coverage`` proof holds exactly when the solver's pre-check finds a shift it cannot
  cover;
* whenever ``rota check`` says ``cannot-fit``, CP-SAT finds no rota with every hard rule;
* the off-hours and night floors are at most what any rota CP-SAT finds has.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from rota.capacity import Level, Verdict, check_capacity
from rota.config import config_from_document
from rota.errors import ConfigError, InfeasibleRotaError
from rota.horizon import build_grid
from rota.solver.constraints import build_model
from rota.solver.explain import precheck
from rota.solver.model import RotaModel
from rota.team import Team, team_from_config
from rota.yamlfile import YamlDocument

ZONES = ("Europe/Warsaw", "Asia/Kolkata", "America/New_York")


@st.composite
def teams(draw: st.DrawFn) -> dict[str, Any]:
    roles = ["primary", "secondary"][: draw(st.integers(1, 2))]
    follow = draw(st.booleans())
    members = []
    for n in range(draw(st.integers(len(roles), 8))):
        member: dict[str, Any] = {"id": f"m{n}", "timezone": draw(st.sampled_from(ZONES))}
        if len(roles) > 1 and draw(st.integers(0, 3)) == 0:
            member["roles"] = [draw(st.sampled_from(roles))]
        if follow:
            start = draw(st.integers(6, 12))
            member["working_hours"] = {"start": f"{start:02d}:00", "end": f"{start + 8:02d}:00"}
        if draw(st.booleans()):
            day = draw(st.integers(4, 12))
            member["unavailable"] = [{"start": f"2027-01-{day:02d}"}]
        members.append(member)
    rotation: dict[str, Any] = {"kind": "daily", "roles": roles}
    if follow:
        rotation = {
            "kind": "follow-the-sun",
            "roles": roles,
            "handoffs_utc": ["00:00", "08:00", "16:00"],
            "shift_hours": {"min": 8, "max": 8},
            "off_hours": draw(st.sampled_from(["forbid", "avoid"])),
            "night": draw(st.sampled_from(["forbid", "avoid"])),
        }
    per_weeks = draw(st.integers(1, 2))
    doc: dict[str, Any] = {
        "team": {"id": "random", "timezone": "Europe/Warsaw"},
        "horizon": {"start": "2027-01-04", "weeks": 2},
        "rotation": rotation,
        "weekends": {
            "max": draw(st.integers(1, per_weeks)),
            "per_weeks": per_weeks,
            "split": draw(st.sampled_from(["whole", "single-day"])),
        },
        "members": members,
    }
    if draw(st.booleans()):
        doc["limits"] = {"max_hours_per_week": draw(st.sampled_from([40, 56, 100]))}
    return doc


def load(doc: dict[str, Any]) -> Team | None:
    try:
        return team_from_config(config_from_document(YamlDocument(file="t.yaml", data=doc)))
    except ConfigError:
        return None  # e.g. a role nobody may fill: not a team file rota accepts


def solve(team: Team) -> tuple[Any, cp_model.CpSolver, RotaModel]:
    m = build_model(team, build_grid(team), None)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5.0
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    return solver.solve(m.cp), solver, m


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(teams())
def test_cannot_fit_is_never_wrong(doc: dict[str, Any]) -> None:
    team = load(doc)
    if team is None:
        return
    report = check_capacity(team)
    coverage = any(f.rule == "coverage" and f.level is Level.CANNOT_FIT for f in report.findings)
    try:
        precheck(team, build_grid(team), None)
        uncovered = False
    except InfeasibleRotaError as exc:
        uncovered = "cannot be covered" in str(exc)
    assert coverage == uncovered
    status, solver, m = solve(team)
    if report.verdict is Verdict.CANNOT_FIT:
        assert status in (cp_model.INFEASIBLE, cp_model.UNKNOWN)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        tl = m.timeline
        off = night = 0
        for (i, k, _), var in m.x.items():
            if solver.value(var):
                off += tl.facts[i][k].off_minutes
                night += tl.facts[i][k].night_minutes
        assert report.off_hours_floor <= off
        assert report.night_floor <= night
