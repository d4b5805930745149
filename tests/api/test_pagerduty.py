"""The PagerDuty-compatible API in process, on the hand-made ``ops`` week (see
tests/test_oncall_blocks.py for the blocks worked out by hand) and a second team ``web`` that
shares the member ``ann`` and adds a contact ``mgr``.

The real clients over TLS, and agreement with ``rota who`` on every example team, are in
tests/api/test_pagerduty_clients.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from rota.model import Override, Schedule
from rota.store import Store
from tests.ops_team import NOW, TEAM_FILE, make_key, ops_schedule, ops_store

WEB_FILE = TEAM_FILE.read_text().replace(
    "team: {id: ops, name: Ops,", "team: {id: web, name: Web,"
).replace(
    "    - {targets: [secondary, cat], ack_timeout_minutes: 10}",
    "    - {targets: [mgr]}\n  severities:\n    outage: [{targets: [mgr]}]",
) + ("contacts:\n  - {id: mgr, name: Mia Manager, email: mia@example.com, timezone: UTC}\n")

BASE = "http://testserver/pagerduty"


def web_schedule() -> Schedule:
    """dan primary and bob secondary all week."""
    planned = ops_schedule([("dan", "bob")] * 7)
    return Schedule("web", planned.horizon_start, planned.horizon_end, planned.shifts)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = ops_store(tmp_path / "pd.db")
    opened.save_schedule(web_schedule(), config_text=WEB_FILE, config_name="web.yaml", meta={})
    yield opened
    opened.close()


@pytest.fixture
def key(store: Store) -> str:
    return make_key(store, "pager", "read")


@pytest.fixture
def client(store: Store, key: str) -> Iterator[TestClient]:
    app = create_app(Settings(db_url="unused", now=lambda: NOW, cache_seconds=0), store=store)
    with TestClient(app) as test_client:
        test_client.headers["Authorization"] = f"Token token={key}"
        yield test_client


def get(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"/pagerduty{path}", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def brief(entries: list[dict[str, Any]]) -> list[tuple[str, int, str, str | None, str, str]]:
    return [
        (
            e["escalation_policy"]["id"],
            e["escalation_level"],
            e["user"]["id"],
            e["schedule"]["id"] if e["schedule"] else None,
            e["start"],
            e["end"],
        )
        for e in entries
    ]


# --- on-calls ---------------------------------------------------------------------------------


def test_oncalls_now_by_hand(client: TestClient) -> None:
    body = get(client, "/oncalls", **{"escalation_policy_ids[]": "ops"})
    # Mon 09:30: ann holds primary, cat secondary; each block is the whole Monday / Mon-Thu.
    assert brief(body["oncalls"]) == [
        ("ops", 1, "ann", "ops:primary", "2027-01-04T00:00:00+00:00", "2027-01-05T00:00:00+00:00"),
        (
            "ops",
            2,
            "cat",
            "ops:secondary",
            "2027-01-04T00:00:00+00:00",
            "2027-01-08T00:00:00+00:00",
        ),
    ]
    assert (body["limit"], body["offset"], body["more"], body["total"]) == (25, 0, False, None)
    entry = body["oncalls"][0]
    assert entry["user"] == {
        "id": "ann",
        "type": "user_reference",
        "summary": "Ann Lee",
        "self": f"{BASE}/users/ann",
        "html_url": None,
    }
    assert entry["schedule"]["self"] == f"{BASE}/schedules/ops:primary"
    assert entry["escalation_policy"]["html_url"] == "http://testserver/teams/ops"


def test_oncalls_over_a_range_with_filters_and_time_zone(client: TestClient) -> None:
    body = get(
        client,
        "/oncalls",
        since="2027-01-05T12:00:00Z",
        until="2027-01-07T12:00:00Z",
        time_zone="America/New_York",
        **{"user_ids[]": "ann", "escalation_policy_ids[]": "ops"},
    )
    # Tue: bob away, ann paged by id; Wed: ann holds primary; Thu on: ann by id beside bob.
    assert brief(body["oncalls"]) == [
        ("ops", 1, "ann", None, "2027-01-04T19:00:00-05:00", "2027-01-05T19:00:00-05:00"),
        ("ops", 1, "ann", "ops:primary", "2027-01-05T19:00:00-05:00", "2027-01-06T19:00:00-05:00"),
        ("ops", 1, "ann", None, "2027-01-06T19:00:00-05:00", "2027-01-10T19:00:00-05:00"),
    ]


def test_earliest_keeps_the_first_block_per_policy_level_and_user(client: TestClient) -> None:
    body = get(
        client,
        "/oncalls",
        since="2027-01-04T00:00:00Z",
        until="2027-01-11T00:00:00Z",
        earliest="true",
        **{"schedule_ids[]": ["ops:primary"]},
    )
    assert [(e["user"]["id"], e["start"][:10]) for e in body["oncalls"]] == [
        ("ann", "2027-01-04"),
        ("bob", "2027-01-07"),
        ("dan", "2027-01-08"),
    ]


def test_include_puts_whole_objects_in_the_entries(client: TestClient) -> None:
    body = get(
        client,
        "/oncalls",
        **{
            "include[]": ["users", "schedules", "escalation_policies"],
            "schedule_ids[]": "ops:primary",
        },
    )
    (entry,) = body["oncalls"]
    assert entry["user"] == get(client, "/users/ann")["user"]
    assert entry["schedule"] == get(client, "/schedules/ops:primary")["schedule"]
    assert (
        entry["escalation_policy"] == get(client, "/escalation_policies/ops")["escalation_policy"]
    )


def test_a_person_in_two_teams_is_one_user_and_a_contact_is_a_user(client: TestClient) -> None:
    body = get(client, "/oncalls")
    pairs = {
        (e["escalation_policy"]["id"], e["escalation_level"], e["user"]["id"])
        for e in body["oncalls"]
    }
    # web at Mon 09:30: dan holds primary and is not away (his dentist is 10:00-12:00), so level
    # 1 pages dan and ann by id; level 2, and level 1 of the outage chain, page the contact.
    assert pairs == {
        ("ops", 1, "ann"),
        ("ops", 2, "cat"),
        ("web", 1, "ann"),
        ("web", 1, "dan"),
        ("web", 2, "mgr"),
        ("web:outage", 1, "mgr"),
    }
    users = get(client, "/users", total="true")
    assert [u["id"] for u in users["users"]] == ["ann", "bob", "cat", "dan", "mgr"]
    assert users["total"] == 5
    ann = get(client, "/users/ann")["user"]
    assert ann["description"] == "rota member of ops, web"
    mgr = get(client, "/users/mgr")["user"]
    assert (mgr["type"], mgr["name"], mgr["email"], mgr["time_zone"]) == (
        "user",
        "Mia Manager",
        "mia@example.com",
        "UTC",
    )


def test_the_dentist_appointment_ends_a_block(client: TestClient) -> None:
    body = get(
        client,
        "/oncalls",
        since="2027-01-04T10:30:00Z",
        until="2027-01-04T10:30:00Z",
        **{"escalation_policy_ids[]": "web", "user_ids[]": "dan"},
    )
    assert body["oncalls"] == []  # dan is skipped while away
    body = get(
        client,
        "/oncalls",
        since="2027-01-04T12:00:00Z",
        **{"escalation_policy_ids[]": "web", "user_ids[]": "dan"},
    )
    assert [(e["start"], e["end"]) for e in body["oncalls"]] == [
        ("2027-01-04T12:00:00+00:00", "2027-01-11T00:00:00+00:00")
    ]


def test_pages_follow_limit_and_offset(client: TestClient) -> None:
    week = {"since": "2027-01-04T00:00:00Z", "until": "2027-01-11T00:00:00Z"}
    everything = get(client, "/oncalls", limit=100, total="true", **week)
    assert everything["total"] == len(everything["oncalls"]) > 5
    collected: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = get(client, "/oncalls", limit=4, offset=offset, **week)
        assert (page["limit"], page["offset"]) == (4, offset)
        collected += page["oncalls"]
        if not page["more"]:
            break
        offset += 4
    assert collected == everything["oncalls"]
    assert get(client, "/oncalls", limit=1000, **week)["limit"] == 100


def test_an_override_is_applied_as_in_rota_who(client: TestClient, store: Store, key: str) -> None:
    start = datetime(2027, 1, 4, 9, tzinfo=UTC)
    store.add_overrides(
        "ops",
        [Override("ops", "primary", "dan", start + timedelta(hours=3), start + timedelta(hours=9))],
        created_by="test",
    )
    body = get(
        client, "/oncalls", since="2027-01-04T13:00:00Z", **{"schedule_ids[]": "ops:primary"}
    )
    assert brief(body["oncalls"]) == [
        ("ops", 1, "dan", "ops:primary", "2027-01-04T12:00:00+00:00", "2027-01-04T18:00:00+00:00")
    ]
    who = client.get(
        "/v1/teams/ops/oncall",
        params={"at": "2027-01-04T13:00:00Z"},
        headers={"Authorization": f"Bearer {key}"},
    ).json()
    assert who["holders"]["primary"]["id"] == "dan"


# --- schedules, policies ----------------------------------------------------------------------


def test_schedule_with_rendered_entries_cut_at_the_range(client: TestClient) -> None:
    params = {"since": "2027-01-07T12:00:00Z", "until": "2027-01-09T12:00:00Z"}
    schedule = get(client, "/schedules/ops:primary", **params)["schedule"]
    assert (schedule["id"], schedule["type"], schedule["name"], schedule["time_zone"]) == (
        "ops:primary",
        "schedule",
        "Ops: primary",
        "UTC",
    )
    assert [u["id"] for u in schedule["users"]] == ["ann", "bob", "dan"]  # cat is secondary only
    assert [p["id"] for p in schedule["escalation_policies"]] == ["ops"]
    final = schedule["final_schedule"]
    assert [
        (e["user"]["id"], e["start"], e["end"]) for e in final["rendered_schedule_entries"]
    ] == [
        ("bob", "2027-01-07T12:00:00+00:00", "2027-01-08T00:00:00+00:00"),
        ("dan", "2027-01-08T00:00:00+00:00", "2027-01-09T00:00:00+00:00"),
        ("bob", "2027-01-09T00:00:00+00:00", "2027-01-09T12:00:00+00:00"),
    ]
    assert final["rendered_coverage_percentage"] == 100.0
    overflowing = get(client, "/schedules/ops:primary", overflow="true", **params)["schedule"]
    ends = overflowing["final_schedule"]["rendered_schedule_entries"]
    assert (ends[0]["start"], ends[-1]["end"]) == (
        "2027-01-07T00:00:00+00:00",
        "2027-01-11T00:00:00+00:00",
    )


def test_schedule_users_in_a_range(client: TestClient) -> None:
    body = get(
        client,
        "/schedules/ops:primary/users",
        since="2027-01-06T00:00:00Z",
        until="2027-01-08T00:00:00Z",
    )
    assert [u["id"] for u in body["users"]] == ["ann", "bob"]
    assert [u["id"] for u in get(client, "/schedules/ops:secondary/users")["users"]] == [
        "cat",
        "ann",
    ]


def test_escalation_policies_map_levels_to_rules(client: TestClient) -> None:
    policies = get(client, "/escalation_policies")["escalation_policies"]
    assert [p["id"] for p in policies] == ["ops", "web", "web:outage"]
    ops = get(client, "/escalation_policies/ops")["escalation_policy"]
    assert ops["num_loops"] == 2  # repeat: 3 walks the chain three times
    assert [
        (r["id"], r["escalation_delay_in_minutes"], [(t["type"], t["id"]) for t in r["targets"]])
        for r in ops["escalation_rules"]
    ] == [
        ("ops:1", 5, [("schedule_reference", "ops:primary"), ("user_reference", "ann")]),
        ("ops:2", 10, [("schedule_reference", "ops:secondary"), ("user_reference", "cat")]),
    ]
    outage = get(client, "/escalation_policies", query="outage")["escalation_policies"]
    assert [p["id"] for p in outage] == ["web:outage"]
    of_cat = get(client, "/escalation_policies", **{"user_ids[]": "cat"})["escalation_policies"]
    assert [p["id"] for p in of_cat] == ["ops"]  # target by id and as a secondary


def test_ids_stay_the_same_across_a_re_solve(client: TestClient, store: Store) -> None:
    before = {
        path: [item["id"] for item in get(client, path)[path.strip("/")]]
        for path in ("/schedules", "/escalation_policies", "/users")
    }
    store.save_schedule(
        ops_schedule([("bob", "ann")] * 7),
        config_text=TEAM_FILE.read_text(),
        config_name=TEAM_FILE.name,
        meta={},
    )
    after = {
        path: [item["id"] for item in get(client, path)[path.strip("/")]]
        for path in ("/schedules", "/escalation_policies", "/users")
    }
    assert after == before
    now = get(client, "/oncalls", **{"schedule_ids[]": "ops:primary"})["oncalls"]
    assert [e["user"]["id"] for e in now] == ["bob"]  # the answer follows the new version


# --- keys and errors --------------------------------------------------------------------------


def test_a_bearer_key_works_too(client: TestClient, key: str) -> None:
    response = client.get("/pagerduty/users/ann", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        (None, "Missing API key"),
        ("Token token=rota_not-a-key", "Invalid or revoked API key"),
        ("Basic YW5uOnNlY3JldA==", "Missing API key"),
    ],
    ids=["none", "unknown", "basic"],
)
def test_authentication_failures_in_pagerduty_shape(
    client: TestClient, header: str | None, detail: str
) -> None:
    del client.headers["Authorization"]
    headers = {} if header is None else {"Authorization": header}
    response = client.get("/pagerduty/oncalls", headers=headers)
    assert response.status_code == 401
    error = response.json()["error"]
    assert (error["code"], error["message"]) == (2006, "Authentication failed")
    assert detail in error["errors"][0]


@pytest.mark.parametrize(
    ("path", "params", "status", "code", "detail"),
    [
        ("/schedules/ops:night", {}, 404, 2100, "no schedule 'ops:night'"),
        ("/escalation_policies/ops:sev9", {}, 404, 2100, "no escalation policy"),
        ("/users/zed", {}, 404, 2100, "no user 'zed'"),
        ("/incidents", {}, 404, 2100, "does not serve /incidents"),
        ("/oncalls", {"since": "monday"}, 400, 2001, "since: not an ISO 8601"),
        (
            "/oncalls",
            {"since": "2027-01-05T00:00Z", "until": "2027-01-04T00:00Z"},
            400,
            2001,
            "until",
        ),
        ("/oncalls", {"time_zone": "Mars/Olympus"}, 400, 2001, "unknown time zone"),
        ("/oncalls", {"since": "0001-01-01T00:00:00+01:00"}, 400, 2001, "out of range"),
        ("/schedules/ops:primary", {"until": "0001-01-02T00:00:00Z"}, 400, 2001, "out of range"),
        ("/oncalls", {"limit": "0"}, 400, 2001, "limit"),
        ("/users", {"offset": "-1"}, 400, 2001, "offset"),
    ],
)
def test_bad_requests_in_pagerduty_shape(
    client: TestClient, path: str, params: dict[str, str], status: int, code: int, detail: str
) -> None:
    response = client.get(f"/pagerduty{path}", params=params)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert any(detail in text for text in error["errors"]), error


def test_writes_are_refused(client: TestClient) -> None:
    response = client.post("/pagerduty/oncalls", json={})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == 2010
