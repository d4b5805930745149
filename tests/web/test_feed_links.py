"""The team page's list of feed links in use, and its revoke button (write keys only)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from rota.keys import FEED_TOKEN_PREFIX, new_secret, secret_hash
from rota.store import Store
from tests.web.conftest import sign_in


def stored_feed(store: Store, **where: str) -> tuple[int, str]:
    token = new_secret(FEED_TOKEN_PREFIX)
    kind = "member" if "member" in where else "role" if "role" in where else "team"
    row = store.add_feed_token(
        token_hash=secret_hash(token),
        kind=kind,  # type: ignore[arg-type]
        team_id=None if kind == "member" else "ops",
        member_id=where.get("member"),
        role=where.get("role"),
    )
    return row.id, f"/feeds/{token}.ics"


def links_section(page: str) -> str:
    return page.split('id="feed-links-title"')[1]


def test_write_keys_see_the_feeds_in_use_and_revoke_one(
    client: TestClient, store: Store, write_key: str
) -> None:
    team_id, team_path = stored_feed(store)
    member_id, _ = stored_feed(store, member="bob")
    stored_feed(store, member="zoe")  # nobody of ops: not listed
    assert client.get(team_path).status_code == 200
    sign_in(client, write_key)

    page = client.get("/teams/ops").text
    links = links_section(page)
    assert re.findall(r'data-feed-id="(\d+)"', links) == [str(team_id), str(member_id)]
    assert "whole team" in links
    assert "member bob" in links
    assert "last used 2027-01-04T09:30:00Z" in links
    assert "never used" in links
    assert "rota_f_" not in page  # tokens are never shown again

    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    revoked = client.post(
        f"/teams/ops/feeds/{team_id}/revoke", data={"csrf": csrf.group(1)}, follow_redirects=False
    )
    assert revoked.status_code == 303
    assert revoked.headers["location"] == "/teams/ops#feeds"
    assert client.get(team_path).status_code == 404
    assert re.findall(r'data-feed-id="(\d+)"', links_section(client.get("/teams/ops").text)) == [
        str(member_id)
    ]
    again = client.post(f"/teams/ops/feeds/{team_id}/revoke", data={"csrf": csrf.group(1)})
    assert again.status_code == 404


def test_revoking_needs_the_form_token_and_a_write_key(
    client: TestClient, store: Store, read_key: str
) -> None:
    team_id, team_path = stored_feed(store)
    sign_in(client, read_key)
    page = client.get("/teams/ops").text
    assert 'id="feed-links-title"' not in page  # who uses which feed is for write keys
    assert client.post(f"/teams/ops/feeds/{team_id}/revoke", data={}).status_code == 403
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    refused = client.post(f"/teams/ops/feeds/{team_id}/revoke", data={"csrf": csrf.group(1)})
    assert refused.status_code == 403
    assert client.get(team_path).status_code == 200
