"""``rota advise``: each rule family bends on a small team made to need it, and every
suggestion shown as verified gives a rota when its changes are applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from rota.advice.advise import Advice, AdviceOptions, advise
from rota.advice.changes import AddMember, SetValue
from rota.advice.verify import solve_changed
from rota.solver import SolveOptions
from rota.yamlfile import parse_yaml, read_yaml
from tests.advice.teams import BY_FAMILY, ONE_REASON

EXAMPLES = Path(__file__).parents[2] / "configs"


@pytest.fixture(scope="module")
def advice() -> dict[str, Advice]:
    return {
        path: advise(parse_yaml(text, "t.yaml"), AdviceOptions(time_limit_s=20))
        for path, text in BY_FAMILY.items()
    }


@pytest.mark.parametrize("path", list(BY_FAMILY))
def test_the_family_that_binds_is_bent(advice: dict[str, Advice], path: str) -> None:
    found = advice[path]
    assert not found.feasible
    assert found.exit_code == 0
    changed = {
        c.path
        for s in found.suggestions
        if s.verified
        for c in s.changes
        if isinstance(c, SetValue)
    }
    assert path in changed


@pytest.mark.parametrize("path", list(BY_FAMILY))
def test_the_first_suggestion_gives_a_rota(advice: dict[str, Advice], path: str) -> None:
    first = advice[path].suggestions[0]
    assert first.verified
    assert first.figures is not None
    outcome = solve_changed(parse_yaml(BY_FAMILY[path], "t.yaml"), first.changes, SolveOptions(10))
    assert outcome.figures is not None


def test_every_family_and_a_new_member_are_suggested(advice: dict[str, Advice]) -> None:
    paths = set()
    added = False
    for found in advice.values():
        for suggestion in found.suggestions:
            for change in suggestion.changes:
                if isinstance(change, SetValue):
                    paths.add(change.path)
                added = added or isinstance(change, AddMember)
    assert added
    assert {
        "rotation.off_hours",
        "weekends.per_weeks",
        "rest.after_weekend",
        "rest.after_night",
        "rest.min_hours",
        "rest.max_block_hours",
        "limits.max_hours_per_week",
    } <= paths


def test_a_team_with_a_rota_is_feasible_and_offers_only_cuts() -> None:
    found = advise(read_yaml(EXAMPLES / "startup-daily.yaml"), AdviceOptions(time_limit_s=20))
    assert found.feasible
    assert found.exit_code == 0
    assert found.current is not None
    base = found.current.off_hours + found.current.night_hours
    for suggestion in found.suggestions:
        assert suggestion.figures is not None
        assert suggestion.figures.off_hours + suggestion.figures.night_hours < base


def test_sre_9_goes_from_cannot_fit_to_a_rota_through_advise() -> None:
    doc = read_yaml(EXAMPLES / "cannot-fit" / "sre-9.yaml")
    found = advise(doc, AdviceOptions(time_limit_s=60))
    assert not found.feasible
    first = found.suggestions[0]
    assert first.verified
    assert solve_changed(doc, first.changes, SolveOptions(20)).figures is not None


# The off-hours team needs two parts: everyone works the weekend, so Monday off must go too.
@pytest.mark.parametrize("path", [p for p in BY_FAMILY if p != "rotation.off_hours"])
def test_the_first_suggestion_bends_one_part_and_the_family_alone_is_offered(
    advice: dict[str, Advice], path: str
) -> None:
    found = advice[path]
    first = found.suggestions[0]
    assert first.bent == 1
    set_paths = {c.path for c in first.changes if isinstance(c, SetValue)}
    zones = {c.member["timezone"] for c in first.changes if isinstance(c, AddMember)}
    assert len(set_paths) + len(zones) == 1
    alone = [
        s
        for s in found.suggestions
        if s.verified and [c.path for c in s.changes if isinstance(c, SetValue)] == [path]
    ]
    assert alone
    assert all(len(s.changes) == 1 for s in alone)


@pytest.mark.parametrize("path", ONE_REASON)
def test_a_team_with_one_reason_first_bends_that_family_alone(
    advice: dict[str, Advice], path: str
) -> None:
    first = advice[path].suggestions[0]
    assert first.verified
    assert [c.path for c in first.changes if isinstance(c, SetValue)] == [path]
    assert len(first.changes) == 1


def test_a_looser_weekend_limit_says_where_it_is_needed(advice: dict[str, Advice]) -> None:
    # Its only change: any rota of the changed team breaks the old limit somewhere (else the
    # team as it is would have one), and everyone of this team is in Berlin.
    alone = [
        s
        for s in advice["weekends.per_weeks"].suggestions
        if s.verified
        and [c.path for c in s.changes if isinstance(c, SetValue)] == ["weekends.per_weeks"]
    ]
    assert alone
    for suggestion in alone:
        assert ", needed in Europe/Berlin (" in suggestion.summary
        assert "extra member-weekend" in suggestion.summary
