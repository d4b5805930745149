"""Applying changes to a team file: the function advise, whatif and the tests share."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rota.advice.changes import (
    AddMember,
    SetValue,
    apply_changes,
    change_from_json,
    parse_member,
    parse_set,
)
from rota.errors import ConfigError, UsageError
from rota.yamlfile import parse_yaml
from tests.advice.teams import BY_FAMILY

TEAM = BY_FAMILY["limits.max_hours_per_week"]


def test_set_values_and_add_a_member() -> None:
    doc = parse_yaml(TEAM, "t.yaml")
    cfg = apply_changes(
        doc,
        [
            parse_set("weekends.per_weeks=2"),
            parse_set("members[1].fte=0.5"),
            parse_set("limits.max_hours_per_week=null"),
            parse_member("{id: dee, timezone: Asia/Kolkata}"),
        ],
    )
    assert cfg.weekends.per_weeks == 2
    assert cfg.members[1].fte == 0.5
    assert cfg.limits.max_hours_per_week is None
    assert [m.id for m in cfg.members] == ["ann", "bob", "cy", "dee"]
    assert doc.data["members"][1].get("fte") is None  # the document itself is unchanged


def test_json_changes_round_trip() -> None:
    for change in (
        SetValue("rest.after_weekend", False),
        AddMember({"id": "x", "timezone": "UTC"}),
    ):
        assert change_from_json(change.as_json()) == change


def test_a_bad_value_names_its_path() -> None:
    with pytest.raises(ConfigError, match=r"weekends\.per_weeks"):
        apply_changes(parse_yaml(TEAM, "t.yaml"), [parse_set("weekends.per_weeks=0")])


def test_an_unknown_key_names_its_path() -> None:
    with pytest.raises(ConfigError, match=r"rest\.nap_hours"):
        apply_changes(parse_yaml(TEAM, "t.yaml"), [parse_set("rest.nap_hours=2")])


@pytest.mark.parametrize("text", ["members[9].fte=1", "weekends..max=1", "no-equals"])
def test_a_bad_path_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError):
        apply_changes(parse_yaml(TEAM, "t.yaml"), [parse_set(text)])


@given(st.integers(1, 52), st.integers(1, 52), st.floats(0, 168).map(lambda h: round(h * 4) / 4))
def test_set_values_read_back(per_weeks: int, most: int, rest: float) -> None:
    doc = parse_yaml(TEAM, "t.yaml")
    changes = [SetValue("weekends.per_weeks", per_weeks), SetValue("weekends.max", most)]
    changes.append(SetValue("rest.min_hours", rest))
    if most > per_weeks:
        with pytest.raises(ConfigError, match=r"weekends"):
            apply_changes(doc, changes)
        return
    cfg = apply_changes(doc, changes)
    assert (cfg.weekends.per_weeks, cfg.weekends.max, cfg.rest.min_hours) == (
        per_weeks,
        most,
        rest,
    )
