"""Proven stage floors from the relaxation over kinds of member (rota.solver.bounds).

The teams are those of test_plan.py: two zones split a day of four 6-hour UTC shifts, two in
each zone's working window; one week, 28 shifts of one role. Every amount is a whole shift,
so the load unit is 6 hours and one shift counts 1.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from rota.solver.bounds import BoundWatch, Floors, fair_floor, humane_floor
from rota.solver.objective import build_objective, prepare
from rota.solver.plan import KindModel, kind_model
from rota.solver.strategy import Strategy
from tests.solver.teams import Case
from tests.solver.test_plan import any_rota, half_timer_d, model_of, two_zones


def relaxation(case: Case) -> KindModel:
    relaxed = kind_model(model_of(case))
    assert relaxed is not None
    return relaxed


QUICK: dict[str, Any] = {"time_limit_s": 5.0, "workers": 2, "seed": 0}


def test_zones_that_cover_the_day_have_no_floor(tmp_path: Path) -> None:
    # Two members per zone, 7 shifts each, all in their hours.
    relaxed = relaxation(Case(tmp_path, two_zones(["a", "b"], ["c", "d"])))
    assert fair_floor(relaxed, 1, **QUICK) == 0
    assert humane_floor(relaxed, 1, 0, **QUICK) == 0


def test_a_short_zone_leaves_the_other_zone_its_off_hours(tmp_path: Path) -> None:
    # c alone in Los Angeles holds 7 of its zone's 14 shifts (the fair share of 28 among
    # four); the other 7 go to Warsaw outside its hours. c holding 8 puts c one shift over
    # the band and Warsaw one under: two units of excess, a fair value of 4 at weight 2 (3
    # allows one unit, which buys nothing).
    relaxed = relaxation(Case(tmp_path, two_zones(["a", "b", "d"], ["c"])))
    assert fair_floor(relaxed, 1, **QUICK) == 0
    assert humane_floor(relaxed, 1, 0, **QUICK) == 7
    assert humane_floor(relaxed, 2, 3, **QUICK) == 7
    assert humane_floor(relaxed, 2, 4, **QUICK) == 6


def test_shares_no_whole_number_of_shifts_fits_leave_no_fair_floor(tmp_path: Path) -> None:
    # Three equal shares of 28 shifts: 9 1/3 each. A band of +-3 h around 56 h would hold 9
    # shifts only, and the 28th would be excess in every rota; each band holds 9 or 10.
    relaxed = relaxation(Case(tmp_path, two_zones(["a", "b"], ["c"])))
    assert fair_floor(relaxed, 1, **QUICK) == 0


def test_zones_that_must_hold_their_own_shifts_leave_a_fair_floor(tmp_path: Path) -> None:
    # Off-hours forbidden: c and d hold Los Angeles's 14 shifts, 7 each, where the share of
    # 28 among five is 5.6 (a band of 5 or 6): one unit over each. a, b and e hold Warsaw's
    # 14, so one of them holds 4: one unit under. Weighed ``hours_weight``.
    doc = two_zones(["a", "b", "e"], ["c", "d"], rotation={"off_hours": "forbid"})
    relaxed = relaxation(Case(tmp_path, doc))
    assert fair_floor(relaxed, 1, **QUICK) == 3
    assert fair_floor(relaxed, 2, **QUICK) == 6


def test_floors_never_exceed_what_a_valid_rota_scores(tmp_path: Path) -> None:
    # Any rota of the hard rules: its fair value is at least the fair floor, and its
    # off-hours at least the humane floor for that fair value.
    case = Case(tmp_path, two_zones(["a", "b"], ["c"], rest={"after_weekend": False}))
    m, objective, solution = any_rota(case)
    fair, humane = objective.stages
    weights = (objective.off_hours_weight, objective.night_weight)
    floors = Floors(m, objective.hours_weight, weights, peaks=objective.peaks, workers=2, seed=0)
    assert floors.fair(5.0) == 0  # see above
    assert fair.value(solution) >= floors.fair(5.0)
    assert humane.value(solution) >= floors.humane(fair.value(solution), 5.0)
    assert floors.humane(fair.value(solution), None) == floors.humane(fair.value(solution), 5.0)


def test_the_humane_floor_counts_night_hours_as_the_stage_weighs_them(tmp_path: Path) -> None:
    # Warsaw's a, b and d hold the shifts c cannot, outside their hours, and some of those
    # run into Warsaw's night: with night avoided (the default) the stage weighs both, and
    # so does its floor, which stays below the stage's optimum.
    m = model_of(Case(tmp_path, two_zones(["a", "b", "d"], ["c"], rest={"after_weekend": False})))
    prepare(m)
    objective = build_objective(m)
    fair, humane = objective.stages
    m.cp.minimize(fair.expr())
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10.0
    assert solver.solve(m.cp) == cp_model.OPTIMAL
    fair.lock(m.cp, list(solver.response_proto.solution))
    m.cp.minimize(humane.expr())
    assert solver.solve(m.cp) == cp_model.OPTIMAL
    solution = objective.complete(list(solver.response_proto.solution))
    assert objective.night_weight > 0
    off_only = (objective.off_hours_weight, 0)
    both = (objective.off_hours_weight, objective.night_weight)
    value = fair.value(solution)
    least_off = Floors(m, objective.hours_weight, off_only, workers=2, seed=0).humane(value, 5.0)
    least = Floors(m, objective.hours_weight, both, workers=2, seed=0).humane(value, 5.0)
    assert 0 < least_off < least <= humane.value(solution)


def test_the_humane_floor_counts_the_peak_per_share_in_whole_shifts(tmp_path: Path) -> None:
    # d works half time, so Warsaw (a, b 100, d 50) holds 6 shifts outside its hours (see
    # test_member_plan). Split by share they are 2.4, 2.4 and 1.2; in whole shifts the
    # least peak per full share is 3 (a 3, b 2, d 1), on top of the 6.
    m = model_of(Case(tmp_path, half_timer_d()))
    prepare(m)
    objective = build_objective(m)
    relaxed = kind_model(m)
    assert relaxed is not None
    assert humane_floor(relaxed, 1, 0, **QUICK) == 6
    peaks = objective.peaks
    assert humane_floor(relaxed, 1, 0, peaks=peaks, **QUICK) == 9
    floors = Floors(m, 1, (1, 0), peaks=peaks, workers=2, seed=0)
    assert floors.humane(0, 5.0) == 9
    assert floors.counts_peaks


def test_a_floor_whose_peaks_prove_no_more_leaves_them_out_of_later_floors(
    tmp_path: Path,
) -> None:
    # With every band free (a fair value far above any rota's), Warsaw holds the 14 shifts
    # inside its hours and c the other 14: no off-hours, so the peaks add nothing to the
    # totals' 0. The floor at fair 0 is then the totals' 6 (see above), not 9.
    m = model_of(Case(tmp_path, half_timer_d()))
    prepare(m)
    objective = build_objective(m)
    floors = Floors(m, 1, (1, 0), peaks=objective.peaks, workers=2, seed=0)
    assert floors.counts_peaks
    assert floors.humane(1000, 5.0) == 0
    assert not floors.counts_peaks
    assert floors.humane(0, 5.0) == 6


def test_a_stage_floor_gets_a_share_of_the_limit_and_at_most_half_the_time_left() -> None:
    strategy = Strategy(stage_floor_share=0.05, stage_floor_left_share=0.5)
    assert strategy.stage_floor_s(60.0, 50.0) == 3.0
    assert strategy.stage_floor_s(300.0, 250.0) == 15.0
    assert strategy.stage_floor_s(300.0, 10.0) == 5.0  # late in the solve: half what is left


def test_a_proven_floor_gets_a_share_of_the_limit_at_most_its_cap_and_a_quarter_left() -> None:
    strategy = Strategy(floor_share=0.02, floor_max_s=3.0)
    assert strategy.floor_s(60.0, 58.0) == 1.2
    assert strategy.floor_s(300.0, 290.0) == 3.0  # capped
    assert strategy.floor_s(300.0, 4.0) == 1.0  # late in the solve: a quarter of what is left


class FakeSolver:
    """What :class:`BoundWatch` uses of a CP-SAT solver: the bound callback and a stop."""

    def __init__(self) -> None:
        self.best_bound_callback: Any = None
        self.stopped = threading.Event()

    def stop_search(self) -> None:
        self.stopped.set()


def test_a_floor_search_stops_once_its_bound_stays_flat_as_long_as_it_took_to_come() -> None:
    solver = FakeSolver()
    with BoundWatch(solver, 0.0):  # type: ignore[arg-type]
        started = time.monotonic()
        solver.best_bound_callback(0.0)  # no bound yet: the search goes on
        assert not solver.stopped.wait(0.3)
        solver.best_bound_callback(7.0)
        rose = time.monotonic() - started
        assert solver.stopped.wait(10.0)
        assert time.monotonic() - started >= 2 * rose - BoundWatch.POLL_S


def test_a_floor_search_whose_bound_keeps_rising_is_not_stopped() -> None:
    solver = FakeSolver()
    with BoundWatch(solver, 0.3):  # type: ignore[arg-type]
        for bound in range(1, 6):  # each rise within 0.3 s of the one before
            solver.best_bound_callback(float(bound))
            time.sleep(0.1)
        assert not solver.stopped.is_set()
        assert solver.stopped.wait(10.0)  # then flat: stopped
