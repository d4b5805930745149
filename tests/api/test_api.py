"""The HTTP API as paging code and calendar clients use it, every error path included."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from api.logs import RedactSecrets, redact
from api.schemas import OnCallPublic
from rota.store import Store
from tests.ops_team import make_key


def test_healthz_needs_no_key(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "teams": 1}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic YWxpY2U6eA=="}],
    ids=["missing", "unknown", "wrong-scheme"],
)
def test_reads_need_a_valid_key(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get("/v1/teams/ops/oncall", headers=headers)
    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)
    assert response.headers["www-authenticate"] == "Bearer"


def test_revoked_key_is_refused(store: Store, client: TestClient) -> None:
    key = make_key(store, "old", "read")
    store.revoke_api_key("old")
    response = client.get("/v1/teams", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_list_teams(client: TestClient, read_headers: dict[str, str]) -> None:
    body = client.get("/v1/teams", headers=read_headers).json()
    assert [(t["id"], t["name"], t["latest_version"]) for t in body["teams"]] == [("ops", "Ops", 1)]


def test_oncall_now_uses_the_injected_clock(
    client: TestClient, read_headers: dict[str, str]
) -> None:
    body = client.get("/v1/teams/ops/oncall", headers=read_headers).json()
    assert body["at"] == "2027-01-04T09:30:00Z"
    assert body["shift"] == {"start": "2027-01-04T00:00:00Z", "end": "2027-01-05T00:00:00Z"}
    assert {r: h["id"] for r, h in body["holders"].items()} == {
        "primary": "ann",
        "secondary": "cat",
    }
    # Level 1 targets primary and ann: ann once. Level 2: secondary (cat) and cat: cat once.
    assert [[m["id"] for m in level["members"]] for level in body["levels"]] == [["ann"], ["cat"]]
    assert [level["ack_timeout_minutes"] for level in body["levels"]] == [5, 10]
    assert body["repeat"] == 3
    assert body["next_handoff"]["at"] == "2027-01-05T00:00:00Z"
    assert body["next_handoff"]["changes"] == {"primary": {"from": "ann", "to": "bob"}}
    # The body is served without a second validation pass: it must match the documented model.
    assert OnCallPublic.model_validate(body).model_dump(mode="json", by_alias=True) == body


def test_oncall_skips_unavailable_member_with_reason(
    client: TestClient, read_headers: dict[str, str]
) -> None:
    # Tuesday 10:30: bob is primary but off sick (all of 2027-01-05 in Warsaw).
    body = client.get(
        "/v1/teams/ops/oncall", params={"at": "2027-01-05T10:30:00Z"}, headers=read_headers
    ).json()
    first = body["levels"][0]
    assert [m["id"] for m in first["members"]] == ["ann"]
    assert [(s["id"], s["reason"].split(" until")[0]) for s in first["skipped"]] == [
        ("bob", "sick")
    ]


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("2027-01-05T00:00:00Z", "bob"),  # exactly at the handoff: the new shift
        ("2027-01-04T23:59:59.999999Z", "ann"),  # just before
        ("2027-01-05T01:00:00+01:00", "bob"),  # same instant written with an offset
    ],
)
def test_oncall_at_handoff_instants(
    client: TestClient, read_headers: dict[str, str], at: str, expected: str
) -> None:
    body = client.get("/v1/teams/ops/oncall", params={"at": at}, headers=read_headers).json()
    assert body["holders"]["primary"]["id"] == expected


def test_unknown_team_is_404_json(client: TestClient, read_headers: dict[str, str]) -> None:
    response = client.get("/v1/teams/ghosts/oncall", headers=read_headers)
    assert response.status_code == 404
    assert "ghosts" in response.json()["detail"]


def test_outside_horizon_is_404_not_a_wrong_person(
    client: TestClient, read_headers: dict[str, str]
) -> None:
    response = client.get(
        "/v1/teams/ops/oncall", params={"at": "2027-02-01T00:00:00Z"}, headers=read_headers
    )
    assert response.status_code == 404
    assert "no schedule" in response.json()["detail"]


@pytest.mark.parametrize(
    "at",
    [
        "yesterday",
        "2027-13-01T00:00:00Z",
        "2027-01-05T10:00:00",
        "0001-01-01T00:00:00+00:01",  # year 0 in UTC (found by the API fuzz: was a 500)
        "9999-12-31T23:59:59-00:01",  # year 10000 in UTC
    ],
)
def test_bad_at_is_422_naming_the_parameter(
    client: TestClient, read_headers: dict[str, str], at: str
) -> None:
    response = client.get("/v1/teams/ops/oncall", params={"at": at}, headers=read_headers)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"][-1] == "at"


def test_unknown_severity_is_422(client: TestClient, read_headers: dict[str, str]) -> None:
    response = client.get(
        "/v1/teams/ops/oncall", params={"severity": "apocalypse"}, headers=read_headers
    )
    assert response.status_code == 422
    assert "apocalypse" in str(response.json()["detail"])


def test_schedule_window(client: TestClient, read_headers: dict[str, str]) -> None:
    body = client.get(
        "/v1/teams/ops/schedule",
        params={"from": "2027-01-05T12:00:00Z", "to": "2027-01-07T00:00:00Z"},
        headers=read_headers,
    ).json()
    assert body["team"] == "ops"
    assert body["version"] == 1
    assert [s["start"] for s in body["shifts"]] == ["2027-01-05T00:00:00Z", "2027-01-06T00:00:00Z"]


@pytest.mark.parametrize("bound", ["from", "to"])
def test_schedule_bound_outside_the_utc_calendar_is_422(
    client: TestClient, read_headers: dict[str, str], bound: str
) -> None:
    response = client.get(
        "/v1/teams/ops/schedule",
        params={bound: "0001-01-01T00:00:00+00:01"},
        headers=read_headers,
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["query", bound]
    assert "out of range" in detail[0]["msg"]


def test_schedule_reversed_window_is_422(client: TestClient, read_headers: dict[str, str]) -> None:
    response = client.get(
        "/v1/teams/ops/schedule",
        params={"from": "2027-01-07T00:00:00Z", "to": "2027-01-05T00:00:00Z"},
        headers=read_headers,
    )
    assert response.status_code == 422


def test_member_shifts(client: TestClient, read_headers: dict[str, str]) -> None:
    body = client.get("/v1/members/bob/shifts", headers=read_headers).json()
    assert [(s["role"], s["start"][:10]) for s in body["shifts"]] == [
        ("primary", "2027-01-05"),
        ("primary", "2027-01-07"),
        ("primary", "2027-01-09"),
        ("primary", "2027-01-10"),
    ]
    assert client.get("/v1/members/zed/shifts", headers=read_headers).status_code == 404


def test_override_lifecycle(
    client: TestClient, read_headers: dict[str, str], write_headers: dict[str, str]
) -> None:
    body = {
        "member": "ann",
        "role": "primary",
        "start": "2027-01-07T06:00:00Z",
        "end": "2027-01-07T12:00:00Z",
        "reason": "bob at the vet",
    }
    assert (
        client.post("/v1/teams/ops/overrides", json=body, headers=read_headers).status_code == 403
    )
    assert client.post("/v1/teams/ops/overrides", json=body).status_code == 401
    created = client.post("/v1/teams/ops/overrides", json=body, headers=write_headers)
    assert created.status_code == 201, created.text
    override_id = created.json()["id"]

    def primary(at: str) -> str:
        answer = client.get("/v1/teams/ops/oncall", params={"at": at}, headers=read_headers)
        return str(answer.json()["holders"]["primary"]["id"])

    assert [
        primary(t) for t in ("2027-01-07T05:59:59Z", "2027-01-07T06:00:00Z", "2027-01-07T12:00:00Z")
    ] == ["bob", "ann", "bob"]
    listed = client.get("/v1/teams/ops/overrides", headers=read_headers).json()["overrides"]
    assert [o["id"] for o in listed] == [override_id]

    assert (
        client.delete(f"/v1/teams/ops/overrides/{override_id}", headers=read_headers).status_code
        == 403
    )
    assert (
        client.delete(f"/v1/teams/ops/overrides/{override_id}", headers=write_headers).status_code
        == 204
    )
    assert primary("2027-01-07T06:00:00Z") == "bob"
    assert (
        client.delete(f"/v1/teams/ops/overrides/{override_id}", headers=write_headers).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"member": "zed"}, "zed"),
        ({"member": "cat"}, "primary"),  # cat may only be secondary
        ({"member": "bob", "start": "2027-01-05T06:00:00Z", "end": "2027-01-05T08:00:00Z"}, "sick"),
        ({"end": "2027-01-07T06:00:00Z"}, "start"),
        ({"start": "2027-01-07T06:00:00"}, "offset"),
        ({"start": "0001-01-01T00:00:00+00:01"}, "out of range"),
    ],
)
def test_invalid_override_is_422_with_reason(
    client: TestClient, write_headers: dict[str, str], change: dict[str, str], words: str
) -> None:
    body = {
        "member": "ann",
        "role": "primary",
        "start": "2027-01-07T06:00:00Z",
        "end": "2027-01-07T12:00:00Z",
    } | change
    response = client.post("/v1/teams/ops/overrides", json=body, headers=write_headers)
    assert response.status_code == 422
    assert words in str(response.json()["detail"])


def test_feed_token_lifecycle(
    client: TestClient, store: Store, write_headers: dict[str, str]
) -> None:
    created = client.post(
        "/v1/feeds",
        json={"kind": "role", "team": "ops", "role": "secondary"},
        headers=write_headers,
    )
    assert created.status_code == 201, created.text
    urls = created.json()
    assert urls["webcal"].startswith("webcal://")
    token = urls["url"].rsplit("/", 1)[1].removesuffix(".ics")
    # Only the hash is stored.
    assert all(token not in repr(t) for t in store.list_feed_tokens())

    feed = client.get(f"/feeds/{token}.ics")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    # secondary: cat Mon-Thu, ann Fri-Sun -> two merged events.
    assert [str(e["SUMMARY"]) for e in events] == ["On call: secondary — Ops"] * 2
    assert client.get("/feeds/rota_f_not-a-token.ics").status_code == 404


def test_openapi_documents_every_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/teams",
        "/v1/teams/{team}/oncall",
        "/v1/teams/{team}/schedule",
        "/v1/members/{member}/shifts",
        "/v1/teams/{team}/overrides",
        "/feeds/{token}.ics",
        "/healthz",
    ):
        assert path in paths


def test_access_log_never_shows_tokens_or_keys(caplog: pytest.LogCaptureFixture) -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/feeds/rota_f_SECRETSECRET.ics", "1.1", 200),
        None,
    )
    RedactSecrets().filter(record)
    assert "SECRETSECRET" not in record.getMessage()
    assert redact("key rota_k_abcdefghijklmnop used") == "key <redacted> used"
