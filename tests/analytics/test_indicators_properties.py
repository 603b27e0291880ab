"""Properties of the indicator table that hold for any data, and DuckDB and Spark agreeing row for row."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierwise.analytics.engine import Engine, canonical_schema
from tierwise.analytics.indicators import compute_indicators, months_before

START = dt.date(2021, 1, 1)


def table(engine: Engine, name: str, columns: dict[str, list[Any]]) -> Any:
    """A canonical table on ``engine`` from the columns given (the others null)."""
    schema = canonical_schema(name)
    n = len(next(iter(columns.values())))
    data = {c: columns.get(c, [None] * n) for c in schema}
    return engine.load(name, pa.table(data, schema=schema.to_pyarrow()))


rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d", "e"]),
        st.integers(0, 3 * 365),
        st.integers(-400, 4000).map(lambda q: q / 4),  # quarters: sums are exact in binary floating point
        st.sampled_from([None, "o1", "o2", "o3"]),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows, as_of_day=st.integers(0, 3 * 365), months=st.sampled_from([1, 6, 12]))
def test_trade_totals_shares_and_ranks(duckdb_engine: Engine, rows: list[tuple], as_of_day: int, months: int) -> None:
    ids, days, amounts, orders = zip(*rows, strict=True)
    dates = [START + dt.timedelta(days=d) for d in days]
    as_of = START + dt.timedelta(days=as_of_day)
    tx = table(
        duckdb_engine,
        "transactions",
        {"customer_id": list(ids), "date": dates, "amount": list(amounts), "transaction_id": list(orders)},
    )
    out = duckdb_engine.to_pyarrow(compute_indicators({"transactions": tx}, as_of, months=months)).to_pylist()

    start = months_before(as_of, months)
    in_window = [a for d, a in zip(dates, amounts, strict=True) if start < d <= as_of]
    assert sum(r["sales_12m"] for r in out) == sum(in_window)
    assert sum(r["sales"] for r in out) == sum(a for d, a in zip(dates, amounts, strict=True) if d <= as_of)
    assert sorted(r["customer_id"] for r in out) == sorted({i for i, d in zip(ids, dates, strict=True) if d <= as_of})

    total = sum(in_window)
    shares = [r["sales_share"] for r in out]
    if total > 0:
        assert math.isclose(sum(shares), 1.0, rel_tol=1e-9)
    else:
        assert shares == [None] * len(out)
    ranked = sorted(out, key=lambda r: r["sales_rank"])
    assert [r["sales_rank"] for r in ranked] == list(range(1, len(out) + 1))
    assert [(-r["sales_12m"], r["customer_id"]) for r in ranked] == sorted(
        (-r["sales_12m"], r["customer_id"]) for r in out
    )
    bought = Counter(i for i, d, a in zip(ids, dates, amounts, strict=True) if start < d <= as_of and a > 0)
    for r in out:
        assert r["orders"] <= r["orders_lifetime"]
        assert 0 < r["purchase_days"] <= bought[r["customer_id"]] or r["purchase_days"] == bought[r["customer_id"]] == 0
        assert r["returns_amount"] >= 0
        assert (r["recency_days"] is None) == (not r["has_purchases"])
        if r["has_purchases"]:
            assert 0 <= r["recency_days"] <= r["tenure_days"]


def random_dataset(seed: int, customers: int = 60, rows: int = 2000) -> dict[str, dict[str, list[Any]]]:
    """A random data set with every table, exercising nulls, returns, late and partial payments."""
    rng = np.random.default_rng(seed)
    ids = [f"K{i:03d}" for i in range(customers)]

    def day(n: int) -> list[dt.date]:
        return [START + dt.timedelta(days=int(d)) for d in rng.integers(0, 3 * 365, n)]

    def maybe(values: list[Any], p: float = 0.3) -> list[Any]:
        return [None if rng.random() < p else v for v in values]

    pick = lambda n: [ids[i] for i in rng.integers(0, customers, n)]  # noqa: E731
    amounts = (rng.integers(-50, 500, rows) * 2.5).tolist()
    invoices = 300
    inv_dates = day(invoices)
    due = [d + dt.timedelta(days=30) for d in inv_dates]
    inv_amount = (rng.integers(1, 400, invoices) * 5.0).tolist()
    paid = [d + dt.timedelta(days=int(k)) for d, k in zip(inv_dates, rng.integers(0, 90, invoices), strict=True)]
    return {
        "customers": {"customer_id": ids, "name": ids, "region": maybe(["华东", "华北", "西南"] * 20)},
        "transactions": {
            "customer_id": pick(rows),
            "date": day(rows),
            "amount": amounts,
            "transaction_id": maybe([f"T{i}" for i in rng.integers(0, rows // 2, rows)]),
            "cost": maybe((np.asarray(amounts) * 0.5).tolist()),
            "category": maybe([f"cat{i}" for i in rng.integers(0, 6, rows)]),
        },
        "receivables": {
            "invoice_id": [f"I{i}" for i in range(invoices)],
            "customer_id": pick(invoices),
            "invoice_date": inv_dates,
            "due_date": due,
            "amount": inv_amount,
            "paid_date": maybe(paid),
            "paid_amount": maybe([a * 0.5 for a in inv_amount], 0.7),
        },
        "visits": {"customer_id": pick(200), "date": day(200)},
        "complaints": {
            "customer_id": pick(80),
            "date": day(80),
            "status": maybe(["open", "resolved"] * 40),
            "resolved_date": maybe(day(80), 0.5),
        },
        "surveys": {
            "customer_id": pick(120),
            "date": day(120),
            "csat": rng.integers(1, 6, 120).tolist(),
            "nps": maybe(rng.integers(0, 11, 120).tolist()),
        },
    }


def rows_of(engine: Engine, data: dict[str, dict[str, list[Any]]], as_of: dt.date) -> list[dict[str, Any]]:
    tables = {name: table(engine, name, cols) for name, cols in data.items()}
    return sorted(engine.to_pyarrow(compute_indicators(tables, as_of)).to_pylist(), key=lambda r: r["customer_id"])


@pytest.mark.spark
@pytest.mark.parametrize("as_of", [dt.date(2022, 12, 31), dt.date(2023, 6, 15)])
def test_duckdb_and_spark_agree_row_for_row(duckdb_engine: Engine, spark_engine: Engine, as_of: dt.date) -> None:
    data = random_dataset(seed=20240630)
    duck, spark = rows_of(duckdb_engine, data, as_of), rows_of(spark_engine, data, as_of)
    assert len(duck) == len(spark) == 60
    for d, s in zip(duck, spark, strict=True):
        assert d.keys() == s.keys()
        for col in d:
            if isinstance(d[col], float) and isinstance(s[col], float):
                assert math.isclose(d[col], s[col], rel_tol=1e-12), (d["customer_id"], col, d[col], s[col])
            else:
                assert d[col] == s[col], (d["customer_id"], col, d[col], s[col])
    assert any(r["overdue_amount"] > 0 for r in duck) and any(r["return_rate"] for r in duck)
