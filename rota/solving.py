"""Solving a team file and storing the rota as the team's next version: the one path that
``rota solve`` and a queued solve (:mod:`rota.jobs`) share.

:func:`solve_and_store` reads what the team has published (latest version, history, overrides),
plans a re-solve around it when the new horizon overlaps (shifts before ``now`` + freeze keep
their holders), runs the solver and stores the result against the team revision it read, so a
version or override that lands meanwhile stops the save (:class:`~rota.errors.ConcurrentChange`)
instead of being overwritten. Printing is the caller's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from rota.absence import with_absences
from rota.config import TeamConfig, config_from_document
from rota.errors import ConfigError, ScheduleNotFound, TeamNotFound, UsageError
from rota.instants import local_span
from rota.model import Grid, Override, Schedule
from rota.solver.search import Progress
from rota.solver.stability import Baseline
from rota.store import Store
from rota.team import Team
from rota.yamlfile import parse_yaml

Strategy = Literal["cp-sat", "round-robin"]
STRATEGIES: tuple[Strategy, ...] = ("cp-sat", "round-robin")


@dataclass(frozen=True, slots=True)
class SolveRequest:
    """A team file to solve and how (the options of ``rota solve``); make one with :meth:`of`.

    Attributes:
        config: the validated team file.
        team, grid: the team it describes and its shift grid.
        source_text: its text exactly as validated; stored with the version.
        config_name: where it came from (shown to people), e.g. ``platform.yaml``.
        freeze_hours: re-solve freeze; None takes ``rotation.freeze_hours``.
        job_key: a queued solve's key: a job that runs twice stores one version (see
            :meth:`rota.store.Store.save_schedule`). None for ``rota solve``.
    """

    config: TeamConfig
    team: Team
    grid: Grid
    source_text: str
    config_name: str
    time_limit_s: float = 60.0
    strategy: Strategy = "cp-sat"
    seed: int = 0
    workers: int = 2
    freeze_hours: float | None = None
    job_key: str | None = None

    @classmethod
    def of(
        cls, config: TeamConfig, source_text: str, config_name: str, **options: Any
    ) -> SolveRequest:
        """A request for ``config`` with its team and grid built (what ``rota validate``
        checks), so that a team file whose grid cannot be built fails before any store work.

        Raises:
            ConfigError: the shift grid cannot be built from the file.
        """
        from rota.horizon import build_grid
        from rota.team import team_from_config

        team = team_from_config(config)
        grid = build_grid(team)
        return cls(config, team, grid, source_text, config_name, **options)


@dataclass(frozen=True, slots=True)
class SolveOutcome:
    """What a solve stored and what it was based on.

    Attributes:
        stored: the stored version (for a job that ran before: the version it stored then).
        meta: the solve's facts as stored, plus ``warnings`` (suspended overrides, ...).
        previous: the version published before, or None for a team's first solve.
        baseline: the re-solve baseline, or None when nothing published overlapped.
    """

    team: Team
    stored: Schedule
    meta: dict[str, Any]
    previous: Schedule | None = None
    baseline: Baseline | None = None
    overrides: tuple[Override, ...] = field(default=())


def team_file_from_text(text: str, name: str) -> TeamConfig:
    """Validate a team file held as text as ``rota solve`` validates a file (strictly).

    Raises:
        ConfigError: with every problem, each naming ``name`` and the YAML path.
    """
    return config_from_document(parse_yaml(text, name, keep_going=True), strict=True)


def solve_and_store(
    store: Store,
    request: SolveRequest,
    *,
    now: datetime,
    zone: ZoneInfo | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    warn: Callable[[str], None] = lambda _message: None,
) -> SolveOutcome:
    """Solve ``request`` and store the rota as the team's next version.

    Args:
        store: where the team's published versions and overrides are, and the result goes.
        request: the team file and the solve options.
        now: the current instant: shifts before ``now`` + freeze keep their published holders.
        zone: where the warnings' times are shown (default: the team's zone).
        on_progress: called from the solver's thread with each improvement (cp-sat).
        warn: told, before the solve, of what is wrong with the stored team file.

    Raises:
        UsageError: a round-robin re-solve over a published horizon.
        InfeasibleRotaError: no rota satisfies the hard rules.
        ConcurrentChange: the team changed while solving; nothing was stored.
        StoreError: the store failed; nothing was stored.
    """
    from rota.solver.stability import overlaps

    cfg, shifts_grid = request.config, request.grid
    # Absences recorded with `rota absence` count as the members' unavailable time.
    absences = store.list_absences(request.team.id)
    team = with_absences(request.team, absences)
    hours = cfg.rotation.freeze_hours if request.freeze_hours is None else request.freeze_hours
    # Read before what it fingerprints: a change after this point stops the save below.
    planned_around = store.revision(team.id, missing_ok=True)
    previous, history, overrides = _published(store, team.id, shifts_grid.start)
    for problem in _stored_file_problems(store, previous):
        warn(problem)
    if not cfg.fairness.history:
        history = None
    baseline = None
    if previous is not None and overlaps(previous, shifts_grid):
        if request.strategy == "round-robin":
            raise UsageError(
                f"team {team.id!r} already has a published schedule overlapping this horizon; "
                "re-solving keeps it stable only with --strategy cp-sat"
            )
        baseline = Baseline(
            previous=previous,
            frozen_until=now + timedelta(hours=hours),
            overrides=overrides,
            now=now,
            released=tuple((a.member_id, a.start, a.end) for a in absences),
        )
    schedule, meta = _run_solver(request, team, shifts_grid, history, baseline, on_progress)
    stored = store.save_schedule(
        schedule,
        config_text=request.source_text,
        config_name=request.config_name,
        meta=meta,
        expected_revision=planned_around,
        job_key=request.job_key,
    )
    meta["warnings"] = [
        *meta.get("warnings", []),
        *_suspension_warnings(team, stored, overrides, zone or team.zone),
    ]
    return SolveOutcome(team, stored, meta, previous, baseline, overrides)


def _run_solver(
    request: SolveRequest,
    team: Team,
    shifts_grid: Grid,
    history: Schedule | None,
    baseline: Baseline | None,
    on_progress: Callable[[Progress], None] | None,
) -> tuple[Schedule, dict[str, Any]]:
    """The rota and the facts about its solve that are stored with it."""
    started = datetime.now(UTC)
    if request.strategy == "round-robin":
        from rota.solver.roundrobin import round_robin

        return round_robin(team, shifts_grid), {
            "strategy": "round-robin",
            "status": "feasible",
            "wall_s": (datetime.now(UTC) - started).total_seconds(),
        }
    from rota.solver import SolveOptions
    from rota.solver import solve as run_solver

    result = run_solver(
        team,
        shifts_grid,
        history,
        SolveOptions(
            time_limit_s=request.time_limit_s,
            workers=request.workers,
            seed=request.seed,
            on_progress=on_progress,
        ),
        baseline,
    )
    meta: dict[str, Any] = {
        "strategy": "cp-sat",
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "stage_gaps": dict(result.stage_gaps),
        "wall_s": result.wall_s,
        "first_solution_s": result.first_solution_s,
        "variables": result.num_variables,
        "constraints": result.num_constraints,
        "time_limit_s": request.time_limit_s,
        "seed": request.seed,
    }
    if result.unavoidable is not None:
        meta["floors"] = result.unavoidable.as_json()
    if baseline is not None:
        meta.update(
            {
                "resolved_from": baseline.previous.version,
                "frozen_until": baseline.frozen_until.isoformat(),
                "frozen_shifts": result.frozen_shifts,
                "changed_assignments": result.changed,
                "warnings": list(result.warnings),
            }
        )
    return result.schedule, meta


def _published(
    store: Store, team_id: str, grid_start: datetime
) -> tuple[Schedule | None, Schedule | None, tuple[Override, ...]]:
    """The latest published version, the history before ``grid_start`` over every version
    (newest wins a time), and the overrides in force."""
    from rota.service import history_before

    try:
        latest = store.load_schedule(team_id)
    except (TeamNotFound, ScheduleNotFound):
        return None, None, ()
    history = history_before(store, team_id, grid_start)
    return latest, history, tuple(store.list_overrides(team_id))


def _stored_file_problems(store: Store, previous: Schedule | None) -> list[str]:
    """The rules (rota.config.strict) that the team file stored with ``previous`` breaks
    because it predates them; it keeps loading, and this solve stores the new file."""
    if previous is None or previous.version is None:
        return []
    from rota.config import strictness_problems

    name = f"{previous.team_id} (stored v{previous.version})"
    try:
        doc = parse_yaml(store.team_config_text(previous.team_id, previous.version), name)
    except ConfigError:
        return []  # not ours to judge here: it loaded when it was stored
    return [str(problem) for problem in strictness_problems(doc)]


def _suspension_warnings(
    team: Team, stored: Schedule, overrides: tuple[Override, ...], zone: ZoneInfo
) -> list[str]:
    """One warning per override the new version suspends (it no longer fits the team)."""
    from rota.oncall.suspension import check_overrides

    return [
        f"override {s.override.id} ({s.override.member_id} as {s.override.role} "
        f"{local_span(s.override.start, s.override.end, zone)}) is suspended: {s.because}; "
        "the planned holder pages instead (`rota override list` shows it)"
        for s in check_overrides(team, stored, overrides).suspended
    ]
