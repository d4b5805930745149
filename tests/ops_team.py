"""The small hand-made ``ops`` team (``tests/data/oncall_team.yaml``) that the API, web page and
API fuzz tests serve: its published schedule, a store holding it, and API keys for it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert

from rota.keys import API_KEY_PREFIX, new_secret, secret_hash
from rota.model import Schedule, ScheduledShift
from rota.store import Store
from rota.store.schema import OverrideRow

DATA = Path(__file__).resolve().parent / "data"
TEAM_FILE = DATA / "oncall_team.yaml"
NOW = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)  # Monday

# ops: daily shifts from 00:00 UTC, 2027-01-04 .. 2027-01-11; hand-made holders per day.
DAYS = [
    ("ann", "cat"),  # Mon 4
    ("bob", "cat"),  # Tue 5 (bob is off sick that day: resolution must skip him)
    ("ann", "cat"),  # Wed 6
    ("bob", "cat"),  # Thu 7
    ("dan", "ann"),  # Fri 8
    ("bob", "ann"),  # Sat 9
    ("bob", "ann"),  # Sun 10
]


def ops_schedule(
    days: Sequence[tuple[str, str]] = DAYS, step: timedelta = timedelta(days=1)
) -> Schedule:
    """A ``step``-long shift per ``(primary, secondary)`` pair, from Monday 2027-01-04 00:00 UTC."""
    start = datetime(2027, 1, 4, tzinfo=UTC)
    shifts = tuple(
        ScheduledShift(
            start=start + i * step,
            end=start + (i + 1) * step,
            assignments={"primary": p, "secondary": s},
        )
        for i, (p, s) in enumerate(days)
    )
    return Schedule("ops", shifts[0].start, shifts[-1].end, shifts)


def ops_store(path: Path, schedule: Schedule | None = None) -> Store:
    """A new SQLite store at ``path`` with ``schedule`` (default: :func:`ops_schedule`) saved."""
    store = Store.open(f"sqlite:///{path}")
    store.save_schedule(
        schedule or ops_schedule(),
        config_text=TEAM_FILE.read_text(),
        config_name=TEAM_FILE.name,
        meta={},
    )
    return store


def make_key(store: Store, name: str, scope: str) -> str:
    """A new API key with ``scope`` stored in ``store``; returns the secret to send."""
    key = new_secret(API_KEY_PREFIX)
    store.add_api_key(name, key_hash=secret_hash(key), scope=scope)  # type: ignore[arg-type]
    return key


def store_sub_second_override(path: Path, end: datetime | None = None) -> None:
    """Write, as rota did before instants had to be whole seconds, an override of the ``ops``
    team in the SQLite store at ``path``: dan primary from Mon 2027-01-04 13:00:00.000001 UTC to
    ``end`` (default 18:00)."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(
            insert(OverrideRow).values(
                team_id="ops",
                role="primary",
                member_id="dan",
                starts_at=datetime(2027, 1, 4, 13, 0, 0, 1, tzinfo=UTC),
                ends_at=end or datetime(2027, 1, 4, 18, tzinfo=UTC),
                created_at=datetime(2026, 12, 1, tzinfo=UTC),
            )
        )
    engine.dispose()
