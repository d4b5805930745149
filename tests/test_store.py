"""The store: round trips, versions, atomicity, concurrency and hostile database files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic.script import ScriptDirectory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from rota import store as store_module
from rota.errors import ScheduleNotFound, StoreError, TeamNotFound, UsageError
from rota.model import Schedule, ScheduledShift
from rota.store import Store
from rota.store import rows as rows_module
from rota.store import schedules as schedules_module

T0 = datetime(2026, 12, 7, tzinfo=UTC)
TEAM_FILE = "team: {id: platform, name: Platform SRE, timezone: Europe/Warsaw}\n"


class Clock:
    """A hand-driven clock: every call returns a later instant."""

    def __init__(self, start: datetime = datetime(2026, 11, 30, 12, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def url_of(path: Path) -> str:
    return f"sqlite:///{path}"


def daily(
    team_id: str = "platform", days: int = 7, people: tuple[str, ...] = ("a", "b", "c")
) -> Schedule:
    """``days`` daily shifts from T0; person i is primary on day i, the next one secondary."""
    shifts = tuple(
        ScheduledShift(
            start=T0 + timedelta(days=i),
            end=T0 + timedelta(days=i + 1),
            assignments={
                "primary": people[i % len(people)],
                "secondary": people[(i + 1) % len(people)],
            },
        )
        for i in range(days)
    )
    return Schedule(team_id, T0, T0 + timedelta(days=days), shifts)


def save(store: Store, schedule: Schedule, **meta: object) -> Schedule:
    return store.save_schedule(
        schedule, config_text=TEAM_FILE, config_name="platform.yaml", meta=dict(meta)
    )


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    with Store.open(url, now=Clock()) as opened:
        yield opened


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One store for every example of a property test (examples use fresh team ids)."""
    with Store.open(url_of(tmp_path_factory.mktemp("prop") / "rota.db")) as opened:
        yield opened


# ------------------------------------------------------------------------------ round trip

ROLE_NAMES = ("primary", "secondary", "shadow", "lead", "backup")
MEMBER_IDS = st.from_regex(r"[a-z0-9-]{1,16}", fullmatch=True)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=200)
team_ids = st.from_regex(r"[a-z0-9-]{1,24}", fullmatch=True)


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    """A random tiling of shifts (1 µs to 14 days each) with random roles and holders."""
    start = draw(
        st.datetimes(
            min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
        )
    )
    lengths = draw(
        st.lists(st.timedeltas(timedelta(microseconds=1), timedelta(days=14)), max_size=30)
    )
    roles = draw(st.lists(st.sampled_from(ROLE_NAMES), unique=True, max_size=4))
    members = draw(st.lists(MEMBER_IDS, min_size=1, max_size=6, unique=True))
    shifts = []
    at = start
    for length in lengths:
        order = draw(st.permutations(roles))
        shifts.append(
            ScheduledShift(
                start=at,
                end=at + length,
                assignments={role: draw(st.sampled_from(members)) for role in order},
            )
        )
        at += length
    return Schedule(draw(team_ids), start, at, tuple(shifts))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    schedule=schedules(),
    meta=st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=4),
    config_text=TEXT,
)
def test_saved_schedule_loads_back_identical(
    shared_store: Store, schedule: Schedule, meta: dict[str, object], config_text: str
) -> None:
    saved = shared_store.save_schedule(
        schedule, config_text=config_text, config_name="team.yaml", meta=meta
    )
    loaded = shared_store.load_schedule(schedule.team_id, saved.version)

    assert loaded == saved
    assert loaded.shifts == schedule.shifts
    assert [list(s.assignments.items()) for s in loaded.shifts] == [
        list(s.assignments.items()) for s in schedule.shifts
    ]
    assert loaded.meta == meta
    assert shared_store.team_config_text(schedule.team_id, saved.version) == config_text
    instants = [loaded.horizon_start, loaded.horizon_end, loaded.created_at]
    instants += [t for s in loaded.shifts for t in (s.start, s.end)]
    assert all(t is not None and t.tzinfo is UTC for t in instants)


@st.composite
def overlapping_shifts(draw: st.DrawFn) -> list[ScheduledShift]:
    """Shifts that need not tile: random starts and lengths within a week."""
    count = draw(st.integers(0, 25))
    out = []
    for _ in range(count):
        start = T0 + draw(st.timedeltas(timedelta(0), timedelta(days=7)))
        length = draw(st.timedeltas(timedelta(microseconds=1), timedelta(days=2)))
        out.append(ScheduledShift(start, start + length, {"primary": "a"}))
    return out


@settings(max_examples=40, deadline=None)
@given(
    team_id=team_ids,
    shifts=overlapping_shifts(),
    lo=st.timedeltas(timedelta(days=-1), timedelta(days=10)),
    width=st.timedeltas(timedelta(0), timedelta(days=3)),
)
def test_shifts_between_returns_exactly_the_overlapping_shifts(
    shared_store: Store,
    team_id: str,
    shifts: list[ScheduledShift],
    lo: timedelta,
    width: timedelta,
) -> None:
    schedule = Schedule(team_id, T0, T0 + timedelta(days=10), tuple(shifts))
    saved = save(shared_store, schedule)
    start, end = T0 + lo, T0 + lo + width

    found = shared_store.shifts_between(team_id, start, end, saved.version)

    # An empty window [start, start) overlaps nothing, even a shift around it.
    overlapping = (s for s in shifts if start < end and s.start < end and start < s.end)
    expected = sorted(overlapping, key=lambda s: s.start)
    assert [(s.start, s.end) for s in found] == [(s.start, s.end) for s in expected]


def test_shifts_between_is_half_open_at_handoffs(store: Store) -> None:
    save(store, daily())
    day = timedelta(days=1)

    at_handoff = store.shifts_between("platform", T0 + day, T0 + day + timedelta(microseconds=1))
    spanning = store.shifts_between("platform", T0 + day, T0 + 3 * day)

    assert [s.start for s in at_handoff] == [T0 + day]
    assert [s.start for s in spanning] == [T0 + day, T0 + 2 * day]
    assert store.shifts_between("platform", T0 + day, T0 + day) == []
    assert store.shifts_between("platform", T0 - day, T0) == []


def test_shifts_between_walks_the_start_index(db_path: Path) -> None:
    store = Store.open(url_of(db_path))
    save(store, daily(days=60))
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, sql: str, params: Any, *_args: Any) -> None:
        if "FROM shifts" in sql:
            statements.append((sql, params))

    event.listen(store._engine, "before_cursor_execute", capture)
    store.shifts_between("platform", T0 + timedelta(days=30), T0 + timedelta(days=31))
    event.remove(store._engine, "before_cursor_execute", capture)

    (sql, params), *_ = statements
    with store._engine.connect() as connection:
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
    store.close()
    details = " | ".join(str(row[-1]) for row in plan)
    assert "ix_shifts_version_id_starts_at (version_id=? AND starts_at>? AND starts_at<?)" in (
        details.replace(">=", ">")
    ), details


# -------------------------------------------------------------------------------- versions


def test_versions_count_up_from_one_and_latest_is_default(store: Store) -> None:
    first = save(store, daily(people=("a", "b", "c")), status="optimal")
    second = save(store, daily(people=("c", "b", "a")), status="feasible")

    assert (first.version, second.version) == (1, 2)
    assert store.load_schedule("platform") == second
    assert store.load_schedule("platform", 1) == first
    assert [v.version for v in store.list_versions("platform")] == [1, 2]
    assert [v.meta["status"] for v in store.list_versions("platform")] == ["optimal", "feasible"]
    assert store.list_versions("platform")[0].shift_count == 7


def test_versions_are_per_team(store: Store) -> None:
    save(store, daily("platform"))
    save(store, daily("platform"))

    other = save(store, daily("search"))

    assert other.version == 1
    assert [(t.id, t.latest_version) for t in store.list_teams()] == [
        ("platform", 2),
        ("search", 1),
    ]


def test_saved_schedule_carries_version_stamp_and_meta(db_path: Path) -> None:
    clock = Clock()
    with Store.open(url_of(db_path), now=clock) as store:
        saved = store.save_schedule(
            Schedule("platform", T0, T0, (), meta={"strategy": "cp-sat", "gap": 0.5}),
            config_text=TEAM_FILE,
            config_name="platform.yaml",
            meta={"gap": float("inf"), "bound": float("nan")},
        )

    assert saved.created_at == clock.now
    assert saved.meta == {"strategy": "cp-sat", "gap": None, "bound": None}


def test_team_row_comes_from_the_team_file(store: Store) -> None:
    save(store, daily())

    (team,) = store.list_teams()

    assert (team.id, team.name, team.timezone) == ("platform", "Platform SRE", "Europe/Warsaw")


def test_explicit_team_name_and_zone_win_over_the_file(store: Store) -> None:
    store.save_schedule(
        daily(),
        config_text="not: [a team file",
        config_name="x.yaml",
        team_name="Platform",
        team_timezone="UTC",
    )

    (team,) = store.list_teams()

    assert (team.name, team.timezone) == ("Platform", "UTC")


def test_team_file_text_is_kept_per_version(store: Store) -> None:
    store.save_schedule(daily(), config_text="v1\n", config_name="a.yaml")
    store.save_schedule(daily(), config_text="v2\n", config_name="a.yaml")

    assert store.team_config_text("platform") == "v2\n"
    assert store.team_config_text("platform", 1) == "v1\n"


def test_non_utc_input_is_stored_as_the_same_instants_in_utc(store: Store) -> None:
    warsaw = ZoneInfo("Europe/Warsaw")
    start = datetime(2027, 3, 28, 1, 0, tzinfo=warsaw)  # the night clocks go forward
    end = start.astimezone(UTC) + timedelta(hours=6)
    schedule = Schedule("platform", start, end, (ScheduledShift(start, end, {"primary": "a"}),))

    loaded = store.load_schedule("platform", save(store, schedule).version)

    assert loaded.shifts[0].start == start
    assert loaded.shifts[0].start.tzinfo is UTC
    assert loaded.shifts[0].start.hour == 0


def test_naive_datetimes_are_refused(store: Store) -> None:
    naive = datetime(2026, 12, 7)
    schedule = Schedule("platform", naive, naive + timedelta(days=1), ())

    with pytest.raises(ValueError, match="horizon_start must be timezone-aware"):
        save(store, schedule)
    with pytest.raises(TeamNotFound):  # nothing was written
        store.load_schedule("platform")


def test_meta_that_is_not_json_is_refused(store: Store) -> None:
    with pytest.raises(TypeError, match="schedule meta must be JSON"):
        save(store, daily(), when=T0)


# ---------------------------------------------------------------------------------- errors


def test_unknown_team_names_the_known_teams(store: Store) -> None:
    save(store, daily("platform"))

    with pytest.raises(TeamNotFound, match=r"unknown team 'plaftorm' .*platform"):
        store.load_schedule("plaftorm")
    with pytest.raises(TeamNotFound):
        store.list_versions("plaftorm")
    with pytest.raises(TeamNotFound):
        store.shifts_between("plaftorm", T0, T0 + timedelta(days=1))


def test_unknown_version_names_the_stored_range(store: Store) -> None:
    save(store, daily())
    save(store, daily())

    with pytest.raises(ScheduleNotFound, match=r"no schedule version 7 \(versions 1-2\)"):
        store.load_schedule("platform", 7)
    with pytest.raises(ScheduleNotFound):
        store.team_config_text("platform", 3)


def test_empty_store_has_no_teams(store: Store) -> None:
    assert store.list_teams() == []
    with pytest.raises(TeamNotFound, match="run `rota solve` first"):
        store.load_schedule("platform")


# ------------------------------------------------------------------------------- atomicity


@pytest.mark.parametrize("interruption", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_a_write_failing_midway_leaves_the_previous_version(
    store: Store, monkeypatch: pytest.MonkeyPatch, interruption: BaseException
) -> None:
    first = save(store, daily(people=("a", "b", "c")))
    inserted_shifts: list[int] = []
    real_insert_shifts = rows_module._insert_shifts  # what schedules_module imports and calls

    def insert_shifts_then_count(connection: Any, version_id: int, shifts: Any) -> None:
        real_insert_shifts(connection, version_id, shifts)
        inserted_shifts.append(len(shifts))

    def fail(*_args: object) -> None:
        raise interruption

    monkeypatch.setattr(schedules_module, "_insert_shifts", insert_shifts_then_count)
    monkeypatch.setattr(schedules_module, "_insert_assignments", fail)

    with pytest.raises(type(interruption)):
        save(store, daily(people=("x", "y", "z")))

    assert inserted_shifts == [7]  # the failure really was mid-write
    assert store.load_schedule("platform") == first
    assert [v.version for v in store.list_versions("platform")] == [1]
    monkeypatch.undo()
    assert save(store, daily()).version == 2


def test_a_process_killed_mid_write_leaves_the_previous_version(url: str) -> None:
    with Store.open(url) as store:
        first = save(store, daily())
    child = textwrap.dedent(
        f"""
        import os
        from rota import store as store_module
        from rota.store import schedules as schedules_module
        from tests.test_store import daily, save

        store = store_module.Store.open({url!r})
        schedules_module._insert_assignments = lambda *args: os._exit(3)
        save(store, daily(people=("x", "y", "z")))
        """
    )
    root = Path(__file__).resolve().parent.parent

    result = subprocess.run(
        [sys.executable, "-c", child], cwd=root, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 3, result.stderr
    with Store.open(url) as store:
        assert store.load_schedule("platform") == first
        assert save(store, daily()).version == 2


def test_concurrent_writers_get_distinct_consecutive_versions(url: str) -> None:
    Store.open(url).close()
    writers = [Store.open(url) for _ in range(2)]
    saves_each = 5
    barrier = threading.Barrier(len(writers))
    versions: list[int] = []
    errors: list[BaseException] = []

    def write(store: Store) -> None:
        barrier.wait()
        try:
            for _ in range(saves_each):
                versions.append(save(store, daily()).version or 0)
        except BaseException as exc:  # report in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for writer in writers:
        writer.close()

    assert errors == []
    assert sorted(versions) == list(range(1, 2 * saves_each + 1))
    with Store.open(url) as store:
        stored = store.list_versions("platform")
    assert [v.version for v in stored] == list(range(1, 2 * saves_each + 1))
    assert all(v.shift_count == 7 for v in stored)


# --------------------------------------------------------------------------- opening files


def test_garbage_file_is_a_one_line_store_error(db_path: Path) -> None:
    db_path.write_bytes(b"this is not a database, just some bytes\x00\xff" * 200)

    with pytest.raises(StoreError) as raised:
        Store.open(url_of(db_path))

    message = str(raised.value)
    assert message == (
        f"cannot open store {url_of(db_path)}: the file is not a SQLite database, or it is corrupt"
    )


def test_plain_sqlite_file_is_not_taken_over(db_path: Path) -> None:
    with sqlite3.connect(db_path) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")

    with pytest.raises(StoreError, match=r"not a rota database \(it holds tables invoices\)"):
        Store.open(url_of(db_path))

    with sqlite3.connect(db_path) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    assert tables == [("invoices",)]


def test_database_from_a_newer_rota_is_refused(db_path: Path) -> None:
    Store.open(url_of(db_path)).close()
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0999'")

    with pytest.raises(StoreError, match="unknown schema revision 0999"):
        Store.open(url_of(db_path))


def test_missing_directory_is_a_store_error(tmp_path: Path) -> None:
    url = url_of(tmp_path / "no" / "such" / "dir" / "rota.db")

    with pytest.raises(StoreError, match=r"cannot open store .*dir/rota.db: cannot open or create"):
        Store.open(url)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+nosuchdriver://rota:s3cret-pw@db.invalid/rota",
        "nosuchdb://rota:s3cret-pw@db.invalid/rota",
        "postgresql//rota:s3cret-pw@db.invalid/rota",
    ],
)
def test_bad_urls_are_store_errors_without_the_password(url: str) -> None:
    with pytest.raises(StoreError, match="cannot open store") as raised:
        Store.open(url)

    assert "s3cret-pw" not in str(raised.value)
    assert "\n" not in str(raised.value)


def test_redacted_url_hides_only_the_password() -> None:
    assert (
        store_module.redact_url("postgresql+psycopg://rota:p%40ss@db:5432/rota")
        == "postgresql+psycopg://rota:***@db:5432/rota"
    )
    assert store_module.redact_url("sqlite:///rota.db") == "sqlite:///rota.db"


def test_opening_twice_migrates_once_and_keeps_data(url: str) -> None:
    with Store.open(url) as store:
        first = save(store, daily())

    with Store.open(url) as store:
        assert store.load_schedule("platform") == first
        with store._engine.connect() as connection:
            revisions = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            head = ScriptDirectory.from_config(store_module._alembic_config()).get_current_head()
            assert revisions.all() == [(head,)]
            assert head is not None
            assert head >= "0002"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(db_path: Path) -> None:
    with Store.open(url_of(db_path)) as store, store._engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


def test_migrations_build_exactly_the_models_schema(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with store._engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, store_module.metadata)

    assert differences == []


# ------------------------------------------------------------------- overrides and API keys


def test_overrides_are_listed_by_overlap_and_removed_softly(store: Store) -> None:
    save(store, daily())
    hour = timedelta(hours=1)
    morning = store.add_override(
        "platform", role="primary", member_id="b", start=T0 + 8 * hour, end=T0 + 12 * hour
    )
    store.add_override(
        "platform", role="primary", member_id="c", start=T0 + 30 * hour, end=T0 + 31 * hour
    )

    assert morning.id is not None
    first_day = store.list_overrides("platform", T0, T0 + 24 * hour)
    removed = store.remove_override("platform", morning.id)

    assert [o.member_id for o in first_day] == ["b"]
    assert first_day[0].start == T0 + 8 * hour
    assert removed is not None
    assert removed.removed_at is not None
    assert [o.member_id for o in store.list_overrides("platform")] == ["c"]
    assert len(store.list_overrides("platform", include_removed=True)) == 2
    assert store.remove_override("platform", morning.id) is None


def test_override_needs_a_known_team_and_a_positive_length(store: Store) -> None:
    with pytest.raises(TeamNotFound):
        store.add_override(
            "nobody", role="primary", member_id="a", start=T0, end=T0 + T0.resolution
        )
    save(store, daily())
    with pytest.raises(ValueError, match="must end after it starts"):
        store.add_override("platform", role="primary", member_id="a", start=T0, end=T0)


def test_api_keys_are_found_by_hash_until_revoked(store: Store) -> None:
    key = store.add_api_key("pager", key_hash="h1", scope="read")

    assert store.find_api_key("h1") == key
    with pytest.raises(UsageError, match="'pager' already exists"):
        store.add_api_key("pager", key_hash="h2", scope="write")
    assert store.revoke_api_key("pager") is True
    assert store.find_api_key("h1") is None
    assert store.revoke_api_key("pager") is False
    replacement = store.add_api_key("pager", key_hash="h2", scope="write")
    assert [k.name for k in store.list_api_keys()] == ["pager", "pager"]
    assert store.find_api_key("h2") == replacement
