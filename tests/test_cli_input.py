"""Input at the command line's edges: instants, free text, numbers, output files, closed pipes
and oversized team files. Every mistake is one line on stderr and exit 2, never a traceback."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rota.store import Store
from tests.ops_team import ops_store
from tests.test_cli import SMALL_TEAM
from tests.test_store import daily
from tests.trust.cli_runner import ROTA, Result, assert_clean_failure, run_cli

HUGE = "99999999999999999999999"


@pytest.fixture
def ops(tmp_path: Path) -> str:
    """The URL of a store holding the published ``ops`` team (tests/data/oncall_team.yaml)."""
    ops_store(tmp_path / "ops.db").close()
    return f"sqlite:///{tmp_path / 'ops.db'}"


def one_line_usage_error(result: Result, *expected: str) -> None:
    assert_clean_failure(result, 2)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    for text in expected:
        assert text in lines[0], lines[0]


def add_override(db: str, *extra: str) -> Result:
    return run_cli(
        ["override", "add", "ops", "--member", "ann", "--role", "primary", "--db", db, *extra]
    )


# ------------------------------------------------------------------------------ instants


def test_an_override_starting_at_a_fraction_of_a_second_is_refused(ops: str) -> None:
    result = add_override(
        ops, "--start", "2027-01-05T10:00:00.000001Z", "--end", "2027-01-05T11:00:00Z"
    )
    one_line_usage_error(result, "--start", "whole seconds", "'2027-01-05T10:00:00.000001Z'")


def test_a_swap_of_a_shift_starting_at_a_fraction_of_a_second_is_refused(ops: str) -> None:
    result = run_cli(
        ["swap", "ops", "--member", "ann", "--shift", "2027-01-06T00:00:00.5Z", "--db", ops]
    )
    one_line_usage_error(result, "--shift", "whole seconds")


def test_a_lookup_instant_is_floored_to_its_second(ops: str) -> None:
    exact = run_cli(["who", "ops", "--at", "2027-01-05T23:59:59Z", "--json", "--db", ops])
    fraction = run_cli(["who", "ops", "--at", "2027-01-05T23:59:59.999Z", "--json", "--db", ops])
    assert exact.code == fraction.code == 0, fraction.err
    assert fraction.out == exact.out


# ------------------------------------------------------------------------------ free text


@pytest.mark.parametrize("reason", ["line\nbreak", "bell\x07", "\x1b[2Jwiped", "rtl\u202eflip"])
def test_an_override_reason_must_be_one_printable_line(ops: str, reason: str) -> None:
    result = add_override(
        ops, "--start", "2027-01-05T10:00:00Z", "--end", "2027-01-05T11:00:00Z", "--reason", reason
    )
    one_line_usage_error(result, "--reason", "one line of printable text", repr(reason))


def test_an_override_reason_has_a_length_limit(ops: str) -> None:
    result = add_override(
        ops,
        "--start",
        "2027-01-05T10:00:00Z",
        "--end",
        "2027-01-05T11:00:00Z",
        "--reason",
        "x" * 501,
    )
    one_line_usage_error(result, "--reason", "at most 500 characters")


def test_a_stored_reason_with_control_characters_is_listed_escaped(ops: str) -> None:
    with Store.open(ops) as store:  # as an older rota may have stored it
        store.add_override(
            "ops",
            role="primary",
            member_id="ann",
            start=datetime(2027, 1, 5, 10, tzinfo=UTC),
            end=datetime(2027, 1, 5, 11, tzinfo=UTC),
            reason="sick\x1b[2J\nbye",
        )
    result = run_cli(["override", "list", "ops", "--db", ops])
    assert result.code == 0, result.err
    assert "\x1b" not in result.out
    assert "sick\\x1b[2J\\nbye" in result.out


@pytest.mark.parametrize(
    ("name", "expected"),
    [("k" * 65, "at most 64 characters"), ("two\nlines", "U+000A"), ("  ", "must not be empty")],
)
def test_api_key_names_fit_what_overrides_record(ops: str, name: str, expected: str) -> None:
    result = run_cli(["key", "create", name, "--scope", "write", "--db", ops])
    one_line_usage_error(result, "NAME", expected)


# ------------------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    "args",
    [
        ["show", "ops", "--version", HUGE],
        ["diff", "ops", "--from", HUGE],
        ["diff", "ops", "--to", "0"],
        ["override", "remove", "ops", HUGE],
        ["override", "remove", "ops", "0"],
    ],
    ids=lambda a: " ".join(a[:3]),
)
def test_out_of_range_numbers_are_one_line_usage_errors(ops: str, args: list[str]) -> None:
    result = run_cli([*args, "--db", ops])
    one_line_usage_error(result, f"rota {args[0]}", "Invalid value")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["show"], "Missing argument 'TEAM'"),
        (["show", "ops", "--bogus"], "No such option: --bogus"),
        (["bogus"], "No such command 'bogus'"),
        (["show", "ops", "--version", "two"], "'--version'"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], expected: str) -> None:
    one_line_usage_error(run_cli(args), expected)


# ------------------------------------------------------------------------------ output files


@pytest.mark.parametrize("command", [["export", "ics", "ops"], ["report", "ops"]])
def test_an_unwritable_output_file_is_exit_2(ops: str, tmp_path: Path, command: list[str]) -> None:
    for target in (tmp_path, tmp_path / "missing" / "out.txt"):
        result = run_cli([*command, "-o", str(target), "--db", ops])
        one_line_usage_error(result, "--output: cannot write the file", repr(str(target)))


def test_a_reader_closing_stdout_after_a_solve_is_no_failure(tmp_path: Path) -> None:
    team = tmp_path / "tiny.yaml"
    team.write_text(SMALL_TEAM, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'rota.db'}"
    solve = subprocess.Popen(
        [str(ROTA), "solve", str(team), "--db", db, "--strategy", "round-robin"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert solve.stdout is not None
    assert solve.stderr is not None
    solve.stdout.close()  # like `| head -0`: every write to stdout fails with EPIPE
    code = solve.wait(timeout=60)
    err = solve.stderr.read().decode()
    assert code == 0, err
    assert "Traceback" not in err
    with Store.open(db) as store:
        assert store.load_schedule("tiny").version == 1


# ------------------------------------------------------------------------------ team files


def test_validate_refuses_an_endless_stream_at_once() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    result = run_cli(["validate", "/dev/zero"], timeout=10)
    one_line_usage_error(result, "/dev/zero", "team file is larger than 2 MiB")


def test_solve_refuses_an_oversized_team_file_before_reading_it_whole(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text(SMALL_TEAM + "# padding\n" * 300_000, encoding="utf-8")
    result = run_cli(["solve", str(big), "--db", f"sqlite:///{tmp_path / 'rota.db'}"])
    one_line_usage_error(result, "big.yaml", "team file is larger than 2 MiB")


def test_validate_refuses_a_newline_in_a_team_name(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(SMALL_TEAM.replace("{id: tiny,", '{id: tiny, name: "Tiny\\nTeam",'))
    result = run_cli(["validate", str(path)])
    one_line_usage_error(result, "tiny.yaml: team.name:", "U+000A", "'Tiny\\nTeam'")


def test_solve_warns_about_a_stored_team_file_that_breaks_a_newer_rule(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'rota.db'}"
    with Store.open(db) as store:  # version 1 as an older rota stored it
        store.save_schedule(
            daily("tiny", people=("ann", "bob", "cat")),
            config_text=SMALL_TEAM.replace("{id: tiny,", '{id: tiny, name: "Tiny\\tTeam",'),
            config_name="tiny.yaml",
            meta={},
        )
    team = tmp_path / "tiny.yaml"
    team.write_text(SMALL_TEAM, encoding="utf-8")
    result = run_cli(["solve", str(team), "--db", db, "--strategy", "round-robin"])
    assert result.code == 0, result.err
    assert "warning: tiny (stored v1): team.name: must be one line" in result.err
