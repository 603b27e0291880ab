"""The values an import stores, exactly as the store has always kept them, whichever way the rows travel."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import text

from tierwise.config import Settings
from tierwise.services.context import ServiceContext
from tierwise.services.imports import import_data
from tierwise.store.db import create_store_engine, session_factory
from tierwise.store.sqlite_scratch import SCRATCH

# a whole amount, a fraction, a negative one; a slash date; empty cells; rows with and without their own id
FIRST = (
    "customer_id,date,amount,transaction_id,cost,profit,category,channel,quantity\n"
    "C1,2024-01-05,12,T1,3.5,,轴承,,2\n"
    "C2,2024/2/7,12.5,,,,电机,online,\n"
    "C2,2024-03-01,-7.25,T3,0,1e3,,,0.5\n"
)
# T1 changed, one new row
SECOND = FIRST.replace("C1,2024-01-05,12,T1", "C1,2024-01-05,13.5,T1") + "C3,2024-04-01,5,T9,,,,,3\n"
COLUMNS = "customer_id, date, amount, transaction_id, cost, profit, category, channel, quantity"


def stored(url: str) -> list[tuple[object, ...]]:
    """Every transaction as (row_key, then each column's value and SQLite storage class), by row_key."""
    cells = ", ".join(f"{c}, typeof({c})" for c in COLUMNS.split(", "))
    engine = create_store_engine(url)
    with engine.connect() as con:
        found = [tuple(r) for r in con.execute(text(f"SELECT substr(row_key, 1, 5), {cells} FROM transactions"))]
    engine.dispose()
    return sorted(found, key=lambda r: (str(r[0]), str(r[1])))


def data(tmp_path: Path, name: str, content: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "transactions.csv").write_text(content, encoding="utf-8")
    return folder


def test_sqlite_keeps_dates_as_text_money_as_numbers_and_empty_cells_as_null(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    ctx = ServiceContext.system(Settings(database_url=url))
    import_data(ctx, data(tmp_path, "first", FIRST))
    t1 = ("C1", "text", "2024-01-05", "text", 12, "integer", "T1", "text", 3.5, "real", None, "null")
    t1 += ("轴承", "text", None, "null", 2, "integer")
    fp = ("C2", "text", "2024-02-07", "text", 12.5, "real", None, "null", None, "null", None, "null")
    fp += ("电机", "text", "online", "text", None, "null")
    t3 = ("C2", "text", "2024-03-01", "text", -7.25, "real", "T3", "text", 0, "integer", 1000, "integer")
    t3 += (None, "null", None, "null", 0.5, "real")
    assert stored(url) == [("fp:5e", *fp), ("id:T1", *t1), ("id:T3", *t3)]

    # staged against the stored rows: one changed, one new, the others as they were
    report = import_data(ctx, data(tmp_path, "second", SECOND), mode="upsert")
    assert [(c.created, c.updated, c.unchanged) for c in report.tables] == [(1, 1, 2)]
    t1 = (*t1[:4], 13.5, "real", *t1[6:])
    t9 = ("C3", "text", "2024-04-01", "text", 5, "integer", "T9", "text", None, "null", None, "null")
    t9 += (None, "null", None, "null", 3, "integer")
    assert stored(url) == [("fp:5e", *fp), ("id:T1", *t1), ("id:T3", *t3), ("id:T9", *t9)]


def test_an_sqlite_import_leaves_no_scratch_file_attached_to_the_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_store_engine(url)
    ctx = ServiceContext.system(Settings(database_url=url))
    ctx = replace(ctx, sessions=session_factory(engine))
    import_data(ctx, data(tmp_path, "first", FIRST))
    import_data(ctx, data(tmp_path, "second", SECOND), mode="upsert")
    with engine.connect() as con:  # the pooled connection both imports wrote through
        attached = {row[1] for row in con.exec_driver_sql("PRAGMA database_list")}
        assert con.execute(text("SELECT count(*) FROM transactions")).scalar_one() == 4
    engine.dispose()
    assert SCRATCH not in attached
    assert attached - {"temp"} == {"main"}


def test_a_row_added_after_a_first_import_takes_the_next_id(store_url: str, tmp_path: Path) -> None:
    import_data(ServiceContext.system(Settings(database_url=store_url)), data(tmp_path, "first", FIRST))
    engine = create_store_engine(store_url)
    with engine.begin() as con:
        ids = sorted(con.execute(text("SELECT id FROM transactions")).scalars())
        added = con.execute(
            text("INSERT INTO transactions (customer_id, date, amount) VALUES ('C9', '2024-05-01', 1) RETURNING id")
        ).scalar_one()
    engine.dispose()
    assert len(set(ids)) == 3
    assert added == ids[-1] + 1
