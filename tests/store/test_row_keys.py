"""Migration 0015: the lines of a multi-line order are keyed ``ln:<id>:<n>``, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from tierwise.store.db import create_store_engine
from tierwise.store.schema import downgrade, upgrade

# (row_key, transaction id) as migration 0014 left them: order T2 of two lines, a one-line order named "T2:1"
# (imported before the keys could collide), a one-line order T1, a row without an id (fingerprint)
TRANSACTIONS = [("id:T1", "T1"), ("id:T2:1", "T2"), ("id:T2:2", "T2"), ("id:T3:1:1", "T3:1"), ("fp:ab12:1", None)]
VISITS = [("id:V1:1", "V1"), ("id:V1:2", "V1"), ("id:V2", "V2"), ("fp:cd34:1", None)]


def keys(engine, table: str, own_id: str) -> list[tuple[str, str | None]]:
    with engine.connect() as con:
        return [tuple(r) for r in con.execute(text(f"SELECT row_key, {own_id} FROM {table} ORDER BY id")).all()]


def test_line_keys_move_to_ln_and_back(empty_database_url: str) -> None:
    engine = create_store_engine(empty_database_url)
    assert upgrade(engine, "0014") == "0014"
    day = dt.date(2026, 3, 1)
    with engine.begin() as con:
        con.execute(
            text(
                "INSERT INTO transactions (row_key, transaction_id, customer_id, date, amount) "
                "VALUES (:k, :i, 'C1', :d, 1)"
            ),
            [{"k": k, "i": i, "d": day} for k, i in TRANSACTIONS],
        )
        con.execute(
            text("INSERT INTO visits (row_key, visit_id, customer_id, date) VALUES (:k, :i, 'C1', :d)"),
            [{"k": k, "i": i, "d": day} for k, i in VISITS],
        )
        con.execute(
            text("INSERT INTO complaints (row_key, complaint_id, customer_id, date) VALUES ('id:K1', 'K1', 'C1', :d)"),
            {"d": day},
        )
    assert upgrade(engine, "0015") == "0015"
    assert keys(engine, "transactions", "transaction_id") == [
        ("id:T1", "T1"),
        ("ln:T2:1", "T2"),
        ("ln:T2:2", "T2"),
        ("ln:T3:1:1", "T3:1"),
        ("fp:ab12:1", None),
    ]
    assert keys(engine, "visits", "visit_id") == [
        ("ln:V1:1", "V1"),
        ("ln:V1:2", "V1"),
        ("id:V2", "V2"),
        ("fp:cd34:1", None),
    ]
    assert keys(engine, "complaints", "complaint_id") == [("id:K1", "K1")]
    assert downgrade(engine, "0014") == "0014"
    assert keys(engine, "transactions", "transaction_id") == TRANSACTIONS
    assert keys(engine, "visits", "visit_id") == VISITS
    assert keys(engine, "complaints", "complaint_id") == [("id:K1", "K1")]
    engine.dispose()
