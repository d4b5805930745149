"""The round-robin baseline: fixed order, one cyclic pointer per role, skips written out by hand.

Daily Warsaw team, week from Monday 2026-12-07 (shift k runs day k 09:00 to day k+1 09:00 local).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rota.config import load_config
from rota.errors import InfeasibleRotaError
from rota.horizon import build_grid
from rota.solver.roundrobin import round_robin
from rota.team import Team, team_from_config
from rota.views import schedule_view
from tests.checker import check_schedule

TEAM = """
team: {{id: rr, timezone: Europe/Warsaw}}
horizon: {{start: 2026-12-07, weeks: 1}}
rotation: {{kind: daily, roles: {roles}, handoff: "09:00"}}
members:
{members}
"""


def write_team(tmp_path: Path, members: list[str], roles: str = "[primary]") -> Path:
    path = tmp_path / "rr.yaml"
    lines = "\n".join(
        f"  - {{id: {m}, timezone: Europe/Warsaw}}" if ":" not in m else f"  - {m}" for m in members
    )
    path.write_text(TEAM.format(roles=roles, members=lines), encoding="utf-8")
    return path


def load(path: Path) -> Team:
    return team_from_config(load_config(path))


def holders(team: Team, role: str = "primary") -> str:
    schedule = round_robin(team, build_grid(team))
    return "".join(shift.assignments[role] for shift in schedule.shifts)


def test_members_take_turns_in_file_order(tmp_path: Path) -> None:
    team = load(write_team(tmp_path, ["a", "b", "c"]))
    assert holders(team) == "abcabca"


def test_secondary_starts_one_member_later(tmp_path: Path) -> None:
    team = load(write_team(tmp_path, ["a", "b", "c"], roles="[primary, secondary]"))
    assert holders(team, "primary") == "abcabca"
    assert holders(team, "secondary") == "bcabcab"


def test_unavailable_member_is_covered_by_the_next_and_the_rotation_carries_on(
    tmp_path: Path,
) -> None:
    away = "{id: b, timezone: Europe/Warsaw, unavailable: [{start: 2026-12-08, end: 2026-12-08}]}"
    team = load(write_team(tmp_path, ["a", away, "c"]))
    # b is away all of Tuesday: Monday's shift (runs to Tuesday 09:00) is still a's turn, Tuesday's
    # turn is b's, covered by c; Wednesday is c's own turn again.
    assert holders(team) == "accabca"


def test_role_cycles_hold_only_members_with_the_role(tmp_path: Path) -> None:
    only_secondary = "{id: d, timezone: Europe/Warsaw, roles: [secondary]}"
    team = load(write_team(tmp_path, ["a", "b", only_secondary], roles="[primary, secondary]"))
    assert holders(team, "primary") == "abababa"  # cycle [a, b]
    # secondary cycle [a, b, d], pointer (day + 1) % 3: b d a b d a b, where the pointed member
    # is already primary (days 2 and 3) the next in the cycle covers
    assert holders(team, "secondary") == "bdbddab"


def test_skips_a_member_already_holding_another_role(tmp_path: Path) -> None:
    only_primary = "{id: a, timezone: Europe/Warsaw, roles: [primary]}"
    team = load(write_team(tmp_path, [only_primary, "b", "c"], roles="[primary, secondary]"))
    # primary cycle [a, b, c]; secondary cycle [b, c] starting at c
    assert holders(team, "primary") == "abcabca"
    # pointer (day + 1) % 2: c b c b c b c; days 1 and 2 point at that day's primary -> the other
    assert holders(team, "secondary") == "ccbbcbc"


def test_nobody_left_raises_naming_the_shift_and_role(tmp_path: Path) -> None:
    away = (
        "{{id: {m}, timezone: Europe/Warsaw, "
        "unavailable: [{{start: 2026-12-09, end: 2026-12-09, reason: {why}}}]}}"
    )
    members = [away.format(m="a", why="vacation"), away.format(m="b", why="training")]
    team = load(write_team(tmp_path, members))
    with pytest.raises(
        InfeasibleRotaError, match=r"nobody can hold primary in shift 1 \(2026-12-08 08:00"
    ) as info:
        round_robin(team, build_grid(team))
    assert info.value.reasons == ["a: unavailable: vacation", "b: unavailable: training"]


SUN = """
team: {id: sun, timezone: UTC}
horizon: {start: 2026-12-07, weeks: 1}
rotation:
  kind: follow-the-sun
  roles: [primary]
  shift_hours: {min: 12, max: 12}
  handoffs_utc: ["00:00", "12:00"]
  off_hours: forbid
members:
  - {id: day1, timezone: UTC, working_hours: {start: "00:00", end: "12:00"}}
  - {id: night1, timezone: UTC, working_hours: {start: "12:00", end: "00:00"}}
  - {id: day2, timezone: UTC, working_hours: {start: "00:00", end: "12:00"}}
"""


def test_off_hours_forbid_skips_members_outside_their_window(tmp_path: Path) -> None:
    path = tmp_path / "sun.yaml"
    path.write_text(SUN, encoding="utf-8")
    team = load(path)
    got = [s.assignments["primary"] for s in round_robin(team, build_grid(team)).shifts]
    # pointer k % 3 over [day1, night1, day2]: a 00-12 shift pointing at night1 goes to day2,
    # a 12-24 shift always ends with night1 (the only member whose window covers it)
    assert got[:6] == ["day1", "night1", "day2", "night1", "day2", "night1"]
    assert set(got[1::2]) == {"night1"}


def test_night_forbid_skips_members_whose_night_the_shift_overlaps(tmp_path: Path) -> None:
    # Night 22:00-07:00: the 22-10 UTC shift runs into the night of the UTC members but not
    # tok's (Tokyo, 07-19 local), the 10-22 UTC shift into tok's (19-07) and nobody else's.
    text = SUN.replace("off_hours: forbid", "night: forbid")
    text = text.replace('["00:00", "12:00"]', '["10:00", "22:00"]').replace(
        '  - {id: day2, timezone: UTC, working_hours: {start: "00:00", end: "12:00"}}',
        "  - {id: tok, timezone: Asia/Tokyo}",
    )
    path = tmp_path / "sun.yaml"
    path.write_text(text, encoding="utf-8")
    team = load(path)
    schedule = round_robin(team, build_grid(team))
    by_start = {(s.start.hour, s.assignments["primary"]) for s in schedule.shifts}
    assert {who for hour, who in by_start if hour == 22} == {"tok"}
    assert {who for hour, who in by_start if hour == 10} == {"day1", "night1"}
    found = check_schedule(path, schedule_view(schedule), None)
    assert not [v for v in found if v.rule == "night"]


def test_round_robin_ignores_weekend_rules_and_the_checker_sees_it(tmp_path: Path) -> None:
    path = write_team(tmp_path, ["a", "b", "c"])
    team = load(path)
    found = check_schedule(path, schedule_view(round_robin(team, build_grid(team))))
    # Saturday c, Sunday a: a whole weekend split between two people
    assert [v.rule for v in found] == ["3.5 weekends"]


@pytest.mark.parametrize("name", ["spec_example.yaml"])
def test_round_robin_keeps_tiling_roles_and_availability(data_dir: Path, name: str) -> None:
    path = data_dir / name
    team = load(path)
    schedule = round_robin(team, build_grid(team))
    found = check_schedule(path, schedule_view(schedule))
    basic = [v for v in found if v.rule.split()[0] in {"3.1", "3.2", "3.3", "3.4"}]
    assert basic == []


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    away=st.lists(
        st.tuples(st.sampled_from("abcd"), st.integers(0, 6), st.integers(0, 2)), max_size=6
    ),
    roles=st.sampled_from(["[primary]", "[primary, secondary]"]),
)
def test_round_robin_covers_every_shift_once_and_respects_absence(
    tmp_path: Path, away: list[tuple[str, int, int]], roles: str
) -> None:
    """Either every role of every shift goes to a distinct, available member with the role (as an
    independent checker sees it), or round-robin says who was missing."""
    absences: dict[str, list[str]] = {}
    for member, day, length in away:
        first, last = 7 + day, 7 + day + length
        absences.setdefault(member, []).append(
            f"{{start: 2026-12-{first:02d}, end: 2026-12-{last:02d}}}"
        )
    members = [
        f"{{id: {m}, timezone: Europe/Warsaw, unavailable: [{', '.join(absences.get(m, []))}]}}"
        for m in "abcd"
    ]
    path = write_team(tmp_path, members, roles=roles)
    team = load(path)
    try:
        schedule = round_robin(team, build_grid(team))
    except InfeasibleRotaError as exc:
        refusal = str(exc)
    else:
        refusal = ""
    if refusal:
        assert "nobody can hold" in refusal
        return
    found = check_schedule(path, schedule_view(schedule))
    assert [v for v in found if v.rule.split()[0] in {"3.1", "3.2", "3.3"}] == []
