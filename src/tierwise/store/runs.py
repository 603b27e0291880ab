"""Saved runs in the store: the policy row, the run row and its assignments written in bulk, and reads.

Assignments go in as one stream: PostgreSQL ``COPY … FROM STDIN`` of the Arrow table written as CSV,
SQLite ``executemany`` of its columns; never one ORM object per row. Everything runs on the caller's
connection, inside its transaction. Bulk reads go through DuckDB's scanners (:func:`read_assignments`).
There is no update path: runs and assignments are only ever inserted (the database refuses the rest).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Sequence

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sqlalchemy import Connection, select

from tierwise.config import Settings
from tierwise.io.connection import duckdb_connection
from tierwise.io.parsing import quote_ident
from tierwise.store.run_models import Policy, Run
from tierwise.store.source import ATTACHED, attach_store

#: the columns of ``assignments`` a run writes, in order
ASSIGNMENT_COLUMNS = (
    "run_id",
    "customer_id",
    "class",
    "computed_class",
    "label",
    "score",
    "rank",
    "reasons",
    "sales",
    "profit",
)


def text_hash(text: str) -> str:
    """SHA-256 (hex) of a policy's text, as saved beside it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def policy_row(con: Connection, name: str, version: str, text: str, actor: str, now: dt.datetime) -> int:
    """The id of the saved policy (name, version, text hash), saving it first when it is new."""
    digest = text_hash(text)
    found = con.execute(
        select(Policy.id).where(Policy.name == name, Policy.version == version, Policy.hash == digest)
    ).scalar()
    if found is not None:
        return found
    return con.execute(
        Policy.__table__.insert()
        .values(name=name, version=version, text=text, hash=digest, created_at=now, created_by=actor)
        .returning(Policy.__table__.c.id)
    ).scalar_one()


def insert_run(con: Connection, **values: object) -> int:
    """Insert one run row (the columns of :class:`~tierwise.store.run_models.Run`); its id."""
    return con.execute(Run.__table__.insert().values(**values).returning(Run.__table__.c.id)).scalar_one()


def assignment_rows(run_id: int, assignments: pa.Table, values: pa.Table | None = None) -> pa.Table:
    """The assignment table as the store's columns: the run id first, reasons as JSON text, then the
    12-month sales and profit of ``values`` (same rows, same order; null without)."""
    n = assignments.num_rows
    nothing = pa.nulls(n, pa.float64())
    computed = (
        assignments.column("computed_class")
        if "computed_class" in assignments.column_names
        else assignments.column("class")
    )
    con = duckdb.connect()
    try:
        con.register("reasons_in", assignments.select(["reasons"]))
        reasons = con.sql("SELECT to_json(reasons)::VARCHAR AS reasons FROM reasons_in").to_arrow_table()
    finally:
        con.close()
    return pa.table(
        {
            "run_id": pa.array(np.full(n, run_id, dtype=np.int64)),
            "customer_id": pc.cast(assignments.column("customer_id"), pa.string()),
            "class": assignments.column("class"),
            "computed_class": computed,
            "label": assignments.column("label"),
            "score": pc.cast(assignments.column("score"), pa.float64()),
            "rank": pc.cast(assignments.column("rank"), pa.int64()),
            "reasons": reasons.column("reasons"),
            "sales": pc.cast(values.column("sales"), pa.float64()) if values is not None else nothing,
            "profit": pc.cast(values.column("profit"), pa.float64()) if values is not None else nothing,
        }
    )


def write_assignments(
    con: Connection, run_id: int, assignments: pa.Table, values: pa.Table | None = None, batch_rows: int = 100_000
) -> int:
    """Insert every assignment of a run in bulk (COPY on PostgreSQL, executemany on SQLite); rows written."""
    rows = assignment_rows(run_id, assignments, values)
    cols = ", ".join(quote_ident(c) for c in ASSIGNMENT_COLUMNS)
    driver = con.connection.driver_connection
    if con.dialect.name == "postgresql":
        options = pacsv.WriteOptions(include_header=False)
        with driver.cursor() as cursor, cursor.copy(f"COPY assignments ({cols}) FROM STDIN (FORMAT csv)") as copy:
            for batch in rows.to_batches(batch_rows):
                buffer = io.BytesIO()
                pacsv.write_csv(batch, buffer, options)
                copy.write(buffer.getbuffer())
    else:
        statement = f"INSERT INTO assignments ({cols}) VALUES ({', '.join('?' * len(ASSIGNMENT_COLUMNS))})"
        cursor = driver.cursor()
        for batch in rows.to_batches(batch_rows):
            cursor.executemany(statement, zip(*(column.to_pylist() for column in batch.columns), strict=True))
    return rows.num_rows


def with_store_teams(url: str, owners: pa.Table, settings: Settings | None = None) -> pa.Table:
    """``owners`` (``customer_id, owner``) with each customer's team as the store records it (teams are
    the store's: a data set has none), read by DuckDB's scanner; a customer the store lacks has none."""
    con = duckdb_connection(settings)
    try:
        attach_store(con, url)
        con.register("__owners", owners)
        return con.execute(
            "SELECT o.customer_id, o.owner, CAST(c.team AS VARCHAR) AS team FROM __owners o "
            f"LEFT JOIN {quote_ident(ATTACHED)}.customers c ON c.customer_id = o.customer_id"
        ).to_arrow_table()
    finally:
        con.close()


def read_assignments(
    url: str,
    run_ids: Sequence[int],
    settings: Settings | None = None,
    *,
    owners: Sequence[str] | None = None,
    teams: Sequence[str] = (),
) -> dict[int, pa.Table]:
    """The assignments of the given runs, read by DuckDB's scanner: ``customer_id, class, computed_class,
    label, score, rank, reasons`` (reasons a list of strings) per run id.

    ``owners`` (with ``teams``): only the customers whose owner or team is listed (the visibility rule of
    the person reading, as bound parameters); ``None``: every customer.
    """
    if not run_ids:
        return {}
    con = duckdb_connection(settings)
    try:
        attach_store(con, url)
        store = quote_ident(ATTACHED)
        wanted = ", ".join(str(int(r)) for r in run_ids)  # ints: nothing a user typed reaches the SQL
        where, params = f"run_id IN ({wanted})", []
        if owners is not None:
            marks = [f"owner IN ({', '.join('?' * len(owners))})" if owners else "FALSE"]
            if teams:
                marks.append(f"team IN ({', '.join('?' * len(teams))})")
            where += f" AND customer_id IN (SELECT customer_id FROM {store}.customers WHERE {' OR '.join(marks)})"
            params = [*owners, *teams]
        table = con.execute(
            "SELECT run_id, customer_id, class, coalesce(computed_class, class) AS computed_class, label, score, "
            "rank, from_json(CAST(reasons AS VARCHAR), '[\"VARCHAR\"]') AS reasons "
            f"FROM {store}.assignments WHERE {where} ORDER BY run_id, rank, customer_id",
            params,
        ).to_arrow_table()
    finally:
        con.close()
    out = {}
    for run_id in run_ids:
        part = table.filter(pc.equal(table.column("run_id"), run_id)).drop_columns(["run_id"])
        out[run_id] = part.set_column(
            part.schema.get_field_index("rank"), "rank", pc.cast(part.column("rank"), pa.int64())
        )
    return out
