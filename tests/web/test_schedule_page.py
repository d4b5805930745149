"""The schedule part of ``GET /teams/{team}``: ``?view=``, ``?span=``, ``?start=``, its links,
block details reachable without hover, and "up next" before, during and after the schedule.

The ``ops`` team (tests/web/conftest.py): daily shifts from Mon 2027-01-04 00:00 UTC for 7 days.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from tests.web.conftest import sign_in


def _section(page: str, name: str, following: str) -> str:
    return page[page.index(f'id="{name}"') : page.index(f'id="{following}"')]


def test_people_view_has_a_row_per_member(client: TestClient, read_key: str) -> None:
    sign_in(client, read_key)
    page = client.get("/teams/ops?view=people").text
    timeline = _section(page, "timeline", "fairness")
    assert re.findall(r'class="tl-row" data-member="(\w+)"', timeline) == [
        "ann",
        "bob",
        "cat",
        "dan",
    ]
    assert 'data-view="people"' in timeline
    # each block names its role: the week's blocks are wide enough for the whole word
    assert '">primary</span>' in timeline
    assert '">secondary</span>' in timeline
    assert 'fill="url(#role1)"' in timeline  # secondary is patterned too


def test_span_and_start_choose_the_period(client: TestClient, read_key: str) -> None:
    sign_in(client, read_key)
    day = client.get("/teams/ops?span=day&start=2027-01-05").text
    assert "Tuesday 05 January 2027" in day
    assert day.count('class="block"') == 2  # dan and cat hold that day
    assert "03:00" in day  # hour marks in the day view
    links = re.findall(r'href="(/teams/ops\?[^"]+)"', day)
    assert "/teams/ops?view=roles&amp;span=day&amp;start=2027-01-04#timeline" in links
    assert "/teams/ops?view=roles&amp;span=day&amp;start=2027-01-06#timeline" in links
    assert "/teams/ops?view=people&amp;span=day&amp;start=2027-01-05#timeline" in links
    month = client.get("/teams/ops?span=month&start=2027-01-20").text
    assert "January 2027" in month
    assert "start=2026-12-01" in month
    assert "start=2027-02-01" in month
    after = client.get("/teams/ops?span=week&start=2027-01-11").text
    assert _section(after, "timeline", "fairness").count('class="hole"') == 2  # no schedule


def test_unknown_choices_are_a_422(client: TestClient, read_key: str) -> None:
    sign_in(client, read_key)
    for query, name in (
        ("view=grid", "view"),
        ("span=year", "span"),
        ("start=tomorrow", "start"),
        ("start=0001-01-01&span=month", "start"),
        ("start=9999-12-31", "start"),
    ):
        page = client.get(f"/teams/ops?{query}")
        assert page.status_code == 422
        assert name in page.text
        json = client.get(f"/teams/ops?{query}", headers={"accept": "application/json"})
        assert json.json()["detail"][0]["loc"] == ["query", name]


def test_the_zone_selector_keeps_the_view(client: TestClient, read_key: str) -> None:
    sign_in(client, read_key)
    page = client.get("/teams/ops?view=people&span=day&start=2027-01-05").text
    toolbar = page[
        page.index('class="toolbar"') : page.index("</form>", page.index('class="toolbar"'))
    ]
    for name, value in (("view", "people"), ("span", "day"), ("start", "2027-01-05")):
        assert f'<input type="hidden" name="{name}" value="{value}">' in toolbar
    assert (
        'type="hidden"'
        not in client.get("/teams/ops").text.split('class="toolbar"')[1].split("</form>")[0]
    )


def test_every_block_links_to_its_details(client: TestClient, read_key: str) -> None:
    sign_in(client, read_key)
    page = client.get("/teams/ops").text
    targets = re.findall(r'<a class="bl" href="#(b\d+-\d+)"', page)
    assert len(targets) == len(set(targets)) > 0
    for target in targets:
        assert f'<li id="{target}">' in page
    assert '<details class="shifts" id="shifts">' in page
    # cat is in New York: their own times are given next to the display zone's
    assert "cat's time Sun 03 Jan 19:00 – " in page


def test_up_next_during_before_and_after(
    client: TestClient, read_key: str, clock: list[datetime]
) -> None:
    sign_in(client, read_key)
    during = _section(client.get("/teams/ops").text, "up-next", "timeline")
    assert "Tue 05 Jan 00:00" in during
    assert "Ann Lee → dan" in " ".join(during.split())
    clock[0] = datetime(2027, 1, 1, 12, tzinfo=UTC)
    before = " ".join(_section(client.get("/teams/ops").text, "up-next", "timeline").split())
    assert 'data-phase="before"' in before
    assert "first on call" in before
    assert "Mon 04 Jan 00:00" in before
    assert "Sun 19:00 New York" in before  # cat's own time for the first handoff
    clock[0] = datetime(2027, 1, 11, 0, tzinfo=UTC)
    after = " ".join(_section(client.get("/teams/ops").text, "up-next", "timeline").split())
    assert 'data-phase="after"' in after
    assert "The stored schedule ended Mon 11 Jan 00:00" in after
    assert "<li" not in after
