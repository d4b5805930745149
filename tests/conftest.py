"""Shared fixtures: test data lives in tests/data and is reached through ``data_dir``; ``url``
is an empty store database, SQLite and (with ``ROTA_TEST_POSTGRES_URL`` set) PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine

DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    """The folder of test data files (``data_dir / "spec_example.yaml"``)."""
    return DATA_DIR


POSTGRES_URL = os.environ.get("ROTA_TEST_POSTGRES_URL")
"""A scratch PostgreSQL database the tests may empty at will (CI starts one: .ci/postgres.sh)."""


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "rota.db"


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(
                not POSTGRES_URL, reason="set ROTA_TEST_POSTGRES_URL to a scratch database"
            ),
        ),
    ]
)
def url(request: pytest.FixtureRequest, db_path: Path) -> str:
    """The URL of an empty database: a SQLite file, or the scratch PostgreSQL database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{db_path}"
    assert POSTGRES_URL is not None
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    return POSTGRES_URL
