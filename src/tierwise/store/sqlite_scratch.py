"""An SQLite import's rows written outside Python: DuckDB fills a scratch SQLite file, the store reads it.

Python's ``sqlite3.executemany`` binds every value of every row one by one (about 3.4 µs per row of seven
values), which capped an SQLite import far below what SQLite itself loads. Instead, before the import's
transaction begins, DuckDB's ``sqlite`` extension writes each table's rows (as the store holds them: row
keys, sealed values) in C into a scratch database in the import's temporary folder. The store's connection
then ``ATTACH``es that file (SQLite refuses ``ATTACH`` inside a transaction) and its one import transaction
inserts or upserts set-based from it (``store/loading.py``): the store is still written in one transaction,
all or nothing, and the scratch file is only read there and deleted with the folder.

The values arrive as the store has always kept them: dates as ISO text (``YYYY-MM-DD``), booleans as 0/1,
money as REAL (the target's NUMERIC affinity makes a whole amount an INTEGER), empty cells as NULL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection

from tierwise.io.connection import duckdb_connection
from tierwise.io.parsing import quote_ident, quote_literal

SCRATCH = "tierwise_scratch"  # the schema name the scratch file is attached under, on both sides
# the DuckDB that writes the scratch file only moves batches along: little memory, one writer
WRITER_MEMORY = "128MB"


def scratch_table(table: str) -> str:
    """The quoted name, as the store's connection sees it, of ``table``'s rows in the scratch file."""
    return f"{SCRATCH}.{quote_ident('stage_' + table)}"


def as_stored(batch: pa.RecordBatch, columns: list[str]) -> pa.RecordBatch:
    """``batch`` with the column names ``columns`` and the values SQLite keeps: dates and times as ISO text,
    booleans as 0/1, columns without a type as text."""
    arrays = []
    for column in batch.columns:
        if pa.types.is_date(column.type) or pa.types.is_timestamp(column.type):
            column = pc.cast(column, pa.string())
        elif pa.types.is_boolean(column.type):
            column = pc.cast(column, pa.int8())
        elif pa.types.is_null(column.type):
            column = pa.nulls(len(column), pa.string())
        arrays.append(column)
    return pa.RecordBatch.from_arrays(arrays, columns)


def write_scratch(path: Path, table: str, columns: list[str], batches: Iterable[pa.RecordBatch]) -> int:
    """Write the batches (columns as ``columns``) into the scratch SQLite file ``path`` as ``table``'s
    rows, with a DuckDB of its own (the batches come from the import's); the rows written. The file is
    created when missing and closed on return."""
    stream = iter(batches)
    first = next(stream, None)
    if first is None:
        return 0
    head = as_stored(first, columns)
    rows = 0

    def converted() -> Iterator[pa.RecordBatch]:
        nonlocal rows
        rows += head.num_rows
        yield head
        for batch in stream:
            rows += batch.num_rows
            yield as_stored(batch, columns)

    reader = pa.RecordBatchReader.from_batches(head.schema, converted())
    con = duckdb_connection()
    try:
        con.execute(f"SET memory_limit = {quote_literal(WRITER_MEMORY)}")
        con.execute("SET threads = 1")
        con.load_extension("sqlite")
        con.execute(f"ATTACH {quote_literal(str(path))} AS {SCRATCH} (TYPE sqlite)")
        con.register("tierwise_rows", reader)
        con.execute(f"CREATE TABLE {scratch_table(table)} AS SELECT * FROM tierwise_rows")
    finally:
        con.close()
    return rows


def write_scratch_sql(con: duckdb.DuckDBPyConnection, path: Path, table: str, columns: list[str], query: str) -> None:
    """Write the rows of ``query`` (on the import's own DuckDB connection ``con``; its columns in the order
    of ``columns``) into the scratch SQLite file ``path`` as ``table``'s rows, in one statement: no batch
    passes through Python, and DuckDB's memory limit bounds the whole copy. The file is closed on return."""
    relation = con.sql(query)
    listed = []
    for name, kind, column in zip(relation.columns, relation.types, columns):
        value = quote_ident(name)
        if str(kind) in ("DATE", "TIMESTAMP"):
            value = f"CAST({value} AS VARCHAR)"
        elif str(kind) == "BOOLEAN":
            value = f"CAST({value} AS TINYINT)"
        elif str(kind) == '"NULL"':
            value = f"CAST({value} AS VARCHAR)"
        listed.append(f"{value} AS {quote_ident(column)}")
    con.load_extension("sqlite")
    con.execute(f"ATTACH {quote_literal(str(path))} AS {SCRATCH} (TYPE sqlite)")
    try:
        con.execute(f"CREATE TABLE {scratch_table(table)} AS SELECT {', '.join(listed)} FROM ({query})")
    finally:
        con.execute(f"DETACH {SCRATCH}")


@contextmanager
def attached(con: Connection, path: Path | None) -> Iterator[None]:
    """The scratch file ``path`` attached to the store's connection ``con`` (SQLite) while the block runs;
    call it before the connection's transaction begins. ``None``: nothing to attach."""
    if path is None or not path.exists():
        yield
        return
    driver = con.connection.driver_connection
    assert driver is not None  # a checked-out connection always has its driver's connection
    driver.execute(f"ATTACH DATABASE ? AS {SCRATCH}", (str(path),))
    try:
        yield
    finally:
        driver.execute(f"DETACH DATABASE {SCRATCH}")
