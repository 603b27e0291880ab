"""A store per test (SQLite, then PostgreSQL) with the hand-made book of ``archive_book``, and a context on it."""

from __future__ import annotations

import pytest
from archive_book import TODAY, Book, buyers  # noqa: F401  (TODAY and buyers are the tests' too)

from tierwise.services.context import ServiceContext


@pytest.fixture
def book(store_url: str):
    """A fresh store holding the five customers of ``CUSTOMERS``."""
    made = Book(store_url)
    yield made
    made.engine.dispose()


@pytest.fixture
def ctx(book: Book) -> ServiceContext:
    """The context of ``wang`` on today's store."""
    return book.context()
