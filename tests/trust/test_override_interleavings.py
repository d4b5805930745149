"""Paging invariants after any interleaving of solves, override writes and removals.

A solve is modelled as it runs: it reads the team's revision and plans (here: round-robin on one
of several versions of the team file, some without a member, with a member away, with a role
fewer), and commits later, after other operations may have landed. Overrides are added through
the checked path (``add_checked_overrides``) and also raw, as if validated against a schedule
that is no longer current. After every step, for every piece of the effective schedule:

* every role of the team file has exactly one holder, and nobody holds two roles;
* every holder is a member of the team file and is not away then;
* every stored override (not removed) is either applied or suspended, never both;
* every escalation level that targets a role pages somebody ("nobody available" only when true).

A solve commits if and only if the team did not change since it read it.
"""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rota.config import config_from_document
from rota.errors import ConcurrentChange, UsageError
from rota.horizon import build_grid
from rota.model import Override
from rota.oncall import resolve_oncall
from rota.service import TeamState, add_checked_overrides, load_team_state
from rota.solver.roundrobin import round_robin
from rota.store import Store
from rota.team import team_from_config
from rota.yamlfile import YamlDocument
from tests.trust.strategies import team_yaml

MEMBERS = ("ana", "ben", "cho", "dev", "eli")
START = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # the first handoff (09:00 Berlin)


def _base() -> dict[str, Any]:
    return {
        "team": {"id": "x", "timezone": "Europe/Berlin"},
        "horizon": {"start": "2026-12-07", "weeks": 1},
        "rotation": {"kind": "daily", "roles": ["primary", "secondary"], "handoff": "09:00"},
        "members": [
            {
                "id": m,
                "timezone": "Europe/Berlin",
                "working_hours": {"start": "00:00", "end": "24:00"},
            }
            for m in MEMBERS
        ],
    }


def _variants() -> list[dict[str, Any]]:
    """The team file as it may be re-solved: as is, ben gone, cho away, dev secondary only,
    one role fewer."""
    base = _base()
    ben_gone = copy.deepcopy(base)
    ben_gone["members"] = [m for m in ben_gone["members"] if m["id"] != "ben"]
    cho_away = copy.deepcopy(base)
    cho_away["members"][2]["unavailable"] = [
        {"start": "2026-12-08", "end": "2026-12-10", "reason": "vacation"}
    ]
    dev_secondary = copy.deepcopy(base)
    dev_secondary["members"][3]["roles"] = ["secondary"]
    one_role = copy.deepcopy(base)
    one_role["rotation"]["roles"] = ["primary"]
    return [base, ben_gone, cho_away, dev_secondary, one_role]


VARIANTS = _variants()
_ids = itertools.count()


@dataclass
class Pending:
    """A solve that has read the team and planned, not yet committed."""

    revision: tuple[object, ...]
    variant: int


def _document(team_id: str, variant: int) -> dict[str, Any]:
    doc = copy.deepcopy(VARIANTS[variant])
    doc["team"]["id"] = team_id
    return doc


def _commit(store: Store, team_id: str, variant: int, revision: tuple[object, ...]) -> None:
    doc = _document(team_id, variant)
    team = team_from_config(config_from_document(YamlDocument(file="x.yaml", data=doc)))
    store.save_schedule(
        round_robin(team, build_grid(team)),
        config_text=team_yaml(doc),
        config_name="x.yaml",
        expected_revision=revision,
    )


def _check(store: Store, team_id: str) -> TeamState:
    state = load_team_state(store, team_id)
    team, index = state.team, state.index
    members = {m.id: m for m in team.members}
    stored = {o.id for o in store.list_overrides(team_id)}
    active = {o.id for o in state.overrides}
    suspended = {s.override.id for s in state.suspended}
    assert active | suspended == stored
    assert not active & suspended
    for position, piece in enumerate(index.shifts):
        holders = list(piece.assignments.values())
        assert sorted(piece.assignments) == sorted(team.roles)
        assert len(set(holders)) == len(holders), f"one member in two roles: {piece}"
        for role, holder in piece.assignments.items():
            member = members.get(holder)
            assert member is not None, f"{holder} holds {role} but is not in the team"
            assert role in member.roles
            assert member.unavailable_during(piece.start, piece.end) is None, (
                f"{holder} holds {role} {piece.start}..{piece.end} while away"
            )
        in_force = index.overrides_at_position(position)
        assert {o.id for o in in_force.values()} <= active
        answer = resolve_oncall(team, index, piece.start)
        for level, configured in zip(
            answer.levels, team.config.escalation_levels(None), strict=True
        ):
            if any(target in team.roles for target in configured.targets):
                assert level.members, f"nobody paged at level {level.number} at {piece.start}"
    return state


step = st.one_of(
    st.tuples(st.just("start"), st.integers(0, len(VARIANTS) - 1)),
    st.tuples(st.just("commit"), st.integers(0, 3)),
    st.tuples(
        st.just("add"),
        st.sampled_from([*MEMBERS, "zed"]),
        st.sampled_from(["primary", "secondary"]),
        st.integers(0, 6 * 24),
        st.integers(1, 36),
        st.booleans(),
    ),
    st.tuples(st.just("remove"), st.integers(0, 5)),
)


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store.open(f"sqlite:///{tmp_path_factory.mktemp('interleave') / 'rota.db'}") as opened:
        yield opened


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_invariants_hold_after_any_interleaving(
    shared_store: Store, steps: list[tuple[Any, ...]]
) -> None:
    store, team_id = shared_store, f"t{next(_ids)}"
    _commit(store, team_id, 0, store.revision(team_id, missing_ok=True))
    pending: list[Pending] = []
    added: list[int] = []
    for action, *args in steps:
        if action == "start":
            pending.append(Pending(store.revision(team_id), args[0]))
        elif action == "commit" and pending:
            solve = pending.pop(args[0] % len(pending))
            versions = len(store.list_versions(team_id))
            unchanged = store.revision(team_id) == solve.revision
            try:
                _commit(store, team_id, solve.variant, solve.revision)
            except ConcurrentChange:
                assert not unchanged
                assert len(store.list_versions(team_id)) == versions
            else:
                assert unchanged
        elif action == "add":
            member, role, hour, length, checked = args
            start = START + timedelta(hours=hour)
            new = Override(team_id, role, member, start, start + timedelta(hours=length))
            try:
                if checked:
                    stored = add_checked_overrides(store, team_id, [new], created_by="test")
                else:
                    stored = store.add_overrides(team_id, [new], created_by="stale check")
            except UsageError:
                continue
            added.extend(o.id for o in stored if o.id is not None)
        elif action == "remove" and added:
            store.remove_override(team_id, added[args[0] % len(added)])
        _check(store, team_id)


def test_a_write_planned_around_a_stale_revision_stores_nothing(url: str) -> None:
    """On SQLite and PostgreSQL: a solve or override write refuses once the team moved on."""
    with Store.open(url) as store:
        _commit(store, "x", 0, store.revision("x", missing_ok=True))
        before = store.revision("x")
        _commit(store, "x", 1, before)  # a re-solve lands
        with pytest.raises(ConcurrentChange, match="new schedule version"):
            store.add_override(
                "x",
                role="primary",
                member_id="ben",
                start=START,
                end=START + timedelta(hours=2),
                expected_revision=before,
            )
        assert store.list_overrides("x") == []
        now = store.revision("x")
        store.add_override(
            "x", role="primary", member_id="cho", start=START, end=START + timedelta(hours=2)
        )
        with pytest.raises(ConcurrentChange, match="overrides added or removed"):
            _commit(store, "x", 2, now)  # a second solve from the same base
        assert [v.version for v in store.list_versions("x")] == [1, 2]


def test_two_solves_from_one_base_at_once_store_one_version(url: str) -> None:
    """Both plan around version 1 and commit in parallel threads: exactly one lands."""
    with Store.open(url) as store:
        _commit(store, "x", 0, store.revision("x", missing_ok=True))
        base = store.revision("x")
        outcomes: list[str] = []

        def commit(variant: int) -> None:
            try:
                _commit(store, "x", variant, base)
                outcomes.append("stored")
            except ConcurrentChange:
                outcomes.append("refused")

        threads = [threading.Thread(target=commit, args=(v,)) for v in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["refused", "stored"]
        assert [v.version for v in store.list_versions("x")] == [1, 2]
