"""GET /v1/teams/{team}/swaps: who can take a shift, applied through the overrides POST."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_swaps_list_candidates_and_trades(client: TestClient, read_headers: dict[str, str]) -> None:
    # Wed 6: ann primary, cat secondary. bob is on vacation that day; cat may only be
    # secondary; dan holds no shift on Tue 5 or Thu 7, so dan can take ann's primary.
    params = {"member": "ann", "shift": "2027-01-06T00:00:00Z"}
    response = client.get("/v1/teams/ops/swaps", params=params, headers=read_headers)
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
    client: TestClient, read_headers: dict[str, str], write_headers: dict[str, str]
) -> None:
    params = {"member": "ann", "shift": "2027-01-06T00:00:00Z"}
    body = client.get("/v1/teams/ops/swaps", params=params, headers=read_headers).json()
    taker = body["candidates"][0]["member"]
    created = client.post(
        "/v1/teams/ops/overrides",
        json={"member": taker, "role": body["role"], "start": body["start"], "end": body["end"]},
        headers=write_headers,
    )
    assert created.status_code == 201, created.text
    again = client.get("/v1/teams/ops/swaps", params=params, headers=read_headers)
    assert again.status_code == 422  # ann no longer holds it


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"member": "zed", "shift": "2027-01-06T00:00:00Z"}, "no member 'zed'"),
        ({"member": "dan", "shift": "2027-01-06T00:00:00Z"}, "holds no shift starting"),
        ({"member": "ann", "shift": "2027-01-06T00:00:00"}, "UTC offset"),
        ({"member": "ann", "shift": "yesterday"}, "RFC 3339"),
        ({"member": "ann"}, "shift"),
    ],
)
def test_swap_errors_are_422(
    client: TestClient, read_headers: dict[str, str], params: dict[str, str], words: str
) -> None:
    response = client.get("/v1/teams/ops/swaps", params=params, headers=read_headers)
    assert response.status_code == 422
    assert words in str(response.json()["detail"])


def test_swaps_need_a_key_and_a_known_team(
    client: TestClient, read_headers: dict[str, str]
) -> None:
    params = {"member": "ann", "shift": "2027-01-06T00:00:00Z"}
    assert client.get("/v1/teams/ops/swaps", params=params).status_code == 401
    assert (
        client.get("/v1/teams/nope/swaps", params=params, headers=read_headers).status_code == 404
    )
