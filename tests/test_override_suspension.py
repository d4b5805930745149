"""Overrides against later versions, and solves against overrides, as a user drives them.

An override that no longer fits the newest version (member gone or away, two roles at once) is
suspended: not applied, the planned holder pages, ``rota solve`` warns, ``override list`` and
the API show it with the reason, and it comes back when a later version makes it fit again. A
solve during which the team changed stores nothing. An identical override is refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import rota.solver
from api.app import create_app
from api.settings import Settings
from rota.keys import API_KEY_PREFIX, new_secret, secret_hash
from rota.store import Store
from tests.test_cli import run

TEAM = """\
team: {id: duo, timezone: Europe/Berlin}
horizon: {start: 2027-03-22, weeks: 1}
rotation: {kind: daily, roles: [primary, secondary], handoff: "09:00"}
fairness: {weights: {weekends: 0}}
members:
  - {id: ana, name: Ana Weber, timezone: Europe/Berlin}
  - {id: ben, timezone: Europe/Berlin}
  - {id: cho, timezone: Europe/Berlin}
  - {id: dev, timezone: Europe/Berlin}
  - {id: eli, timezone: Europe/Berlin}
"""
NOW = "2027-03-01T00:00:00Z"  # before the horizon: a re-solve freezes nothing


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'rota.db'}"


def solve(capsys: pytest.CaptureFixture[str], db: str, path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "solve", str(path), "--db", db, "--now", NOW, "--time-limit", "5")
    assert code == 0, err
    return err


def free_shift(capsys: pytest.CaptureFixture[str], db: str, member: str) -> dict[str, Any]:
    """A shift in which ``member`` holds no role."""
    code, out, err = run(capsys, "show", "duo", "--db", db, "--json")
    assert code == 0, err
    shifts: list[dict[str, Any]] = json.loads(out)["shifts"]
    return next(s for s in shifts[1:] if member not in s["assignments"].values())


def add(
    capsys: pytest.CaptureFixture[str], db: str, member: str, shift: dict[str, Any]
) -> tuple[int, str, str]:
    return run(
        capsys,
        "override",
        "add",
        "duo",
        "--db",
        db,
        "--member",
        member,
        "--role",
        "primary",
        "--start",
        shift["start"],
        "--end",
        shift["end"],
    )


def who(capsys: pytest.CaptureFixture[str], db: str, at: str) -> dict[str, Any]:
    code, out, err = run(capsys, "who", "duo", "--db", db, "--at", at, "--json")
    assert code == 0, err
    answer: dict[str, Any] = json.loads(out)
    return answer


def listed(capsys: pytest.CaptureFixture[str], db: str) -> list[dict[str, Any]]:
    code, out, err = run(capsys, "override", "list", "duo", "--db", db, "--json")
    assert code == 0, err
    rows: list[dict[str, Any]] = json.loads(out)
    return rows


def test_override_for_a_member_removed_from_the_team_is_suspended(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "duo.yaml"
    solve(capsys, db, path, TEAM)
    shift = free_shift(capsys, db, "ben")
    assert add(capsys, db, "ben", shift)[0] == 0
    assert who(capsys, db, shift["start"])["holders"]["primary"]["id"] == "ben"

    err = solve(capsys, db, path, TEAM.replace("  - {id: ben, timezone: Europe/Berlin}\n", ""))

    assert "warning: override 1 (ben as primary" in err
    assert "member 'ben' is no longer in team 'duo'" in err
    answer = who(capsys, db, shift["start"])
    paged = [page["id"] for level in answer["levels"] for page in level["members"]]
    assert "ben" not in paged
    assert answer["holders"]["primary"]["source"] == "planned"
    [row] = listed(capsys, db)
    assert row["state"] == "suspended"
    assert "no longer in team" in row["suspended_because"]
    code, out, _ = run(capsys, "override", "list", "duo", "--db", db)
    assert code == 0
    assert "[suspended: member 'ben' is no longer in team 'duo'" in out


def test_override_for_a_member_now_away_pages_the_planned_holder_and_comes_back(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "duo.yaml"
    solve(capsys, db, path, TEAM)
    shift = free_shift(capsys, db, "ana")
    assert add(capsys, db, "ana", shift)[0] == 0
    day = shift["start"][:10]
    away = TEAM.replace(
        "{id: ana, name: Ana Weber, timezone: Europe/Berlin}",
        f'{{id: ana, name: Ana Weber, timezone: Europe/Berlin, unavailable: [{{start: "{day}", '
        f'end: "{day}", reason: sick}}]}}',
    )

    err = solve(capsys, db, path, away)

    assert "is suspended: member 'ana' is unavailable (sick)" in err
    answer = who(capsys, db, shift["start"])
    primary = answer["holders"]["primary"]
    assert primary["id"] != "ana"
    assert primary["source"] == "planned"
    assert all(level["members"] for level in answer["levels"]), answer["levels"]
    assert listed(capsys, db)[0]["state"] == "suspended"

    solve(capsys, db, path, TEAM)  # ana is back: the override applies again

    assert listed(capsys, db)[0]["state"] == "active"
    assert who(capsys, db, shift["start"])["holders"]["primary"]["id"] == "ana"


def test_a_solve_during_which_an_override_lands_stores_nothing(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "duo.yaml"
    solve(capsys, db, path, TEAM)
    shift = free_shift(capsys, db, "ana")
    real_solve = rota.solver.solve

    def solve_while_someone_adds_an_override(*args: Any, **kwargs: Any) -> Any:
        result = real_solve(*args, **kwargs)
        assert add(capsys, db, "ana", shift)[0] == 0
        return result

    monkeypatch.setattr(rota.solver, "solve", solve_while_someone_adds_an_override)
    path.write_text(TEAM.replace("ben, timezone", "ben, name: Ben, timezone"), encoding="utf-8")
    code, _, err = run(capsys, "solve", str(path), "--db", db, "--now", NOW, "--time-limit", "5")

    assert code == 1
    assert "team 'duo' changed while this command ran (overrides added or removed)" in err
    assert "nothing was stored" in err
    with Store.open(db) as store:
        assert [v.version for v in store.list_versions("duo")] == [1]
    answer = who(capsys, db, shift["start"])
    holders = [h["id"] for h in answer["holders"].values()]
    assert holders.count("ana") == 1


def test_an_identical_override_is_refused_naming_the_first(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    solve(capsys, db, tmp_path / "duo.yaml", TEAM)
    shift = free_shift(capsys, db, "cho")
    assert add(capsys, db, "cho", shift)[0] == 0

    code, _, err = add(capsys, db, "cho", shift)

    assert code == 2
    assert "override 1 already puts 'cho' in role 'primary'" in err
    assert len(listed(capsys, db)) == 1


def test_api_lists_suspended_overrides_and_refuses_duplicates_with_409(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = tmp_path / "duo.yaml"
    solve(capsys, db, path, TEAM)
    shift = free_shift(capsys, db, "ben")
    key = new_secret(API_KEY_PREFIX)
    with Store.open(db) as store:
        store.add_api_key("writer", key_hash=secret_hash(key), scope="write")
    body = {"member": "ben", "role": "primary", "start": shift["start"], "end": shift["end"]}
    headers = {"Authorization": f"Bearer {key}"}
    with TestClient(create_app(Settings(db_url=db))) as client:
        created = client.post("/v1/teams/duo/overrides", json=body, headers=headers)
        assert created.status_code == 201, created.text
        assert created.json()["state"] == "active"
        again = client.post("/v1/teams/duo/overrides", json=body, headers=headers)
        assert again.status_code == 409
        assert f"override {created.json()['id']} already puts 'ben'" in again.json()["detail"]

        solve(capsys, db, path, TEAM.replace("  - {id: ben, timezone: Europe/Berlin}\n", ""))

        [row] = client.get("/v1/teams/duo/overrides", headers=headers).json()["overrides"]
        assert row["state"] == "suspended"
        assert row["suspended_because"] == "member 'ben' is no longer in team 'duo'"
        assert row["reason"] is None
