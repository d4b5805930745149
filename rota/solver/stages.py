"""The lexicographic stages searched one after another, each locked at its best value
(``docs/solver.md``, "How the search works")."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from rota.solver.bounds import integral_bound
from rota.solver.model import RotaModel
from rota.solver.objective import Objective, Stage, lexicographic_weights, split_bound
from rota.solver.search import (
    Reporter,
    SolveOptions,
    bound_worker,
    hint,
    new_solver,
    relative_gap,
    set_objective_floor,
    weighted_minutes,
)
from rota.solver.strategy import Route


@dataclass(slots=True)
class Searched:
    """Where the stage search ended: the rota, the stages' weighted minutes and bound, and
    whether each stage was proven optimal."""

    solution: list[int]
    done: float = 0.0
    bound_done: float = 0.0
    all_optimal: bool = True
    locks: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Each settled stage's lock: the indices of its constraints in the model."""
    bounds: dict[str, int] = field(default_factory=dict)
    """Each settled stage's proven bound (its value where proven optimal)."""

    def rescore(self, stage: Stage, solution: list[int]) -> None:
        """Take ``solution``, which differs from the settled rota in ``stage``'s value only
        (a step after the stages traded it for a rule), and count ``stage`` at its value."""
        value = stage.value(solution)
        self.done += (value - stage.value(self.solution)) * stage.minutes
        self.solution = solution
        self.all_optimal = self.all_optimal and value <= self.bounds[stage.name]

    def gaps(self, stages: Sequence[Stage]) -> dict[str, float]:
        """Each settled stage's gap on the rota, in order (0 where proven optimal)."""
        return {
            stage.name: relative_gap(stage.value(self.solution), self.bounds[stage.name])
            for stage in stages
            if stage.name in self.bounds
        }


def search_stages(
    m: RotaModel,
    objective: Objective,
    stages: Sequence[Stage],
    solution: list[int],
    floor_of: Callable[..., int],
    capped: Stage | None,
    fair_share: float,
    route: Route,
    options: SolveOptions,
    remaining: Callable[[], float],
    reporter: Reporter,
) -> Searched:
    """The stages searched from ``solution``, each locked at the best value found so later
    ones cannot undo it.

    On a ``together`` route a first stage whose proven floor is 0 (``fair``: a rota where
    every band holds may exist) is first searched alone (:func:`_trial`): proven there, it is
    locked and the rest are searched without it. Otherwise all stages are searched at once as
    one weighted sum, from the lowest rota the trial reached: reaching a positive floor takes
    the sum's search, which also builds the later stages' bound. After rolling windows the
    spans were that trial, so there is none.

    ``floor_of``: each stage's proven floor (the search stops there); ``capped``: a stage the
    earlier steps may not raise (after rolling windows); ``fair_share``: the share of the
    time left for a ``fair`` step that more steps follow.
    """
    search = _StageSearch(m, objective, floor_of, capped, route, options, reporter, solution)
    pending = list(stages)
    settle_share = options.strategy.settle_share
    alone_first = route.together and not route.windowed and len(stages) > 1 and settle_share > 0
    if alone_first and search.worth_alone(stages[0]):
        trial = _trial(search, stages[0], lambda: remaining() * settle_share)
        if trial is not None:
            search.settle((pending.pop(0),), trial)
    together = route.together and len(pending) > 1
    steps = [tuple(pending)] if together else [(stage,) for stage in pending]
    for position, step in enumerate(steps):
        last = position == len(steps) - 1
        share = fair_share if not last and step[0].name == "fair" else 1.0
        search.settle(step, search.step(step, remaining() * share, last=last), compute=last)
    return search.searched


def _trial(search: _StageSearch, stage: Stage, budget: Callable[[], float]) -> _StepResult | None:
    """``stage`` searched alone in rounds of ``budget()`` seconds
    (:attr:`~rota.solver.strategy.Strategy.settle_share` of the time left), each from the rota
    the last one reached, while each round lowers it: the result once it is proven, else None,
    with the lowest rota reached left as the rota so far (from the rota before the trial, the
    stages' sum could end with ``stage`` still above its floor)."""
    searched = search.searched
    best = stage.value(searched.solution)
    while True:
        trial = search.step((stage,), budget(), last=False)
        if trial.proven(0):
            return trial
        if trial.values[0] >= best:
            return None
        best = trial.values[0]
        searched.solution = search.objective.complete(trial.solution)


@dataclass(frozen=True, slots=True)
class _StepResult:
    """One step's search: the best rota, each stage's value and proven bound there."""

    solution: list[int]
    values: list[int]
    bounds: list[int]
    optimal: bool
    """CP-SAT proved the step's sum optimal (over the whole model, not a restricted one)."""

    def proven(self, j: int) -> bool:
        return self.optimal or self.values[j] <= self.bounds[j]


class _StageSearch:
    """The model the stages are searched in, the rota so far and what is proven of it."""

    def __init__(
        self,
        m: RotaModel,
        objective: Objective,
        floor_of: Callable[..., int],
        capped: Stage | None,
        route: Route,
        options: SolveOptions,
        reporter: Reporter,
        solution: list[int],
    ) -> None:
        self.m = m
        self.objective = objective
        self.floor_of = floor_of
        self.capped = capped
        self.route = route
        self.options = options
        self.reporter = reporter
        self.searched = Searched(solution)
        self.fair_value: int | None = None  # the locked ``fair`` stage's value

    def worth_alone(self, stage: Stage) -> bool:
        """Whether ``stage`` is worth a search alone: its proven floor is 0, which makes it a
        search for a rota at no cost (large-neighbourhood search answers those fast)."""
        return self.floor_of(stage, self.fair_value) == 0

    def step(self, step: tuple[Stage, ...], time_limit_s: float, *, last: bool) -> _StepResult:
        """``sum(weights * step)`` searched for ``time_limit_s`` from the rota so far."""
        m, searched = self.m, self.searched
        solution = searched.solution
        weights = lexicographic_weights([stage.upper() for stage in step])
        names = [stage.name for stage in step]
        capped = self.capped if self.capped is not None and self.capped.name not in names else None
        if capped is not None:  # the cap (``humane``) counts the true excesses from here on
            self.objective.hold_exact_peaks(m.cp)
            m.cp.add(capped.expr() <= capped.value(solution))
        hint(m.cp, solution)
        m.cp.minimize(sum(w * stage.expr() for w, stage in zip(weights, step, strict=True)))
        values = [stage.value(solution) for stage in step]
        current = sum(w * v for w, v in zip(weights, values, strict=True))
        floor = step_floor(step, weights, self.fair_value, self.floor_of)
        if floor > 0:  # proven: CP-SAT's bound starts there, and the search stops there
            assert floor <= current, f"stage floor {floor} above a valid rota's {current}"
            set_objective_floor(m.cp, floor)
        restricted = capped is not None  # CP-SAT's bound then holds for it only
        self.reporter.step(step, weights, searched.done, searched.bound_done)
        self.reporter.report(weighted_minutes(step, values) + searched.done, searched.bound_done)
        if current == floor:  # at its proven floor already: nothing to search
            return _StepResult(solution, values, list(values), optimal=True)
        solver = new_solver(
            self.options,
            max(0.1, time_limit_s),
            bound_worker=bound_worker(self.route, alone=len(step) == 1),
            lns_only=self.route.large and not last,
            lexicographic=len(step) > 1,
        )
        status = solver.solve(m.cp, self.reporter)
        bounds = [0] * len(step)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            candidate = list(solver.response_proto.solution)
            found = [stage.value(candidate) for stage in step]
            if found <= values:  # lexicographically, as the weights rank them
                solution, values = candidate, found
            if not restricted:
                bounds = split_bound(integral_bound(solver.best_objective_bound), weights, values)
        optimal = status == cp_model.OPTIMAL and not restricted
        return _StepResult(solution, values, bounds, optimal=optimal)

    def settle(
        self, step: tuple[Stage, ...], result: _StepResult, *, compute: bool = False
    ) -> None:
        """Count ``step``'s result in, and lock its stages at their values. ``compute``: a
        stage not proven optimal gets its floor at the values reached (the last step: stages
        searched together may lock ``fair`` above its floor, where ``humane``'s floor was not
        known), else only floors already known count."""
        searched = self.searched
        names = [stage.name for stage in step]
        fair = dict(zip(names, result.values, strict=True)).get("fair", self.fair_value)
        self.fair_value = fair
        for j, stage in enumerate(step):
            value = result.values[j]
            known = self.floor_of(stage, fair, compute=compute and not result.proven(j))
            bound = max(result.bounds[j], min(known, value))
            optimal = result.proven(j) or value <= bound
            searched.all_optimal = searched.all_optimal and optimal
            searched.done += value * stage.minutes
            searched.bounds[stage.name] = value if optimal else bound
            searched.bound_done += searched.bounds[stage.name] * stage.minutes
            searched.locks[stage.name] = stage.lock(self.m.cp, result.solution)  # each part
        # Penalty variables outside the objective are only bounded below, so the search may
        # leave them high; at their least value the next stage starts from the true cost of
        # this rota.
        searched.solution = self.objective.complete(result.solution)


def step_floor(
    step: Sequence[Stage],
    weights: Sequence[int],
    fair_value: int | None,
    floor_of: Callable[[Stage, int | None], int],
) -> int:
    """The proven floor of ``sum(weights * step)``.

    Stages searched at once count ``humane``'s floor at ``fair``'s own floor: a rota with
    ``fair`` at its floor has at least that much ``humane``, and one with more ``fair`` weighs
    more than the sum allows (the weights are lexicographic). ``fair_value``: the locked
    ``fair`` stage's value, when it was searched before.
    """
    floor = 0
    for weight, stage in zip(weights, step, strict=True):
        least = max(floor_of(stage, fair_value), stage.lower())
        if stage.name == "fair":
            fair_value = least
        floor += weight * least
    return floor
