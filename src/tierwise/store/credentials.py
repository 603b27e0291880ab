"""The look-up every signed-in request makes: a token's or a session's row with its user and team, by digest.

It runs once per API request, so it skips what a general statement pays for: the SELECT is compiled once
per engine, its timestamps read back by the column type's own result processor. Through SQLAlchemy's
session the same indexed look-up cost about ten times as much (ORM loading, a lazy load of the user and
another of the team, the statement's cache key): more than the triage decision the lobby waits for.

The main thread (where a server's event loop runs) keeps one connection of its own per engine, outside
the pool, in autocommit mode: checking a connection out of the pool and back in cost as much as the
read itself. Other threads take a pooled connection. A failed read on the own connection drops it and
reads again from the pool; disposing of the engine closes it.

The answer is read from the store on every request, never cached, so a revoked token, an ended session,
a lock or a deactivation takes effect at the next request, in every worker process and on every host.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from sqlalchemy import Engine, Select, bindparam, event, select

from tierwise.store.models import Timestamp
from tierwise.store.people_models import ApiToken, LoginSession, Team, User

Kind = Literal["token", "session"]
TABLES = {"token": ApiToken.__table__, "session": LoginSession.__table__}
KEYS = {"token": "digest", "session": "id_hash"}


class Credential(NamedTuple):
    """A stored token or session as a request needs it: its row id, times, secret hashes and its user
    (a named tuple: made on every request, it costs a third of a frozen dataclass)."""

    id: int
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used: dt.datetime | None  # last_used_at of a token, last_seen_at of a session
    csrf_hash: str | None  # sessions only (None for a token)
    user_name: str
    role: str
    active: bool
    locked_at: dt.datetime | None
    team: str | None


@dataclass(frozen=True)
class _Prepared:
    sql: str
    positions: tuple[str, ...] | None  # parameter order for a positional paramstyle; None: by name
    columns: tuple[str, ...]
    converters: dict[str, Callable[[Any], Any]]


_PREPARED: weakref.WeakKeyDictionary[Engine, dict[Kind, _Prepared]] = weakref.WeakKeyDictionary()
_OWN: weakref.WeakKeyDictionary[Engine, Any] = weakref.WeakKeyDictionary()  # the main thread's connection


def _statement(kind: Kind) -> Select[Any]:
    table, u, team = TABLES[kind], User.__table__.c, Team.__table__.c
    last = table.c.last_used_at if kind == "token" else table.c.last_seen_at
    csrf = table.c.csrf_hash if kind == "session" else None
    columns = [table.c.id, table.c.expires_at, table.c.revoked_at, last.label("last_used")]
    if csrf is not None:
        columns.append(csrf)
    columns += [u.name.label("user_name"), u.role, u.active, u.locked_at, team.name.label("team")]
    return (
        select(*columns)
        .select_from(table.join(User.__table__, u.id == table.c.user_id))
        .outerjoin(Team.__table__, team.id == u.team_id)
        .where(table.c[KEYS[kind]] == bindparam("key"))
    )


def _prepare(engine: Engine, kind: Kind) -> _Prepared:
    per_engine = _PREPARED.setdefault(engine, {})
    if kind not in per_engine:
        statement = _statement(kind)
        compiled = statement.compile(dialect=engine.dialect)
        columns = tuple(c.name for c in statement.selected_columns)
        times = Timestamp.dialect_impl(engine.dialect).result_processor(engine.dialect, None)
        active = statement.selected_columns.active.type
        boolean = active.dialect_impl(engine.dialect).result_processor(engine.dialect, None)
        converters: dict[str, Callable[[Any], Any]] = {}
        for name in columns:
            if name in ("expires_at", "revoked_at", "last_used", "locked_at") and times is not None:
                converters[name] = times
            elif name == "active" and boolean is not None:
                converters[name] = boolean
        positions = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else None
        per_engine[kind] = _Prepared(str(compiled), positions, columns, converters)
    return per_engine[kind]


def connection_is_idle(engine: Engine) -> bool:
    """Whether a look-up on this thread would wait for no connection: the main thread has one of its own,
    another thread needs an idle one in the pool."""
    if threading.current_thread() is threading.main_thread():
        return True
    idle = getattr(engine.pool, "checkedin", None)
    return callable(idle) and idle() > 0


def _own_connection(engine: Engine) -> Any:
    connection: Any = _OWN.get(engine)
    if connection is None:
        pooled = engine.raw_connection()  # configured by the engine's connect hooks (SQLite: autocommit, WAL)
        pooled.detach()
        connection = pooled.dbapi_connection
        if engine.dialect.name == "postgresql":
            connection.rollback()  # the pool's ping may have begun a transaction
            connection.autocommit = True  # each read sees the latest commit; no transaction stays open
        if not event.contains(engine, "engine_disposed", _drop_own_connection):
            event.listen(engine, "engine_disposed", _drop_own_connection)
        _OWN[engine] = connection
    return connection


def _drop_own_connection(engine: Engine) -> None:
    connection = _OWN.pop(engine, None)
    if connection is not None:
        with contextlib.suppress(engine.dialect.loaded_dbapi.Error):  # already broken: nothing to close
            connection.close()


def _read(connection: Any, prepared: _Prepared, params: Any) -> Any:
    cursor = connection.cursor()
    try:
        cursor.execute(prepared.sql, params)
        rows = cursor.fetchall()  # read to the end: SQLite then ends the statement's read at once
    finally:
        cursor.close()
    return rows[0] if rows else None


def _read_pooled(engine: Engine, prepared: _Prepared, params: Any) -> Any:
    connection = engine.raw_connection()
    try:
        return _read(connection, prepared, params)
    finally:
        connection.close()  # back to the pool, which ends the read transaction


def find_credential(engine: Engine, kind: Kind, key: str) -> Credential | None:
    """The stored token (``kind="token"``, ``key`` its digest) or session (``"session"``, its id hash) with
    its user, or ``None`` when the store has no such row."""
    prepared = _prepare(engine, kind)
    params: Any = tuple(key for _ in prepared.positions) if prepared.positions is not None else {"key": key}
    if threading.current_thread() is threading.main_thread():
        try:
            row = _read(_own_connection(engine), prepared, params)
        except engine.dialect.loaded_dbapi.Error:
            _drop_own_connection(engine)  # e.g. the server restarted: the pool's connection is checked first
            row = _read_pooled(engine, prepared, params)
    else:
        row = _read_pooled(engine, prepared, params)
    if row is None:
        return None
    values = dict(zip(prepared.columns, row, strict=True))
    for name, convert in prepared.converters.items():
        values[name] = convert(values[name])
    values.setdefault("csrf_hash", None)
    return Credential(**values)
