"""An import the database refused, told as a message: which table, and where the database says it, which key.

A unique or foreign-key constraint, a NOT NULL column: the database refuses the statement with an
integrity error, from SQLAlchemy or straight from the driver (a bulk load writes through the driver's own
cursor: ``executemany`` on SQLite, ``COPY`` on PostgreSQL). :func:`refused` turns any of them into an
:class:`~tierwise.errors.ImportConstraintError` naming the table and, where the database says it, the
column and the key (PostgreSQL: ``Key (row_key)=(id:T2:1) is duplicated``; SQLite names the column only).

>>> import sqlite3
>>> print(refused("transactions", sqlite3.IntegrityError("UNIQUE constraint failed: transactions.row_key")))
nothing was imported: the store refused the rows of transactions: row_key: a value is there twice
"""

from __future__ import annotations

import re
import sqlite3

import psycopg
from sqlalchemy.exc import IntegrityError

from tierwise.errors import ImportConstraintError
from tierwise.i18n import N_, Message

#: the integrity errors an import can meet: SQLAlchemy's, and the drivers' own from a bulk load
INTEGRITY_ERRORS: tuple[type[Exception], ...] = (IntegrityError, sqlite3.IntegrityError, psycopg.IntegrityError)
REFUSED = N_("nothing was imported: the store refused the rows of %(table)s")
TWICE = N_("%(column)s %(key)s is there twice")
TWICE_NO_KEY = N_("%(column)s: a value is there twice")
SAYS = N_("the database says: %(detail)s")
_PG_KEY = re.compile(r"Key \((?P<column>.+?)\)=\((?P<key>.*)\) (?:is duplicated|already exists)")
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?:(?P<table>\w+)\.)?(?P<column>[\w, .]+)")


def refused(table: str | None, exc: Exception) -> ImportConstraintError:
    """The message of integrity error ``exc`` met while importing ``table`` (``None``: the table the
    database names, if it does)."""
    orig = exc.orig if isinstance(exc, IntegrityError) else exc
    diag = getattr(orig, "diag", None)
    detail = getattr(diag, "message_detail", None) or ""
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    table = table or getattr(diag, "table_name", None)
    reason: Message
    if (pg := _PG_KEY.search(detail)) is not None:
        reason = Message(TWICE, {"column": pg["column"], "key": pg["key"]})
    elif (lite := _SQLITE_UNIQUE.search(text)) is not None:
        table = table or lite["table"]
        column = ", ".join(part.rsplit(".", 1)[-1] for part in lite["column"].split(", "))
        reason = Message(TWICE_NO_KEY, {"column": column})
    else:
        reason = Message(SAYS, {"detail": " ".join(part for part in (text, detail) if part)})
    return ImportConstraintError(Message(REFUSED, {"table": table or "?"}), [reason])
