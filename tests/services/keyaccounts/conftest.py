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


@pytest.fixture
def people(book: Book) -> Book:
    """Teams east and north; managers zhao (east) and qian (north); account managers wang (east) and li
    (north); the analyst sun; the deactivated manager old (east)."""
    from tierwise.store.people_models import Team, User

    with book.sessions.begin() as session:
        east, north = Team(name="east"), Team(name="north")
        session.add_all([east, north])
        session.flush()
        for name, role, team, active in [
            ("zhao", "manager", east, True),
            ("qian", "manager", north, True),
            ("wang", "account_manager", east, True),
            ("li", "account_manager", north, True),
            ("sun", "analyst", None, True),
            ("old", "manager", east, False),
        ]:
            session.add(User(name=name, role=role, team_id=team.id if team else None, active=active))
    return book
