"""``fair`` after rolling windows, settled span by span.

A rolling window can bring its members' hours only as close to their bands as its own weeks
allow (a member gets a shift every few windows on a large team), so the windows' rota leaves
some members a step outside their whole-horizon bands. Fixing that means moving shifts
between weeks of different windows, which large-neighbourhood search over the whole model
finds slowly (150 members: up to 80 s, and in half the runs not down to the floor). A span
of two consecutive windows, every member free in it and everything else held
(:func:`~rota.solver.reach.held_copy`), is a model of window size once presolved, and
CP-SAT searches it exactly. :func:`settle_in_spans` sweeps the spans from the first, each
from the last one's rota, until ``fair`` reaches its floor.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime

from ortools.sat.python import cp_model

from rota.solver.facts import Slot
from rota.solver.model import RotaModel
from rota.solver.objective import Objective
from rota.solver.reach import held_copy
from rota.solver.search import SolveOptions, hint, new_solver
from rota.solver.windows import Window


def settle_in_spans(
    m: RotaModel,
    objective: Objective,
    solution: list[int],
    windows: Sequence[Window],
    options: SolveOptions,
    time_limit_s: float,
    *,
    floor: int,
) -> list[int]:
    """``solution`` (complete) with ``fair`` lowered span by span within ``time_limit_s``,
    ``humane`` (if any) held at no more than its value there, as after rolling windows the
    ``fair`` stage holds it; it stops once ``fair`` is at ``floor``. Each span is
    :attr:`~rota.solver.strategy.Strategy.span_windows` consecutive windows, the next one a
    window later, and gets an equal part of the time left."""
    stages = {stage.name: stage for stage in objective.stages}
    fair, capped = stages["fair"], stages.get("humane")
    width = options.strategy.span_windows
    starts = range(max(1, len(windows) - width + 1))
    deadline = time.monotonic() + time_limit_s
    if capped is not None:  # the cap counts the true excesses, as the stage's does
        objective.hold_exact_peaks(m.cp)
        cap = capped.value(solution)
    slots = m.timeline.slots
    for number, first in enumerate(starts):
        if fair.value(solution) <= floor:
            break
        last = windows[min(first + width, len(windows)) - 1]
        cp = held_copy(m, solution, _within(slots, windows[first].grid.start, last.grid.end))
        if capped is not None:
            cp.add(capped.expr() <= cap)
        cp.minimize(fair.expr())
        hint(cp, solution)
        left = deadline - time.monotonic()
        solver = new_solver(options, left / (len(starts) - number))
        if solver.solve(cp) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            candidate = objective.complete(list(solver.response_proto.solution))
            if fair.value(candidate) < fair.value(solution):
                solution = candidate
    return solution


def _within(slots: Sequence[Slot], begin: datetime, end: datetime) -> Callable[[int, int], bool]:
    """Whether an assignment to slot ``k`` (of any member) starts in ``[begin, end)``."""
    return lambda _, k: begin <= slots[k].start_at < end
