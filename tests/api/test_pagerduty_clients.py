"""The real PagerDuty clients against ``rota serve`` over TLS, answering as ``rota who`` does.

One server serves every example team of configs/, the team with a manager of
tests/test_contacts.py (a contact away for two days) and tests/data/pagerduty_lumpy.yaml (US DST
inside the horizon, a contact who is a member elsewhere), each solved through the CLI and given
one override. The server's certificate is made here; the clients trust it through ``verify=``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import ssl
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pagerduty
import pytest

from rota.cli import main
from rota.model import Contact, Member, Override
from rota.oncall.effective import validate_override
from rota.service import add_checked_overrides, config_from_text, load_team_state
from rota.store import Store
from tests.certificates import make_certificate
from tests.ops_team import make_key
from tests.served import rota_serve
from tests.test_cli import run
from tests.test_contacts import TEAM_WITH_MANAGER

with warnings.catch_warnings():  # pdpyras warns on import that it is deprecated: we know
    warnings.simplefilter("ignore", UserWarning)
    import pdpyras  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "configs").glob("*.yaml"))
LUMPY = ROOT / "tests" / "data" / "pagerduty_lumpy.yaml"


@dataclass(frozen=True)
class Served:
    db: str
    base: str
    key: str
    cert: Path
    teams: dict[str, tuple[str, list[dt.datetime]]]
    """Team file name (without .yaml) -> the team id and the instants to compare at."""
    opened: list[pagerduty.RestApiV2Client | pdpyras.APISession] = field(default_factory=list)
    """Clients to close before the server stops (an open keep-alive connection delays it)."""

    def client(self, key: str | None = None) -> pagerduty.RestApiV2Client:
        """The official client, trusting the test's certificate."""
        client = pagerduty.RestApiV2Client(
            key or self.key,
            base_url=f"{self.base}/pagerduty",
            verify=ssl.create_default_context(cafile=self.cert),
        )
        self.opened.append(client)
        return client

    def pdpyras(self) -> pdpyras.APISession:
        """The older client, trusting the certificate through its requests session."""
        session = pdpyras.APISession(self.key)
        session.url = f"{self.base}/pagerduty"
        session.verify = str(self.cert)
        # requests lets REQUESTS_CA_BUNDLE (set on many machines) override a session's verify
        session.trust_env = False
        self.opened.append(session)
        return session


def _solve(team_file: Path, db: str) -> str:
    """``rota solve`` in this process (as tests/test_cli.py runs it); the team's id."""
    argv = sys.argv
    sys.argv = ["rota", "solve", str(team_file), "--db", db, "--time-limit", "3"]
    code: object = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.argv = argv
    assert not code, f"rota solve {team_file} exited {code}"
    return config_from_text(team_file.read_text(), team_file.name).team.id


def _add_override(store: Store, team_id: str) -> Override:
    """One override in the middle of the horizon: the first member (in file order) who may take
    the first role there, as ``rota override add`` would check it."""
    state = load_team_state(store, team_id)
    shifts = state.index.shifts
    middle = shifts[len(shifts) // 2]
    start = middle.start + (middle.end - middle.start) / 4
    end = middle.start + (middle.end - middle.start) * 3 / 4
    for role in state.team.roles:
        for member in state.team.members:
            if member.id in middle.assignments.values() or role not in member.roles:
                continue
            override = Override(team_id, role, member.id, start, end)
            try:
                validate_override(state.team, shifts, override)
            except ValueError:
                continue
            return add_checked_overrides(store, team_id, [override], created_by="test")[0]
    raise AssertionError(f"no member of {team_id} can take an override in {middle}")


def _zone_changes(zones: set[ZoneInfo], start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Every UTC hour in ``[start, end)`` at which one of ``zones`` changes its offset (DST)."""
    changes = []
    hour = start.replace(minute=0, second=0, microsecond=0)
    while hour < end:
        after = hour + dt.timedelta(hours=1)
        if any(hour.astimezone(z).utcoffset() != after.astimezone(z).utcoffset() for z in zones):
            changes.append(after)
        hour = after
    return changes


def _instants(store: Store, team_id: str, override: Override) -> list[dt.datetime]:
    """The horizon start, instants around the override, DST changes, a few absence starts,
    handoffs and seeded random instants."""
    state = load_team_state(store, team_id)
    index, team = state.index, state.team
    second = dt.timedelta(seconds=1)
    picks = [index.start, override.start - second, override.start, override.end - second]
    picks.append(override.end)
    zones = {team.zone, *(m.timezone for m in team.members)}
    picks += _zone_changes(zones, index.start, index.end)
    chance = random.Random(team_id)
    people: list[Member | Contact] = [*team.members, *team.contacts]
    away = [block.start for person in people for block in person.unavailable]
    picks += chance.sample(away, min(3, len(away)))
    picks += [s.start for s in chance.sample(index.shifts, min(3, len(index.shifts)))]
    span = int((index.end - index.start).total_seconds())
    picks += [index.start + dt.timedelta(seconds=chance.randrange(span)) for _ in range(3)]
    return sorted({p for p in picks if index.start <= p < index.end})


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("pagerduty")
    db = f"sqlite:///{folder / 'rota.db'}"
    manager = folder / "tiny.yaml"
    manager.write_text(TEAM_WITH_MANAGER, encoding="utf-8")
    files = {path.stem: _solve(path, db) for path in (*EXAMPLES, manager, LUMPY)}
    store = Store.open(db)
    try:
        teams = {
            stem: (team, _instants(store, team, _add_override(store, team)))
            for stem, team in files.items()
        }
        key = make_key(store, "pagerduty-client", "read")
    finally:
        store.close()
    cert, private_key = make_certificate(folder)
    with rota_serve(db, folder / "serve.log", tls=(cert, private_key)) as base:
        served = Served(db, base, key, cert, teams)
        yield served
        for client in served.opened:
            client.close()


def who(
    capsys: pytest.CaptureFixture[str], db: str, team: str, at: dt.datetime, severity: str | None
) -> set[tuple[int, str, str | None]]:
    """(level, person, schedule id or None) that ``rota who --json`` pages at ``at``."""
    args = ["who", team, "--db", db, "--at", at.isoformat(), "--json"]
    code, out, err = run(capsys, *args, *(["--severity", severity] if severity else []))
    assert code == 0, err
    by_id = ("member", "contact")
    return {
        (level["level"], m["id"], None if m["via"] in by_id else f"{team}:{m['via']}")
        for level in json.loads(out)["levels"]
        for m in level["members"]
    }


def schedule_of(entry: dict[str, Any]) -> str | None:
    return entry["schedule"]["id"] if entry["schedule"] else None


def policies_of(served: Served, team: str) -> list[tuple[str, str | None]]:
    """(policy id, severity) of the team, as the client lists them."""
    return [
        (p["id"], None if p["id"] == team else p["id"].split(":", 1)[1])
        for p in served.client().iter_all("escalation_policies")
        if p["id"] == team or p["id"].startswith(f"{team}:")
    ]


# --- on-calls equal rota who ------------------------------------------------------------------

TEAM_FILES = [*(p.stem for p in EXAMPLES), "tiny", LUMPY.stem]


@pytest.mark.parametrize("team_file", TEAM_FILES)
def test_oncalls_equal_rota_who_at_every_instant(
    served: Served, capsys: pytest.CaptureFixture[str], team_file: str
) -> None:
    team, instants = served.teams[team_file]
    client = served.client()
    policies = policies_of(served, team)
    assert policies[0] == (team, None)
    zone = ZoneInfo("America/Los_Angeles")
    for n, at in enumerate(instants):
        params: dict[str, Any] = {
            "since": at.isoformat(),
            "until": at.isoformat(),
            "escalation_policy_ids[]": [p for p, _ in policies],
        }
        if n % 2:  # every other instant rendered in another zone: the same instants
            params["time_zone"] = zone.key
        entries = list(client.iter_all("oncalls", params=params))
        for entry in entries:
            start, end = (dt.datetime.fromisoformat(entry[k]) for k in ("start", "end"))
            assert start <= at < end, entry
            if n % 2:
                assert start.utcoffset() == start.astimezone(zone).utcoffset()
        for policy, severity in policies:
            got = {
                (e["escalation_level"], e["user"]["id"], schedule_of(e))
                for e in entries
                if e["escalation_policy"]["id"] == policy
            }
            assert got == who(capsys, served.db, team, at, severity), (policy, at)


# --- the rest of what clients call ------------------------------------------------------------


def test_iter_all_walks_many_pages_to_the_same_answer(served: Served) -> None:
    _, instants = served.teams["follow-the-sun"]
    week = {
        "since": instants[0].isoformat(),
        "until": (instants[0] + dt.timedelta(days=7)).isoformat(),
    }
    client = served.client()
    whole = list(client.iter_all("oncalls", params=week, page_size=100))
    paged = served.client()
    in_pages = list(paged.iter_all("oncalls", params=week, page_size=7))
    assert len(whole) > 3 * 7  # so the small pages were at least four requests
    assert in_pages == whole
    assert paged.api_call_counts["GET /oncalls"] == -(-len(whole) // 7)


def test_rget_and_find_read_schedules_users_and_policies(served: Served) -> None:
    team, instants = served.teams["weekly-primary-secondary"]
    client = served.client()
    at = instants[0]
    week = {"since": at.isoformat(), "until": (at + dt.timedelta(days=14)).isoformat()}
    holders = [u["id"] for u in client.rget(f"/schedules/{team}:primary/users", params=week)]
    schedule = client.rget(f"/schedules/{team}:primary", params=week)
    entries = schedule["final_schedule"]["rendered_schedule_entries"]
    assert holders == list(dict.fromkeys(e["user"]["id"] for e in entries))
    assert entries[0]["start"] == at.astimezone(ZoneInfo(schedule["time_zone"])).isoformat()
    assert found(client, "schedules", schedule["name"]) == f"{team}:primary"
    first = client.rget(f"/users/{holders[0]}")
    assert found(client, "users", first["email"], attribute="email") == holders[0]
    name = client.rget(f"/escalation_policies/{team}")["name"]
    assert found(client, "escalation_policies", name) == team


def found(
    client: pagerduty.RestApiV2Client, resource: str, query: str, attribute: str = "name"
) -> str:
    """The id of what ``client.find`` finds."""
    match = client.find(resource, query, attribute=attribute)
    assert match is not None, (resource, query)
    ident: str = match["id"]
    return ident


def test_a_person_in_several_teams_is_one_user(served: Served) -> None:
    client = served.client()
    users = list(client.iter_all("users"))
    ids = [u["id"] for u in users]
    assert len(ids) == len(set(ids))
    dana = client.rget("/users/dana")  # startup and dst-crossing member, lumpy's contact
    assert dana["description"] == "rota member of payments, startup; contact of lumpy"


def test_a_wrong_key_fails_in_pagerduty_shape(served: Served) -> None:
    with pytest.raises(pagerduty.HttpError) as failed:
        list(served.client("rota_not-a-key").iter_all("oncalls"))
    response = failed.value.response
    assert response is not None
    assert response.status_code == 401
    assert response.json()["error"]["code"] == 2006


def test_the_client_refuses_plain_http(served: Served) -> None:
    with pytest.raises(pagerduty.UrlError, match="https"):
        pagerduty.RestApiV2Client(served.key, base_url=served.base.replace("https", "http"))


def test_pdpyras_gets_the_same_answers(served: Served) -> None:
    session = served.pdpyras()
    team, instants = served.teams["tiny"]
    params = {"since": instants[0].isoformat(), "until": instants[-1].isoformat()}
    assert list(session.iter_all("oncalls", params=params)) == list(
        served.client().iter_all("oncalls", params=params)
    )
    assert session.rget(f"/schedules/{team}:primary/users") == served.client().rget(
        f"/schedules/{team}:primary/users"
    )
    assert session.find("users", "mia@example.com", attribute="email")["id"] == "mgr"
