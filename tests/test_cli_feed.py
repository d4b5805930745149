"""``rota feed create|list|revoke`` and ``rota export ics`` as a user drives them, on the ``ops``
team (``tests/data/oncall_team.yaml``, stored by ``tests.ops_team.ops_store``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.ops_team import TEAM_FILE, ops_schedule, ops_store, store_sub_second_override
from tests.test_cli import run


@pytest.fixture
def db(tmp_path: Path) -> str:
    ops_store(tmp_path / "rota.db").close()
    return f"sqlite:///{tmp_path / 'rota.db'}"


def tokens(db: str) -> list[object]:
    from rota.store import Store

    with Store.open(db) as store:
        return list(store.list_feed_tokens())


@pytest.mark.parametrize(
    "base_url",
    ["javascript:alert(1)", "rota.example.com", "https://rota.example.com/?x=1", "http://"],
)
def test_create_refuses_a_bad_base_url_before_storing(
    capsys: pytest.CaptureFixture[str], db: str, base_url: str
) -> None:
    code, out, err = run(capsys, "feed", "create", "ops", "--base-url", base_url, "--db", db)
    assert code == 2
    assert out == ""
    assert err.startswith("--base-url: ")
    assert repr(base_url) in err
    assert len(err.strip().splitlines()) == 1
    assert tokens(db) == []


def test_list_and_revoke(capsys: pytest.CaptureFixture[str], db: str) -> None:
    assert run(capsys, "feed", "create", "ops", "--db", db)[0] == 0
    assert run(capsys, "feed", "create", "ops", "--role", "primary", "--db", db)[0] == 0
    code, out, _ = run(capsys, "feed", "create", "ops", "--member", "ann", "--db", db)
    assert code == 0
    assert out.splitlines()[1].startswith("http://127.0.0.1:8080/feeds/rota_f_")

    code, out, err = run(capsys, "feed", "list", "ops", "--json", "--db", db)
    assert code == 0, err
    listed = json.loads(out)["feeds"]
    assert [(f["id"], f["kind"], f["team"], f["role"], f["member"]) for f in listed] == [
        (1, "team", "ops", None, None),
        (2, "role", "ops", "primary", None),
        (3, "member", None, None, "ann"),
    ]
    assert all(f["last_used"] is None for f in listed)
    code, out, _ = run(capsys, "feed", "list", "--db", db)
    assert code == 0
    assert out.splitlines()[0].split() == [
        "id", "kind", "team", "role", "member", "created", "(UTC)", "last", "used", "(UTC)"
    ]  # fmt: skip
    assert out.splitlines()[2].split()[:5] == ["2", "role", "ops", "primary", "-"]

    code, out, _ = run(capsys, "feed", "revoke", "2", "--db", db)
    assert (code, out) == (0, "feed 2 revoked\n")
    code, out, err = run(capsys, "feed", "revoke", "2", "--db", db)
    assert code == 2
    assert err.strip() == "ID: no active feed with id 2 (see `rota feed list`)"
    code, _, err = run(capsys, "feed", "revoke", "nope", "--db", db)
    assert code == 2
    assert "ID" in err
    assert "Traceback" not in err
    code, out, _ = run(capsys, "feed", "list", "ops", "--json", "--db", db)
    assert [f["id"] for f in json.loads(out)["feeds"]] == [1, 3]
    code, _, err = run(capsys, "feed", "list", "nope", "--db", db)
    assert code == 2
    assert "unknown team 'nope'" in err


def test_serve_refuses_a_public_url_without_scheme(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, _, err = run(capsys, "serve", "--public-url", "rota.example.com", "--db", db)
    assert code == 2
    assert err.strip() == (
        "--public-url: must start with http:// or https:// and name a host. "
        "Got value: 'rota.example.com'"
    )


def test_export_survives_a_sub_second_override_and_odd_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "odd.db"
    store = ops_store(path)
    text = TEAM_FILE.read_text().replace("name: Ann Lee", 'name: "Ann\\nLee"')
    store.save_schedule(ops_schedule(), config_text=text, config_name="ops.yaml", meta={})
    store.close()
    store_sub_second_override(path)
    out_file = tmp_path / "ops.ics"
    for extra in ([], ["--member", "ann"], ["--role", "primary"]):
        code, _, err = run(
            capsys, "export", "ics", "ops", *extra, "-o", str(out_file), "--db", f"sqlite:///{path}"
        )
        assert code == 0, err
        events = Calendar.from_ical(out_file.read_bytes()).walk("VEVENT")
        assert events
    assert "ann (Ann Lee)" in out_file.read_text()  # role feed: Ann holds it on Wednesday
