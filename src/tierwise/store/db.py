"""The store's engine and sessions, from ``Settings.database_url``: SQLite (the default file) or PostgreSQL.

SQLite connections get WAL journaling, foreign keys and a busy timeout; tierwise issues ``BEGIN`` itself so
that a writer can take SQLite's write lock at the start of its transaction (``BEGIN IMMEDIATE``) instead of
failing half-way. PostgreSQL goes through psycopg 3.

>>> engine = create_store_engine("sqlite://")
>>> with engine.connect() as con:
...     con.exec_driver_sql("PRAGMA foreign_keys").scalar()
1
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.orm import Session, sessionmaker

from tierwise.config import Settings
from tierwise.errors import ConfigurationError, StoreError
from tierwise.i18n import Message

SQLITE_BEGIN_OPTION = "tierwise_sqlite_begin"
SqliteBegin = Literal["DEFERRED", "IMMEDIATE"]


def store_url(url: str) -> URL:
    """The SQLAlchemy URL of a store, with PostgreSQL always through psycopg 3.

    >>> store_url("postgresql://postgres@127.0.0.1/test").drivername
    'postgresql+psycopg'
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return parsed
    raise ConfigurationError(f"the store must be SQLite or PostgreSQL, not {backend!r} ({parsed!r})")


def is_database_url(text: str) -> bool:
    """Whether what a user typed as ``DATA`` names a database (``sqlite:///…``, ``postgresql://…``)."""
    return text.split(":", 1)[0].split("+", 1)[0] in ("sqlite", "postgresql", "postgres")


def public_label(url: str | URL) -> str:
    """The URL as users may see it: the password hidden."""
    return make_url(url).render_as_string(hide_password=True) if isinstance(url, str) else url.render_as_string()


def create_store_engine(url: str | URL, *, lock_timeout: float = 60.0) -> Engine:
    """An engine on the store at ``url``; ``lock_timeout`` (seconds) bounds how long SQLite waits for a writer."""
    parsed = store_url(str(url) if isinstance(url, str) else url.render_as_string(hide_password=False))
    if parsed.get_backend_name() == "postgresql":
        # every statement planned with its values: psycopg prepares a statement run five times, and the generic
        # plan PostgreSQL then keeps for it cannot tell a class of 0.4 % of a million customers from one of
        # 50 % (a list page took 35 s instead of 40 ms); planning costs a fraction of a millisecond
        options = {"connect_timeout": 10, "options": "-c plan_cache_mode=force_custom_plan"}
        engine = create_engine(parsed, pool_pre_ping=True, connect_args=options)
        _explain_connect_failures(engine)
        return engine
    engine = create_engine(parsed)
    _explain_connect_failures(engine)
    busy_ms = int(lock_timeout * 1000)
    in_memory = parsed.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # BEGIN is issued in _begin below
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent after a crash; no fsync per commit
            cursor.execute("PRAGMA cache_size=-131072")  # 128 MB of pages: bulk index inserts stop thrashing 2 MB
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms:d}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        if mode not in ("DEFERRED", "IMMEDIATE"):
            raise ValueError(f"unknown SQLite transaction mode {mode!r}")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _explain_connect_failures(engine: Engine) -> None:
    """A store that cannot be opened (server down, no such folder) is a :class:`StoreError` naming it."""

    @event.listens_for(engine, "handle_error")
    def _cannot_open(context: ExceptionContext) -> None:
        if context.connection is None and not context.is_pre_ping:  # failed while connecting, not in a statement
            label = engine.url.render_as_string(hide_password=True)
            reason = str(context.original_exception).strip().splitlines()[0]
            raise StoreError(
                Message("cannot open the store %(store)s: %(reason)s", {"store": label, "reason": reason})
            ) from context.original_exception


def engine_from_settings(settings: Settings) -> Engine:
    """The engine of the store ``settings.database_url`` names."""
    return create_store_engine(settings.database_url, lock_timeout=settings.database_lock_timeout)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on ``engine``; objects stay readable after commit (services return them to interfaces)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def writing(engine: Engine, scratch: Path | None = None) -> Iterator[Connection]:
    """One write transaction that holds SQLite's write lock from its start (``BEGIN IMMEDIATE``).

    Commits when the block ends, rolls back on any error. On PostgreSQL this is an ordinary transaction.
    ``scratch`` is an SQLite file attached before the transaction begins and detached after it ends
    (:mod:`tierwise.store.sqlite_scratch`).
    """
    with engine.connect() as con, ExitStack() as scratch_attached:
        if scratch is not None:
            from tierwise.store.sqlite_scratch import attached  # here: only an import of rows needs pyarrow

            scratch_attached.enter_context(attached(con, scratch))
        if engine.dialect.name == "sqlite":
            con = con.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        with con.begin():
            yield con
