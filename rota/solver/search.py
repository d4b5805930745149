"""CP-SAT's side of every search: the options, the solver's parameters, hints and objective
floors, and the progress each improving solution reports."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from rota.solver.bounds import integral_bound
from rota.solver.objective import Stage, split_bound
from rota.solver.strategy import DEFAULT as DEFAULT_STRATEGY
from rota.solver.strategy import Route, Strategy

OBJECTIVE_MAX = 2**62
"""Upper end of an objective's domain (every stage sum stays far below it)."""


@dataclass(frozen=True, slots=True)
class Progress:
    """One improving solution: seconds since the start, its objective, the proven bound."""

    elapsed_s: float
    objective: float
    bound: float
    solutions: int
    stage: str = ""
    """The phase that found it: ``feasibility`` or a stage name (``fair``, ``humane``)."""


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """How long and how hard to search; same options and seed give the same rota."""

    time_limit_s: float = 60.0
    workers: int = 2
    seed: int = 0
    on_progress: Callable[[Progress], None] | None = None
    strategy: Strategy = DEFAULT_STRATEGY
    """The search's parameters (:mod:`rota.solver.strategy`)."""


DEFAULT_OPTIONS = SolveOptions()


def set_objective_floor(model: cp_model.CpModel, floor: int) -> None:
    """Restrict the objective to ``>= floor``: as its domain, which CP-SAT takes as the bound
    from the start (a ``>=`` constraint over the same sum leaves the LNS workers' bound at 0)."""
    domain = model.proto.objective.domain
    domain.clear()
    domain.extend([floor, OBJECTIVE_MAX])


def relative_gap(objective: float, bound: float) -> float:
    """How far the objective may still be from the optimum, as a share of it (0.25 is 25 %).

    >>> relative_gap(200, 150)
    0.25
    >>> relative_gap(0, 0)
    0.0
    """
    if objective <= 0:
        return 0.0
    return max(0.0, min(1.0, (objective - bound) / abs(objective)))


def hint(
    model: cp_model.CpModel, values: Sequence[int], indices: Sequence[int] | None = None
) -> None:
    """Hint ``values`` for the variables at ``indices`` (default: all, a complete hint)."""
    model.clear_hints()  # type: ignore[no-untyped-call]
    hint = model.proto.solution_hint
    hint.vars.extend(range(len(values)) if indices is None else indices)
    hint.values.extend(values)


def new_solver(
    options: SolveOptions,
    time_limit_s: float,
    *,
    bound_worker: str | None = None,
    lns_only: bool = False,
    lexicographic: bool = False,
) -> cp_model.CpSolver:
    """A solver with a light presolve; ``bound_worker`` names the full-model worker that
    proves the bound (see :func:`bound_worker`), ``lns_only`` gives every worker to
    large-neighbourhood search (see
    :attr:`~rota.solver.strategy.Strategy.lp_proof_max_assignments`), ``lexicographic``
    (stages searched at once, as one weighted sum) stops only at a proven optimum.

    Symmetry detection and probing are off: they take most of a large model's presolve and
    buy nothing this model uses. With two workers CP-SAT's one full-model worker
    (``default_lp``, a level-1 LP) may bound a stage at 0 for good, so a stage gets a level-2
    LP worker instead (:func:`bound_worker`); ``linearization_level`` itself would only reach
    a single worker.
    """
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(time_limit_s, 0.05)
    params.num_workers = options.workers
    params.random_seed = options.seed
    # Stages searched at once weigh the earlier ones far above the later ones, so a small
    # relative gap of the sum can hide all of the last stage's gap; there the floors stop the
    # search instead.
    params.relative_gap_limit = 0.0 if lexicographic else options.strategy.relative_gap_limit
    params.symmetry_level = 0
    params.cp_model_probing_level = 0
    params.use_lns_only = lns_only
    if bound_worker is not None and options.workers <= 2:
        if options.workers == 1:
            params.linearization_level = 2
        else:
            params.subsolvers.append(bound_worker)
    return solver


def bound_worker(route: Route, *, alone: bool) -> str:
    """The CP-SAT worker that proves a step's bound (a level-2 LP in both); ``alone``: one
    stage searched by itself (``humane`` after ``fair`` was settled, or ``fair`` alone).

    ``max_lp`` (LP search) on small models, and where a large model's stages are searched
    together as one sum from the first valid rota: it hands its LP solutions soonest to the
    neighbourhoods that follow them. ``lb_tree_search`` where the stages start from a
    searched rota (a plan's, the kinds split's, rolling windows') and where a stage is
    searched alone on a large model: there the proof is what is missing, and its best-bound
    tree closes the LP's root gap. Why: ``docs/solver.md``, "How the search works", step 4.
    """
    first = route.together and not (route.member_plan or route.windowed)
    guided = not route.large or (first and not alone)
    return "max_lp" if guided else "lb_tree_search"


def weighted_minutes(step: Sequence[Stage], values: Sequence[int]) -> float:
    """Stage values in weighted minutes, summed."""
    return sum(value * stage.minutes for stage, value in zip(step, values, strict=True))


class Reporter(cp_model.CpSolverSolutionCallback):
    """Calls ``on_progress`` with each improving solution (objective in weighted minutes)."""

    def __init__(self, on_progress: Callable[[Progress], None] | None, started: float) -> None:
        super().__init__()
        self._on_progress = on_progress
        self._started = started
        self._count = 0
        self._step: tuple[Stage, ...] = ()
        self._weights: list[int] = []
        self._offset = 0.0
        self._bound_offset = 0.0
        self._stage = "feasibility"
        self._last: Progress | None = None

    def phase(self, name: str) -> None:
        """Say that the search moved on to ``name`` (no new solution yet)."""
        self._stage = name
        if self._last is not None and self._on_progress is not None:
            elapsed = time.monotonic() - self._started
            self._on_progress(replace(self._last, stage=name, elapsed_s=elapsed))

    def step(
        self, step: tuple[Stage, ...], weights: list[int], offset: float, bound_offset: float
    ) -> None:
        """The stages now searched as ``sum(weights * stages)``, after ``offset`` minutes."""
        self._step = step
        self._weights = weights
        self._stage = "+".join(stage.name for stage in step)
        self._offset = offset
        self._bound_offset = bound_offset

    def report(self, objective: float, bound: float) -> None:
        self._count += 1
        self._last = Progress(
            elapsed_s=time.monotonic() - self._started,
            objective=objective,
            bound=min(bound, objective),
            solutions=self._count,
            stage=self._stage,
        )
        if self._on_progress is not None:
            self._on_progress(self._last)

    def on_solution_callback(self) -> None:
        values = []
        rest = round(self.objective_value)
        for weight in self._weights:  # later stages add less than an earlier one's weight
            value, rest = divmod(rest, weight)
            values.append(value)
        bounds = split_bound(integral_bound(self.best_objective_bound), self._weights, values)
        self.report(
            self._offset + weighted_minutes(self._step, values),
            self._bound_offset + weighted_minutes(self._step, bounds),
        )
