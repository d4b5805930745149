"""The page as a person sees it: ``rota serve`` on loopback, driven by headless Chromium.

Every example team (configs/*.yaml) is stored with a round-robin schedule whose horizon is moved
to start a week before today, so "now" falls inside it with the server's real clock. One browser
signs in through the login form and opens every team at desktop (1280×800) and phone (390×844)
widths; screenshots go to ``test-artifacts/web/``.

Skips only when Chromium or Playwright is missing (CI installs both, see .ci/run). Set
``ROTA_CHROMIUM`` to use another Chromium binary.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from rota.horizon import build_grid
from rota.service import config_from_text
from rota.solver.roundrobin import round_robin
from rota.store import Store
from rota.team import team_from_config
from tests.ops_team import make_key
from tests.served import rota_serve
from tests.web.conftest import serves_pages

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"
CONFIGS = sorted((ROOT / "configs").glob("*.yaml"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _chromium() -> str | None:
    for candidate in (os.environ.get("ROTA_CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
)
CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
)


def _rebased(text: str, today: datetime) -> str:
    """The team file with its horizon starting a week before ``today`` (at least 4 weeks)."""
    document = yaml.safe_load(text)
    document["horizon"]["start"] = (today - timedelta(days=8)).date()
    document["horizon"]["weeks"] = max(int(document["horizon"]["weeks"]), 4)
    return yaml.safe_dump(document, sort_keys=False)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """``rota serve`` (the console script) on a free loopback port with every example team."""
    db = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'rota.db'}"
    store = Store.open(db)
    teams: dict[str, Any] = {}
    for path in CONFIGS:
        text = _rebased(path.read_text(encoding="utf-8"), datetime.now(UTC))
        team = team_from_config(config_from_text(text, path.name))
        schedule = round_robin(team, build_grid(team))
        store.save_schedule(schedule, config_text=text, config_name=path.name, meta={})
        teams[team.id] = team
    key = make_key(store, "browser-test", "read")
    store.close()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with rota_serve(db, log) as base:
        yield {"base": base, "key": key, "teams": teams}
    assert key not in log.read_text(), "the API key appeared in the server log"


@pytest.fixture(scope="module")
def browser(served: dict[str, Any]) -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


def _signed_in_page(browser: Any, served: dict[str, Any], viewport: str) -> Any:
    context = browser.new_context(viewport=VIEWPORTS[viewport], timezone_id="America/New_York")
    page = context.new_page()
    page.goto(served["base"] + "/")
    assert "/login" in page.url, "anonymous visitors must be sent to the login form"
    assert page.locator("input[name=key]").is_visible()
    page.fill("input[name=key]", served["key"])
    page.click("button[type=submit]")
    page.wait_for_url(served["base"] + "/")
    return page


def test_rota_serve_serves_the_page() -> None:
    """A clear failure (not a skip) when the page router is not part of ``rota serve``."""
    from api.app import create_app
    from api.settings import Settings

    assert serves_pages(create_app(Settings(db_url="unused"))), (
        "include api.routes.pages.router in api/app.py (create_app)"
    )


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_team_renders(browser: Any, served: dict[str, Any], viewport: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = _signed_in_page(browser, served, viewport)
    for team in served["teams"].values():
        assert page.locator(f"[data-team='{team.id}']").is_visible()
    page.screenshot(path=ARTIFACTS / f"index-{viewport}.png", full_page=True)

    for team in served["teams"].values():
        page.goto(f"{served['base']}/teams/{team.id}")
        assert page.locator("h1").inner_text() == team.config.team_name
        oncall = page.locator("#oncall")
        assert oncall.is_visible()
        holders = oncall.locator(".holders li")
        assert holders.count() == len(team.roles)
        names = {m.name for m in team.members}
        assert holders.first.locator(".person").inner_text().strip() in names
        # the now marker is drawn inside the visible timeline
        marker = page.locator("#timeline .now-marker line")
        assert marker.count() == 1
        box = marker.bounding_box()
        assert box is not None
        assert box["height"] > 10
        # every role is a row and every member appears in the legend and the fairness panel
        assert page.locator("#timeline .tl-row[data-role]").count() == len(team.roles)
        legend = page.locator("#timeline .legend").inner_text()
        fairness = page.locator("#fairness").inner_text()
        for member in team.members:
            assert member.name in legend
            assert member.name in fairness
        assert page.locator("#fairness .chart").count() == 5
        # nothing overflows the viewport sideways except the scrollable timeline
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS[viewport]["width"], f"{team.id}: page wider than the screen"
        page.screenshot(path=ARTIFACTS / f"{team.id}-{viewport}.png", full_page=True)
        page.screenshot(path=ARTIFACTS / f"{team.id}-{viewport}-first-screen.png")
        for part in ("timeline", "fairness"):
            page.locator(f"#{part}").screenshot(path=ARTIFACTS / f"{team.id}-{viewport}-{part}.png")


def test_browser_zone_is_offered(browser: Any, served: dict[str, Any]) -> None:
    page = _signed_in_page(browser, served, "desktop")
    team = next(iter(served["teams"].values()))
    page.goto(f"{served['base']}/teams/{team.id}")
    option = page.locator("#tz option[value='America/New_York']")  # the context's zone
    assert option.count() == 1
    assert "browser" in option.inner_text().lower()
    page.select_option("#tz", "America/New_York")
    page.wait_for_url(f"**/teams/{team.id}?tz=America%2FNew_York")
    assert "America/New_York" in page.locator(".sub").first.inner_text()
