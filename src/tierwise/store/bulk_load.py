"""Loading an import straight into an empty table: its secondary indexes set aside and built again after.

An import into a table that holds no rows creates every row it reads, so it needs no staging table and no
comparison: the rows go straight into the table (PostgreSQL ``COPY``, SQLite ``executemany``), with the
table's unique and foreign-key constraints and its other indexes dropped first and made again at the end,
all in the import's transaction. Building an index from sorted rows is several times faster than growing
it row by row, and a unique constraint made again still refuses duplicate keys (the import then fails
whole). The table's primary key stays. Everything runs on the caller's connection, inside its transaction:
an import that fails leaves the table, its indexes and its constraints as they were.

On PostgreSQL the table is locked (``ACCESS EXCLUSIVE``) from the check that it is empty to the end of the
import: a concurrent writer cannot slip a row in between, and readers of that table wait for the import.
SQLite's write lock, taken at the start of the import, already keeps every other writer out.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy import Connection, text

from tierwise.io.parsing import quote_ident


@dataclass(frozen=True)
class SetAside:
    """What was dropped from a table for a bulk load: statements that make each piece again, in order."""

    table: str
    recreate: list[str]


def claim_empty(con: Connection, table: str, lock: bool = True) -> bool:
    """Whether ``table`` holds no rows; on PostgreSQL, an empty table stays locked until the transaction ends
    (unless ``lock`` is false: a dry run only looks)."""
    target = quote_ident(table)
    if con.exec_driver_sql(f"SELECT 1 FROM {target} LIMIT 1").first() is not None:
        return False
    if con.dialect.name != "postgresql" or not lock:
        return True  # the import's write lock keeps every other writer out
    con.exec_driver_sql(f"LOCK TABLE {target} IN ACCESS EXCLUSIVE MODE")
    return con.exec_driver_sql(f"SELECT 1 FROM {target} LIMIT 1").first() is None  # a row may have come first


def set_aside(con: Connection, table: str) -> SetAside:
    """Drop the unique and foreign-key constraints and the other secondary indexes of ``table``."""
    if con.dialect.name == "postgresql":
        return _set_aside_postgres(con, table)
    rows = con.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL"),
        {"t": table},
    ).all()
    for name, _sql in rows:
        con.exec_driver_sql(f"DROP INDEX {quote_ident(name)}")
    return SetAside(table, [sql for _name, sql in rows])


def _set_aside_postgres(con: Connection, table: str) -> SetAside:
    constraints = con.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = to_regclass(:t) AND contype IN ('u', 'f') ORDER BY contype DESC, conname"
        ),
        {"t": quote_ident(table)},
    ).all()
    indexes = con.execute(
        text(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = to_regclass(:t) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid) "
            "ORDER BY i.relname"
        ),
        {"t": quote_ident(table)},
    ).all()
    target = quote_ident(table)
    for name, _definition in constraints:
        con.exec_driver_sql(f"ALTER TABLE {target} DROP CONSTRAINT {quote_ident(name)}")
    for name, _definition in indexes:
        con.exec_driver_sql(f"DROP INDEX {quote_ident(name)}")
    # unique constraints (listed first) before foreign keys: a foreign key may lean on one
    recreate = [f"ALTER TABLE {target} ADD CONSTRAINT {quote_ident(n)} {d}" for n, d in constraints]
    return SetAside(table, [*recreate, *(definition for _name, definition in indexes)])


def restore(con: Connection, aside: SetAside) -> None:
    """Make again what :func:`set_aside` dropped (a unique constraint fails here on a duplicate key)."""
    if con.dialect.name == "postgresql":  # sort in memory, not in temporary files: for this transaction only
        con.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
    for statement in aside.recreate:
        con.exec_driver_sql(statement)


def with_import_id(
    batches: Iterable[pa.RecordBatch], import_id: int, first_id: int | None = None, rows: int = 0
) -> Iterator[pa.RecordBatch]:
    """Each batch with an ``import_id`` column holding ``import_id`` and, given ``first_id``, an ``id`` column
    numbering the rows from it (``rows`` ids were reserved: more rows than that is an error)."""
    done = 0
    for batch in batches:
        batch = batch.append_column("import_id", pa.array(np.full(batch.num_rows, import_id, dtype=np.int64)))
        if first_id is not None:
            if done + batch.num_rows > rows:
                raise ValueError(f"more rows than the {rows} ids reserved")
            batch = batch.append_column("id", pa.array(np.arange(first_id + done, first_id + done + batch.num_rows)))
        done += batch.num_rows
        yield batch


def reserve_ids(con: Connection, table: str, rows: int) -> int | None:
    """Take ``rows`` ids of ``table``'s ``id`` sequence at once (PostgreSQL); the first of them, or ``None``
    when the table has no such sequence. A sequence default evaluated row by row costs a ``COPY`` about a
    third of its time; the caller must hold the table locked, so no other row takes an id meanwhile."""
    sequence = con.execute(
        text(
            "SELECT pg_get_serial_sequence(:t, a.attname) FROM pg_attribute a "
            "WHERE a.attrelid = to_regclass(:t) AND a.attname = 'id' AND NOT a.attisdropped"
        ),
        {"t": quote_ident(table)},
    ).scalar()
    if sequence is None or rows <= 0:
        return None
    last = con.execute(
        text("SELECT setval(CAST(:s AS regclass), nextval(CAST(:s AS regclass)) + :n - 1)"), {"s": sequence, "n": rows}
    ).scalar_one()
    return int(last) - rows + 1


def truncate_for_freeze(con: Connection, table: str) -> bool:
    """Truncate the empty ``table`` (PostgreSQL, locked by :func:`claim_empty`) when no foreign key points at
    it, so that ``COPY … FREEZE`` may write its rows as already visible to everyone: the first reader after
    the import then does not rewrite every page to mark its rows committed. Whether it did."""
    referenced = con.execute(
        text("SELECT 1 FROM pg_constraint WHERE contype = 'f' AND confrelid = to_regclass(:t) LIMIT 1"),
        {"t": quote_ident(table)},
    ).first()
    if referenced is not None:
        return False
    con.exec_driver_sql(f"TRUNCATE {quote_ident(table)}")
    return True


def copy_batches(con: Connection, into: str, batches: Iterable[pa.RecordBatch], freeze: bool = False) -> int:
    """``COPY`` the batches into ``into`` (a quoted table and its column list) on PostgreSQL, each batch
    written as CSV by Arrow while a worker thread sends the one before; the rows copied. ``freeze``: the
    table was truncated in this transaction (:func:`truncate_for_freeze`)."""
    driver = con.connection.driver_connection
    assert driver is not None  # a checked-out connection always has its driver's connection
    cursor = driver.cursor()
    options = pacsv.WriteOptions(include_header=False)
    rows = 0
    statement = f"COPY {into} FROM STDIN (FORMAT csv{', FREEZE' if freeze else ''})"
    with cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
        for batch in batches:
            buffer = io.BytesIO()
            pacsv.write_csv(batch, buffer, options)
            copy.write(buffer.getvalue())
            rows += batch.num_rows
    return rows
