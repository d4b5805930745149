"""Feed tokens in the store: the ``last_used_at`` stamp (revision 0003) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import create_engine, text

import rota.store.migrate as migrate_module
from rota.store import Store

T0 = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)


def test_use_is_recorded_once_a_minute(url: str) -> None:
    with Store.open(url) as store:
        token = store.add_feed_token(token_hash="h" * 64, kind="team", team_id="ops")
        assert token.last_used_at is None
        assert store.record_feed_use(token.id, T0)
        assert not store.record_feed_use(token.id, T0 + timedelta(seconds=59))
        assert store.record_feed_use(token.id, T0 + timedelta(seconds=60))
        assert not store.record_feed_use(token.id + 1, T0)  # no such token
        found = store.find_feed_token("h" * 64)
        assert found is not None
        assert found.last_used_at == T0 + timedelta(seconds=60)


def test_a_database_of_revision_0002_keeps_its_feed_tokens(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        command.upgrade(migrate_module._alembic_config(connection), "0002")
        connection.execute(
            text(
                "INSERT INTO feed_tokens (token_hash, kind, team_id, created_at) "
                "VALUES ('old', 'team', 'ops', :created)"
            ),
            {"created": "2026-11-30T08:00:00.000000Z" if url.startswith("sqlite") else T0},
        )
    engine.dispose()
    with Store.open(url) as store:
        [token] = store.list_feed_tokens()
        assert (token.kind, token.team_id, token.last_used_at) == ("team", "ops", None)
        assert store.record_feed_use(token.id, T0)
        assert store.list_feed_tokens()[0].last_used_at == T0
