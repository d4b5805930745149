"""Input at the API's edges, on SQLite and on PostgreSQL: the same strings get the same answers
(422 or 404, never 503), instants follow one rule, and what is logged hides secrets."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response  # what starlette's TestClient answers with once httpx2 is installed

from api.logs import redact
from rota.errors import StoreError
from rota.store import Store
from tests.ops_team import TEAM_FILE, make_key, ops_schedule

OVERRIDE = {
    "member": "ann",
    "role": "primary",
    "start": "2027-01-05T10:00:00Z",
    "end": "2027-01-05T11:00:00Z",
}


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    """The ``ops`` team published in a SQLite file, or in the emptied scratch PostgreSQL."""
    with Store.open(url) as opened:
        opened.save_schedule(
            ops_schedule(), config_text=TEAM_FILE.read_text(), config_name="ops.yaml", meta={}
        )
        yield opened


@pytest.fixture
def headers(store: Store) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(store, 'lead', 'write')}"}


def error_at(response: Response, status: int, *loc: str) -> str:
    """The message of the 422 at ``loc`` (or the detail of another status)."""
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    if status != 422:
        return str(detail)
    found = [e["msg"] for e in detail if tuple(e["loc"]) == loc]
    assert found, detail
    return str(found[0])


# ------------------------------------------------------------------------------ instants


def test_an_override_starting_at_a_fraction_of_a_second_is_422(
    client: TestClient, headers: dict[str, str]
) -> None:
    body = {**OVERRIDE, "start": "2027-01-05T10:00:00.000001Z"}
    response = client.post("/v1/teams/ops/overrides", json=body, headers=headers)
    assert "whole seconds" in error_at(response, 422, "body", "start")


@pytest.mark.parametrize("field", ["start", "end"])
@pytest.mark.parametrize("value", [1799316000, 1799316000.5, "1799316000", "-1"])
def test_an_override_instant_must_be_rfc3339_text(
    client: TestClient, headers: dict[str, str], field: str, value: object
) -> None:
    response = client.post(
        "/v1/teams/ops/overrides", json={**OVERRIDE, field: value}, headers=headers
    )
    assert "RFC 3339" in error_at(response, 422, "body", field)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/v1/teams/ops/oncall?at=-1", "at"),
        ("/v1/teams/ops/oncall?at=1799316000", "at"),
        ("/v1/teams/ops/schedule?from=0", "from"),
        ("/v1/teams/ops/schedule?to=1e10", "to"),
        ("/v1/members/ann/shifts?from=12", "from"),
        ("/v1/teams/ops/swaps?member=ann&shift=1799366400", "shift"),
    ],
)
def test_numbers_are_not_instants(
    client: TestClient, headers: dict[str, str], path: str, name: str
) -> None:
    assert "RFC 3339" in error_at(client.get(path, headers=headers), 422, "query", name)


def test_a_swap_of_a_shift_starting_at_a_fraction_of_a_second_is_422(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.get(
        "/v1/teams/ops/swaps",
        params={"member": "ann", "shift": "2027-01-06T00:00:00.5Z"},
        headers=headers,
    )
    assert "whole seconds" in error_at(response, 422, "query", "shift")


def test_a_lookup_instant_is_floored_to_its_second(
    client: TestClient, headers: dict[str, str]
) -> None:
    exact = client.get("/v1/teams/ops/oncall?at=2027-01-05T23:59:59Z", headers=headers)
    fraction = client.get("/v1/teams/ops/oncall?at=2027-01-05T23:59:59.999999Z", headers=headers)
    assert exact.status_code == fraction.status_code == 200, fraction.text
    assert fraction.json() == exact.json()


# ------------------------------------------------------------------------------ strings


@pytest.mark.parametrize("reason", ["a\x00b", "line\nbreak", "\x1b[2J", "rtl\u202eflip", "x" * 501])
def test_an_override_reason_is_one_printable_line_of_limited_length(
    client: TestClient, headers: dict[str, str], reason: str
) -> None:
    response = client.post(
        "/v1/teams/ops/overrides", json={**OVERRIDE, "reason": reason}, headers=headers
    )
    error_at(response, 422, "body", "reason")


@pytest.mark.parametrize("field", ["member", "role"])
def test_an_override_naming_nobody_is_422_before_the_store(
    client: TestClient, headers: dict[str, str], field: str
) -> None:
    response = client.post(
        "/v1/teams/ops/overrides", json={**OVERRIDE, field: "a\x00b"}, headers=headers
    )
    error_at(response, 422, "body", "override")


@pytest.mark.parametrize(
    "reason", ["Zoë's dentist 🦷", "日本語の理由", "quote ' and \" and \\", "x" * 500]
)
def test_printable_reasons_are_stored_as_given(
    client: TestClient, headers: dict[str, str], reason: str
) -> None:
    response = client.post(
        "/v1/teams/ops/overrides", json={**OVERRIDE, "reason": reason}, headers=headers
    )
    assert response.status_code == 201, response.text
    listed = client.get("/v1/teams/ops/overrides", headers=headers).json()["overrides"]
    assert [o["reason"] for o in listed] == [reason]


@pytest.mark.parametrize(
    "team", ["o%00ps", "ops%0A", "OPS", "a" * 65, "%E2%80%AEops", "o.ps", "ops%20"]
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/teams/{team}/oncall"),
        ("GET", "/v1/teams/{team}/schedule"),
        ("GET", "/v1/teams/{team}/overrides"),
        ("POST", "/v1/teams/{team}/overrides"),
        ("DELETE", "/v1/teams/{team}/overrides/1"),
        ("GET", "/v1/teams/{team}/swaps?member=ann&shift=2027-01-06T00:00:00Z"),
    ],
)
def test_a_team_id_that_cannot_exist_is_404(
    client: TestClient, headers: dict[str, str], team: str, method: str, path: str
) -> None:
    response = client.request(
        method,
        path.format(team=team),
        json=OVERRIDE if method == "POST" else None,
        headers=headers,
    )
    assert response.status_code == 404, response.text
    assert "unknown team" in response.json()["detail"]


@pytest.mark.parametrize("team", ["o\x00ps", "ops\n", "a" * 65])
def test_a_feed_for_a_team_id_that_cannot_exist_is_422(
    client: TestClient, headers: dict[str, str], team: str
) -> None:
    response = client.post("/v1/feeds", json={"kind": "team", "team": team}, headers=headers)
    error_at(response, 422, "body", "team")


def test_an_override_by_a_key_with_the_longest_name_is_stored(
    client: TestClient, store: Store
) -> None:
    longest = {"Authorization": f"Bearer {make_key(store, 'k' * 100, 'write')}"}
    response = client.post("/v1/teams/ops/overrides", json=OVERRIDE, headers=longest)
    assert response.status_code == 201, response.text
    assert len(response.json()["created_by"]) == 100


# ------------------------------------------------------------------------------ logs


def test_an_unexpected_store_error_is_logged_with_its_cause(
    client: TestClient,
    headers: dict[str, str],
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        try:
            raise OSError("disk on fire for rota_k_abcdefghijkl")
        except OSError as exc:
            raise StoreError(f"store {store.url}: {exc}") from exc

    monkeypatch.setattr(store, "list_teams", broken)
    with caplog.at_level(logging.ERROR, logger="rota.api"):
        response = client.get("/v1/teams", headers=headers)
    assert response.status_code == 503
    assert response.json() == {"detail": "Store unavailable"}
    assert response.headers["retry-after"] == "2"
    logged = [r.getMessage() for r in caplog.records if r.name == "rota.api"]
    assert len(logged) == 1, logged
    assert "GET /v1/teams" in logged[0]
    assert "disk on fire" in logged[0]
    assert "OSError" in logged[0]
    assert "abcdefghijkl" not in logged[0]


@pytest.mark.parametrize(
    "secret",
    [
        "rota_k_abcdefghijkl",
        "rota%5Fk%5Fabcdefghijkl",
        "rota%5fk%5fabcdefghijkl",
        "%72%6F%74%61%5F%6B%5F%61%62%63%64%65%66%67%68%69%6A",
        "rota%255Fk%255Fabcdefghijkl",
        "ROTA_K_abcdefghijkl",
        "rota_f_abc%2Ddefghijkl",
    ],
)
def test_keys_and_tokens_are_redacted_in_any_percent_encoding(secret: str) -> None:
    line = f'127.0.0.1:5 - "GET /v1/teams/ops/oncall?key={secret}&at=now HTTP/1.1" 422'
    assert redact(line) == (
        '127.0.0.1:5 - "GET /v1/teams/ops/oncall?key=<redacted>&at=now HTTP/1.1" 422'
    )
