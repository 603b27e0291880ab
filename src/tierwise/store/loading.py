"""Bulk writes into the store's imported tables: stage Arrow batches, count what would change, apply in one
set-based statement.

Staging is a temporary table of the target's columns filled by PostgreSQL ``COPY … FROM STDIN`` (Arrow
batches written as CSV) or, on SQLite, a table of the scratch file DuckDB wrote before the transaction
began (:mod:`tierwise.store.sqlite_scratch`). Counting and writing
are single SQL statements joining the staging table to the target on the table's key; no ORM object
and no Python loop per row; a write that changes nothing is not issued. A table that holds no rows yet is
loaded straight, without staging (:mod:`tierwise.store.bulk_load`). Everything runs on the caller's
connection, inside its transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pyarrow as pa
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from tierwise.io.columns import TABLES
from tierwise.io.parsing import quote_ident
from tierwise.store.bulk_load import (
    claim_empty,
    copy_batches,
    reserve_ids,
    restore,
    set_aside,
    truncate_for_freeze,
    with_import_id,
)
from tierwise.store.sealed import hash_columns, sealed_fields
from tierwise.store.sqlite_scratch import scratch_table

Mode = Literal["insert", "upsert"]
log = logging.getLogger(__name__)

# tables keyed by a required id of their own; the others are keyed by row_key (see models.py)
OWN_KEYS = {"customers": "customer_id", "receivables": "invoice_id", "opportunities": "opportunity_id"}
# the optional id a row_key is made from when the file gives it
ROW_KEY_IDS = {"transactions": "transaction_id", "visits": "visit_id", "complaints": "complaint_id", "surveys": None}
PG_LOCK_KEY = 0x7469_6572_7769_7365  # 'tierwise': the advisory lock every store writer of imports takes
# tables whose import also records history (stages, statuses) from the staged rows: always staged
HISTORY = {"opportunities": "stage", "complaints": "status"}
# PostgreSQL memory an import's transaction stages and joins with (each of temp_buffers and work_mem)
STAGING_MEMORY = "256MB"


def key_column(table: str) -> str:
    """The column an upsert matches rows on."""
    return OWN_KEYS.get(table, "row_key")


def store_columns(table: str) -> list[str]:
    """The columns an import writes into ``table``, in order (canonical columns, the search hashes of its
    sealed personal data, then ``row_key``)."""
    columns = [c.name for c in TABLES[table].columns] + hash_columns(table)
    return columns if table in OWN_KEYS else [*columns, "row_key"]


def compared_columns(table: str) -> list[str]:
    """The columns that tell whether a staged row differs from the stored one: a sealed value differs every
    time it is sealed (a fresh nonce), so its search hash stands for it."""
    sealed = sealed_fields(table)
    return [c for c in store_columns(table) if c not in sealed]


@dataclass(frozen=True)
class TableChanges:
    """What an import does (or would do) to one table."""

    table: str
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int


def _differs(dialect: str, left: str, right: str, columns: list[str]) -> str:
    op = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    return "(" + " OR ".join(f"{left}.{quote_ident(c)} {op} {right}.{quote_ident(c)}" for c in columns) + ")"


class Loader:
    """Stages, counts and writes the imported tables on one connection (one import's transaction)."""

    def __init__(self, con: Connection, import_id: int | None, actor: str, now: dt.datetime) -> None:
        self.con = con
        self.dialect = con.dialect.name
        self.import_id = import_id
        self.actor = actor
        self.now = now
        self.suffix = uuid.uuid4().hex[:12]
        self.staged: dict[str, str] = {}
        self.empty: set[str] = set()

    def stage(self, table: str, batches: Iterable[pa.RecordBatch]) -> int:
        """Load the batches (columns as :func:`store_columns`) into a new temporary staging table
        (PostgreSQL; on SQLite the rows are staged in the scratch file: :meth:`stage_scratch`)."""
        if self.dialect != "postgresql":
            raise ValueError("SQLite stages an import's rows in its scratch file")
        name = quote_ident(f"tierwise_stage_{table}_{self.suffix}")
        cols = ", ".join(quote_ident(c) for c in store_columns(table))
        _set_memory(self.con)
        self.con.exec_driver_sql(
            f"CREATE TEMP TABLE {name} ON COMMIT DROP AS SELECT {cols} FROM {quote_ident(table)} WITH NO DATA"
        )
        rows = copy_batches(self.con, f"{name} ({cols})", batches)
        self.staged[table] = name
        return rows

    def stage_scratch(self, table: str) -> None:
        """Use ``table``'s rows in the attached scratch file (:mod:`tierwise.store.sqlite_scratch`) as its
        staged rows (SQLite)."""
        self.staged[table] = scratch_table(table)

    def claim_empty(self, table: str) -> bool:
        """Whether ``table`` can be loaded straight (:meth:`load_empty`): it holds no rows and records no
        history; the rows to import are then all new."""
        if table in HISTORY or not claim_empty(self.con, table, lock=self.import_id is not None):
            return False
        self.empty.add(table)
        return True

    def load_empty(self, table: str, batches: Iterable[pa.RecordBatch], rows: int = 0) -> int:
        """Load the batches straight into ``table`` (claimed by :meth:`claim_empty`); the rows loaded.

        The table's secondary indexes and constraints are dropped first and made again at the end, in this
        transaction (:mod:`tierwise.store.bulk_load`). On PostgreSQL ``rows`` (the rows the batches hold)
        ids are taken at once, and the rows are copied frozen where the table may be truncated.
        """
        if table not in self.empty or self.import_id is None:
            raise ValueError(f"{table} was not claimed empty by an import")
        started = time.perf_counter()
        aside = set_aside(self.con, table)
        columns = store_columns(table)
        if self.dialect == "postgresql":
            first_id = reserve_ids(self.con, table, rows)
            listed = [*columns, "import_id", *(["id"] if first_id is not None else [])]
            into = f"{quote_ident(table)} ({', '.join(quote_ident(c) for c in listed)})"
            freeze = truncate_for_freeze(self.con, table)
            rows = copy_batches(self.con, into, with_import_id(batches, self.import_id, first_id, rows), freeze)
        else:  # the rows DuckDB wrote into the scratch file, before this transaction
            cols = ", ".join(quote_ident(c) for c in columns)
            rows = self.con.execute(
                text(
                    f"INSERT INTO {quote_ident(table)} ({cols}, import_id) "
                    f"SELECT {cols}, :import_id FROM {scratch_table(table)}"
                ),
                {"import_id": self.import_id},
            ).rowcount
        loaded = time.perf_counter()
        restore(self.con, aside)
        log.info(
            "%s: %d rows loaded in %.1f s, indexes made in %.1f s",
            table,
            rows,
            loaded - started,
            time.perf_counter() - loaded,
        )
        return rows

    def changes(self, table: str, mode: Mode) -> TableChanges:
        """Rows staged for ``table``: how many are new, changed, unchanged, and (insert mode) rejected."""
        key = quote_ident(key_column(table))
        differs = _differs(self.dialect, "s", "t", compared_columns(table))
        rows, created, changed = self.con.exec_driver_sql(
            f"SELECT count(*), coalesce(sum(CASE WHEN t.{key} IS NULL THEN 1 ELSE 0 END), 0), "
            f"coalesce(sum(CASE WHEN t.{key} IS NOT NULL AND {differs} THEN 1 ELSE 0 END), 0) "
            f"FROM {self.staged[table]} s LEFT JOIN {quote_ident(table)} t ON t.{key} = s.{key}"
        ).one()
        updated, rejected = (changed, 0) if mode == "upsert" else (0, changed)
        return TableChanges(table, rows, created, updated, rows - created - changed, rejected)

    def conflicts(self, table: str, limit: int = 10) -> list[str]:
        """Keys of staged rows that differ from the stored row with the same key (first ``limit``)."""
        key = quote_ident(key_column(table))
        differs = _differs(self.dialect, "s", "t", compared_columns(table))
        result = self.con.exec_driver_sql(
            f"SELECT s.{key} FROM {self.staged[table]} s JOIN {quote_ident(table)} t ON t.{key} = s.{key} "
            f"WHERE {differs} ORDER BY s.{key} LIMIT {int(limit)}"
        )
        return [row[0] for row in result]

    def write(self, table: str, mode: Mode, changes: TableChanges | None = None) -> None:
        """Insert the new staged rows (and in upsert mode update the changed ones) in one statement.

        ``changes`` (from :meth:`changes`, under the same lock) lets an all-new table skip the conflict
        check: a plain INSERT is several times faster than INSERT … ON CONFLICT.
        """
        if changes is not None and changes.created == 0 and (mode == "insert" or changes.updated == 0):
            return  # every staged row is already stored as it is (or, in insert mode, refused)
        history = self._history_before(table, mode)
        columns = store_columns(table)
        cols = ", ".join(quote_ident(c) for c in columns)
        key = quote_ident(key_column(table))
        target = quote_ident(table)
        if changes is not None and changes.created == changes.rows:
            conflict = ""
        elif mode == "upsert":
            assignments = ", ".join(f"{quote_ident(c)} = excluded.{quote_ident(c)}" for c in columns if c != key)
            differs = _differs(self.dialect, target, "excluded", compared_columns(table))
            conflict = f"DO UPDATE SET {assignments}, updated_import_id = :import_id WHERE {differs}"
        else:
            conflict = "DO NOTHING"
        self.con.execute(
            text(
                f"INSERT INTO {target} ({cols}, import_id) SELECT {cols}, :import_id FROM {self.staged[table]} "
                f"WHERE true {f'ON CONFLICT ({key}) {conflict}' if conflict else ''}"
            ),
            {"import_id": self.import_id},
        )
        if history:
            self._history_after(table, history)

    def _history_before(self, table: str, mode: Mode) -> str | None:
        """Opportunities' stages and complaints' statuses that this write changes, kept in a temp table."""
        tracked = HISTORY.get(table)
        if tracked is None:
            return None
        key = quote_ident(key_column(table))
        name = quote_ident(f"tierwise_history_{table}_{self.suffix}")
        column = quote_ident(tracked)
        op = "IS DISTINCT FROM" if self.dialect == "postgresql" else "IS NOT"
        changed = "" if mode == "insert" else f"OR t.{column} {op} s.{column}"
        drop = "ON COMMIT DROP" if self.dialect == "postgresql" else ""
        self.con.exec_driver_sql(
            f"CREATE TEMP TABLE {name} {drop} AS SELECT s.{key} AS key, t.{tracked} AS from_value, "
            f"s.{tracked} AS to_value FROM {self.staged[table]} s LEFT JOIN {quote_ident(table)} t "
            f"ON t.{key} = s.{key} WHERE s.{tracked} IS NOT NULL AND (t.{key} IS NULL {changed})"
        )
        return name

    def _history_after(self, table: str, history: str) -> None:
        params = {"import_id": self.import_id, "actor": self.actor, "now": self.now}
        if table == "opportunities":
            self.con.execute(
                text(
                    "INSERT INTO opportunity_stages (opportunity_id, stage, changed_at, actor, import_id) "
                    f"SELECT key, to_value, :now, :actor, :import_id FROM {history}"
                ),
                params,
            )
        else:
            self.con.execute(
                text(
                    "INSERT INTO complaint_status_changes (complaint_id, from_status, to_status, changed_at, actor, "
                    f"import_id) SELECT c.id, h.from_value, h.to_value, :now, :actor, :import_id FROM {history} h "
                    "JOIN complaints c ON c.row_key = h.key"
                ),
                params,
            )

    def drop_staging(self) -> None:
        """Drop the staging tables (PostgreSQL drops them at commit by itself)."""
        if self.dialect != "postgresql":  # the scratch file is deleted with the import's folder
            for table in ("opportunities", "complaints"):
                if table in self.staged:
                    self.con.exec_driver_sql(
                        f"DROP TABLE IF EXISTS {quote_ident(f'tierwise_history_{table}_{self.suffix}')}"
                    )


def _set_memory(con: Connection) -> None:
    """Give this transaction (PostgreSQL) the memory to hold staged rows and to join them to the stored ones in
    memory: with 8 MB of temporary buffers and 4 MB of work memory, a million staged rows were written out and
    the join spilled into 64 batches on disk. ``temp_buffers`` can only change before the session's first
    temporary table (a pooled session may have had one): then it stays as it is."""
    con.exec_driver_sql(f"SET LOCAL work_mem = '{STAGING_MEMORY}'")
    try:
        with con.begin_nested():
            con.exec_driver_sql(f"SET LOCAL temp_buffers = '{STAGING_MEMORY}'")
    except DBAPIError:
        pass
