"""``oncall(at)`` is defined and unique for every instant of the horizon, DST included.

Teams are drawn with members in zones whose clocks jump (Warsaw, New York, Sydney, Chatham,
Lord Howe's half-hour DST, Kolkata and St John's half-hour offsets) and horizons around the
transitions of both hemispheres; handoffs at local times that do not exist or exist twice on
those days. For every instant probed (random ones, every handoff and 1 µs around it, every DST
transition of every member zone and 1 µs around it) exactly one shift holds it, the index finds
that shift, and every role has a holder. Outside the horizon the answer is "no schedule": the
exception, HTTP 404 and ``rota who`` exit 1, never a person.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.settings import Settings
from rota.config import config_from_document
from rota.errors import ScheduleNotFound
from rota.horizon import build_grid
from rota.keys import API_KEY_PREFIX, new_secret, secret_hash
from rota.model import Schedule
from rota.oncall import OnCallIndex, resolve_oncall
from rota.solver.roundrobin import round_robin
from rota.store import Store
from rota.team import Team, team_from_config
from rota.yamlfile import YamlDocument
from tests.trust.cli_runner import run_cli
from tests.trust.strategies import HANDOFFS, STARTS, team_yaml

US = timedelta(microseconds=1)
DST_ZONES = (
    "Europe/Warsaw",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
    "America/St_Johns",
    "Europe/London",
)


@st.composite
def dst_teams(draw: st.DrawFn) -> dict[str, Any]:
    """A fully available team with one member in each DST zone (so round-robin always fills)."""
    kind = draw(st.sampled_from(["daily", "weekly", "follow-the-sun"]))
    rotation: dict[str, Any] = {"kind": kind, "roles": ["primary", "secondary"]}
    if kind == "follow-the-sun":
        rotation["handoffs_utc"] = draw(
            st.sampled_from([["00:00", "06:00", "12:00", "18:00"], ["02:30", "08:30", "14:30"]])
        )
        rotation["shift_hours"] = {"min": 4, "max": 12}
    else:
        rotation["handoff"] = draw(st.sampled_from(HANDOFFS))
        if kind == "weekly":
            rotation["handoff_day"] = draw(st.sampled_from(["monday", "saturday", "sunday"]))
    return {
        "team": {"id": "tz", "timezone": draw(st.sampled_from(DST_ZONES))},
        "horizon": {"start": draw(st.sampled_from(STARTS)).isoformat(), "weeks": 2},
        "rotation": rotation,
        "weekends": {"max": 1, "per_weeks": 1},
        "members": [
            {"id": f"m{i}", "timezone": zone, "working_hours": {"start": "00:00", "end": "24:00"}}
            for i, zone in enumerate(DST_ZONES)
        ],
    }


def build(doc: dict[str, Any]) -> tuple[Team, Schedule, OnCallIndex]:
    cfg = config_from_document(YamlDocument(file="tz.yaml", data=doc))
    team = team_from_config(cfg)
    schedule = round_robin(team, build_grid(team))
    return team, schedule, OnCallIndex.from_schedule(schedule)


def transitions(zone: ZoneInfo, start: datetime, end: datetime) -> Iterator[datetime]:
    """Every instant in ``[start, end)`` at which ``zone``'s UTC offset changes (to 1 s)."""
    step = timedelta(minutes=30)
    at = start
    while at < end:
        nxt = min(at + step, end)
        if at.astimezone(zone).utcoffset() != nxt.astimezone(zone).utcoffset():
            lo, hi = at, nxt
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(zone).utcoffset() == lo.astimezone(zone).utcoffset():
                    lo = mid
                else:
                    hi = mid
            yield hi.replace(microsecond=0)
        at = nxt


def check_instant(team: Team, schedule: Schedule, index: OnCallIndex, at: datetime) -> None:
    holding = [s for s in schedule.shifts if s.start <= at < s.end]
    assert len(holding) == 1, (at, holding)
    found = index.shift_at(at)
    assert (found.start, found.end) == (holding[0].start, holding[0].end)
    answer = resolve_oncall(team, index, at)
    assert answer.shift.start <= at < answer.shift.end
    assert {h.role for h in answer.holders} == set(team.roles)
    assert len({h.member.id for h in answer.holders}) == len(team.roles)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=dst_teams(), data=st.data())
def test_oncall_is_defined_and_unique_for_every_instant(doc: dict[str, Any], data: Any) -> None:
    team, schedule, index = build(doc)
    start, end = schedule.horizon_start, schedule.horizon_end
    assert schedule.shifts[0].start == start
    assert schedule.shifts[-1].end == end
    probes: list[datetime] = []
    for shift in schedule.shifts:  # every handoff, exactly and 1 µs either side
        probes += [shift.start, shift.start + US, shift.end - US]
    for zone in {m.timezone for m in team.members} | {team.zone}:
        for change in transitions(zone, start, end):
            probes += [change - US, change, change + US]
    span = (end - start) // US
    probes += [start + US * data.draw(st.integers(0, span - 1), label="offset") for _ in range(20)]
    for at in probes:
        if start <= at < end:
            check_instant(team, schedule, index, at)
    # Exact at handoffs: the instant a shift ends belongs to the next one.
    for before, after in zip(schedule.shifts, schedule.shifts[1:], strict=False):
        assert index.shift_at(before.end).start == after.start
        assert index.shift_at(before.end - US).start == before.start


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=dst_teams(), before=st.integers(1, 10**12), after=st.integers(0, 10**12))
def test_outside_the_horizon_is_no_schedule(doc: dict[str, Any], before: int, after: int) -> None:
    team, schedule, index = build(doc)
    for at in (schedule.horizon_start - US * before, schedule.horizon_end + US * after):
        with pytest.raises(ScheduleNotFound, match="no schedule for team 'tz'"):
            resolve_oncall(team, index, at)


def test_every_dst_zone_changes_within_the_probed_horizons() -> None:
    """The probes above are not vacuous: each DST zone has a transition in some horizon."""
    seen: set[str] = set()
    for day in STARTS:
        start = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(days=1)
        for name in DST_ZONES:
            if any(transitions(ZoneInfo(name), start, start + timedelta(weeks=2, days=2))):
                seen.add(name)
    assert seen == set(DST_ZONES) - {"Asia/Kolkata"}


# ---------------------------------------------------------------------- 404 and `rota who`


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[str, Schedule, str]:
    doc = _fixed_team()
    text = team_yaml(doc)
    _team, schedule, _index = build(doc)
    url = f"sqlite:///{tmp_path / 'tz.db'}"
    with Store.open(url) as store:
        store.save_schedule(schedule, config_text=text, config_name="tz.yaml", meta={})
        key = new_secret(API_KEY_PREFIX)
        store.add_api_key("reader", key_hash=secret_hash(key), scope="read")
    return url, schedule, key


def _fixed_team() -> dict[str, Any]:
    return {
        "team": {"id": "tz", "timezone": "Europe/Warsaw"},
        "horizon": {"start": "2027-03-22", "weeks": 1},
        "rotation": {"kind": "daily", "roles": ["primary"], "handoff": "02:30"},
        "members": [{"id": f"m{i}", "timezone": zone} for i, zone in enumerate(DST_ZONES[:4])],
    }


def _outside(schedule: Schedule) -> list[datetime]:
    return [
        schedule.horizon_start - US,
        schedule.horizon_start - timedelta(days=400),
        schedule.horizon_end,
        schedule.horizon_end + timedelta(days=1),
    ]


def test_api_answers_404_outside_the_horizon(seeded: tuple[str, Schedule, str]) -> None:
    url, schedule, key = seeded
    with Store.open(url) as store:
        app = create_app(Settings(db_url=url, now=lambda: schedule.horizon_end), store=store)
        with TestClient(app) as client:
            headers = {"Authorization": f"Bearer {key}"}
            for at in _outside(schedule):
                response = client.get(
                    "/v1/teams/tz/oncall",
                    params={"at": at.isoformat().replace("+00:00", "Z")},
                    headers=headers,
                )
                assert response.status_code == 404, response.text
                assert "no schedule" in response.json()["detail"]
                assert "holders" not in response.json()
            # "now" (the injected clock) is the horizon end: outside too.
            assert client.get("/v1/teams/tz/oncall", headers=headers).status_code == 404
            inside = client.get(
                "/v1/teams/tz/oncall",
                params={"at": schedule.horizon_start.isoformat()},
                headers=headers,
            )
            assert inside.status_code == 200


def test_rota_who_says_no_schedule_outside_the_horizon(
    seeded: tuple[str, Schedule, str],
) -> None:
    url, schedule, _key = seeded
    for at in _outside(schedule):
        result = run_cli(["who", "tz", "--db", url, "--at", at.isoformat()])
        assert result.code == 1, result
        assert "no schedule" in result.err
        assert "Traceback" not in result.err
        assert not result.out.strip()
    inside = run_cli(["who", "tz", "--db", url, "--at", schedule.horizon_start.isoformat()])
    assert inside.code == 0, inside


def test_consecutive_follow_the_sun_horizons_join() -> None:
    from bench.teams import SPECS, START, team_document

    spec = SPECS[2]  # 30 members, LA/Warsaw/Sydney, follow-the-sun, 12 weeks

    def grid_of(i: int) -> tuple[datetime, datetime]:
        doc = team_document(spec)
        doc["horizon"]["start"] = (START + timedelta(weeks=spec.weeks * i)).isoformat()
        grid = build_grid(team_from_config(config_from_document(YamlDocument("b.yaml", doc))))
        return grid.start, grid.end

    assert grid_of(7)[1] == grid_of(8)[0]
