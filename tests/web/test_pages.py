"""``GET /`` and ``GET /teams/{team}`` through the app: sign-in, content, zone selector, feeds.

The ``ops`` team (tests/data/oncall_team.yaml) at Mon 2027-01-04 09:30 UTC: ann is primary and
cat secondary; dan takes primary at Tuesday's 00:00 handoff.
"""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from rota.store import Store
from tests.ops_team import NOW
from tests.web.conftest import sign_in


def test_anonymous_visitors_are_sent_to_the_login_form(client: TestClient) -> None:
    for path, target in (("/", "%2F"), ("/teams/ops?tz=UTC", "%2Fteams%2Fops%3Ftz%3DUTC")):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={target}"
    form = client.get("/login")
    assert form.status_code == 200
    assert 'type="password"' in form.text
    assert "Ann Lee" not in form.text
    assert "ops" not in form.text.replace("robots", "")


def test_a_wrong_key_is_refused(client: TestClient) -> None:
    response = client.post("/login", data={"key": "rota_k_nope"}, follow_redirects=False)
    assert response.status_code == 401
    assert "unknown or revoked" in response.text
    assert "set-cookie" not in response.headers


def test_sign_in_sets_a_strict_http_only_cookie_without_the_key(
    client: TestClient, read_key: str
) -> None:
    response = client.post(
        "/login", data={"key": read_key, "next": "/teams/ops"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/teams/ops"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("rota_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/" in cookie
    assert "Secure" not in cookie  # plain http (loopback); https gets Secure, see below
    assert read_key not in cookie
    assert client.get("/teams/ops").status_code == 200


def test_cookie_is_secure_over_https(store: Store, read_key: str) -> None:
    from api.settings import Settings
    from tests.web.conftest import page_app

    app = page_app(Settings(db_url="unused", now=lambda: NOW), store)
    with TestClient(app, base_url="https://rota.example") as secure_client:
        response = secure_client.post("/login", data={"key": read_key}, follow_redirects=False)
    assert "Secure" in response.headers["set-cookie"]


def test_next_must_stay_on_the_site(client: TestClient, read_key: str) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = client.post(
            "/login", data={"key": read_key, "next": target}, follow_redirects=False
        )
        assert response.headers["location"] == "/"


def test_bearer_header_works_without_a_session(client: TestClient, read_key: str) -> None:
    response = client.get("/teams/ops", headers={"Authorization": f"Bearer {read_key}"})
    assert response.status_code == 200
    assert "Ann Lee" in response.text


def test_revoked_key_ends_its_sessions(client: TestClient, store: Store, read_key: str) -> None:
    sign_in(client, read_key)
    assert client.get("/", follow_redirects=False).status_code == 200
    store.revoke_api_key("pager")
    client.app.state.keys = type(client.app.state.keys)(store, max_age_s=0)  # type: ignore[attr-defined]
    assert client.get("/", follow_redirects=False).status_code == 303


def test_sessions_expire_after_two_weeks(
    client: TestClient, read_key: str, clock: list[object]
) -> None:
    sign_in(client, read_key)
    clock[0] = NOW + timedelta(days=15)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_tampered_cookie_is_ignored(client: TestClient, read_key: str) -> None:
    sign_in(client, read_key)
    value = client.cookies["rota_session"]
    forged = value.split(".")[0] + ".9999999999." + value.split(".")[2]
    client.cookies.delete("rota_session")  # replace it: with both, which one a server reads varies
    client.cookies.set("rota_session", forged)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_index_lists_teams_with_who_is_on_call(client: TestClient, read_key: str) -> None:
    sign_in(client, read_key)
    page = client.get("/").text
    assert 'data-team="ops"' in page
    assert 'href="/teams/ops"' in page
    holders = re.findall(r'class="person">([^<]+)<', page)
    assert holders == ["Ann Lee", "cat"]
    assert "Next handoff Tue 05 Jan 00:00 UTC" in page


def test_team_page_shows_the_oncall_card_timeline_and_fairness(
    client: TestClient, read_key: str
) -> None:
    sign_in(client, read_key)
    response = client.get("/teams/ops")
    page = response.text
    assert "<h1>Ops</h1>" in page
    oncall = " ".join(page[page.index('id="oncall"') : page.index('id="timeline"')].split())
    assert re.findall(r"</svg>([^<]+)</span>", oncall) == ["Ann Lee", "cat"]
    assert "skipped" not in oncall  # dan's dentist starts at 10:00
    assert "their time Mon 04:30" in oncall  # cat in New York
    assert "ack within 5 min" in oncall
    assert "ack within 10 min" in oncall
    assert "Walk the chain 3×" in oncall
    assert "Next handoff <strong>Tue 05 Jan 00:00</strong>: primary Ann Lee → dan" in oncall
    timeline = page[page.index('id="timeline"') : page.index('id="fairness"')]
    assert timeline.count('class="tl-row" data-role=') == 2
    assert 'class="now-marker" data-now="5.655"' in timeline  # 9.5 h of the 7-day week view
    assert timeline.count('class="hole"') == 0  # the week shown is the 7-day schedule
    assert 'class="off"' in timeline
    fairness = page[page.index('id="fairness"') : page.index('id="feeds"')]
    for name in ("Ann Lee", "bob", "cat", "dan"):
        assert name in fairness
    assert fairness.count('class="chart"') == 5


def test_page_headers_keep_it_private(client: TestClient, read_key: str) -> None:
    sign_in(client, read_key)
    response = client.get("/teams/ops")
    policy = response.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce is not None
    assert f'<script nonce="{nonce.group(1)}">' in response.text
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["cache-control"] == "no-store"
    assert ' style="' not in response.text  # the CSP allows no inline style attributes


def test_zone_selector(client: TestClient, read_key: str) -> None:
    sign_in(client, read_key)
    default = client.get("/teams/ops").text
    assert '<option value="UTC" selected>Team zone (UTC)</option>' in default
    for zone in ("Europe/Warsaw", "America/New_York"):  # member zones are offered too
        assert f'<option value="{zone}">' in default
    assert 'id="tz-browser"' in default  # filled in by the inline script
    warsaw = client.get("/teams/ops", params={"tz": "Europe/Warsaw"}).text
    assert '<option value="Europe/Warsaw" selected>' in warsaw
    assert "now Mon 04 Jan 10:30 Europe/Warsaw" in warsaw
    tokyo = client.get("/teams/ops", params={"tz": "Asia/Tokyo"}).text  # e.g. the browser's
    assert '<option value="Asia/Tokyo" selected>' in tokyo
    assert 'data-now="' in tokyo  # the window starts at midnight in Tokyo


def test_unknown_zone_is_a_422(client: TestClient, read_key: str) -> None:
    sign_in(client, read_key)
    for bad in ("Mars/Olympus", "../../etc/passwd", "utc "):
        page = client.get("/teams/ops", params={"tz": bad}, headers={"Accept": "text/html"})
        assert page.status_code == 422
        assert "unknown time zone" in page.text
    data = client.get(
        "/teams/ops", params={"tz": "Mars/Olympus"}, headers={"Accept": "application/json"}
    )
    assert data.status_code == 422
    assert data.json()["detail"][0]["loc"] == ["query", "tz"]
    assert client.get("/", params={"tz": "Nowhere"}).status_code == 422


def test_unknown_team_is_a_404_page(client: TestClient, read_key: str) -> None:
    sign_in(client, read_key)
    response = client.get("/teams/nope")
    assert response.status_code == 404
    assert "No published rota" in response.text


def test_outside_the_schedule_the_page_says_so(
    client: TestClient, read_key: str, clock: list[object]
) -> None:
    clock[0] = NOW + timedelta(days=30)
    sign_in(client, read_key)
    page = client.get("/teams/ops").text
    assert "No stored shift holds now" in page
    assert 'class="block"' not in page
    assert "The stored schedule does not cover now" in client.get("/").text


def test_read_keys_see_how_to_get_feeds(client: TestClient, read_key: str) -> None:
    sign_in(client, read_key)
    feeds = client.get("/teams/ops").text.split('id="feeds"')[1]
    assert "<form" not in feeds
    for command in ("rota feed create ops<", "--role primary", "--member bob"):
        assert command in feeds


def test_write_keys_create_feed_links(client: TestClient, write_key: str) -> None:
    sign_in(client, write_key)
    page = client.get("/teams/ops").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    feeds = page.split('id="feeds"')[1]
    assert feeds.count("<form") == 1 + 2 + 4  # team, two roles, four members
    created = client.post(
        "/teams/ops/feeds",
        data={"csrf": csrf.group(1), "kind": "role", "role": "primary", "member": ""},
    )
    assert created.status_code == 201
    url = re.search(
        r'<code class="url">(http://testserver/feeds/rota_f_[^<]+\.ics)</code>', created.text
    )
    assert url is not None
    assert 'href="webcal://testserver/feeds/rota_f_' in created.text
    feed = client.get(url.group(1).removeprefix("http://testserver"))
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")


def test_feed_form_needs_the_session_token_and_same_origin(
    client: TestClient, write_key: str
) -> None:
    sign_in(client, write_key)
    page = client.get("/teams/ops").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    assert client.post("/teams/ops/feeds", data={"kind": "team"}).status_code == 403
    foreign = client.post(
        "/teams/ops/feeds",
        data={"csrf": csrf.group(1), "kind": "team"},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403


def test_read_keys_cannot_create_feeds(client: TestClient, read_key: str) -> None:
    sign_in(client, read_key)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert csrf is not None
    response = client.post("/teams/ops/feeds", data={"csrf": csrf.group(1), "kind": "team"})
    assert response.status_code == 403
    assert "write key" in response.text


def test_sign_out_clears_the_session(client: TestClient, read_key: str) -> None:
    sign_in(client, read_key)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert csrf is not None
    response = client.post("/logout", data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert response.status_code == 303
    assert 'rota_session=""' in response.headers["set-cookie"]
    assert client.get("/", follow_redirects=False).status_code == 303
