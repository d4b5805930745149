"""Migrations on open: the schema is brought to the newest Alembic revision in ``rota/migrations/``.

A database made by a newer rota (an unknown revision), or one holding other tables and no
revision, is refused rather than touched. On PostgreSQL an advisory lock serialises concurrent
migrations; on SQLite ``BEGIN IMMEDIATE`` does.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from rota.errors import StoreError
from rota.store.engine import _BEGIN_OPTION, _reason

MIGRATIONS_DIR = Path(__file__).parent.parent / "migrations"

_PG_MIGRATION_LOCK = 0x726F7461  # pg_advisory_xact_lock key ("rota") serialising migrations


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, url: str) -> None:
    """Bring the database of ``engine`` to the newest revision (``url``: redacted, for messages).

    Raises:
        StoreError: the database cannot be read or migrated, or it is not a rota database.
    """
    script = ScriptDirectory.from_config(_alembic_config())
    try:
        with engine.connect() as connection:
            with connection.begin():
                current = MigrationContext.configure(connection).get_current_heads()
            if current == (script.get_current_head(),):
                return
            connection.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
                    )
                _check_upgradable(connection, script, url)
                command.upgrade(_alembic_config(connection), "head")
    except (SQLAlchemyError, CommandError) as exc:
        reason = _reason(exc, engine.url.password)
        if "file is not a database" in reason:
            reason = "the file is not a SQLite database, or it is corrupt"
        elif "unable to open database file" in reason:
            reason = "cannot open or create the file (does its directory exist?)"
        raise StoreError(f"cannot open store {url}: {reason}") from exc


def schema_revisions(engine: Engine, url: str) -> tuple[tuple[str, ...], str | None]:
    """The database's current revision(s) and the newest one this rota ships.

    Raises:
        StoreError: the database does not answer.
    """
    script = ScriptDirectory.from_config(_alembic_config())
    try:
        with engine.connect() as connection, connection.begin():
            current = MigrationContext.configure(connection).get_current_heads()
    except SQLAlchemyError as exc:
        raise StoreError(f"store {url}: {_reason(exc, engine.url.password)}") from exc
    return tuple(current), script.get_current_head()


def _check_upgradable(connection: Connection, script: ScriptDirectory, url: str) -> None:
    known = {revision.revision for revision in script.walk_revisions()}
    current = MigrationContext.configure(connection).get_current_heads()
    unknown = [revision for revision in current if revision not in known]
    if unknown:
        raise StoreError(
            f"cannot open store {url}: unknown schema revision {', '.join(unknown)} "
            "(made by a newer rota, or not a rota database)"
        )
    if not current:
        tables = sorted(
            name
            for name in inspect(connection).get_table_names()
            if name != "alembic_version" and not name.startswith("sqlite_")
        )
        if tables:
            shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
            raise StoreError(
                f"cannot open store {url}: not a rota database (it holds tables "
                f"{shown}); use a new file or an empty database"
            )
