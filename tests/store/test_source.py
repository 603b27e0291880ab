"""The store as a data source: the indicator table of a folder equals that of the store it was imported into."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from tierwise.analytics.engine import Engine
from tierwise.analytics.indicators import compute_indicators
from tierwise.config import Settings
from tierwise.io.dataset import Dataset
from tierwise.io.demo import write_demo
from tierwise.io.readers import read_dataset
from tierwise.services.context import ServiceContext
from tierwise.services.import_history import revert_import
from tierwise.services.imports import import_data
from tierwise.store.db import create_store_engine
from tierwise.store.source import StoreSource, libpq_dsn

AS_OF = dt.date(2025, 12, 31)


def indicators(dataset: Dataset) -> pa.Table:
    eng = Engine.for_dataset(dataset, "duckdb")
    table = compute_indicators(eng.tables(dataset), AS_OF)
    return eng.to_pyarrow(table.order_by("customer_id"))


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    write_demo(folder, customers=300, seed=11, lang="zh")  # Chinese headers and values, GBK-free UTF-8 CSV
    return folder


def test_the_same_indicator_table_comes_out_of_the_folder_and_the_store(store_url: str, demo_folder: Path) -> None:
    settings = Settings(database_url=store_url)
    import_data(ServiceContext.system(settings), demo_folder)
    source = StoreSource(store_url)
    from_store = source.open(settings)
    from_folder = read_dataset(demo_folder)
    assert from_store.tables == from_folder.tables
    personal = {"id_number", "phone", "email"}
    assert from_store.present_columns == {
        t: [c for c in from_folder.present_columns[t] if t != "customers" or c not in personal]
        for t in from_folder.tables
    }
    expected, got = indicators(from_folder), indicators(from_store)
    assert got.num_rows == 300
    assert got.schema == expected.schema
    assert got.equals(expected)


def test_the_analytics_get_no_personal_data_from_the_store(store_url: str, demo_folder: Path) -> None:
    settings = Settings(database_url=store_url)
    import_data(ServiceContext.system(settings), demo_folder)
    stored = StoreSource(store_url).open(settings)
    counts = stored.con.sql("SELECT count(*), count(id_number), count(phone), count(email) FROM customers").fetchone()
    assert counts == (300, 0, 0, 0)  # the columns exist (the contract's shape) but hold nothing
    assert read_dataset(demo_folder).con.sql("SELECT count(phone) FROM customers").fetchone()[0] > 250


def test_fingerprint_follows_the_imports(store_url: str, demo_folder: Path) -> None:
    settings = Settings(database_url=store_url)
    source = StoreSource(store_url)
    empty = source.fingerprint()
    report = import_data(ServiceContext.system(settings), demo_folder)
    after_import = source.fingerprint()
    assert after_import != empty
    assert source.fingerprint() == after_import  # the same data, the same fingerprint
    assert source.last_import_id() == report.import_id
    revert_import(ServiceContext.system(settings), report.import_id)
    assert source.fingerprint() not in (after_import, empty)
    assert source.open(settings).tables == []
    assert source.last_import_id() is None


def test_label_hides_the_password() -> None:
    assert StoreSource("postgresql://tw:s3cret@db/tierwise").label == "postgresql://tw:***@db/tierwise"


def test_libpq_dsn_quotes_values() -> None:
    from sqlalchemy.engine import make_url

    dsn = libpq_dsn(make_url("postgresql://o'brien:p%20w@db:5433/tw"))
    assert dsn == "host='db' port='5433' user='o\\'brien' password='p w' dbname='tw'"


def test_opening_the_store_does_not_hold_it(store_url: str, demo_folder: Path) -> None:
    """The tables are copied and the store detached: a write after open is not blocked."""
    settings = Settings(database_url=store_url)
    import_data(ServiceContext.system(settings), demo_folder)
    dataset = StoreSource(store_url).open(settings)
    engine = create_store_engine(store_url, lock_timeout=2)
    with engine.begin() as con:
        con.exec_driver_sql("DELETE FROM surveys")
    engine.dispose()
    assert dataset.row_count("surveys") > 0
