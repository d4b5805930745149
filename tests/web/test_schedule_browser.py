"""The schedule view in headless Chromium: every view (people, roles) at every zoom (day, week,
month), at desktop (1366x900) and phone (390x844) sizes, on the nine-person follow-the-sun team
(tests/web/data/sun9.yaml), on a copy of it that starts in three days, and on configs/*.yaml.

For each page the DOM must show only whole labels: every block label is a member's full name or
their initials (roles view) or a role's name or short form (people view), and its text fits its
box (``scrollWidth <= clientWidth``); every row name fits its cell; the page itself is no wider
than the screen (only the timeline scrolls sideways); no text is smaller than 11 px.
Screenshots go to ``test-artifacts/web/schedule/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from rota.horizon import build_grid
from rota.labels import PAD_PX, initials, role_abbreviations, text_px
from rota.service import config_from_text
from rota.solver.roundrobin import round_robin
from rota.store import Store
from rota.team import Team, team_from_config
from tests.ops_team import make_key
from tests.served import rota_serve
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS, CONFIGS, ROOT, _rebased, sync_api

ARTIFACTS = ROOT / "test-artifacts" / "web" / "schedule"
SUN9 = Path(__file__).resolve().parent / "data" / "sun9.yaml"
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
VIEWS = ("people", "roles")
SPANS = ("day", "week", "month")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
)

CHECK_PAGE = """() => {
  const box = (e) => ({text: e.textContent.trim(), scroll: e.scrollWidth, client: e.clientWidth});
  const labels = [...document.querySelectorAll('#timeline a.bl')].map(box);
  const rows = [...document.querySelectorAll('#timeline .tl-label')].map(box);
  const small = [];
  for (const e of document.querySelectorAll('main *')) {
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const rect = e.getBoundingClientRect();
    if (own && rect.width > 0 && parseFloat(getComputedStyle(e).fontSize) < 11) {
      small.push(e.tagName + ': ' + e.textContent.trim().slice(0, 30));
    }
  }
  return {labels, rows, small, width: document.documentElement.scrollWidth};
}"""


def _shifted(text: str, team_id: str, start: datetime) -> str:
    document = yaml.safe_load(text)
    document["team"]["id"] = team_id
    document["horizon"]["start"] = start.date()
    return yaml.safe_dump(document, sort_keys=False)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    db = f"sqlite:///{tmp_path_factory.mktemp('schedule') / 'rota.db'}"
    store = Store.open(db)
    today = datetime.now(UTC)
    sun9 = SUN9.read_text(encoding="utf-8")
    texts = [(path.name, _rebased(path.read_text(encoding="utf-8"), today)) for path in CONFIGS]
    texts.append((SUN9.name, _rebased(sun9, today)))
    texts.append(("sun9-soon.yaml", _shifted(sun9, "sun9-soon", today + timedelta(days=3))))
    teams: dict[str, Team] = {}
    for name, text in texts:
        team = team_from_config(config_from_text(text, name))
        store.save_schedule(
            round_robin(team, build_grid(team)), config_text=text, config_name=name, meta={}
        )
        teams[team.id] = team
    key = make_key(store, "schedule-test", "read")
    store.close()
    with rota_serve(db, tmp_path_factory.mktemp("serve") / "serve.log") as base:
        yield {"base": base, "key": key, "teams": teams}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


def _page(browser: Any, served: dict[str, Any], viewport: str) -> Any:
    context = browser.new_context(viewport=VIEWPORTS[viewport], timezone_id="Asia/Kolkata")
    context.set_extra_http_headers({"Authorization": f"Bearer {served['key']}"})
    return context.new_page()


def _allowed(team: Team, view: str) -> set[str]:
    if view == "roles":
        short = initials([(m.id, m.name) for m in team.members])
        return {m.name for m in team.members} | set(short.values())
    return set(team.roles) | set(role_abbreviations(team.roles).values())


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_view_shows_whole_names(browser: Any, served: dict[str, Any], viewport: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = _page(browser, served, viewport)
    labelled: dict[tuple[str, str], int] = {}
    for team in served["teams"].values():
        for view in VIEWS:
            for span in SPANS:
                page.goto(f"{served['base']}/teams/{team.id}?view={view}&span={span}")
                where = f"{team.id} {view}/{span} {viewport}"
                found = page.evaluate(CHECK_PAGE)
                allowed = _allowed(team, view)
                for label in found["labels"]:
                    if label["text"]:
                        assert label["text"] in allowed, f"{where}: fragment {label['text']!r}"
                    assert label["scroll"] <= label["client"], f"{where}: {label} overflows"
                for row in found["rows"]:
                    assert row["scroll"] <= row["client"], f"{where}: row name {row} overflows"
                kind, count = (
                    ("member", len(team.members)) if view == "people" else ("role", len(team.roles))
                )
                assert page.locator(f"#timeline .tl-row[data-{kind}]").count() == count
                assert found["width"] <= VIEWPORTS[viewport]["width"], f"{where}: page too wide"
                assert found["small"] == [], f"{where}: text under 11 px"
                labelled[(team.id, f"{view}/{span}")] = sum(1 for x in found["labels"] if x["text"])
                name = f"{team.id}-{view}-{span}-{viewport}"
                page.screenshot(path=ARTIFACTS / f"{name}.png")
                page.locator("#timeline").screenshot(path=ARTIFACTS / f"{name}-timeline.png")
    # the day view of the nine has room for names; the week view labels the longer shifts
    assert labelled[("sun9", "roles/day")] > 0
    assert labelled[("sun9", "people/day")] > 0
    assert labelled[("sun9", "roles/week")] > 0


def test_sun9_day_view_writes_full_names(browser: Any, served: dict[str, Any]) -> None:
    page = _page(browser, served, "desktop")
    page.goto(f"{served['base']}/teams/sun9?view=roles&span=day")
    texts = page.locator("#timeline a.bl .lbl").all_inner_texts()
    assert "Anna Schmidt" in texts or "Lea Wagner" in texts or "Jonas Becker" in texts, texts
    page.goto(f"{served['base']}/teams/sun9-soon?view=people&span=week")
    first = page.locator("#up-next [data-phase=before]")
    assert first.count() == 1
    assert "first on call" in page.locator("#up-next .upnext li").first.inner_text()


MEASURE = """(texts) => {
  const probe = document.createElement('a');
  probe.className = 'bl';
  probe.style.display = 'inline-block';
  probe.style.width = 'auto';
  const label = document.createElement('span');
  label.className = 'lbl';
  probe.append(label);
  document.querySelector('#timeline').append(probe);
  const widths = texts.map((t) => {
    label.textContent = t;
    return probe.getBoundingClientRect().width;
  });
  probe.remove();
  return widths;
}"""


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_label_widths_the_server_assumes_are_upper_bounds(
    browser: Any, served: dict[str, Any], viewport: str
) -> None:
    """rota.labels.text_px bounds the width Chromium gives every name, initials and role."""
    page = _page(browser, served, viewport)
    page.goto(f"{served['base']}/teams/sun9")
    texts = sorted(
        {t for team in served["teams"].values() for v in VIEWS for t in _allowed(team, v)}
    )
    rendered = page.evaluate(MEASURE, texts)
    for text, width in zip(texts, rendered, strict=True):
        assert width <= text_px(text) + 2 * PAD_PX, f"{text!r} is {width} px wide"


def test_a_block_opens_its_details_by_tap(browser: Any, served: dict[str, Any]) -> None:
    page = _page(browser, served, "phone")
    page.goto(f"{served['base']}/teams/sun9?view=roles&span=week")
    block = page.locator("#timeline a.bl").first
    target = block.get_attribute("href")
    assert target is not None
    assert target.startswith("#b")
    block.focus()  # keyboard: the block is a link, Enter follows it
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelector('{target}').checkVisibility()")
    assert page.locator(target).is_visible()
    assert "–" in page.locator(target).inner_text()
    page.screenshot(path=ARTIFACTS / "sun9-block-details-phone.png")
