"""Proven lower bounds for the stages, from the plan's relaxation over kinds of member.

CP-SAT's own bound on a large rota stays near 0, so a stage at its optimum would report a 100 %
gap and search on until its time is up. The counts model of :func:`rota.solver.plan.kind_model`
is a relaxation: every valid rota gives a solution with the same off-hours and at most the
rota's hours band excess. So ``fair`` is at least ``hours_weight x`` its least excess, and
``humane``, once ``fair`` is locked at ``v``, at least its least totals and peaks per share
(weighed as the stage weighs them) among solutions with at most ``v // hours_weight`` units of
excess (the stages' other terms are at least 0). :mod:`rota.solver.solve` makes a stage's floor
the lower end of its objective's domain, so CP-SAT reports it as the bound and stops the stage
once it is reached. Why: docs/solver.md, How the search works and Why it is built this way.
"""

from __future__ import annotations

import math
import threading
import time
from functools import cached_property
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from rota.solver.model import RotaModel
from rota.solver.peaks import Peaks
from rota.solver.plan import KindModel, add_peaks, kind_model, relaxation_solver
from rota.solver.strategy import DEFAULT

if TYPE_CHECKING:
    from rota.solver.member_plan import MemberPlan


def fair_floor(
    relaxed: KindModel,
    hours_weight: int,
    *,
    time_limit_s: float,
    workers: int,
    seed: int,
    flat_share: float = DEFAULT.floor_flat_share,
) -> int:
    """A proven lower bound on the ``fair`` stage of the model ``relaxed`` was built from (0
    when nothing is proven within ``time_limit_s``; ``flat_share``: :class:`BoundWatch`).
    ``relaxed`` is left as it was."""
    cp = relaxed.cp.clone()
    cp.minimize(relaxed.excess)
    return hours_weight * least_bound(cp, time_limit_s, workers, seed, flat_share, tree=False)


def humane_floor(
    relaxed: KindModel,
    hours_weight: int,
    fair_value: int,
    *,
    weights: tuple[int, int] = (1, 0),
    peaks: Peaks = (),
    time_limit_s: float,
    workers: int,
    seed: int,
    flat_share: float = DEFAULT.floor_flat_share,
) -> int:
    """A proven lower bound on the ``humane`` stage among rotas whose ``fair`` stage is at most
    ``fair_value`` (0 as for :func:`fair_floor`), in the stage's points: ``weights`` are its
    coefficients of a unit of off-hours and of night hours, ``peaks`` the stage's peaks per
    share (:attr:`~rota.solver.objective.Objective.peaks`, :func:`~rota.solver.plan.add_peaks`).
    ``relaxed`` is left as it was."""
    return _humane_floors(
        relaxed,
        hours_weight,
        fair_value,
        weights,
        peaks,
        time_limit_s,
        workers,
        seed,
        flat_share,
    )[1]


def _humane_floors(
    relaxed: KindModel,
    hours_weight: int,
    fair_value: int,
    weights: tuple[int, int],
    peaks: Peaks,
    time_limit_s: float,
    workers: int,
    seed: int,
    flat_share: float,
) -> tuple[int, int]:
    """:func:`humane_floor` of the totals alone, and of the whole stage.

    The totals alone come first (their relaxation is proven in a fraction of the time): the
    peaks' split makes the model larger, and its bound within the time left then starts from
    the totals' least instead of falling below it."""
    begun = time.monotonic()
    cp = relaxed.cp.clone()
    cp.add(relaxed.excess <= fair_value // hours_weight)
    off, night = weights
    totals = off * relaxed.off_hours + night * relaxed.night_hours
    cp.minimize(totals)
    least = least_bound(cp, time_limit_s / 2 if peaks else time_limit_s, workers, seed, flat_share)
    if not peaks:
        return least, least
    cp.add(totals >= least)
    cp.minimize(totals + add_peaks(cp, relaxed, peaks))
    left = time_limit_s - (time.monotonic() - begun)
    return least, max(least, least_bound(cp, max(0.05, left), workers, seed, flat_share))


def least_bound(
    cp: cp_model.CpModel,
    time_limit_s: float,
    workers: int,
    seed: int,
    flat_share: float,
    *,
    tree: bool = True,
) -> int:
    """The objective's proven bound (0 when the search proves nothing in time). CP-SAT's bound
    holds whether or not a solution was found in time (a large relaxation may prove a bound
    before it finds one); an infeasible relaxation proves nothing here. ``tree``: see
    :func:`floor_solver`."""
    solver = floor_solver(time_limit_s, workers, seed, tree=tree)
    with BoundWatch(solver, time_limit_s * flat_share):
        status = solver.solve(cp)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN):
        return 0
    return max(0, integral_bound(solver.best_objective_bound))


class BoundWatch:
    """Stops ``solver``'s search once its proven bound has stayed flat for as long as the
    search took to reach it, and at least ``least_flat_s`` (a floor's ``flat_share`` of its
    time, :attr:`~rota.solver.strategy.Strategy.floor_flat_share`): a floor's bound comes in
    a few steps and then rests however long the search goes on, so the time left goes to
    what follows. While no bound above 0 is proven the search runs to its limit."""

    POLL_S = 0.05

    def __init__(self, solver: cp_model.CpSolver, least_flat_s: float) -> None:
        self._solver = solver
        self._least_flat_s = least_flat_s
        self._done = threading.Event()
        self._rose_s = 0.0  # seconds into the search when the bound last rose above 0
        solver.best_bound_callback = self._rose
        self._watcher = threading.Thread(target=self._watch, daemon=True)

    def _rose(self, bound: float) -> None:
        if bound > 0:
            self._rose_s = time.monotonic() - self._started

    def _watch(self) -> None:
        while not self._done.wait(self.POLL_S):
            rose = self._rose_s
            flat = time.monotonic() - self._started - rose
            if rose > 0 and flat >= max(rose, self._least_flat_s):
                self._solver.stop_search()
                return

    def __enter__(self) -> BoundWatch:
        self._started = time.monotonic()
        self._watcher.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._watcher.join()


def floor_solver(
    time_limit_s: float, workers: int, seed: int, *, tree: bool = True
) -> cp_model.CpSolver:
    """The solver for a floor, where only the proven bound counts: the default worker, one
    presolve pass (which leaves the floor its seconds) and, with ``tree``, a best-bound tree
    search, which raises the bound where the LP's optimum is fractional (``humane``'s
    floors). Without it the other workers search for solutions, which end the solve as soon
    as one reaches the LP's bound (``fair``'s floor of 0, where the bands can all hold)."""
    solver = relaxation_solver(time_limit_s, workers, seed)
    solver.parameters.max_presolve_iterations = 1
    if workers >= 2:  # any further workers search neighbourhoods
        full = ["default_lp", "lb_tree_search"] if tree else ["default_lp"]
        solver.parameters.subsolvers.extend(full)
        solver.parameters.num_full_subsolvers = len(full)
    return solver


def integral_bound(bound: float) -> int:
    """CP-SAT's objective bound as the integer it proves (every objective here is integral).

    >>> integral_bound(35.0000001), integral_bound(35.2)
    (35, 36)
    """
    return math.ceil(bound - 1e-6)


class Floors:
    """The floors of one model's stages, each computed once, when first asked for, on one
    relaxation built for them all (none when the team is one kind or hours weigh nothing).
    ``humane_weights`` and ``peaks``: the ``humane`` stage's coefficients of a unit of
    off-hours and of night hours, and its peaks per share (:func:`humane_floor`);
    ``flat_share``: :class:`BoundWatch`.

    Where a ``humane`` floor's peaks proved nothing beyond its totals (a relaxation too large
    for its half of the time), the later ones leave the peaks out and give the totals all their
    time, which they need there to prove anything."""

    def __init__(
        self,
        m: RotaModel,
        hours_weight: int,
        humane_weights: tuple[int, int] = (1, 0),
        *,
        peaks: Peaks = (),
        workers: int,
        seed: int,
        flat_share: float = DEFAULT.floor_flat_share,
    ) -> None:
        self._m = m
        self._weight = hours_weight
        self._humane_weights = humane_weights
        self._peaks = peaks
        self._workers = workers
        self._seed = seed
        self._flat_share = flat_share
        self._fair: int | None = None
        # By the units of hours excess allowed: computed on the kinds' relaxation, and from
        # member plans (off-hours only, so they never stand in for a computed floor)
        self._humane: dict[int, int] = {}
        self._planned: dict[int, int] = {}
        self._counts_peaks = bool(peaks)  # the peaks' solve raised a floor, or was not tried

    @property
    def counts_peaks(self) -> bool:
        """Whether the next ``humane`` floor searches the peaks per share (see the class)."""
        return self._counts_peaks

    @cached_property
    def _relaxed(self) -> KindModel | None:
        return kind_model(self._m) if self._weight > 0 else None

    def fair(self, time_limit_s: float) -> int:
        if self._fair is None:
            relaxed = self._relaxed
            self._fair = 0
            if relaxed is not None:
                self._fair = fair_floor(
                    relaxed,
                    self._weight,
                    time_limit_s=time_limit_s,
                    workers=self._workers,
                    seed=self._seed,
                    flat_share=self._flat_share,
                )
        return self._fair

    def add_plan(self, plan: MemberPlan) -> None:
        """Count in what a member plan (:mod:`rota.solver.member_plan`, a tighter relaxation
        than the kinds' own) proved: the least hours excess, when proven, and the least
        off-hours at that excess. The larger of it and the kinds' own floor is the floor."""
        if self._weight <= 0:
            return
        if plan.excess_proven:
            self._fair = max(self._fair or 0, self._weight * plan.excess)
        known = self._planned.get(plan.excess, 0)
        self._planned[plan.excess] = max(known, plan.humane_bound)

    def humane(self, fair_value: int, time_limit_s: float | None) -> int:
        """The ``humane`` floor once ``fair`` is locked at ``fair_value``; with
        ``time_limit_s`` None, only from floors already computed (one computed for more
        excess holds too, being lower)."""
        if self._weight <= 0:
            return 0
        allowed = fair_value // self._weight
        if time_limit_s is not None and allowed not in self._humane:
            relaxed = self._relaxed
            self._humane[allowed] = 0
            if relaxed is not None:
                peaks = self._peaks if self._counts_peaks else ()
                totals, floor = _humane_floors(
                    relaxed,
                    self._weight,
                    fair_value,
                    self._humane_weights,
                    peaks,
                    time_limit_s,
                    self._workers,
                    self._seed,
                    self._flat_share,
                )
                self._counts_peaks = self._counts_peaks and floor > totals
                self._humane[allowed] = floor
        known = [*self._humane.items(), *self._planned.items()]
        return max((h for more, h in known if more >= allowed), default=0)
