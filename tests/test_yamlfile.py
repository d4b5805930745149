"""The strict YAML reader: times stay times, duplicates are errors, every path has a line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rota.errors import ConfigError
from rota.yamlfile import format_path, parse_yaml, read_yaml


def data(text: str) -> object:
    return parse_yaml(text, "team.yaml").data


# --- YAML 1.1 surprises -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17:00", "17:00"),  # YAML 1.1: the base-60 integer 1020
        ("9:30", "9:30"),  # YAML 1.1: 570
        ("1:30:00", "1:30:00"),  # YAML 1.1: 5400
        ("1:30.5", "1:30.5"),  # YAML 1.1: base-60 float 90.5
        ("0700", "0700"),  # YAML 1.1: octal 448
        ("'17:00'", "17:00"),
        ('"17:00"', "17:00"),
    ],
)
def test_times_of_day_stay_text(text: str, expected: str) -> None:
    assert data(f"end: {text}\n") == {"end": expected}


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "NO", "y", "n"])
def test_yaml11_boolean_words_stay_text(word: str) -> None:
    # `country: NO` is Norway, not false.
    assert data(f"value: {word}\n") == {"value": word}


@pytest.mark.parametrize(("word", "expected"), [("true", True), ("false", False), ("True", True)])
def test_true_and_false_are_booleans(word: str, expected: bool) -> None:
    assert data(f"value: {word}\n") == {"value": expected}


def test_numbers_dates_and_nulls_are_still_typed() -> None:
    text = "a: 8\nb: 0.5\nc: 1_000\nd: 2026-12-07\ne:\nf: ~\ng: null\nh: 0x10\n"
    assert data(text) == {
        "a": 8,
        "b": 0.5,
        "c": 1000,
        "d": date(2026, 12, 7),
        "e": None,
        "f": None,
        "g": None,
        "h": 16,
    }


def test_an_impossible_date_is_kept_as_text_for_the_validator() -> None:
    assert data("start: 2027-02-30\n") == {"start": "2027-02-30"}


def test_keys_are_always_text() -> None:
    assert data("1: a\ntrue: b\n") == {"1": "a", "True": "b"}


# --- duplicate keys -------------------------------------------------------------------------


def test_duplicate_key_names_path_and_line() -> None:
    text = "team:\n  id: platform\n  id: payments\n"
    with pytest.raises(
        ConfigError, match=r"^team\.yaml: team\.id: duplicate key.*\(line 3, column 3\)$"
    ):
        parse_yaml(text, "team.yaml")


def test_duplicate_keys_in_a_list_item_are_found() -> None:
    text = "members:\n  - id: a\n  - id: b\n    id: c\n"
    with pytest.raises(ConfigError, match=r"members\[1\]\.id: duplicate key.*\(line 4, column 5\)"):
        parse_yaml(text, "team.yaml")


def test_keep_going_collects_duplicates_and_keeps_the_first_value() -> None:
    doc = parse_yaml("a: 1\na: 2\nb: 3\nb: 4\n", "team.yaml", keep_going=True)
    assert doc.data == {"a": 1, "b": 3}
    assert [(p.path, p.line) for p in doc.problems] == [("a", 2), ("b", 4)]


def test_merge_keys_may_be_overridden_without_a_duplicate_error() -> None:
    text = "eu: &eu {timezone: Europe/Warsaw, country: PL}\nalice:\n  <<: *eu\n  country: DE\n"
    assert data(text) == {
        "eu": {"timezone": "Europe/Warsaw", "country": "PL"},
        "alice": {"timezone": "Europe/Warsaw", "country": "DE"},
    }


def test_explicit_duplicates_next_to_a_merge_are_still_errors() -> None:
    text = "eu: &eu {a: 1}\nx:\n  <<: *eu\n  b: 2\n  b: 3\n"
    with pytest.raises(ConfigError, match=r"x\.b: duplicate key"):
        parse_yaml(text, "team.yaml")


# --- locations ------------------------------------------------------------------------------


def test_every_key_and_item_has_its_line_and_column() -> None:
    text = (
        "team:\n"  # 1
        "  id: platform\n"  # 2
        "members:\n"  # 3
        "  - id: alice\n"  # 4
        "    timezone: Europe/Warsaw\n"  # 5
        "  - {id: bob, timezone: UTC}\n"  # 6
    )
    doc = parse_yaml(text, "team.yaml")
    assert doc.locations[("team", "id")] == (2, 3)
    assert doc.locations[("members", 0)] == (4, 5)
    assert doc.locations[("members", 0, "timezone")] == (5, 5)
    assert doc.locations[("members", 1, "timezone")] == (6, 15)


def test_location_of_falls_back_to_the_nearest_ancestor() -> None:
    doc = parse_yaml("team:\n  id: platform\n", "team.yaml")
    assert doc.location_of(("team", "timezone")) == (1, 1)
    assert doc.location_of(("nowhere", 3)) == (1, 1)


def test_format_path() -> None:
    assert format_path(("members", 2, "unavailable", 0, "end")) == "members[2].unavailable[0].end"
    assert format_path(()) == ""


# --- syntax errors and files ----------------------------------------------------------------


def test_syntax_error_has_line_and_column(data_dir: Path) -> None:
    with pytest.raises(
        ConfigError,
        match=r"syntax_error\.yaml: <root>: YAML syntax error: while parsing a flow mapping: "
        r"expected ',' or '\}'.*\(it opened at line 1, column 7\) \(line 2, column 8\)",
    ):
        read_yaml(data_dir / "bad" / "syntax_error.yaml")


def test_tab_indentation_is_named(data_dir: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"tab character; indent with spaces only \(line 5, column 1\)"
    ):
        read_yaml(data_dir / "bad" / "tabs.yaml")


def test_two_documents_in_one_file(data_dir: Path) -> None:
    with pytest.raises(ConfigError, match=r"more than one YAML document.*\(line 2, column 1\)"):
        read_yaml(data_dir / "bad" / "two_documents.yaml")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.yaml: <root>: file not found$"):
        read_yaml(tmp_path / "nope.yaml")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"is a directory, not a team file"):
        read_yaml(tmp_path)


def test_file_that_is_not_utf8(data_dir: Path) -> None:
    with pytest.raises(ConfigError, match=r"latin1\.yaml: <root>: not UTF-8 text \(byte 39\)"):
        read_yaml(data_dir / "bad" / "latin1.yaml")


def test_byte_order_mark_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfteam: {id: platform}\n")
    assert read_yaml(path).data == {"team": {"id": "platform"}}


def test_empty_file_is_none(data_dir: Path) -> None:
    assert read_yaml(data_dir / "bad" / "empty.yaml").data is None


def test_python_tags_are_refused() -> None:
    with pytest.raises(ConfigError, match=r"YAML error: .*constructor.*\(line 1, column 4\)"):
        parse_yaml("a: !!python/object:os.system {}\n", "team.yaml")
