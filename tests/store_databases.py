"""Fresh store databases for tests: a SQLite file, or a PostgreSQL database of its own, per test.

Each kind is migrated once per test run into a template (a file copied, or a PostgreSQL ``TEMPLATE``
database), so a fresh database costs a copy, not a migration. Every PostgreSQL database this run made is
dropped at its end. PostgreSQL is ``TIERWISE_TEST_POSTGRES`` (default 127.0.0.1:5432, trust auth, database
``test``); when it cannot be reached its tests are skipped with the reason, except under ``CI=true``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from tierwise.store.db import create_store_engine
from tierwise.store.schema import upgrade

POSTGRES = os.environ.get("TIERWISE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_unreachable() -> str | None:
    """Why PostgreSQL cannot be used, or ``None`` when it can."""
    try:
        with psycopg.connect(POSTGRES, connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"PostgreSQL is unreachable at {make_url(POSTGRES).render_as_string()}: {first_line}"


class PostgresDatabases:
    """Makes databases named ``tierwise_test_<run>_<n>`` on the test server and drops them all at the end."""

    def __init__(self) -> None:
        self.run = uuid.uuid4().hex[:8]
        self.made: list[str] = []
        self.template: str | None = None

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(POSTGRES, autocommit=True)

    def url(self, name: str) -> str:
        """The SQLAlchemy URL of one database on the test server."""
        return make_url(POSTGRES).set(drivername="postgresql+psycopg", database=name).render_as_string(False)

    def create(self, migrated: bool = True) -> str:
        """A new database (with the current tables when ``migrated``); returns its URL."""
        if migrated and self.template is None:
            self.template = self._create(None)
            engine = create_store_engine(self.url(self.template))
            upgrade(engine)
            engine.dispose()
        return self.url(self._create(self.template if migrated else None))

    def _create(self, template: str | None) -> str:
        name = f"tierwise_test_{self.run}_{len(self.made)}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        with self._admin() as con:
            con.execute(statement)
        self.made.append(name)
        return name

    def drop(self, url: str) -> None:
        """Drop one database of this run (its connections are ended)."""
        name = make_url(url).database
        with self._admin() as con:
            con.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def drop_all(self) -> None:
        """Drop every database this run made."""
        with self._admin() as con:
            for name in self.made:
                con.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


class SqliteFiles:
    """Fresh SQLite store files, copied from one migrated template."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template: Path | None = None
        self.count = 0

    def create(self, folder: Path, migrated: bool = True) -> str:
        """A new SQLite file in ``folder`` (with the current tables when ``migrated``); returns its URL."""
        path = folder / f"store{self.count}.db"
        self.count += 1
        if migrated:
            if self.template is None:
                self.template = self.folder / "template.db"
                engine = create_store_engine(f"sqlite:///{self.template}")
                upgrade(engine)
                with engine.connect() as con:
                    con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                engine.dispose()
            shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"
