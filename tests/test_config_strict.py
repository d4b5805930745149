"""Rules for team files being validated or solved (rota/config/strict.py): one printable line
per string, lengths that fit the store. Stored team files keep loading."""

from __future__ import annotations

from pathlib import Path

import pytest

from rota.config import config_from_document, load_config, strictness_problems
from rota.errors import ConfigError
from rota.yamlfile import parse_yaml

TEAM = """\
team: {id: ops, name: Ops, timezone: UTC}
horizon: {start: 2027-01-04, weeks: 1}
rotation: {kind: daily, roles: [primary]}
weekends: {max: 1, per_weeks: 1}
escalation:
  severities:
    outage: [{targets: [primary]}]
members:
  - {id: ann, name: Ann Lee, email: ann@example.com, timezone: UTC}
  - id: bob
    name: Bob
    timezone: UTC
    unavailable: [{start: 2027-01-05, reason: sick}]
  - {id: cat, timezone: UTC}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "path", "shown"),
    [
        ("name: Ops,", 'name: "Ops\\nTeam",', "team.name", r"U\+000A"),
        ("name: Ops,", 'name: "Ops\\0",', "team.name", r"U\+0000"),
        ("name: Ops,", 'name: "Ops\\e[2J",', "team.name", r"U\+001B"),
        ("name: Ops,", 'name: "\\u202EspO",', "team.name", r"U\+202E \(not printable\)"),
        ("name: Ann Lee,", 'name: "Ann\\tLee",', r"members\[0\]\.name", r"U\+0009"),
        ("name: Bob\n", "name: |\n      Bob\n      Smith\n", r"members\[1\]\.name", r"U\+000A"),
        ("reason: sick", 'reason: "sick\\r"', r"members\[1\]\.unavailable\[0\]\.reason", "000D"),
        ("email: ann@example.com", 'email: "ann\\x01@example.com"', r"members\[0\]\.email", "0001"),
        ("{id: ops,", '{id: "ops\\n",', r"team\.id", r"U\+000A"),
        ("roles: [primary]}", 'roles: ["primary\\n"]}', r"rotation\.roles\[0\]", "000A"),
    ],
)
def test_text_must_be_one_printable_line(
    tmp_path: Path, old: str, new: str, path: str, shown: str
) -> None:
    assert old in TEAM
    with pytest.raises(ConfigError, match=rf"team\.yaml: {path}: must be one line.*{shown}"):
        load_config(write(tmp_path, TEAM.replace(old, new, 1)))


@pytest.mark.parametrize(
    ("old", "field", "limit"),
    [
        ("name: Ops,", "name", 200),
        ("name: Ann Lee,", "name", 200),
        ("reason: sick", "reason", 500),
    ],
)
def test_text_fits_the_store(tmp_path: Path, old: str, field: str, limit: int) -> None:
    fits = TEAM.replace(old, f"{field}: {'x' * limit}" + ("," if old.endswith(",") else ""))
    load_config(write(tmp_path, fits))
    too_long = TEAM.replace(old, f"{field}: {'x' * (limit + 1)}" + ("," if "," in old else ""))
    with pytest.raises(ConfigError, match=rf"too long: at most {limit} characters") as caught:
        load_config(write(tmp_path, too_long))
    assert f"({limit + 1} characters)" in str(caught.value)  # the value is shown shortened
    assert "x" * 100 not in str(caught.value)


def test_an_overlong_email_is_refused(tmp_path: Path) -> None:
    email = "a" * 250 + "@example.com"
    text = TEAM.replace("ann@example.com", email)
    with pytest.raises(ConfigError, match=r"members\[0\]\.email: too long: at most 254"):
        load_config(write(tmp_path, text))


def test_printable_text_of_every_script_is_accepted(tmp_path: Path) -> None:
    text = TEAM.replace("name: Ann Lee,", 'name: "Zoë 李\u3000Ōkubo 👩\u200d💻",')
    cfg = load_config(write(tmp_path, text))
    assert cfg.members[0].name == "Zoë 李\u3000Ōkubo 👩\u200d💻"


def test_a_stored_team_file_keeps_loading_and_its_problems_are_listed() -> None:
    stored = TEAM.replace("name: Ops,", f'name: "Ops\\n{"x" * 300}",')
    doc = parse_yaml(stored, "ops (stored v3)")
    cfg = config_from_document(doc)
    problems = [str(p) for p in strictness_problems(doc)]
    assert cfg.team.name is not None
    assert cfg.team.name.startswith("Ops\n")
    assert len(problems) == 1
    assert problems[0].startswith("ops (stored v3): team.name: must be one line")


def test_every_problem_is_reported_once(tmp_path: Path) -> None:
    text = TEAM.replace("{id: cat,", '{id: "c\\x01t",')  # the id rule already names it
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert len(caught.value.problems) == 1, caught.value
    assert "lowercase letters" in str(caught.value)


@pytest.mark.parametrize(
    ("zone", "where", "meant"),
    [
        ("EST", "members[0].timezone", "a fixed UTC-5 all year, without daylight saving; "
         "write the place's zone, such as 'America/New_York'"),
        ("MST", "members[0].timezone", "such as 'America/Phoenix'"),
        ("HST", "members[0].timezone", "a fixed UTC-10 all year"),
        ("EST5EDT", "members[0].timezone", "such as 'America/New_York'"),
        ("CET", "members[0].timezone", "such as 'Europe/Paris'"),
        ("Etc/GMT+5", "members[0].timezone", "UTC-5 all year: the sign of 'Etc/GMT' names"),
        ("GMT", "team.timezone", "write 'Europe/London' for the United Kingdom, or 'UTC'"),
    ],
)  # fmt: skip
def test_legacy_and_fixed_offset_zones_are_refused_with_the_place_meant(
    tmp_path: Path, zone: str, where: str, meant: str
) -> None:
    if where == "team.timezone":
        text = TEAM.replace("name: Ops, timezone: UTC}", f"name: Ops, timezone: {zone}}}")
    else:
        text = TEAM.replace(
            "ann@example.com, timezone: UTC}", f"ann@example.com, timezone: {zone}}}"
        )
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    [problem] = caught.value.problems
    assert problem.path == where
    assert meant in problem.message
    assert problem.value == zone


def test_utc_and_place_zones_stay_valid_and_a_stored_est_keeps_loading(tmp_path: Path) -> None:
    load_config(
        write(
            tmp_path,
            TEAM.replace(
                "ann@example.com, timezone: UTC", "ann@example.com, timezone: Asia/Kolkata"
            ),
        )
    )
    stored = TEAM.replace("ann@example.com, timezone: UTC", "ann@example.com, timezone: EST")
    doc = parse_yaml(stored, "ops (stored v2)")
    assert config_from_document(doc).members[0].timezone.key == "EST"
    [problem] = strictness_problems(doc)
    assert str(problem).startswith("ops (stored v2): members[0].timezone: a legacy zone name")
