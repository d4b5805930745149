"""GET /v1/teams/{team}/swaps: who can take a shift, applied through the overrides POST."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from rota.store import Store
from tests.api.test_api import NOW, TEAM_FILE, make_key, ops_schedule


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'api.db'}")
    opened.save_schedule(
        ops_schedule(), config_text=TEAM_FILE.read_text(), config_name=TEAM_FILE.name, meta={}
    )
    yield opened
    opened.close()


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    app = create_app(Settings(db_url="unused", now=lambda: NOW), store=store)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def headers(store: Store) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(store, 'pager', 'read')}"}


def test_swaps_list_candidates_and_trades(client: TestClient, headers: dict[str, str]) -> None:
    # Wed 6: ann primary, cat secondary. bob is on vacation that day; cat may only be
    # secondary; dan holds no shift on Tue 5 or Thu 7, so dan can take ann's primary.
    params = {"member": "ann", "shift": "2027-01-06T00:00:00Z"}
    response = client.get("/v1/teams/ops/swaps", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["role"] == "primary"
    assert (body["start"], body["end"]) == ("2027-01-06T00:00:00Z", "2027-01-07T00:00:00Z")
    members = [c["member"] for c in body["candidates"]]
    assert "bob" not in members
    assert "cat" not in members
    assert "dan" in members
    for trade in body["trades"]:
        assert trade["start"] >= body["start"]


def test_apply_a_swap_through_the_overrides_post(
    client: TestClient, store: Store, headers: dict[str, str]
) -> None:
    params = {"member": "ann", "shift": "2027-01-06T00:00:00Z"}
    body = client.get("/v1/teams/ops/swaps", params=params, headers=headers).json()
    taker = body["candidates"][0]["member"]
    write = {"Authorization": f"Bearer {make_key(store, 'lead', 'write')}"}
    created = client.post(
        "/v1/teams/ops/overrides",
        json={"member": taker, "role": body["role"], "start": body["start"], "end": body["end"]},
        headers=write,
    )
    assert created.status_code == 201, created.text
    again = client.get("/v1/teams/ops/swaps", params=params, headers=headers)
    assert again.status_code == 422  # ann no longer holds it


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"member": "zed", "shift": "2027-01-06T00:00:00Z"}, "no member 'zed'"),
        ({"member": "dan", "shift": "2027-01-06T00:00:00Z"}, "holds no shift starting"),
        ({"member": "ann", "shift": "2027-01-06T00:00:00"}, "UTC offset"),
        ({"member": "ann", "shift": "yesterday"}, "datetime"),
        ({"member": "ann"}, "shift"),
    ],
)
def test_swap_errors_are_422(
    client: TestClient, headers: dict[str, str], params: dict[str, str], words: str
) -> None:
    response = client.get("/v1/teams/ops/swaps", params=params, headers=headers)
    assert response.status_code == 422
    assert words in str(response.json()["detail"])


def test_swaps_need_a_key_and_a_known_team(client: TestClient, headers: dict[str, str]) -> None:
    params = {"member": "ann", "shift": "2027-01-06T00:00:00Z"}
    assert client.get("/v1/teams/ops/swaps", params=params).status_code == 401
    assert client.get("/v1/teams/nope/swaps", params=params, headers=headers).status_code == 404
