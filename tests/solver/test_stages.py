"""How a step of the stage search is counted (rota.solver.stages): the floors a stage's gap is
measured against."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from ortools.sat.python import cp_model

from rota.solver import SolveOptions
from rota.solver.objective import Objective, Stage
from rota.solver.search import Reporter
from rota.solver.strategy import Route
from tests.solver.teams import FAST, Case
from tests.solver.test_part_timers import half_timer_with_nights
from tests.solver.test_plan import any_rota, two_zones

stages_module = importlib.import_module("rota.solver.stages")


class Floors:
    """floor_of: ``fair`` 4; ``humane`` 7 once ``fair`` is 5, computed only when asked to."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, int | None, bool]] = []

    def __call__(self, stage: Stage, fair_value: int | None, *, compute: bool = True) -> int:
        self.asked.append((stage.name, fair_value, compute))
        if stage.name == "fair":
            return 4
        return 7 if compute and fair_value == 5 else 0


@pytest.mark.parametrize(("compute", "bound"), [(True, 7), (False, 0)])
def test_the_last_step_measures_humane_against_its_floor_at_fairs_value(
    tmp_path: Path, compute: bool, bound: int
) -> None:
    # Stages searched together end with fair 5 (floor 4) and humane 10, neither proven.
    # humane's floor was known only at fair's floor; at fair 5 it is 7, which bounds humane
    # (a gap of 30 %), where without it nothing does (0: a gap of 100 %).
    m, objective, solution = any_rota(Case(tmp_path, two_zones(["a", "b"], ["c"])))
    floors = Floors()
    route = Route(large=True, together=True, member_plan=False, windowed=False)
    search = stages_module._StageSearch(
        m, objective, floors, None, route, FAST, Reporter(None, 0.0), solution
    )
    result = stages_module._StepResult(solution, [5, 10], [0, 0], optimal=False)

    search.settle(tuple(objective.stages), result, compute=compute)

    assert search.searched.bounds == {"fair": 4, "humane": bound}
    assert not search.searched.all_optimal
    assert ("humane", 5, compute) in floors.asked


def test_a_step_capped_by_humane_counts_its_true_excesses(tmp_path: Path) -> None:
    # After rolling windows ``fair`` is searched with ``humane`` capped; the cap holds the
    # peaks' ``most`` exact from then on, so ``fair`` cannot raise a part-timer's excess
    # unseen. A step without a cap leaves them as they are.
    m, objective, solution = any_rota(half_timer_with_nights(tmp_path))
    fair, humane = objective.stages
    route = Route(large=False, together=False, member_plan=False, windowed=False)

    def no_floor(stage: Stage, fair_value: int | None, *, compute: bool = True) -> int:
        return 0

    for capped, exact in [(None, False), (humane, True)]:
        search = stages_module._StageSearch(
            m, objective, no_floor, capped, route, FAST, Reporter(None, 0.0), solution
        )
        search.step((fair,), 1.0, last=False)
        assert objective.exact_peaks is exact


class ScriptedSearch:
    """A stage search whose steps end at scripted ``fair`` values, none proven above its
    floor of 0 (the rota of a step is ``[value]``); it records the rota each step starts
    from (the rota so far, as :class:`~rota.solver.stages._StageSearch`)."""

    def __init__(self, first: int, ends: list[int]) -> None:
        self.searched = stages_module.Searched([first])
        self.objective = Objective()  # no penalty variables: a rota is complete as it is
        self.ends = ends
        self.starts: list[list[int]] = []

    def step(self, step: tuple[Stage, ...], time_limit_s: float, *, last: bool) -> Any:
        self.starts.append(self.searched.solution)
        value = self.ends.pop(0)
        return stages_module._StepResult([value], [value], [0], optimal=False)


class Fair:
    name = "fair"

    def value(self, solution: list[int]) -> int:
        return solution[0]


@pytest.mark.parametrize(
    ("ends", "proven", "starts"),
    [
        ([0], True, [[30]]),  # proven in the first round
        ([9, 0], True, [[30], [9]]),  # lowered, then proven from the lowered rota
        ([9, 4, 0], True, [[30], [9], [4]]),
        ([9, 9], False, [[30], [9]]),  # a round that lowers nothing ends the trial
        ([9, 12], False, [[30], [9]]),
        ([30], False, [[30]]),
    ],
)
def test_the_trial_goes_on_while_each_round_lowers_the_stage(
    ends: list[int], proven: bool, starts: list[list[int]]
) -> None:
    # fair starts at 30 with a floor of 0: each round searches from the last round's rota,
    # and the lowest rota reached is left as the rota so far.
    search = ScriptedSearch(30, list(ends))

    trial = stages_module._trial(search, Fair(), lambda: 1.0)

    assert (trial is not None) == proven
    assert search.starts == starts
    if trial is not None:
        assert trial.values == [0]
    assert search.searched.solution == starts[-1]


def test_a_weekly_rotation_across_a_dst_change_is_proven_fair(tmp_path: Path) -> None:
    # 18 lumpy members, two roles, 12 weeks over the US change of 2027-03-14: two shifts
    # last 167 h, the others 168 h, so loads count in hours. Eight members' hours bands
    # need two weeks and ten need one: 26 member-weeks wanted of 24, so some band is
    # missed in every rota. CP-SAT's default worker (level-1 LP) kept fair's bound at 0
    # (gap 100 %); the level-2 LP worker every stage gets proves the least miss at once.
    doc = yaml.safe_load((Path(__file__).parents[1] / "data/dst_weekly_lumpy.yaml").read_text())
    case = Case(tmp_path, doc)

    result = case.solve(options=SolveOptions(time_limit_s=30.0, workers=2, seed=0))

    assert result.status == "optimal"
    assert result.gap == 0.0
    assert case.violations(result.schedule) == []


@pytest.mark.parametrize(
    ("bound", "settled", "rescored", "gap"),
    [
        (8, 8, 10, 0.2),  # proven at 8, then traded up to 10 for the part-timers' rule
        (8, 10, 9, 1 / 9),  # 20 % open, then lowered to 9: the gap is the rota's, 1/9
    ],
)
def test_a_rescored_stage_has_the_gap_of_the_rota_it_ends_with(
    bound: int, settled: int, rescored: int, gap: float
) -> None:
    cp = cp_model.CpModel()
    load = cp.new_int_var(0, 20, "load")
    humane = Stage("humane", ((load, 1),), minutes=1.0)
    searched = stages_module.Searched([settled], bounds={"humane": bound})
    searched.all_optimal = settled == bound

    searched.rescore(humane, [rescored])

    assert searched.gaps([humane]) == {"humane": pytest.approx(gap)}
    assert not searched.all_optimal
    assert searched.done == rescored - settled
