"""A store per test (SQLite, then PostgreSQL) with the customers of ``personal_book`` imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from personal_book import Store


@pytest.fixture
def store(store_url: str, tmp_path: Path):
    """A fresh store with the three customers imported."""
    made = Store(store_url, tmp_path)
    yield made
    made.engine.dispose()
