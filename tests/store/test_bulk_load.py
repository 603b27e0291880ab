"""An import into empty tables loads them straight: indexes and constraints made again, all or nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from tierwise.config import Settings
from tierwise.services.context import ServiceContext
from tierwise.services.imports import READING_MEMORY_LIMIT, import_data, reading_settings
from tierwise.store.db import create_store_engine
from tierwise.store.schema import ensure_schema

CUSTOMERS = "customer_id,name\nC1,华东机电\nC2,某省交通厅\n"
TRANSACTIONS = "customer_id,date,amount,transaction_id\nC1,2025-01-10,5200.25,T1\nC2,2025-03-01,20000,T2\n"
TABLES = ("customers", "transactions")


def shape(url: str) -> dict[str, object]:
    """Per table: its indexes, unique constraints and foreign keys, as the database reports them."""
    engine = create_store_engine(url)
    found = inspect(engine)
    out: dict[str, object] = {}
    for table in TABLES:
        out[table] = (
            sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in found.get_indexes(table)),
            sorted((u["name"], tuple(u["column_names"])) for u in found.get_unique_constraints(table)),
            sorted((f["name"], tuple(f["constrained_columns"])) for f in found.get_foreign_keys(table)),
        )
    engine.dispose()
    return out


def count(url: str, table: str) -> int:
    engine = create_store_engine(url)
    with engine.connect() as con:
        n = con.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    engine.dispose()
    return n


def folder(tmp_path: Path, transactions: str) -> Path:
    data = tmp_path / "data"
    data.mkdir(parents=True)
    (data / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (data / "transactions.csv").write_text(transactions, encoding="utf-8")
    return data


def test_a_first_import_keeps_every_index_and_constraint(store_url: str, tmp_path: Path) -> None:
    ensure_schema(create_store_engine(store_url))
    before = shape(store_url)
    ctx = ServiceContext.system(Settings(database_url=store_url))
    report = import_data(ctx, folder(tmp_path, TRANSACTIONS))
    assert {c.table: (c.rows, c.created) for c in report.tables} == {"customers": (2, 2), "transactions": (2, 2)}
    assert shape(store_url) == before
    again = import_data(ctx, folder(tmp_path / "again", TRANSACTIONS), mode="upsert")
    assert {c.table: (c.created, c.unchanged) for c in again.tables} == {"customers": (0, 2), "transactions": (0, 2)}


def test_a_failing_load_into_an_empty_table_leaves_nothing(store_url: str, tmp_path: Path) -> None:
    ensure_schema(create_store_engine(store_url))
    before = shape(store_url)
    # order T2 of two lines is keyed id:T2:1 and id:T2:2; a one-line order named "T2:1" is id:T2:1 again
    one_key_twice = TRANSACTIONS + "C2,2025-03-01,10,T2\nC1,2025-03-02,30,T2:1\n"
    with pytest.raises((IntegrityError, sqlite3.IntegrityError)):
        import_data(ServiceContext.system(Settings(database_url=store_url)), folder(tmp_path, one_key_twice))
    assert (count(store_url, "customers"), count(store_url, "transactions"), count(store_url, "imports")) == (0, 0, 0)
    assert shape(store_url) == before


def test_an_import_reads_with_bounded_memory_unless_told_otherwise(tmp_path: Path) -> None:
    chosen = reading_settings(Settings(), tmp_path)
    assert (chosen.duckdb_memory_limit, chosen.duckdb_temp_directory) == (READING_MEMORY_LIMIT, tmp_path)
    own = Settings(duckdb_memory_limit="2GB", duckdb_temp_directory=tmp_path / "mine")
    assert reading_settings(own, tmp_path) == own
