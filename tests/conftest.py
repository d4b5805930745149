"""Shared fixtures: test data lives in tests/data and is reached through ``data_dir``."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    """The folder of test data files (``data_dir / "spec_example.yaml"``)."""
    return DATA_DIR
