"""An import into empty tables loads them straight: indexes and constraints made again, all or nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from tierwise.config import Settings
from tierwise.errors import ImportConstraintError
from tierwise.services.context import ServiceContext
from tierwise.services.imports import READING_MEMORY_LIMIT, import_data, reading_settings
from tierwise.store.db import create_store_engine
from tierwise.store.schema import ensure_schema

CUSTOMERS = "customer_id,name\nC1,华东机电\nC2,某省交通厅\n"
TRANSACTIONS = "customer_id,date,amount,transaction_id\nC1,2025-01-10,5200.25,T1\nC2,2025-03-01,20000,T2\n"
TABLES = ("customers", "transactions")
# order T2 of two lines, and a one-line order whose id is literally "T2:1"
LINE_NAMED_ORDER = TRANSACTIONS + "C2,2025-03-01,10,T2\nC1,2025-03-02,30,T2:1\n"
TIERWISE = Path(sys.executable).with_name("tierwise")  # the script the package installs


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


# a trigger the test makes: each row of order T2 loaded gets a twin with the same row key, so the table's
# unique row key refuses the load (SQLite: at the twin's insert; PostgreSQL: when the constraint set aside for
# the load is made again); not our code, the database itself refusing the rows
TWIN = {
    "sqlite": (
        "CREATE TRIGGER twin_of_t2 AFTER INSERT ON transactions WHEN new.transaction_id = 'T2' BEGIN "
        "INSERT INTO transactions (row_key, customer_id, date, amount) "
        "VALUES (new.row_key, new.customer_id, new.date, new.amount); END",
    ),
    "postgresql": (
        "CREATE FUNCTION twin_of_t2() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "INSERT INTO transactions (row_key, customer_id, date, amount) "
        "VALUES (NEW.row_key, NEW.customer_id, NEW.date, NEW.amount); RETURN NULL; END $$",
        "CREATE TRIGGER twin_of_t2 AFTER INSERT ON transactions FOR EACH ROW WHEN (NEW.transaction_id = 'T2') "
        "EXECUTE FUNCTION twin_of_t2()",
    ),
}
REFUSED = "nothing was imported: the store refused the rows of transactions: "
# what each database says of the duplicate: PostgreSQL names the key, SQLite the column only
TWICE = {"sqlite": "row_key: a value is there twice", "postgresql": "row_key id:T2 is there twice"}


def twin_rows_of_t2(url: str) -> str:
    """Make the ``twin_of_t2`` trigger in the store at ``url``; the database's dialect name."""
    engine = create_store_engine(url)
    with engine.begin() as con:
        for statement in TWIN[con.dialect.name]:
            con.exec_driver_sql(statement)
    engine.dispose()
    return engine.dialect.name


def test_a_failing_load_into_an_empty_table_leaves_nothing(store_url: str, tmp_path: Path) -> None:
    ensure_schema(create_store_engine(store_url))
    before = shape(store_url)
    dialect = twin_rows_of_t2(store_url)
    with pytest.raises(ImportConstraintError) as refused:
        import_data(ServiceContext.system(Settings(database_url=store_url)), folder(tmp_path, TRANSACTIONS))
    assert str(refused.value) == REFUSED + TWICE[dialect]
    assert refused.value.render("zh") == (
        "未导入任何数据：存储拒绝了 transactions 的行："
        + {"sqlite": "row_key：有重复的值", "postgresql": "row_key id:T2 重复出现"}[dialect]
    )
    assert (count(store_url, "customers"), count(store_url, "transactions"), count(store_url, "imports")) == (0, 0, 0)
    assert shape(store_url) == before


def test_the_command_line_says_which_table_refused_the_import_without_a_traceback(
    store_url: str, tmp_path: Path
) -> None:
    ensure_schema(create_store_engine(store_url))
    dialect = twin_rows_of_t2(store_url)
    env = {**os.environ, "TIERWISE_DATABASE_URL": store_url, "TIERWISE_LANG": "en"}
    done = subprocess.run(
        [str(TIERWISE), "import", str(folder(tmp_path, TRANSACTIONS))], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert " ".join(done.stderr.split()) == "error: " + REFUSED + TWICE[dialect]
    assert "Traceback" not in done.stderr + done.stdout
    assert count(store_url, "transactions") == 0


def test_an_order_of_two_lines_and_a_one_line_order_named_after_a_line_import_together(
    store_url: str, tmp_path: Path
) -> None:
    ensure_schema(create_store_engine(store_url))
    before = shape(store_url)
    ctx = ServiceContext.system(Settings(database_url=store_url))
    # order T2 of two lines is keyed ln:T2:1 and ln:T2:2; the one-line order named "T2:1" is id:T2:1
    report = import_data(ctx, folder(tmp_path, LINE_NAMED_ORDER))
    assert {c.table: (c.rows, c.created) for c in report.tables} == {"customers": (2, 2), "transactions": (4, 4)}
    assert row_keys(store_url) == [
        ("id:T1", "T1", "5200.25"),
        ("id:T2:1", "T2:1", "30.00"),
        ("ln:T2:1", "T2", "10.00"),
        ("ln:T2:2", "T2", "20000.00"),
    ]
    assert shape(store_url) == before
    again = import_data(ctx, folder(tmp_path / "again", LINE_NAMED_ORDER), mode="upsert")
    assert {c.table: (c.rows, c.created, c.updated, c.unchanged) for c in again.tables} == {
        "customers": (2, 0, 0, 2),
        "transactions": (4, 0, 0, 4),
    }
    assert row_keys(store_url) == [
        ("id:T1", "T1", "5200.25"),
        ("id:T2:1", "T2:1", "30.00"),
        ("ln:T2:1", "T2", "10.00"),
        ("ln:T2:2", "T2", "20000.00"),
    ]


def row_keys(url: str) -> list[tuple[str, str, str]]:
    """Each stored transaction's row key, transaction id and amount (two decimals), by key."""
    engine = create_store_engine(url)
    with engine.connect() as con:
        rows = con.execute(text("SELECT row_key, transaction_id, amount FROM transactions ORDER BY row_key")).all()
    engine.dispose()
    return [(key, tid, f"{Decimal(str(amount)):.2f}") for key, tid, amount in rows]


def test_an_import_reads_with_bounded_memory_unless_told_otherwise(tmp_path: Path) -> None:
    chosen = reading_settings(Settings(), tmp_path)
    assert (chosen.duckdb_memory_limit, chosen.duckdb_temp_directory) == (READING_MEMORY_LIMIT, tmp_path)
    own = Settings(duckdb_memory_limit="2GB", duckdb_temp_directory=tmp_path / "mine")
    assert reading_settings(own, tmp_path) == own
