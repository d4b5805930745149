"""The team page names overrides that no longer fit the published version."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from rota.store import Store
from tests.ops_team import NOW
from tests.web.conftest import sign_in


def test_team_page_lists_suspended_overrides_and_shows_the_planned_holder(
    client: TestClient, store: Store, read_key: str
) -> None:
    # Stored without a check, as an override checked against an older team file would be.
    store.add_override(
        "ops",
        role="primary",
        member_id="zed",
        start=NOW - timedelta(hours=1),
        end=NOW + timedelta(hours=1),
        reason="covering",
    )
    sign_in(client, read_key)

    page = client.get("/teams/ops").text

    suspended = " ".join(page[page.index('id="suspended"') : page.index('id="oncall"')].split())
    assert "Override 1: zed as primary" in suspended
    assert "member &#39;zed&#39; is no longer in team &#39;ops&#39;" in suspended
    oncall = " ".join(page[page.index('id="oncall"') : page.index('id="timeline"')].split())
    assert re.findall(r"</svg>([^<]+)</span>", oncall) == ["Ann Lee", "cat"]
    assert "override" not in oncall
