"""The order ``rota advise`` shows verified suggestions in, and how a failed verification is
told apart (out of time or proven impossible) by the solver's exception type."""

from __future__ import annotations

import pytest

from rota.advice import verify
from rota.advice.advise import Suggestion, rank
from rota.advice.changes import AddMember, SetValue
from rota.advice.figures import Figures
from rota.errors import InfeasibleRotaError, RotaNotFoundInTime
from rota.solver import SolveOptions
from rota.yamlfile import parse_yaml
from tests.advice.teams import BY_FAMILY


def _figures(off: float, night: float, hours_spread: float = 0) -> Figures:
    return Figures(off, night, 0, 0, hours_spread, 0, 0, 0, {})


def _suggestion(path: str, value: object, cost: int, figures: Figures, bent: int = 1) -> Suggestion:
    return Suggestion(path, (SetValue(path, value),), True, figures, cost, bent)


def test_the_humane_single_change_comes_before_the_cheaper_one() -> None:
    no_rest = _suggestion("rest.min_hours", 0, 4, _figures(off=40, night=24))
    weekends = _suggestion("weekends.per_weeks", 2, 6, _figures(off=0, night=8))
    two_families = _suggestion("limits.max_hours_per_week", None, 8, _figures(0, 0), bent=2)
    ranked = sorted([two_families, no_rest, weekends], key=rank)
    assert ranked == [weekends, no_rest, two_families]


def test_equal_night_and_off_hours_go_by_spread_then_cost() -> None:
    even = _suggestion("a", 1, 10, _figures(4, 4, hours_spread=2))
    uneven = _suggestion("b", 1, 4, _figures(8, 0, hours_spread=9))
    cheap = _suggestion("c", 1, 2, _figures(0, 8, hours_spread=2))
    assert sorted([uneven, even, cheap], key=rank) == [cheap, even, uneven]


@pytest.mark.parametrize(
    ("error", "timed_out"),
    [
        (RotaNotFoundInTime("no rota yet"), True),
        # The text alone no longer decides: a proof that mentions the time is still a proof.
        (InfeasibleRotaError("no rota: proven within the time limit of 5 s"), False),
    ],
)
def test_verify_tells_out_of_time_from_impossible_by_type(
    monkeypatch: pytest.MonkeyPatch, error: InfeasibleRotaError, timed_out: bool
) -> None:
    def failing(*_: object, **__: object) -> None:
        raise error

    monkeypatch.setattr(verify, "solve", failing)
    doc = parse_yaml(BY_FAMILY["rest.min_hours"], "t.yaml")
    outcome = verify.solve_changed(doc, [], SolveOptions(1))
    assert outcome.figures is None
    assert outcome.timed_out is timed_out


def test_a_proven_impossible_team_is_not_out_of_time() -> None:
    doc = parse_yaml(BY_FAMILY["weekends.per_weeks"], "t.yaml")
    outcome = verify.solve_changed(doc, [], SolveOptions(20))
    assert outcome.figures is None
    assert not outcome.timed_out


def test_a_rule_change_comes_before_a_hire_that_bends_as_few_parts() -> None:
    rule = _suggestion("rest.after_weekend", False, 4, _figures(off=30, night=10))
    member = {"id": "new-1", "timezone": "Europe/Berlin"}
    hire = Suggestion("add", (AddMember(member),), True, _figures(0, 0), 12, 1)
    assert sorted([hire, rule], key=rank) == [rule, hire]


def test_each_member_added_is_a_part_of_its_own() -> None:
    from rota.advice.families import FAMILIES
    from rota.advice.newcomers import Profile
    from rota.advice.relaxed import Bend, Proposal

    weekends = next(f for f in FAMILIES if f.path == "weekends.per_weeks")
    monday = next(f for f in FAMILIES if f.path == "rest.after_weekend")
    kolkata = Profile("Asia/Kolkata", "09:00", "17:00", "IN", None, 2)
    hires = tuple({"id": f"new-kolkata-{n}", "timezone": "Asia/Kolkata"} for n in (1, 2, 3))
    two_rules = Proposal((Bend(weekends, 2, 1), Bend(monday, False, 1)), (), cost=9)
    three_hires = Proposal((), ((kolkata, hires),), cost=6)
    assert two_rules.parts == 2
    assert three_hires.parts == 3  # one zone, three people: three parts, not one
    assert len(three_hires.changes()) == 3
