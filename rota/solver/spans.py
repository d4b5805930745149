"""The stages after rolling windows, lowered span by span.

A rolling window can bring its members' hours only as close to their bands as its own weeks
allow (a member gets a shift every few windows on a large team), so the windows' rota leaves
some members a step outside their whole-horizon bands. Fixing that means moving shifts
between weeks of different windows, which large-neighbourhood search over the whole model
finds slowly (150 members: up to 80 s, and in half the runs not down to the floor). A span
of two consecutive windows, every member free in it and everything else held
(:func:`~rota.solver.reach.held_copy`), is a model of window size once presolved, and
CP-SAT searches it fast. :func:`settle_in_spans` sweeps the spans from the first, each
from the last one's rota, for ``fair`` with ``humane`` held (``humane`` itself is lowered
by groups of members, :mod:`rota.solver.repair`): the whole model's search, with its
neighbourhoods of its own choosing, lowers ``fair`` less in the same time, and its memory
grows as it goes.

On a large team a span's search rarely proves its optimum (its LP bound on ``fair`` stays
0), so each one runs its whole time. A sweep stops at the stage's floor, or once as many
spans in a row have run out of time without lowering the stage as it took to reach its
last drop: a team stuck above the floor then leaves the rest of the time to what follows. A
span proven optimal is no sign of a stall (the next one holds other weeks).
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
    excesses, as the ``fair`` stage's search after rolling windows holds it); it stops at
    ``floor`` or when the sweep stalls (see the module docstring). Each span is
    :attr:`~rota.solver.strategy.Strategy.span_windows` consecutive windows, the next one a
    window later, and gets an equal part of the time left. ``span_solver(options, seconds)``
    makes each span's solver."""
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
