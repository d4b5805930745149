"""Contacts: people outside the rotation (a manager) that escalation pages but nobody schedules.

The team below is small enough to check by hand: four members share one daily ``primary``
role; the chain is primary, then ann, then the manager ``mgr`` (a contact) at level 3. The
manager is at a conference on Thursday 25 and Friday 26 March 2027 (Warsaw, UTC+1 until the
28th), so from 2027-03-24T23:00Z to 2027-03-26T23:00Z.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.schemas import OnCallPublic
from api.settings import Settings
from rota.errors import ConfigError
from rota.store import Store
from tests.ops_team import NOW, TEAM_FILE, make_key, ops_schedule
from tests.test_cli import run
from tests.test_config import load, problems_of, team_yaml
from tests.web.conftest import page_app

TEAM_WITH_MANAGER = """\
team: {id: tiny, timezone: Europe/Warsaw}
horizon: {start: 2027-03-22, weeks: 1}
rotation: {kind: daily, roles: [primary], handoff: "09:00"}
weekends: {split: whole, max: 1, per_weeks: 1}
escalation:
  levels:
    - {targets: [primary]}
    - {targets: [ann]}
    - {targets: [mgr], ack_timeout_minutes: 15}
members:
  - {id: ann, timezone: Europe/Warsaw}
  - {id: bob, timezone: Europe/Warsaw}
  - {id: cat, timezone: Europe/Warsaw}
  - {id: dan, timezone: Europe/Warsaw}
contacts:
  - id: mgr
    name: Mia Manager
    email: mia@example.com
    timezone: Europe/Warsaw
    phone: "+48 601 234 567"
    unavailable:
      - {start: 2027-03-25, end: 2027-03-26, reason: conference}
"""

MANAGER = {
    "id": "mgr",
    "name": "Mia Manager",
    "email": "mia@example.com",
    "timezone": "Europe/Warsaw",
    "via": "contact",
    "phone": "+48 601 234 567",
}

CONTACT = "\n  - {id: mgr, name: Mia, email: mia@example.com, timezone: Europe/Warsaw}"


# --- the team file ----------------------------------------------------------------------------


def test_a_contact_is_an_escalation_target_at_any_level_and_severity() -> None:
    cfg = load(
        team_yaml(
            contacts=CONTACT,
            escalation="{levels: [{targets: primary}, {targets: [mgr]}], "
            "severities: {outage: [{targets: [mgr, alice]}]}}",
        )
    )
    assert [c.id for c in cfg.contacts] == ["mgr"]
    assert [m.id for m in cfg.members] == ["alice", "bob"]


def test_contacts_are_optional() -> None:
    assert load(team_yaml()).contacts == []
    assert load(team_yaml(contacts="")).contacts == []


@pytest.mark.parametrize(
    ("contacts", "expected"),
    [
        (
            "\n  - {id: mgr, email: mia@example.com, timezone: UTC}",
            r"team\.yaml: contacts\[0\]\.name: .*missing",
        ),
        (
            "\n  - {id: mgr, name: Mia, timezone: UTC}",
            r"team\.yaml: contacts\[0\]\.email: .*missing",
        ),
        (
            "\n  - {id: mgr, name: Mia, email: mia@example.com, timezone: UTC, phone: call me}",
            r"contacts\[0\]\.phone: not a phone number .*Got value: 'call me'",
        ),
        (
            "\n  - {id: mgr, name: Mia, email: mia@example.com, timezone: UTC, roles: [primary]}",
            r"contacts\[0\]\.roles: unknown key",
        ),
        (
            "\n  - {id: mgr, name: Mia, email: mia@example.com, timezone: UTC,"
            " unavailable: [{start: 2027-01-05, end: 2027-01-04}]}",
            r"contacts\[0\]\.unavailable\[0\]: end must not be before start",
        ),
    ],
    ids=["no-name", "no-email", "bad-phone", "roles", "absence-backwards"],
)
def test_contact_mistakes_name_the_path(contacts: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load(team_yaml(contacts=contacts))


@pytest.mark.parametrize(
    ("contacts", "expected"),
    [
        (
            "\n  - {id: bob, name: Bob, email: bob@example.com, timezone: UTC}",
            r"team\.yaml: contacts\[0\]\.id: the same id as members\[1\]\.id; ids are unique "
            r"across members and contacts .*\. Got value: 'bob'",
        ),
        (
            "\n  - {id: primary, name: P, email: p@example.com, timezone: UTC}",
            r"team\.yaml: contacts\[0\]\.id: the same name as the role rotation\.roles\[0\]; .*"
            r"Got value: 'primary'",
        ),
        (
            CONTACT + CONTACT,
            r"team\.yaml: contacts\[1\]\.id: duplicate contact id \(also contacts\[0\]\.id\)\. "
            r"Got value: 'mgr'",
        ),
    ],
    ids=["member", "role", "contact"],
)
def test_ids_are_unique_across_members_contacts_and_roles(contacts: str, expected: str) -> None:
    assert_problem(
        team_yaml(contacts=contacts, rotation="{kind: daily, roles: [primary]}"), expected
    )


def test_unknown_target_suggests_a_contact() -> None:
    assert_problem(
        team_yaml(contacts=CONTACT, escalation="{levels: [{targets: [mrg]}]}"),
        r"escalation\.levels\[0\]\.targets\[0\]: not a role, member or contact id "
        r"\(did you mean 'mgr'\?\)",
    )


def assert_problem(text: str, expected: str) -> None:
    message = problems_of(text)
    assert any(re.search(expected, line) for line in message.splitlines()), message


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def solved(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    """The team with a manager, solved into a new store; returns the store URL."""
    path = tmp_path / "tiny.yaml"
    path.write_text(TEAM_WITH_MANAGER, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'rota.db'}"
    code, out, err = run(capsys, "solve", str(path), "--db", db, "--time-limit", "10", "--json")
    assert code == 0, err
    assert {m["member_id"] for m in json.loads(out)["members"]} == {"ann", "bob", "cat", "dan"}
    return db


def test_who_lists_the_manager_at_level_three_via_contact(
    capsys: pytest.CaptureFixture[str], solved: str
) -> None:
    code, out, err = run(
        capsys, "who", "tiny", "--db", solved, "--at", "2027-03-23T10:00:00Z", "--json"
    )
    assert code == 0, err
    levels = json.loads(out)["levels"]
    assert [level["ack_timeout_minutes"] for level in levels] == [5, 5, 15]
    assert levels[2]["members"] == [MANAGER]
    assert levels[2]["skipped"] == []
    assert all(m["via"] != "contact" for level in levels[:2] for m in level["members"])

    code, out, err = run(capsys, "who", "tiny", "--db", solved, "--at", "2027-03-23T10:00:00Z")
    assert code == 0, err
    assert "3. mgr (via contact)" in out


def test_who_skips_the_manager_while_away(capsys: pytest.CaptureFixture[str], solved: str) -> None:
    code, out, err = run(
        capsys, "who", "tiny", "--db", solved, "--at", "2027-03-25T10:00:00Z", "--json"
    )
    assert code == 0, err
    third = json.loads(out)["levels"][2]
    assert third["members"] == []
    assert third["skipped"] == [
        {
            "id": "mgr",
            "reason": "conference until 2027-03-26T23:00:00Z",
            "until": "2027-03-26T23:00:00Z",
            "via": "contact",
        }
    ]
    code, out, _ = run(capsys, "who", "tiny", "--db", solved, "--at", "2027-03-25T10:00:00Z")
    assert "skipped mgr: conference until 2027-03-26T23:00:00Z" in out


def test_a_contact_never_gets_shifts_reports_or_feeds(
    capsys: pytest.CaptureFixture[str], solved: str
) -> None:
    code, out, err = run(capsys, "show", "tiny", "--db", solved, "--json")
    assert code == 0, err
    shifts = json.loads(out)["shifts"]
    assert len(shifts) == 7
    assert {member for s in shifts for member in s["assignments"].values()} <= {
        "ann",
        "bob",
        "cat",
        "dan",
    }
    code, out, err = run(capsys, "report", "tiny", "--db", solved, "--format", "json")
    assert code == 0, err
    assert "mgr" not in out
    assert "Mia" not in out
    code, out, err = run(capsys, "export", "ics", "tiny", "--db", solved)
    assert code == 0, err
    assert "BEGIN:VEVENT" in out
    assert "mgr" not in out
    assert "Mia" not in out


# --- the API and the web page -----------------------------------------------------------------

OPS_WITH_MANAGER = (
    TEAM_FILE.read_text(encoding="utf-8").replace(
        "    - {targets: [secondary, cat], ack_timeout_minutes: 10}\n",
        "    - {targets: [secondary, cat], ack_timeout_minutes: 10}\n"
        "    - {targets: [mgr], ack_timeout_minutes: 15}\n",
    )
    + """\
contacts:
  - id: mgr
    name: Mia Manager
    email: mia@example.com
    timezone: Europe/Warsaw
    unavailable:
      - {start: "2027-01-05T08:00", end: "2027-01-05T18:00", reason: offsite}
"""
)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    assert "targets: [mgr]" in OPS_WITH_MANAGER
    store = Store.open(f"sqlite:///{tmp_path / 'api.db'}")
    store.save_schedule(
        ops_schedule(), config_text=OPS_WITH_MANAGER, config_name="ops.yaml", meta={}
    )
    key = make_key(store, "pager", "read")
    app = page_app(Settings(db_url="unused", now=lambda: NOW, cache_seconds=0), store)
    test_client = TestClient(app)
    test_client.headers["Authorization"] = f"Bearer {key}"
    yield test_client
    store.close()


def test_api_lists_the_manager_via_contact(client: TestClient) -> None:
    with client:
        body = client.get("/v1/teams/ops/oncall").json()
        assert body["levels"][2] == {
            "level": 3,
            "ack_timeout_minutes": 15,
            "members": [{**MANAGER, "phone": None}],
            "skipped": [],
        }
        assert OnCallPublic.model_validate(body).model_dump(mode="json", by_alias=True) == body

        # Tuesday 10:00 UTC is 11:00 in Warsaw, inside the offsite (08:00-18:00 local).
        body = client.get("/v1/teams/ops/oncall", params={"at": "2027-01-05T10:00:00Z"}).json()
        assert body["levels"][2]["members"] == []
        assert body["levels"][2]["skipped"] == [
            {
                "id": "mgr",
                "reason": "offsite until 2027-01-05T17:00:00Z",
                "until": "2027-01-05T17:00:00Z",
                "via": "contact",
            }
        ]
        assert OnCallPublic.model_validate(body).model_dump(mode="json", by_alias=True) == body


def test_team_page_shows_the_manager_in_the_escalation_card(client: TestClient) -> None:
    with client:
        page = client.get("/teams/ops").text
    chain = " ".join(page[page.index('class="chain"') :].split("</ol>")[0].split())
    assert 'Mia Manager <span class="meta">(contact)</span>' in chain
    assert "ack within 15 min" in chain
