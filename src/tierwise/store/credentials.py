"""The look-up every signed-in request makes: a token's or a session's row with its user and team, by digest.

It runs once per API request, so it skips what a general statement pays for: the SELECT is compiled once
per engine and run on a pooled DBAPI connection, its timestamps read back by the column type's own
result processor. Through SQLAlchemy's session the same indexed look-up cost about ten times as much
(ORM loading, a lazy load of the user and another of the team, the statement's cache key): more than
the triage decision the lobby waits for. The answer is read from the store on every request, so a
revoked token, an ended session, a lock or a deactivation takes effect at the next request, in every
worker process.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Engine, Select, bindparam, select

from tierwise.store.models import ApiToken, LoginSession, Team, Timestamp, User

Kind = Literal["token", "session"]
TABLES = {"token": ApiToken.__table__, "session": LoginSession.__table__}
KEYS = {"token": "digest", "session": "id_hash"}


@dataclass(frozen=True)
class Credential:
    """A stored token or session as a request needs it: its row id, times, secret hashes and its user."""

    id: int
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used: dt.datetime | None  # last_used_at of a token, last_seen_at of a session
    csrf_hash: str | None  # sessions only
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
    """Whether the engine's pool holds an idle connection now, so that a look-up would not wait for one."""
    idle = getattr(engine.pool, "checkedin", None)
    return callable(idle) and idle() > 0


def find_credential(engine: Engine, kind: Kind, key: str) -> Credential | None:
    """The stored token (``kind="token"``, ``key`` its digest) or session (``"session"``, its id hash) with
    its user, or ``None`` when the store has no such row."""
    prepared = _prepare(engine, kind)
    params: Any = tuple(key for _ in prepared.positions) if prepared.positions is not None else {"key": key}
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(prepared.sql, params)
            row = cursor.fetchone()
        finally:
            cursor.close()
    finally:
        connection.close()  # back to the pool, which ends the read transaction
    if row is None:
        return None
    values = dict(zip(prepared.columns, row, strict=True))
    for name, convert in prepared.converters.items():
        values[name] = convert(values[name])
    values.setdefault("csrf_hash", None)
    return Credential(**values)
