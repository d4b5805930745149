"""The stages lowered by groups of members after rolling windows: ``fair`` repaired by
the members who carry its excess, ``humane`` by members drawn at random.

What the spans (:mod:`rota.solver.spans`) leave of ``fair`` is a member a shift above their
band, or a group's hours a shift too far apart, whose repair needs a shift moved across the
whole horizon to someone with room for it, often at some off-hours cost: no span holds both
ends of such a move, and their cap on ``humane`` forbids it. Off-hours fall when a shift moves
to someone whose day it is, anywhere in the horizon, and a group of a few members holds both
ends of many such moves. Why: ``docs/solver.md``, "How the search works", step 3.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from rota.solver.model import RotaModel
from rota.solver.objective import Objective, Stage, lexicographic_weights
from rota.solver.reach import held_others, search_reach
from rota.solver.search import SolveOptions, new_solver


def repair_in_members(
    m: RotaModel,
    objective: Objective,
    solution: list[int],
    options: SolveOptions,
    time_limit_s: float,
    *,
    floor: int,
    solver_of: Callable[[SolveOptions, float], cp_model.CpSolver] = new_solver,
) -> list[int]:
    """``solution`` (complete) with ``fair`` (the first stage) lowered towards ``floor``
    within ``time_limit_s``. Each try frees every assignment of the members who carry the
    excess (:attr:`~rota.solver.objective.Objective.blame`) and of as many others drawn at
    random, holds everyone else, and searches all stages as one lexicographic sum, so each
    stage after ``fair`` may rise only where ``fair`` falls; a try that finds nothing better
    is followed by one with twice the members drawn. ``solver_of(options, seconds)`` makes
    each try's solver."""
    stages = objective.stages
    fair = stages[0]
    weights = lexicographic_weights([stage.upper() for stage in stages])
    lexicographic = cp_model.LinearExpr.weighted_sum([stage.expr() for stage in stages], weights)
    objective.hold_exact_peaks(m.cp)  # ``humane`` counts its true excesses
    draw = random.Random(options.seed)  # noqa: S311 (draws for a search, not a secret)
    deadline = time.monotonic() + time_limit_s
    drawn = 0
    while fair.value(solution) > floor and (left := deadline - time.monotonic()) > 0:
        blamed = _blamed(objective, solution)
        if not blamed:  # an excess no member carries (a re-solve's changes)
            break
        others = [i for i in m.members if i not in blamed]
        drawn = min(len(others), max(drawn, len(blamed)))
        free = blamed | set(draw.sample(others, drawn))
        widest = drawn == len(others)
        solver = solver_of(options, left if widest else left / 2)
        before = [stage.value(solution) for stage in stages]
        _, found = search_reach(
            m,
            objective,
            solution,
            _of_members(free),
            lexicographic,
            [],
            solver,
            _StopAt(weights[0] * before[0]),
        )
        if found is not None and [stage.value(found) for stage in stages] < before:
            solution = found
        elif widest:
            break
        else:
            drawn *= 2
    return solution


def _of_members(members: set[int]) -> Callable[[int, int], bool]:
    """Whether an assignment (member ``i``, slot ``k``) belongs to one of ``members``."""
    return lambda i, _: i in members


def _blamed(objective: Objective, solution: list[int]) -> set[int]:
    """The members who carry an excess of the ``fair`` stage on ``solution``."""
    fair = objective.stages[0]
    return {
        i
        for var, _ in fair.terms
        if solution[var.index] > 0 and var.index in objective.blame
        for i in objective.blame[var.index](solution)
    }


class _StopAt(cp_model.CpSolverSolutionCallback):
    """Stops the search at the first solution whose objective is below ``value``: ``fair``
    lowered, so the next try frees the members who carry what is left of it (``humane`` is
    searched better by what follows than by this neighbourhood)."""

    def __init__(self, value: int) -> None:
        super().__init__()
        self._value = value

    def on_solution_callback(self) -> None:
        if self.objective_value < self._value:
            self.stop_search()


def lower_in_members(
    m: RotaModel,
    objective: Objective,
    solution: list[int],
    options: SolveOptions,
    time_limit_s: float,
    *,
    stage: Stage,
    floor: int,
    solver_of: Callable[[SolveOptions, float], cp_model.CpSolver] = new_solver,
) -> list[int]:
    """``solution`` (complete) with ``stage`` lowered towards ``floor`` within
    ``time_limit_s`` by groups of members drawn at random: each group's assignments over the
    whole horizon free, everyone else held, every other stage no higher than it was. Each
    group gets an equal part of the time left to the groups of its deal; a group proven
    optimal doubles the size of the next, one out of time halves it (from two members). It
    stops at ``floor``, or once as many members as the team has were freed without lowering
    the stage."""
    held = held_others(m, objective, solution, stage)
    draw = random.Random(options.seed)  # noqa: S311 (draws for a search, not a secret)
    deadline = time.monotonic() + time_limit_s
    members = list(m.members)
    size = 2
    deal: list[int] = []
    stale = 0  # members freed since the stage last fell
    while stage.value(solution) > floor and (left := deadline - time.monotonic()) > 0:
        if stale >= len(members):  # a whole deal found nothing lower
            break
        if len(deal) < size:
            deal = draw.sample(members, len(members))
        free, deal = set(deal[:size]), deal[size:]
        solver = solver_of(options, left * size / (len(deal) + size))
        status, found = search_reach(
            m, objective, solution, _of_members(free), stage.expr(), held, solver
        )
        if found is not None and stage.value(found) < stage.value(solution):
            solution, stale = found, -len(free)
        stale += len(free)
        size = min(len(members), size * 2) if status == cp_model.OPTIMAL else max(2, size // 2)
    return solution
