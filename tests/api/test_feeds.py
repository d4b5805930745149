"""Feed URLs through the API: conditional requests, the token cache, listing and revoking, base
URLs, and feeds that serve despite odd stored rows. The store holds the ``ops`` team."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from api.app import create_app
from api.settings import Settings
from rota.calendar.feed import feed_bytes
from rota.keys import FEED_TOKEN_PREFIX, new_secret, secret_hash
from rota.store import Store
from tests.ops_team import NOW, TEAM_FILE, ops_schedule, ops_store, store_sub_second_override


def new_feed(store: Store, kind: str = "team", **where: str) -> tuple[int, str]:
    """A feed token stored for ``ops`` (or ``where``): its id and the path to fetch."""
    token = new_secret(FEED_TOKEN_PREFIX)
    stored = store.add_feed_token(
        token_hash=secret_hash(token),
        kind=kind,  # type: ignore[arg-type]
        team_id=where.get("team", "ops") if kind != "member" else None,
        member_id=where.get("member"),
        role=where.get("role"),
    )
    return stored.id, f"/feeds/{token}.ics"


# ------------------------------------------------------------------------- conditional requests


def test_a_feed_carries_etag_and_last_modified_and_answers_304(
    client: TestClient, store: Store
) -> None:
    _, path = new_feed(store)
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert first.headers["last-modified"].endswith(" GMT")

    unchanged = client.get(path, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    assert client.get(path, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200

    since = first.headers["last-modified"]
    assert client.get(path, headers={"If-Modified-Since": since}).status_code == 304
    older = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get(path, headers={"If-Modified-Since": older}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": "yesterday"}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    both = {"If-None-Match": '"other"', "If-Modified-Since": since}
    assert client.get(path, headers=both).status_code == 200


def test_an_override_changes_the_etag(
    client: TestClient, store: Store, write_headers: dict[str, str]
) -> None:
    _, path = new_feed(store)
    etag = client.get(path).headers["etag"]
    added = client.post(
        "/v1/teams/ops/overrides",
        json={
            "member": "dan",
            "role": "primary",
            "start": "2027-01-04T13:00:00Z",
            "end": "2027-01-04T18:00:00Z",
        },
        headers=write_headers,
    )
    assert added.status_code == 201, added.text
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again.headers["etag"] != etag


def test_a_cached_feed_is_not_rebuilt(
    client: TestClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[int] = []

    def counting(*args: object, **kwargs: object) -> bytes:
        built.append(1)
        return feed_bytes(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("rota.calendar.publish.feed_bytes", counting)
    _, path = new_feed(store)
    _, role_path = new_feed(store, "role", role="primary")
    for _ in range(3):
        assert client.get(path).status_code == 200
        assert client.get(role_path).status_code == 200
    assert len(built) == 2  # once per feed


def test_token_lookups_are_cached(
    client: TestClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = new_feed(store)
    lookups: list[str] = []
    original = store.find_feed_token

    def counting(token_hash: str) -> object:
        lookups.append(token_hash)
        return original(token_hash)

    monkeypatch.setattr(store, "find_feed_token", counting)
    for _ in range(5):
        assert client.get(path).status_code == 200
    assert len(lookups) == 1  # within Settings.cache_seconds (1 s)


# ------------------------------------------------------------------------- list and revoke


def test_feeds_are_listed_and_revoked_with_a_write_key(
    client: TestClient,
    store: Store,
    read_headers: dict[str, str],
    write_headers: dict[str, str],
) -> None:
    team_id, team_path = new_feed(store)
    role_id, _ = new_feed(store, "role", role="secondary")
    member_id, _ = new_feed(store, "member", member="ann")
    other_id, _ = new_feed(store, "member", member="zoe")  # in no team of the store
    assert client.get(team_path).status_code == 200  # warms the token cache

    assert client.get("/v1/feeds", headers=read_headers).status_code == 403
    assert client.get("/v1/feeds").status_code == 401
    listed = client.get("/v1/feeds", headers=write_headers)
    assert listed.status_code == 200
    assert [f["id"] for f in listed.json()["feeds"]] == [team_id, role_id, member_id, other_id]
    ops = client.get("/v1/feeds", params={"team": "ops"}, headers=write_headers).json()["feeds"]
    assert [(f["id"], f["kind"], f["team"], f["role"], f["member"]) for f in ops] == [
        (team_id, "team", "ops", None, None),
        (role_id, "role", "ops", "secondary", None),
        (member_id, "member", None, None, "ann"),
    ]
    assert ops[0]["last_used"] == "2027-01-04T09:30:00Z"  # NOW, to the minute
    assert ops[1]["last_used"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00Z", ops[0]["created"])
    assert "token" not in str(ops)
    assert "hash" not in str(ops)
    unknown = client.get("/v1/feeds", params={"team": "nope"}, headers=write_headers)
    assert unknown.status_code == 404

    assert client.delete(f"/v1/feeds/{team_id}", headers=read_headers).status_code == 403
    assert client.delete(f"/v1/feeds/{team_id}", headers=write_headers).status_code == 204
    assert client.get(team_path).status_code == 404  # at once, despite the token cache
    assert client.delete(f"/v1/feeds/{team_id}", headers=write_headers).status_code == 404
    assert client.delete("/v1/feeds/999", headers=write_headers).status_code == 404
    remaining = client.get("/v1/feeds", headers=write_headers).json()["feeds"]
    assert team_id not in [f["id"] for f in remaining]


def test_use_is_recorded_at_most_once_a_minute(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [NOW]
    writes: list[datetime] = []
    original = store.record_feed_use

    def counting(token_id: int, at: datetime, **kwargs: timedelta) -> bool:
        writes.append(at)
        return original(token_id, at, **kwargs)

    monkeypatch.setattr(store, "record_feed_use", counting)
    app = create_app(Settings(db_url="unused", now=lambda: clock[0], cache_seconds=0), store=store)
    feed_id, path = new_feed(store)
    with TestClient(app) as client:
        for seconds in (0, 10, 59):
            clock[0] = NOW + timedelta(seconds=seconds)
            assert client.get(path).status_code == 200
        clock[0] = NOW + timedelta(seconds=61)
        assert client.get(path).status_code == 200
    assert writes == [NOW, NOW + timedelta(seconds=61)]
    [token] = [t for t in store.list_feed_tokens() if t.id == feed_id]
    assert token.last_used_at == NOW + timedelta(seconds=61)


# ------------------------------------------------------------------------- base URLs


@pytest.mark.parametrize(
    "public_url", ["rota.example.com", "javascript:alert(1)", "https://x/?a=1"]
)
def test_an_unusable_public_url_stores_no_token(
    store: Store, write_headers: dict[str, str], public_url: str
) -> None:
    app = create_app(Settings(db_url="unused", now=lambda: NOW, public_url=public_url), store=store)
    with TestClient(app) as client:
        response = client.post(
            "/v1/feeds", json={"kind": "team", "team": "ops"}, headers=write_headers
        )
    assert response.status_code == 503
    assert "--public-url" in response.json()["detail"]
    assert store.list_feed_tokens() == []


def test_a_public_url_with_a_path_prefixes_the_feed(
    store: Store, write_headers: dict[str, str]
) -> None:
    app = create_app(
        Settings(db_url="unused", now=lambda: NOW, public_url="https://rota.example.com/oncall/"),
        store=store,
    )
    with TestClient(app) as client:
        response = client.post(
            "/v1/feeds", json={"kind": "team", "team": "ops"}, headers=write_headers
        )
    assert response.status_code == 201
    assert response.json()["url"].startswith("https://rota.example.com/oncall/feeds/rota_f_")
    assert response.json()["webcal"].startswith("webcal://rota.example.com/oncall/feeds/rota_f_")


# ------------------------------------------------------------------------- odd stored rows


def test_feeds_serve_despite_a_sub_second_override_and_odd_names(
    tmp_path: Path, write_headers: dict[str, str]
) -> None:
    text = (
        TEAM_FILE.read_text()
        .replace("name: Ops,", 'name: "Ops\\nTeam",')
        .replace("name: Ann Lee", 'name: "Ann\\nLee"')
    )
    store = ops_store(tmp_path / "odd.db")
    store.save_schedule(ops_schedule(), config_text=text, config_name="ops.yaml", meta={})
    store_sub_second_override(tmp_path / "odd.db")
    app = create_app(Settings(db_url="unused", now=lambda: NOW), store=store)
    with TestClient(app) as client:
        feeds = [
            ("team", {}),
            ("role", {"role": "primary"}),
            ("member", {"member": "ann"}),
            ("member", {"member": "dan"}),
        ]
        for kind, where in feeds:
            _, path = new_feed(store, kind, **where)
            response = client.get(path)
            assert response.status_code == 200, (kind, where, response.text)
            Calendar.from_ical(response.content)
    store.close()
