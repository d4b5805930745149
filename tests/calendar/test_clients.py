"""Real calendar clients read our feeds at the same UTC instants we wrote, across DST changes.

Two feeds: the Warsaw team (daily 09:00 handoffs across Europe/Warsaw's 2027-03-28 spring-forward,
so one shift lasts 23 h and alice's weekend event runs across it) and alice's member feed, which
also holds a New York team's events across America/New_York's 2027-03-14 change.

Each client parses or imports the file and we compare every event's UTC start and end (and UID
and SUMMARY where the client exposes them) with the events we built. khal and calcurse are also
run with different viewer zones (their configured zone and ``TZ``): the instants must not move.
A client that is not installed makes its test skip with the reason; nothing passes silently.
Install them with ``apt-get install khal calcurse``, ``pip install vobject`` and ``npm ci`` in
``tests/calendar/clients``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from rota.calendar import FeedEvent, FeedScope, build_events, feed_bytes
from tests.calendar.helpers import STAMP, load_team, rota

CLIENTS = Path(__file__).parent / "clients"
ICAL_JS = CLIENTS / "node_modules" / "ical.js"
TIMEOUT = 30


@dataclass(frozen=True, slots=True, order=True)
class Seen:
    """An event as a client reports it; ``uid``/``summary`` are empty where it hides them."""

    start: datetime
    end: datetime
    uid: str = ""
    summary: str = ""


@dataclass(frozen=True, slots=True)
class Feed:
    path: Path
    events: tuple[FeedEvent, ...]

    def expected(self, *, uid: bool = True, summary: bool = True) -> list[Seen]:
        return sorted(
            Seen(e.start, e.end, e.uid if uid else "", e.summary if summary else "")
            for e in self.events
        )


def _events() -> list[FeedEvent]:
    warsaw, newyork = load_team("warsaw_dst"), load_team("newyork_dst")
    #              Thu 25          Fri 26        Sat 27 (23 h)      Sun 28
    warsaw_rows = [("alice", "bob"), ("bob", "carol"), ("alice", "carol"), ("alice", "carol"),
                   ("carol", "bob"), ("bob", "alice"), ("bob", "alice")]  # fmt: skip
    #               Thu 11  Fri 12   Sat 13 (23 h) Sun 14 ...
    newyork_rows = ["erin", "alice", "alice", "erin", "erin", "alice", "erin"]
    warsaw_shifts = rota(warsaw, [{"primary": p, "secondary": s} for p, s in warsaw_rows])
    newyork_shifts = rota(newyork, [{"primary": p} for p in newyork_rows])
    assert warsaw_shifts[2].end - warsaw_shifts[2].start == timedelta(hours=23)
    assert newyork_shifts[2].end - newyork_shifts[2].start == timedelta(hours=23)
    return [*build_events(warsaw, warsaw_shifts), *build_events(newyork, newyork_shifts)]


def _scope(name: str) -> FeedScope:
    if name == "warsaw-team":
        return FeedScope.for_team(load_team("warsaw_dst"))
    return FeedScope.for_member("alice", "Alice Nowak")


FEEDS = ("alice-member", "warsaw-team")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Feed]:
    events = _events()
    feeds = {}
    for name in FEEDS:
        scope = _scope(name)
        path = tmp_path_factory.mktemp("feeds") / f"{name}.ics"
        path.write_bytes(feed_bytes(events, scope, stamp=STAMP))
        feeds[name] = Feed(path, tuple(e for e in events if scope.includes(e)))
    # The member feed has events of both teams, including ones across each DST change.
    alice = feeds["alice-member"].events
    assert {e.team_id for e in alice} == {"warsaw", "newyork"}
    assert datetime(2027, 3, 29, 7, tzinfo=UTC) in {e.end for e in alice}
    assert datetime(2027, 3, 14, 13, tzinfo=UTC) in {e.end for e in alice}
    return feeds


@pytest.fixture(params=FEEDS)
def feed(request: pytest.FixtureRequest, written: dict[str, Feed]) -> Feed:
    return written[request.param]


def run(args: Sequence[str | Path], *, tz: str = "UTC", home: Path) -> str:
    env = {**os.environ, "TZ": tz, "HOME": str(home), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    done = subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{args[0]} failed ({done.returncode}): {done.stderr}"
    return done.stdout


def utc(value: datetime) -> datetime:
    """A parsed time in UTC; a floating (naive) time would be read in each viewer's own zone."""
    assert value.tzinfo is not None, f"floating time {value} in the feed"
    return value.astimezone(UTC)


def need(program: str, how: str) -> str:
    path = shutil.which(program)
    if path is None:
        pytest.skip(f"{program} not installed: {how}")
    return path


# ---------------------------------------------------------------------------------- clients


def test_icalendar_reads_our_instants(feed: Feed) -> None:
    calendar = Calendar.from_ical(feed.path.read_bytes())
    seen = [
        Seen(
            utc(v.decoded("DTSTART")),
            utc(v.decoded("DTEND")),
            str(v["UID"]),
            str(v["SUMMARY"]),
        )
        for v in calendar.walk("VEVENT")
    ]
    assert sorted(seen) == feed.expected()


def test_vobject_reads_our_instants(feed: Feed) -> None:
    vobject = pytest.importorskip("vobject", reason="vobject not installed: pip install vobject")
    calendar = vobject.readOne(feed.path.read_text(encoding="utf-8"))
    seen = [
        Seen(
            utc(v.dtstart.value),
            utc(v.dtend.value),
            v.uid.value,
            v.summary.value,
        )
        for v in calendar.vevent_list
    ]
    assert sorted(seen) == feed.expected()


@pytest.mark.parametrize("tz", ["UTC", "Pacific/Auckland"])
def test_ical_js_reads_our_instants(feed: Feed, tz: str, tmp_path: Path) -> None:
    node = need("node", "install Node.js to run Mozilla ical.js")
    if not ICAL_JS.is_dir():
        pytest.skip(f"ical.js not installed: run `npm ci` in {CLIENTS}")
    out = run([node, CLIENTS / "ical_events.mjs", feed.path], tz=tz, home=tmp_path)
    seen = []
    for item in json.loads(out):
        start = datetime.fromtimestamp(item["start"], UTC)
        end = datetime.fromtimestamp(item["end"], UTC)
        assert (item["start_zone"], item["end_zone"]) == ("UTC", "UTC")  # not floating
        assert datetime.fromisoformat(item["start_js"]) == start  # toJSDate() agrees
        seen.append(Seen(start, end, item["uid"], item["summary"]))
    assert sorted(seen) == feed.expected()


KHAL_CONFIG = """\
[calendars]
[[oncall]]
path = {vdir}
[locale]
local_timezone = {zone}
default_timezone = {zone}
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%dT%H:%M%z
longdatetimeformat = %Y-%m-%dT%H:%M%z
[sqlite]
path = {cache}
"""


@pytest.mark.parametrize(
    ("zone", "tz"),
    [("UTC", "UTC"), ("America/New_York", "Asia/Tokyo"), ("Europe/Warsaw", "America/New_York")],
)
def test_khal_reads_our_instants(feed: Feed, zone: str, tz: str, tmp_path: Path) -> None:
    """khal imports the feed into a vdir, then lists it in its configured zone (``%z`` shown)."""
    khal = need("khal", "apt-get install khal")
    vdir = tmp_path / "vdir" / "oncall"
    vdir.mkdir(parents=True)
    config = tmp_path / "khal.conf"
    config.write_text(KHAL_CONFIG.format(vdir=vdir, zone=zone, cache=tmp_path / "khal.db"))
    run([khal, "-c", config, "import", "--batch", "-a", "oncall", feed.path], tz=tz, home=tmp_path)
    assert len(list(vdir.glob("*.ics"))) == len(feed.events)
    out = run(
        [khal, "-c", config, "list", "--once", "--day-format", "",
         "--format", "{uid}|{start}|{end}|{title}", "2027-03-01", "60d"],
        tz=tz, home=tmp_path,
    )  # fmt: skip
    seen = []
    for line in filter(None, out.splitlines()):
        uid, start, end, title = line.split("|")
        seen.append(Seen(_khal_time(start), _khal_time(end), uid, title))
    assert sorted(seen) == feed.expected()


def _khal_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M%z").astimezone(UTC)


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Europe/Warsaw", "Asia/Kolkata"])
def test_calcurse_reads_our_instants(feed: Feed, tz: str, tmp_path: Path) -> None:
    """calcurse imports into a data dir and stores local wall-clock times (it has no zones), so
    import and query run under the same viewer ``TZ``; ``%s`` prints each instant as Unix time.
    It lists a multi-day appointment once per day it touches, hence the set."""
    calcurse = need("calcurse", "apt-get install calcurse")
    data = tmp_path / "calcurse"
    data.mkdir()
    report = run([calcurse, "-D", data, "-i", feed.path], tz=tz, home=tmp_path)
    assert re.search(rf"\b0*{len(feed.events)} apps / 0 events / 0 todos / 0 skipped", report)
    out = run(
        [calcurse, "-D", data, "--input-datefmt", "4", "-Q", "--from", "2027-03-01",
         "--days", "60", "--format-apt", "%(start:%s)|%(end:%s)|%m\\n"],
        tz=tz, home=tmp_path,
    )  # fmt: skip
    seen = set()
    for line in out.splitlines():
        if "|" in line:
            start, end, summary = line.split("|")
            seen.add(
                Seen(
                    datetime.fromtimestamp(int(start), UTC),
                    datetime.fromtimestamp(int(end), UTC),
                    summary=summary,
                )
            )
    assert sorted(seen) == feed.expected(uid=False)
