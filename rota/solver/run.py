"""One call of :func:`~rota.solver.solve.solve` (:class:`Run`) and its first two steps: the
first valid rota and the proven floors of off-hours and night hours (``docs/solver.md``, "How
the search works", steps 1 and 2)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from ortools.sat.python import cp_model

from rota.errors import InfeasibleRotaError, RotaNotFoundInTime
from rota.model import Grid, OffHoursPolicy, Schedule
from rota.solver.constraints import build_model
from rota.solver.explain import explain_infeasible, precheck
from rota.solver.first_rota import first_rota, planned_first_rota
from rota.solver.floors import Unavoidable, unavoidable
from rota.solver.model import RotaModel
from rota.solver.objective import Objective, build_objective, prepare
from rota.solver.search import Reporter, SolveOptions
from rota.solver.stability import (
    Baseline,
    Freeze,
    add_change_count,
    apply_freeze,
    diagnose_freeze,
    plan_freeze,
    stable_feasibility,
)
from rota.solver.starts import Start
from rota.solver.strategy import Route, Strategy
from rota.solver.windows import Window, add_weekend_pace, paced_weekends, plan_windows
from rota.team import Team


@dataclass(frozen=True, slots=True)
class Run:
    """One call of :func:`~rota.solver.solve.solve`: its inputs, the plans made from them
    before any model is searched, the clock and the progress reporter."""

    team: Team
    grid: Grid
    history: Schedule | None
    options: SolveOptions
    baseline: Baseline | None
    lookback: int | None
    weekend_pace: float | None
    started: float
    freeze: Freeze | None
    windows: list[Window]
    """The rolling windows planned for a fresh solve of the whole horizon (one or none: not
    windowed)."""
    paced: dict[int, tuple[int, int]] | None
    """Each member's least and most weekends of a window (``weekend_pace``)."""
    reporter: Reporter

    @classmethod
    def begin(
        cls,
        team: Team,
        grid: Grid,
        history: Schedule | None,
        options: SolveOptions,
        baseline: Baseline | None,
        lookback: int | None,
        weekend_pace: float | None,
    ) -> tuple[Run, RotaModel]:
        """The run and its first model, checked for rules that cannot hold."""
        started = time.monotonic()
        if baseline is not None:  # its model leaves out assignments the pre-check counts on
            precheck(team, grid, history)
        freeze = plan_freeze(team, grid, baseline) if baseline is not None else None
        m = _build(team, grid, history, lookback, freeze)
        if baseline is None:
            # A timeline of the grid alone (no history counted) gives the very variables the
            # pre-check counts on, so they are built once.
            precheck(team, grid, history, m if m.timeline.first_grid == 0 else None)
        if m.broken:
            explain_infeasible(team, grid, history, time_limit_s=options.time_limit_s)
        paced = None
        if weekend_pace is not None:
            weeks = (grid.end - grid.start) / timedelta(days=7)
            paced = paced_weekends(m, weekend_pace, weeks)
        fresh = baseline is None and lookback is None
        windows = plan_windows(team, grid, len(m.x), options.strategy) if fresh else []
        reporter = Reporter(options.on_progress, started)
        run = cls(
            team,
            grid,
            history,
            options,
            baseline,
            lookback,
            weekend_pace,
            started,
            freeze,
            windows,
            paced,
            reporter,
        )
        return run, m

    @property
    def strategy(self) -> Strategy:
        return self.options.strategy

    @property
    def whole(self) -> bool:
        """The whole horizon (a fresh solve or a re-solve), not a rolling window."""
        return self.lookback is None

    def remaining(self) -> float:
        return self.options.time_limit_s - (time.monotonic() - self.started)

    def large(self, m: RotaModel) -> bool:
        """Windowed or above :attr:`Strategy.lp_proof_max_assignments`."""
        return len(self.windows) > 1 or len(m.x) > self.strategy.lp_proof_max_assignments

    def model(self) -> RotaModel:
        """A fresh model of the run (the first one is :meth:`begin`'s)."""
        return _build(self.team, self.grid, self.history, self.lookback, self.freeze)

    def setup(self, m: RotaModel) -> tuple[cp_model.CpModel, Objective]:
        """The hard rules alone (the feasibility phase is fastest without helpers), and the
        objective added to ``m``."""
        if self.freeze is not None:
            apply_freeze(m, self.freeze)
        prepare(m)
        if self.paced is not None:
            add_weekend_pace(m, self.paced)
        hard = m.cp.clone()
        if self.freeze is not None:
            stable_feasibility(m, self.freeze, hard)
        changes = add_change_count(m, self.freeze) if self.freeze is not None else None
        # The hours range where the bands may not all hold (see build_objective)
        even_hours = len(m.x) <= self.strategy.lp_proof_max_assignments or len(self.windows) > 1
        return hard, build_objective(m, changes, even_hours=even_hours)

    def route(self, m: RotaModel, start: Start, grouped: bool, *, stalled: bool) -> Route:
        """The phases of the model solved (the kinds split leaves the stages the whole
        model)."""
        return self.strategy.route(
            len(m.x) - m.withheld,
            windowed=len(self.windows) > 1 and not start.split,
            whole=self.whole,
            grouped=grouped,
            stalled=stalled,
        )


@dataclass(frozen=True, slots=True)
class First:
    """The model, its hard rules and objective, and the first valid rota."""

    m: RotaModel
    hard: cp_model.CpModel
    objective: Objective
    solution: list[int]
    """Complete: every helper variable of the objective has its value."""
    found_s: float
    """Seconds from the start of the solve."""


def _build(
    team: Team,
    grid: Grid,
    history: Schedule | None,
    lookback: int | None,
    freeze: Freeze | None,
) -> RotaModel:
    if freeze is None:
        return build_model(team, grid, history, lookback=lookback)
    return build_model(team, grid, history, skip=freeze.skip, outside=dict(freeze.outside))


def first_valid(run: Run, m: RotaModel) -> First:
    """The first valid rota of ``m``, from the hard rules alone (a rolling window's from its
    off-hours plan where it has one); raises when there is none or none was found in time."""
    feasibility_s = run.options.time_limit_s * run.strategy.feasibility_share
    planned = None
    avoid = run.team.config.rotation.off_hours is OffHoursPolicy.AVOID
    if not run.whole and run.freeze is None and avoid:  # a rolling window
        planned = planned_first_rota(
            m, run.paced, run.setup, run.options, min(feasibility_s / 2, run.remaining())
        )
        if planned is None and m.withheld:
            m = run.model()  # the plan's rota failed: everyone again, on a clean model
    if planned is not None:
        hard, objective, solver, status = planned
    else:
        hard, objective = run.setup(m)
        solver, status = first_rota(
            hard,
            run.options,
            max(0.1, min(feasibility_s, run.remaining())),
            unpresolved=len(run.windows) > 1,
        )
    found_s = time.monotonic() - run.started
    if run.weekend_pace is not None and status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InfeasibleRotaError(
            f"no rota of this window keeps the weekend pace {run.weekend_pace}"
        )
    if status == cp_model.INFEASIBLE:
        if run.freeze is not None and run.freeze.fixed:
            diagnose_freeze(run.model(), run.freeze, time_limit_s=max(1.0, run.remaining()))
        explain_infeasible(run.team, run.grid, run.history, time_limit_s=run.options.time_limit_s)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RotaNotFoundInTime(
            f"no valid rota for team {run.team.id} found within the time limit of "
            f"{run.options.time_limit_s:g} s (not proven impossible; allow more time)",
        )
    solution = objective.complete(list(solver.response_proto.solution))
    return First(m, hard, objective, solution, found_s)


def proven_floors(run: Run, first: First) -> Unavoidable:
    """The least off-hours and night hours any valid rota carries (:mod:`rota.solver.floors`)."""
    run.reporter.phase("floors")
    floor_s = run.strategy.floor_s(run.options.time_limit_s, run.remaining())
    return unavoidable(
        first.hard,
        first.m,
        time_limit_s=floor_s,
        workers=run.options.workers,
        seed=run.options.seed,
        flat_share=run.strategy.floor_flat_share,
    )
