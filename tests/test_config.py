"""Loading the team file: defaults, and one clear line per mistake a real user makes."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest

from rota.config import TeamConfig, config_from_document, load_config
from rota.errors import ConfigError
from rota.model import OffHoursPolicy, RotationKind, WeekendSplit
from rota.yamlfile import parse_yaml

CONFIGS = sorted((Path(__file__).parent.parent / "configs").glob("*.yaml"))

# A small valid team; each test replaces or adds the sections it is about.
SECTIONS = {
    "team": "{id: platform, timezone: Europe/Warsaw}",
    "horizon": "{start: 2026-12-07}",
    "rotation": "{kind: daily}",
    "members": "\n  - {id: alice, timezone: Europe/Warsaw}\n  - {id: bob, timezone: Europe/Warsaw}",
}


def team_yaml(**sections: str) -> str:
    """The small team with ``sections`` replaced or added (``members=...`` replaces members)."""
    merged = {**SECTIONS, **sections}
    return "".join(f"{key}: {value}\n" for key, value in merged.items())


def load(text: str) -> TeamConfig:
    return config_from_document(parse_yaml(text, "team.yaml", keep_going=True))


def problems_of(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load(text)
    return str(info.value)


# --- defaults -------------------------------------------------------------------------------


def test_minimal_team_gets_every_documented_default() -> None:
    cfg = load(team_yaml())
    assert cfg.team.name is None
    assert cfg.team_name == "platform"
    assert cfg.horizon.weeks == 8
    rotation = cfg.rotation
    assert rotation.kind is RotationKind.DAILY
    assert rotation.roles == ["primary"]
    assert rotation.handoff == time(9, 0)
    assert rotation.handoff_day == "monday"
    assert (rotation.shift_hours.min, rotation.shift_hours.max) == (4, 6)
    assert rotation.handoffs_utc is None
    assert rotation.off_hours is OffHoursPolicy.AVOID
    assert (cfg.working_hours.start, cfg.working_hours.end) == (time(9, 0), time(17, 0))
    assert (cfg.night.start, cfg.night.end) == (time(22, 0), time(7, 0))
    assert cfg.weekends.split is WeekendSplit.WHOLE
    assert (cfg.weekends.max, cfg.weekends.per_weeks) == (1, 3)
    assert cfg.rest.min_hours == 12
    assert cfg.rest.max_block_hours is None
    assert cfg.max_block_hours() is None  # daily: a block is one shift
    assert cfg.rest.after_night is True
    assert cfg.rest.after_weekend is True
    assert cfg.limits.max_hours_per_week is None
    weights = cfg.fairness.weights
    assert (weights.hours, weights.off_hours, weights.weekends, weights.holidays) == (1, 2, 4, 4)
    assert cfg.fairness.history is True
    assert cfg.escalation.ack_timeout_minutes == 5
    assert cfg.escalation.repeat == 1
    assert cfg.escalation.levels is None
    assert cfg.escalation.severities == {}
    assert [level.targets for level in cfg.escalation_levels()] == [["primary"]]
    alice = cfg.members[0]
    assert (alice.name, alice.email, alice.country) == (None, None, None)
    assert alice.working_hours is None  # falls back to the team's working_hours
    assert alice.roles is None
    assert cfg.member_roles(alice) == ["primary"]
    assert alice.fte == 1.0
    assert alice.unavailable == []


def test_follow_the_sun_blocks_default_to_twelve_hours() -> None:
    cfg = load(team_yaml(rotation="{kind: follow-the-sun}"))
    assert cfg.max_block_hours() == 12


def test_spec_example_loads(data_dir: Path) -> None:
    cfg = load_config(data_dir / "spec_example.yaml")
    assert cfg.team.id == "platform"
    assert cfg.rotation.handoffs_utc == [time(0), time(6), time(12), time(18)]
    assert cfg.working_hours.end == time(17, 0)  # written unquoted in the file
    alice = cfg.members[0]
    assert alice.country == "PL"
    assert alice.unavailable[0].start == date(2026, 12, 21)
    assert alice.unavailable[1].start == datetime(2026, 12, 10, 12, 0)
    assert [level.targets for level in cfg.escalation_levels("outage")] == [
        ["primary", "secondary"],
        ["carol"],
    ]
    assert cfg.escalation_levels("unknown") == cfg.escalation_levels()


@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_example_configs_load(path: Path) -> None:
    cfg = load_config(path)
    assert cfg.horizon.start >= date(2026, 12, 1)


def test_there_are_at_least_five_example_configs() -> None:
    assert len(CONFIGS) >= 5


# --- what is accepted ------------------------------------------------------------------------


def test_unquoted_times_read_as_times() -> None:
    cfg = load(
        team_yaml(working_hours="{start: 8:30, end: 17:00}", night="{start: 23:00, end: 6:00}")
    )
    assert (cfg.working_hours.start, cfg.working_hours.end) == (time(8, 30), time(17, 0))
    assert (cfg.night.start, cfg.night.end) == (time(23, 0), time(6, 0))


def test_a_single_role_may_be_written_without_brackets() -> None:
    cfg = load(
        team_yaml(
            rotation="{kind: daily, roles: primary}",
            members="\n  - {id: alice, timezone: UTC, roles: primary}",
            escalation="{levels: [{targets: alice}]}",
        )
    )
    assert cfg.rotation.roles == ["primary"]
    assert cfg.members[0].roles == ["primary"]
    assert cfg.escalation_levels()[0].targets == ["alice"]


def test_yes_and_no_work_for_flags_and_no_is_norway() -> None:
    cfg = load(
        team_yaml(
            rest="{after_night: no, after_weekend: yes}",
            members="\n  - {id: alice, timezone: Europe/Oslo, country: NO}",
        )
    )
    assert (cfg.rest.after_night, cfg.rest.after_weekend) == (False, True)
    assert cfg.members[0].country == "NO"


def test_names_are_normalised_where_harmless() -> None:
    cfg = load(
        team_yaml(
            rotation="{kind: Weekly, handoff_day: Friday}",
            members="\n  - {id: alice, timezone: UTC, country: pl}",
        )
    )
    assert cfg.rotation.kind is RotationKind.WEEKLY
    assert cfg.rotation.handoff_day == "friday"
    assert cfg.members[0].country == "PL"


def test_empty_sections_take_their_defaults() -> None:
    cfg = load(
        team_yaml(rest="", escalation="", members="\n  - {id: a, timezone: UTC, unavailable: }")
    )
    assert cfg.rest.min_hours == 12
    assert cfg.members[0].unavailable == []


def test_whole_day_window_and_one_day_absence() -> None:
    cfg = load(
        team_yaml(
            members="\n  - id: alice\n    timezone: UTC"
            '\n    working_hours: {start: "00:00", end: "24:00"}'
            "\n    unavailable: [{start: 2026-12-24}]"
        )
    )
    window = cfg.members[0].working_hours
    assert window is not None
    assert (window.start, window.end) == (time(0), time(0))
    entry = cfg.members[0].unavailable[0]
    assert (entry.start, entry.end, entry.reason) == (
        date(2026, 12, 24),
        date(2026, 12, 24),
        "unavailable",
    )


def test_unavailability_inside_a_dst_gap_loads() -> None:
    # 02:00-03:00 on 2027-03-28 does not exist in Warsaw; it is still a valid entry.
    cfg = load(
        team_yaml(
            members="\n  - id: alice\n    timezone: Europe/Warsaw\n    unavailable:"
            '\n      - {start: "2027-03-28T02:15", end: "2027-03-28T02:45"}'
        )
    )
    assert cfg.members[0].unavailable[0].end == datetime(2027, 3, 28, 2, 45)


def test_yaml_merge_keys_share_member_settings() -> None:
    text = team_yaml(
        members="\n  - &eu {id: alice, timezone: Europe/Warsaw, country: PL}"
        "\n  - {<<: *eu, id: bob}"
    )
    cfg = load(text)
    assert [(m.id, m.country) for m in cfg.members] == [("alice", "PL"), ("bob", "PL")]


# --- one mistake each: the message names the YAML path and the value --------------------------

MISTAKES = [
    # (what the user got wrong, team_yaml(...) overrides, expected message)
    (
        "unknown top-level key, near miss",
        {"member": "[]"},
        r"member: unknown key \(did you mean 'members'\?\)\. "
        r"Got value: 'member' \(line 7, column 1\)",
    ),
    (
        "key in the wrong section",
        {"handoff": '"09:00"'},
        r"handoff: unknown key here; 'handoff' belongs under rotation\. Got value: 'handoff'",
    ),
    (
        "misspelt nested key",
        {"rotation": '{kind: daily, handof: "09:00"}'},
        r"rotation\.handof: unknown key \(did you mean 'handoff'\?\)\. Got value: 'handof'",
    ),
    (
        "misspelt key in a member",
        {"members": "\n  - {id: alice, timezone: UTC, fte: 1, rolse: [primary]}"},
        r"members\[0\]\.rolse: unknown key \(did you mean 'roles'\?\)\. Got value: 'rolse'",
    ),
    (
        "misspelt key in an escalation level of a severity",
        {"escalation": "{severities: {outage: [{targets: [primary], ack_timeout: 3}]}}"},
        r"escalation\.severities\.outage\[0\]\.ack_timeout: unknown key "
        r"\(did you mean 'ack_timeout_minutes'\?\)",
    ),
    (
        "misspelt standard severity",
        {"escalation": "{severities: {outtage: [{targets: [primary]}]}}"},
        r"escalation\.severities\.outtage: not a standard severity \(did you mean 'outage'\?\).*"
        r"Got value: 'outtage'",
    ),
    (
        "team id with capitals and spaces",
        {"team": "{id: Platform SRE, timezone: UTC}"},
        r"team\.id: must be lowercase letters, digits and '-' \(did you mean 'platform-sre'\?\)\. "
        r"Got value: 'Platform SRE'",
    ),
    (
        "missing required key",
        {"team": "{id: platform}"},
        r"team\.timezone: required key is missing \(line 1, column 1\)",
    ),
    (
        "misspelt time zone",
        {"team": "{id: platform, timezone: Europe/Warsow}"},
        r"team\.timezone: unknown time zone \(did you mean 'Europe/Warsaw'\?\)\. "
        r"Got value: 'Europe/Warsow'",
    ),
    (
        "time zone with a trailing space",
        {"members": "\n  - {id: alice, timezone: 'Europe/Paris '}"},
        r"members\[0\]\.timezone: unknown time zone \(did you mean 'Europe/Paris'\?\)\. "
        r"Got value: 'Europe/Paris '",
    ),
    (
        "time zone abbreviation",
        {"members": "\n  - {id: alice, timezone: PST}"},
        r"members\[0\]\.timezone: unknown time zone \(did you mean 'America/Los_Angeles'\?\)\. "
        r"Got value: 'PST'",
    ),
    (
        "fixed UTC offset instead of a zone",
        {"members": "\n  - {id: alice, timezone: UTC+2}"},
        r"members\[0\]\.timezone: unknown time zone: a fixed UTC offset ignores daylight saving.*"
        r"Got value: 'UTC\+2'",
    ),
    (
        "country name instead of code",
        {"members": "\n  - {id: alice, timezone: UTC, country: Poland}"},
        r"members\[0\]\.country: unknown or unsupported country code.*\(did you mean 'PL'\?\)\. "
        r"Got value: 'Poland'",
    ),
    (
        "horizon start with a time",
        {"horizon": '{start: "2026-12-07T09:00"}'},
        r"horizon\.start: expected a date as YYYY-MM-DD \(e\.g\. 2026-12-07\) without a time of "
        r"day\. Got value: '2026-12-07T09:00'",
    ),
    (
        "a date that does not exist",
        {"horizon": "{start: 2027-02-30}"},
        r"horizon\.start: not a calendar date: day is out of range for month\. "
        r"Got value: '2027-02-30'",
    ),
    (
        "weeks out of range",
        {"horizon": "{start: 2026-12-07, weeks: 200}"},
        r"horizon\.weeks: must be between 1 and 104\. Got value: 200",
    ),
    (
        "number written as text",
        {"horizon": '{start: 2026-12-07, weeks: "8"}'},
        r"horizon\.weeks: expected a whole number between 1 and 104, not text "
        r"\(write it without quotes\)\. Got value: '8'",
    ),
    (
        "misspelt rotation kind",
        {"rotation": "{kind: follow_the_sun}"},
        r"rotation\.kind: must be one of daily, weekly, follow-the-sun "
        r"\(did you mean 'follow-the-sun'\?\)\. Got value: 'follow_the_sun'",
    ),
    (
        "abbreviated handoff day",
        {"rotation": "{kind: weekly, handoff_day: fri}"},
        r"rotation\.handoff_day: must be one of monday, .*\(did you mean 'friday'\?\)\. "
        r"Got value: 'fri'",
    ),
    (
        "time without a colon",
        {"rotation": "{kind: daily, handoff: 0900}"},
        r'rotation\.handoff: expected a time of day as "HH:MM" .*\(did you mean "09:00"\?\)\. '
        r"Got value: '0900'",
    ),
    (
        "hour 24 and beyond",
        {"rotation": "{kind: daily, handoff: 25:00}"},
        r"rotation\.handoff: not a time of day: hours run 00-23.*Got value: '25:00'",
    ),
    (
        "roles written as one comma-separated string",
        {"rotation": '{kind: daily, roles: "primary, secondary"}'},
        r"rotation\.roles: write several names as a YAML list: \[primary, secondary\]\. "
        r"Got value: 'primary, secondary'",
    ),
    (
        "role listed twice",
        {"rotation": "{kind: daily, roles: [primary, primary]}"},
        r"rotation\.roles: role listed twice: primary\. Got value: \['primary', 'primary'\]",
    ),
    (
        "member role not in rotation.roles",
        {"members": "\n  - {id: alice, timezone: UTC, roles: [primray]}"},
        r"members\[0\]\.roles\[0\]: not one of rotation\.roles \(primary\) "
        r"\(did you mean 'primary'\?\)\. Got value: 'primray'",
    ),
    (
        "member with no eligible role",
        {"members": "\n  - {id: alice, timezone: UTC, roles: []}"},
        r"members\[0\]\.roles: must list at least one role\. Got value: \[\]",
    ),
    (
        "role nobody can fill",
        {
            "rotation": "{kind: daily, roles: [primary, secondary]}",
            "members": "\n  - {id: alice, timezone: UTC, roles: [primary]}"
            "\n  - {id: bob, timezone: UTC, roles: [primary]}",
        },
        r"rotation\.roles: no member can fill the role 'secondary'\. "
        r"Got value: \['primary', 'secondary'\]",
    ),
    (
        "more roles than members",
        {
            "rotation": "{kind: daily, roles: [primary, secondary]}",
            "members": "\n  - {id: alice, timezone: UTC}",
        },
        r"members: 2 roles need at least 2 members.*got 1\. Got value: 1",
    ),
    (
        "duplicate member id",
        {"members": "\n  - {id: alice, timezone: UTC}\n  - {id: alice, timezone: UTC}"},
        r"members\[1\]\.id: duplicate member id \(also members\[0\]\)\. Got value: 'alice' "
        r"\(line 6, column 6\)",
    ),
    (
        "member named like a role",
        {"members": "\n  - {id: primary, timezone: UTC}"},
        r"members\[0\]\.id: a member id must differ from every role name.*Got value: 'primary'",
    ),
    (
        "fte as a percentage",
        {"members": "\n  - {id: alice, timezone: UTC, fte: 50}"},
        r"members\[0\]\.fte: must be more than 0 and at most 1 \(1 is full time, 0\.5 half time; "
        r"not a percent\)\. Got value: 50",
    ),
    (
        "negative fte",
        {"members": "\n  - {id: alice, timezone: UTC, fte: -0.5}"},
        r"members\[0\]\.fte: must be more than 0 and at most 1.*Got value: -0\.5",
    ),
    (
        "email without a domain",
        {"members": "\n  - {id: alice, timezone: UTC, email: alice}"},
        r"members\[0\]\.email: not an email address.*Got value: 'alice'",
    ),
    (
        "vacation that ends before it starts",
        {
            "members": "\n  - {id: alice, timezone: UTC, unavailable: "
            "[{start: 2026-12-24, end: 2026-12-20}]}"
        },
        r"members\[0\]\.unavailable\[0\]: end must not be before start \(a date range is "
        r"inclusive\)\. Got value: \{'start': '2026-12-24', 'end': '2026-12-20'\}",
    ),
    (
        "date-time absence that ends before it starts",
        {
            "members": "\n  - {id: alice, timezone: UTC, unavailable: "
            '[{start: "2026-12-10T18:00", end: "2026-12-10T12:00"}]}'
        },
        r"members\[0\]\.unavailable\[0\]: end must be after start\. "
        r"Got value: \{'start': '2026-12-10T18:00', 'end': '2026-12-10T12:00'\}",
    ),
    (
        "date mixed with date-time",
        {
            "members": "\n  - {id: alice, timezone: UTC, unavailable: "
            '[{start: "2026-12-10T12:00", end: 2026-12-11}]}'
        },
        r"members\[0\]\.unavailable\[0\]: start and end must both be dates or both be date-times",
    ),
    (
        "absence with a UTC offset",
        {
            "members": "\n  - {id: alice, timezone: UTC, unavailable: "
            '[{start: "2026-12-10T12:00+01:00", end: "2026-12-10T13:00"}]}'
        },
        r"members\[0\]\.unavailable\[0\]\.start: write member-local time without a UTC offset.*"
        r"Got value: '2026-12-10T12:00\+01:00'",
    ),
    (
        "absence written as a bare date",
        {"members": "\n  - {id: alice, timezone: UTC, unavailable: [2026-12-24]}"},
        r"members\[0\]\.unavailable\[0\]: each entry is a mapping.*Got value: '2026-12-24'",
    ),
    (
        "working window written as one string",
        {"working_hours": '"09:00-17:00"'},
        r'working_hours: write a window as \{start: "09:00", end: "17:00"\}\. '
        r"Got value: '09:00-17:00'",
    ),
    (
        "working window of zero length",
        {"working_hours": '{start: "09:00", end: "09:00"}'},
        r"working_hours: start and end are the same time, so the window is empty.*"
        r"Got value: \{'start': '09:00', 'end': '09:00'\}",
    ),
    (
        "shift_hours out of range",
        {"rotation": "{kind: follow-the-sun, shift_hours: {min: 0.5, max: 6}}"},
        r"rotation\.shift_hours\.min: must be between 1 and 24 hours\. Got value: 0\.5",
    ),
    (
        "shift_hours min above max",
        {"rotation": "{kind: follow-the-sun, shift_hours: {min: 8, max: 6}}"},
        r"rotation\.shift_hours: min \(8\) must not exceed max \(6\)\. "
        r"Got value: \{'min': 8, 'max': 6\}",
    ),
    (
        "shift_hours that cannot fill a day",
        {"rotation": "{kind: follow-the-sun, shift_hours: {min: 10, max: 11}}"},
        r"rotation\.shift_hours: no number of shifts of 10 to 11 hours fills a 24-hour day",
    ),
    (
        "handoffs_utc out of order",
        {"rotation": '{kind: follow-the-sun, handoffs_utc: ["12:00", "06:00", "18:00", "00:00"]}'},
        r"rotation\.handoffs_utc: list the handoff times in increasing order\. "
        r"Got value: \['12:00', '06:00', '18:00', '00:00'\]",
    ),
    (
        "handoffs_utc making a shift too long",
        {"rotation": '{kind: follow-the-sun, handoffs_utc: ["00:00", "08:00", "12:00", "18:00"]}'},
        r"rotation\.handoffs_utc\[0\]: the shift from 00:00 to 08:00 UTC lasts 8 hours, outside "
        r"rotation\.shift_hours 4\.\.6\. Got value: '00:00'",
    ),
    (
        "handoffs_utc making a shift longer than the block cap",
        {
            "rotation": "{kind: follow-the-sun, shift_hours: {min: 4, max: 8}, "
            'handoffs_utc: ["00:00", "08:00", "12:00", "18:00"]}',
            "rest": "{max_block_hours: 6}",
        },
        r"rotation\.handoffs_utc\[0\]: the shift from 00:00 to 08:00 UTC lasts 8 hours, longer "
        r"than rest\.max_block_hours 6, so nobody could hold it\. Got value: '00:00'",
    ),
    (
        "handoffs_utc with a daily rotation",
        {"rotation": '{kind: daily, handoffs_utc: ["09:00"]}'},
        r"rotation\.handoffs_utc: only used by follow-the-sun rotations.*Got value: \['09:00'\]",
    ),
    (
        "off_hours forbid outside follow-the-sun",
        {"rotation": "{kind: daily, off_hours: forbid}"},
        r"rotation\.off_hours: 'forbid' needs rotation\.kind follow-the-sun.*Got value: 'forbid'",
    ),
    (
        "single-day weekends with a weekly rotation",
        {"rotation": "{kind: weekly}", "weekends": "{split: single-day}"},
        r"weekends\.split: 'single-day' cannot work with a weekly rotation.*"
        r"Got value: 'single-day'",
    ),
    (
        "weekend max above per_weeks",
        {"weekends": "{max: 3, per_weeks: 2}"},
        r"weekends: max \(3\) cannot exceed per_weeks \(2\)\. "
        r"Got value: \{'max': 3, 'per_weeks': 2\}",
    ),
    (
        "no weekends at all",
        {"weekends": "{max: 0}"},
        r"weekends\.max: must be between 1 and 52 \(0 would leave every weekend uncovered\)\. "
        r"Got value: 0",
    ),
    (
        "block cap shorter than a daily shift",
        {"rest": "{max_block_hours: 12}"},
        r"rest\.max_block_hours: shorter than one shift: a daily shift lasts 24 hours.*"
        r"Got value: 12",
    ),
    (
        "weekly cap below one daily shift",
        {"limits": "{max_hours_per_week: 20}"},
        r"limits\.max_hours_per_week: nobody could take a single shift.*Got value: 20",
    ),
    (
        "flag written as a number",
        {"rest": "{after_night: 1}"},
        r"rest\.after_night: expected true or false\. Got value: 1",
    ),
    (
        "escalation target that is neither role nor member",
        {"escalation": "{levels: [{targets: [primary]}, {targets: [alcie]}]}"},
        r"escalation\.levels\[1\]\.targets\[0\]: not a role, member or contact id "
        r"\(did you mean 'alice'\?\)\. Got value: 'alcie'",
    ),
    (
        "escalation level written as a bare name",
        {"escalation": "{levels: [primary]}"},
        r"escalation\.levels\[0\]: each level is a mapping.*Got value: 'primary'",
    ),
    (
        "acknowledgement timeout with a fraction",
        {"escalation": "{ack_timeout_minutes: 2.5}"},
        r"escalation\.ack_timeout_minutes: expected a whole number between 1 and 1440 minutes\. "
        r"Got value: 2\.5",
    ),
    (
        "members as a mapping keyed by id",
        {"members": "\n  alice: {timezone: UTC}"},
        r"members: expected a list.*Got value: \{'alice': \{'timezone': 'UTC'\}\}",
    ),
    (
        "empty member list",
        {"members": "[]"},
        r"members: must list at least one member\. Got value: \[\]",
    ),
    (
        "required section left empty",
        {"horizon": ""},
        r"horizon: is empty; expected a mapping of keys.*Got value: None",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [(overrides, expected) for _, overrides, expected in MISTAKES],
    ids=[what for what, _, _ in MISTAKES],
)
def test_mistake_is_named_with_path_and_value(overrides: dict[str, str], expected: str) -> None:
    message = problems_of(team_yaml(**overrides))
    assert message.startswith("team.yaml: ")
    with pytest.raises(ConfigError, match=expected):
        load(team_yaml(**overrides))


def test_each_problem_is_one_line() -> None:
    message = problems_of(team_yaml(team="{id: X Y, timezone: Mars/Base}", horizon="{weeks: 0}"))
    lines = message.splitlines()
    assert len(lines) == 4  # id, timezone, start missing, weeks
    assert all(line.startswith("team.yaml: ") for line in lines)


# --- whole files ----------------------------------------------------------------------------


def test_all_problems_are_reported_together_in_line_order(data_dir: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(data_dir / "bad" / "many_problems.yaml")
    lines = str(info.value).splitlines()
    where = [line.split(": ")[1] for line in lines]
    assert where == [
        "team.timezone",
        "horizon.weeks",
        "rotation.off_hours",
        "members[1].roles[1]",
        "members[2].id",
        "escalation.levels[1].targets[0]",
    ]
    assert lines[0].endswith("Got value: 'Europe/Warsow' (line 4, column 3)")
    assert lines[1].endswith("Got value: 0 (line 7, column 3)")
    assert lines[3].endswith("Got value: 'tertiary' (line 17, column 22)")
    assert lines[4].endswith("Got value: 'alice' (line 18, column 5)")
    assert lines[5].endswith("Got value: 'carol' (line 23, column 18)")
    assert all("many_problems.yaml: " in line for line in lines)


def test_field_errors_and_cross_checks_are_reported_together() -> None:
    # A bad time zone (a field error) does not hide the duplicate id (a cross-field check).
    text = team_yaml(
        members="\n  - {id: alice, timezone: Mars/Base}\n  - {id: alice, timezone: UTC}"
    )
    lines = problems_of(text).splitlines()
    assert [line.split(": ")[1] for line in lines] == ["members[0].timezone", "members[1].id"]


def test_a_mistake_is_not_reported_twice() -> None:
    # 'Primary' breaks the name rule; it is not also reported as "not one of rotation.roles".
    lines = problems_of(
        team_yaml(members="\n  - {id: alice, timezone: UTC, roles: [Primary]}")
    ).splitlines()
    assert len(lines) == 1
    assert "members[0].roles[0]: must be lowercase letters" in lines[0]


def test_duplicate_keys_are_reported_with_the_other_problems(data_dir: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(data_dir / "bad" / "duplicate_keys.yaml")
    assert str(info.value).endswith(
        "duplicate_keys.yaml: members[0].timezone: duplicate key: write each key once "
        "(YAML readers keep only one of the values). Got value: 'timezone' (line 12, column 5)"
    )


def test_empty_file(data_dir: Path) -> None:
    with pytest.raises(ConfigError, match=r"empty\.yaml: <root>: the file is empty"):
        load_config(data_dir / "bad" / "empty.yaml")


def test_file_that_is_a_list(data_dir: Path) -> None:
    with pytest.raises(
        ConfigError,
        match=r"not_a_mapping\.yaml: <root>: a team file must be a mapping of keys .*not a list\. "
        r"Got value: \[\{'id': 'alice', 'timezone': 'Europe/Warsaw'\}\] \(line 2, column 1\)",
    ):
        load_config(data_dir / "bad" / "not_a_mapping.yaml")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"team\.yaml: <root>: file not found"):
        load_config(tmp_path / "team.yaml")


def test_tabs_are_reported_by_load_config(data_dir: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"tabs\.yaml: <root>: YAML syntax error: a tab character"
    ):
        load_config(data_dir / "bad" / "tabs.yaml")
