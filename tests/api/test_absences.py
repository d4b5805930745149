"""``/v1/teams/{team}/absences``: a sick day through the API, keys, refusals and the round trip."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from rota.store import Store
from tests.ops_team import make_key
from tests.test_absence import NOW, sun_schedule, sun_store, utc

URL = "/v1/teams/sun/absences"


@pytest.fixture
def sun(url: str) -> Iterator[tuple[TestClient, dict[str, str], dict[str, str]]]:
    """A client of the six-person team, a read key's headers and a write key's."""
    store: Store = sun_store(url)
    app = create_app(Settings(db_url="unused", now=lambda: utc(NOW)), store=store)
    read = {"Authorization": f"Bearer {make_key(store, 'pager', 'read')}"}
    write = {"Authorization": f"Bearer {make_key(store, 'lead', 'write')}"}
    with TestClient(app) as client:
        yield client, read, write
    store.close()


def wednesday_noon_holder() -> str:
    for shift in sun_schedule().shifts:
        if shift.start == utc("2027-01-06T12:00:00Z"):
            return shift.assignments["primary"]
    raise AssertionError("no shift at Wednesday noon")


def test_round_trip_with_keys(sun: tuple[TestClient, dict[str, str], dict[str, str]]) -> None:
    client, read, write = sun
    sick = wednesday_noon_holder()
    body = {"member": sick, "start": "2027-01-06T12:00:00Z", "end": "2027-01-06T18:00:00Z"}
    assert client.post(URL, json=body).status_code == 401
    assert client.post(URL, json=body, headers=read).status_code == 403

    created = client.post(URL, json={**body, "reason": "sick"}, headers=write)
    assert created.status_code == 201, created.text
    answer = created.json()
    assert answer["version"] == 2
    assert answer["absence"]["id"] == 1
    assert answer["absence"]["member"] == sick
    assert answer["absence"]["created_by"] == "api-key:lead"
    assert answer["changes"][0].startswith(f"{sick} no longer on call 2027-01-06 12:00-18:00 UTC")
    # the new version is answered at once: on call during the absence is somebody else
    oncall = client.get(
        "/v1/teams/sun/oncall", params={"at": "2027-01-06T12:00:00Z"}, headers=read
    ).json()
    assert oncall["holders"]["primary"]["id"] != sick

    listed = client.get(URL, headers=read)
    assert listed.status_code == 200
    assert [(a["id"], a["member"], a["reason"]) for a in listed.json()["absences"]] == [
        (1, sick, "sick")
    ]
    duplicate = client.post(
        URL, json={**body, "start": "2027-01-06T17:00:00Z", "end": "2027-01-06T20:00:00Z"},
        headers=write,
    )  # fmt: skip
    assert duplicate.status_code == 409
    assert "absence 1" in duplicate.json()["detail"]

    assert client.delete(f"{URL}/1", headers=read).status_code == 403
    assert client.delete(f"{URL}/1", headers=write).status_code == 204
    assert client.get(URL, headers=read).json() == {"absences": []}
    assert client.delete(f"{URL}/1", headers=write).status_code == 404
    versions = client.get("/v1/teams", headers=read).json()["teams"][0]["latest_version"]
    assert versions == 2  # removing does not re-plan


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2027-01-06T12:00:00", "2027-01-06T18:00:00Z", "must include a UTC offset"),
        ("2027-01-07", "2027-01-06", "must end after it starts"),
        ("soon", "2027-01-06", "expected a date"),
    ],
)
def test_bad_spans_are_422_and_store_nothing(
    sun: tuple[TestClient, dict[str, str], dict[str, str]], start: str, end: str, message: str
) -> None:
    client, read, write = sun
    answer = client.post(URL, json={"member": "anna", "start": start, "end": end}, headers=write)
    assert answer.status_code == 422
    assert message in answer.json()["detail"][0]["msg"]
    assert client.get(URL, headers=read).json() == {"absences": []}


def test_unknown_member_is_422(sun: tuple[TestClient, dict[str, str], dict[str, str]]) -> None:
    client, _, write = sun
    body = {"member": "zed", "start": "2027-01-06", "end": "2027-01-06"}
    answer = client.post(URL, json=body, headers=write)
    assert answer.status_code == 422
    assert "'zed' is not a member of team sun" in answer.json()["detail"][0]["msg"]


def test_unknown_team_is_404(sun: tuple[TestClient, dict[str, str], dict[str, str]]) -> None:
    client, read, _ = sun
    assert client.get("/v1/teams/nope/absences", headers=read).status_code == 404
