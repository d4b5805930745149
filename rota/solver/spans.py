"""The stages after rolling windows, lowered span by span.

The windows' rota leaves some members a step outside their whole-horizon bands, and moving
those shifts means trading between weeks of different windows, which large-neighbourhood
search over the whole model finds slowly. A span of consecutive windows, every member free in
it and everything else held (:func:`~rota.solver.reach.held_copy`), is a model of window size
once presolved, which CP-SAT searches fast. :func:`settle_in_spans` lowers ``fair`` this way,
``humane`` held (``humane`` itself is lowered by groups of members, :mod:`rota.solver.repair`).
Why: ``docs/solver.md``, "How the search works", step 3.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime

from ortools.sat.python import cp_model

from rota.solver.facts import Slot
from rota.solver.model import RotaModel
from rota.solver.objective import Objective, Stage
from rota.solver.reach import held_others, search_reach
from rota.solver.search import SolveOptions, new_solver
from rota.solver.windows import Window


def settle_in_spans(
    m: RotaModel,
    objective: Objective,
    solution: list[int],
    windows: Sequence[Window],
    options: SolveOptions,
    time_limit_s: float,
    *,
    stage: Stage,
    floor: int,
    span_solver: Callable[[SolveOptions, float], cp_model.CpSolver] = new_solver,
) -> list[int]:
    """``solution`` (complete) with ``stage`` lowered span by span within ``time_limit_s``,
    every other stage held at no more than its value there (``humane`` by its true
    excesses, as the ``fair`` stage's search after rolling windows holds it). Each span is
    :attr:`~rota.solver.strategy.Strategy.span_windows` consecutive windows, the next one a
    window later, and gets an equal part of the time left. ``span_solver(options, seconds)``
    makes each span's solver.

    The sweep stops at ``floor``, or once as many spans in a row have run out of time without
    lowering the stage as it took to reach its last drop, leaving the rest of the time to what
    follows. A span proven optimal is no stall (the next one holds other weeks); on a large
    team a span rarely proves its optimum (its LP bound on ``fair`` stays 0), so most run
    their whole time."""
    held = held_others(m, objective, solution, stage)
    width = options.strategy.span_windows
    starts = range(max(1, len(windows) - width + 1))
    deadline = time.monotonic() + time_limit_s
    slots = m.timeline.slots
    reached = stalled = 0  # spans up to the stage's last drop; spans since
    for number, first in enumerate(starts):
        if stage.value(solution) <= floor or stalled >= max(1, reached):
            break
        last = windows[min(first + width, len(windows)) - 1]
        within = _within(slots, windows[first].grid.start, last.grid.end)
        solver = span_solver(options, (deadline - time.monotonic()) / (len(starts) - number))
        status, found = search_reach(m, objective, solution, within, stage.expr(), held, solver)
        stalled += status != cp_model.OPTIMAL  # a span proven can be no better: go on
        if found is not None and stage.value(found) < stage.value(solution):
            solution, reached, stalled = found, number + 1, 0
    return solution


def _within(slots: Sequence[Slot], begin: datetime, end: datetime) -> Callable[[int, int], bool]:
    """Whether an assignment to slot ``k`` (of any member) starts in ``[begin, end)``."""
    return lambda _, k: begin <= slots[k].start_at < end
