"""Alembic environment of rota's schema.

``Store.open`` runs the migrations on its own connection, already inside a write transaction
(``config.attributes["connection"]``), so a migration is atomic on SQLite and PostgreSQL alike.
In development the Alembic command line works too, with ``rota/migrations/alembic.ini``::

    alembic -c rota/migrations/alembic.ini -x url=sqlite:///dev.db upgrade head
    alembic -c rota/migrations/alembic.ini -x url=sqlite:///dev.db revision --autogenerate \
        --rev-id 0002 -m "feed tokens"
    alembic -c rota/migrations/alembic.ini -x url=sqlite:///dev.db check

This module is an Alembic script: running it (``_main()`` below) is its purpose.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from rota.store import make_engine, metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # ALTER TABLE via table copies
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    return context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url", "sqlite:///rota.db"
    )


def _main() -> None:
    if context.is_offline_mode():
        context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as own:
            _run(own)
            own.commit()
    finally:
        engine.dispose()


_main()
