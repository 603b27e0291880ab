"""The indicator engine on a hand-computed data set, on DuckDB and on Spark.

As of 2024-06-30: the 12-month window is 2023-07-01 … 2024-06-30, the previous one 2022-07-01 …
2023-06-30, the 90-day window 2024-04-02 … 2024-06-30. Every expected number below is worked out by hand
in the comment next to its rows.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import ibis
import pyarrow as pa
import pytest

from tierwise.analytics.engine import Engine, canonical_schema
from tierwise.analytics.indicators import compute_indicators, months_before, resolve_as_of
from tierwise.analytics.registry import INDICATORS
from tierwise.errors import IndicatorError, UsageError

D = dt.date
AS_OF = D(2024, 6, 30)

CUSTOMERS = [
    {
        "customer_id": "C1",
        "name": "华东机电",
        "kind": "company",
        "industry": "manufacturing",
        "region": "上海",
        "owner": "li",
        "org_level": None,
        "annual_revenue": 5.0e7,
        "employees": 320,
    },
    {"customer_id": "C2", "name": "Wang Fang", "kind": "person", "region": "北京"},
    {"customer_id": "C3", "name": "Later Ltd", "kind": "company", "org_level": "county"},
    {"customer_id": "C4", "name": "Returns Only"},
    {"customer_id": "C5", "name": "Silent"},
    {"customer_id": "C6", "name": "Lapsed"},
]

TRANSACTIONS = [
    # C1: one order T1 of two lines on as_of, a return, one row on each side of every window edge
    {
        "customer_id": "C1",
        "date": D(2024, 6, 30),
        "transaction_id": "T1",
        "amount": 1000.0,
        "cost": 600.0,
        "category": "A",
    },
    {"customer_id": "C1", "date": D(2024, 6, 30), "transaction_id": "T1", "amount": 500.0, "category": "C"},
    {"customer_id": "C1", "date": D(2024, 7, 1), "transaction_id": "T2", "amount": 5000.0, "category": "Z"},
    {
        "customer_id": "C1",
        "date": D(2023, 7, 1),
        "transaction_id": "T3",
        "amount": 400.0,
        "cost": 999.0,
        "profit": 100.0,
        "category": "B",
    },
    {
        "customer_id": "C1",
        "date": D(2023, 6, 30),
        "transaction_id": "T4",
        "amount": 300.0,
        "cost": 200.0,
        "category": "A",
    },
    {
        "customer_id": "C1",
        "date": D(2024, 3, 1),
        "transaction_id": "T5",
        "amount": -200.0,
        "cost": -120.0,
        "category": "A",
    },
    {"customer_id": "C1", "date": D(2022, 6, 30), "transaction_id": "T6", "amount": 1000.0},
    {"customer_id": "C1", "date": D(2022, 7, 1), "transaction_id": "T7", "amount": 200.0, "category": "D"},
    # C2: no transaction ids (each row an order), no cost or profit, a return
    {"customer_id": "C2", "date": D(2024, 1, 10), "amount": 100.0},
    {"customer_id": "C2", "date": D(2024, 1, 10), "amount": 50.0},
    {"customer_id": "C2", "date": D(2024, 2, 1), "amount": -30.0},
    # C3: only a purchase the day after as_of
    {"customer_id": "C3", "date": D(2024, 7, 1), "amount": 999.0},
    # C4: only a return
    {"customer_id": "C4", "date": D(2024, 5, 1), "amount": -50.0},
    # C6: only a purchase in the previous window
    {"customer_id": "C6", "date": D(2023, 1, 15), "amount": 400.0, "cost": 300.0, "category": "A"},
]

RECEIVABLES = [
    # C1: I1 paid in full on time (20 days); I2 paid in full 30 days late (60 days); I3 partly paid (300 of 800
    # after 9 days), 41 days past due at as_of; I4 due on as_of, unpaid; I5 paid after as_of; I6 issued after.
    {
        "invoice_id": "I1",
        "customer_id": "C1",
        "invoice_date": D(2024, 1, 1),
        "due_date": D(2024, 1, 31),
        "amount": 1000.0,
        "paid_date": D(2024, 1, 21),
        "paid_amount": 1000.0,
    },
    {
        "invoice_id": "I2",
        "customer_id": "C1",
        "invoice_date": D(2024, 2, 1),
        "due_date": D(2024, 3, 2),
        "amount": 500.0,
        "paid_date": D(2024, 4, 1),
    },
    {
        "invoice_id": "I3",
        "customer_id": "C1",
        "invoice_date": D(2024, 5, 1),
        "due_date": D(2024, 5, 20),
        "amount": 800.0,
        "paid_date": D(2024, 5, 10),
        "paid_amount": 300.0,
    },
    {
        "invoice_id": "I4",
        "customer_id": "C1",
        "invoice_date": D(2024, 6, 1),
        "due_date": D(2024, 6, 30),
        "amount": 200.0,
    },
    {
        "invoice_id": "I5",
        "customer_id": "C1",
        "invoice_date": D(2024, 6, 15),
        "due_date": D(2024, 7, 15),
        "amount": 100.0,
        "paid_date": D(2024, 7, 5),
        "paid_amount": 100.0,
    },
    {
        "invoice_id": "I6",
        "customer_id": "C1",
        "invoice_date": D(2024, 7, 1),
        "due_date": D(2024, 7, 31),
        "amount": 9999.0,
    },
    # C2: never paid, due 2023-02-01: 515 days overdue at as_of
    {
        "invoice_id": "I7",
        "customer_id": "C2",
        "invoice_date": D(2023, 1, 1),
        "due_date": D(2023, 2, 1),
        "amount": 300.0,
    },
    # C6: paid in full on its due date
    {
        "invoice_id": "I8",
        "customer_id": "C6",
        "invoice_date": D(2024, 3, 1),
        "due_date": D(2024, 3, 31),
        "amount": 250.0,
        "paid_date": D(2024, 3, 31),
        "paid_amount": 250.0,
    },
]

VISITS = [
    {"customer_id": "C1", "date": D(2024, 4, 1)},  # 90 days before as_of: outside
    {"customer_id": "C1", "date": D(2024, 4, 2)},
    {"customer_id": "C1", "date": D(2024, 6, 30)},
    {"customer_id": "C1", "date": D(2024, 7, 1)},  # after as_of
    {"customer_id": "C2", "date": D(2023, 12, 1)},
]

COMPLAINTS = [
    {"customer_id": "C1", "date": D(2024, 6, 30), "status": "open"},
    {"customer_id": "C1", "date": D(2024, 4, 1), "status": "resolved", "resolved_date": D(2024, 4, 10)},
    {"customer_id": "C1", "date": D(2024, 5, 1), "status": "resolved", "resolved_date": D(2024, 7, 2)},
    {"customer_id": "C2", "date": D(2024, 1, 1)},  # neither status nor resolved date: still open
    {"customer_id": "C2", "date": D(2024, 7, 1), "status": "open"},  # after as_of
]

SURVEYS = [
    {"customer_id": "C1", "date": D(2024, 1, 1), "csat": 5, "nps": 9},
    {"customer_id": "C1", "date": D(2024, 6, 1), "csat": 3},
    {"customer_id": "C1", "date": D(2024, 7, 1), "csat": 1, "nps": 0},
    {"customer_id": "C2", "date": D(2024, 2, 2), "csat": 2, "nps": 4},
    {"customer_id": "C2", "date": D(2024, 2, 2), "csat": 4, "nps": 6},
]

ROWS = {
    "customers": CUSTOMERS,
    "transactions": TRANSACTIONS,
    "receivables": RECEIVABLES,
    "visits": VISITS,
    "complaints": COMPLAINTS,
    "surveys": SURVEYS,
}

NO_PURCHASES = {
    "has_purchases": False,
    "sales": 0.0,
    "sales_12m": 0.0,
    "sales_prev_12m": 0.0,
    "sales_growth": None,
    "profit": 0.0,
    "profit_12m": 0.0,
    "gross_margin": None,
    "orders": 0,
    "orders_lifetime": 0,
    "purchase_days": 0,
    "avg_order_value": None,
    "largest_order": None,
    "returns_amount": 0.0,
    "return_rate": None,
    "first_purchase": None,
    "last_purchase": None,
    "recency_days": None,
    "tenure_days": None,
    "categories": 0,
}
TRADE = {
    # lifetime 1000+400+300-200+500+1000+200; window 1000+500+400-200; previous 300+200
    # profit rows: 1000-600, given 100 (cost ignored), 300-200, -200-(-120); window excludes the 300 row
    "C1": {
        "has_purchases": True,
        "sales": 3200.0,
        "sales_12m": 1700.0,
        "sales_prev_12m": 500.0,
        "sales_growth": 2.4,
        "profit": 520.0,
        "profit_12m": 420.0,
        "gross_margin": 420 / 1700,
        "orders": 2,
        "orders_lifetime": 5,
        "purchase_days": 2,
        "avg_order_value": 1900 / 2,
        "largest_order": 1000.0,
        "returns_amount": 200.0,
        "return_rate": 200 / 1900,
        "first_purchase": D(2022, 6, 30),
        "last_purchase": D(2024, 6, 30),
        "recency_days": 0,
        "tenure_days": 731,
        "categories": 3,
        "sales_share": 1700 / 1770,
        "sales_rank": 1,
    },
    "C2": {
        "has_purchases": True,
        "sales": 120.0,
        "sales_12m": 120.0,
        "sales_prev_12m": 0.0,
        "sales_growth": None,
        "profit": None,
        "profit_12m": None,
        "gross_margin": None,
        "orders": 2,
        "orders_lifetime": 2,
        "purchase_days": 1,
        "avg_order_value": 75.0,
        "largest_order": 100.0,
        "returns_amount": 30.0,
        "return_rate": 0.2,
        "first_purchase": D(2024, 1, 10),
        "last_purchase": D(2024, 1, 10),
        "recency_days": 172,
        "tenure_days": 172,
        "categories": 0,
        "sales_share": 120 / 1770,
        "sales_rank": 2,
    },
    "C3": NO_PURCHASES | {"sales_share": 0.0, "sales_rank": 3},
    "C4": NO_PURCHASES
    | {
        "sales": -50.0,
        "sales_12m": -50.0,
        "profit": None,
        "profit_12m": None,
        "returns_amount": 50.0,
        "sales_share": -50 / 1770,
        "sales_rank": 6,
    },
    "C5": NO_PURCHASES | {"sales_share": 0.0, "sales_rank": 4},
    "C6": {
        "has_purchases": True,
        "sales": 400.0,
        "sales_12m": 0.0,
        "sales_prev_12m": 400.0,
        "sales_growth": -1.0,
        "profit": 100.0,
        "profit_12m": 0.0,
        "gross_margin": None,
        "orders": 0,
        "orders_lifetime": 1,
        "purchase_days": 0,
        "avg_order_value": None,
        "largest_order": None,
        "returns_amount": 0.0,
        "return_rate": None,
        "first_purchase": D(2023, 1, 15),
        "last_purchase": D(2023, 1, 15),
        "recency_days": 532,
        "tenure_days": 532,
        "categories": 0,
        "sales_share": 0.0,
        "sales_rank": 5,
    },
}
NO_INVOICES = {
    "collection_days": None,
    "overdue_amount": 0.0,
    "max_days_overdue": 0,
    "on_time_share": None,
    "open_receivables": 0.0,
}
FINANCE = {
    # (1000×20 + 500×60 + 300×9) / 1800; overdue: I3's unpaid 500; I4 due on as_of is not overdue;
    # late: I2 paid 30 days late, I3 open 41 days past due; on time: I1 of I1–I4; open: 500 + 200 + 100
    "C1": {
        "collection_days": 52700 / 1800,
        "overdue_amount": 500.0,
        "max_days_overdue": 41,
        "on_time_share": 0.25,
        "open_receivables": 800.0,
    },
    "C2": {
        "collection_days": None,
        "overdue_amount": 300.0,
        "max_days_overdue": 515,
        "on_time_share": 0.0,
        "open_receivables": 300.0,
    },
    "C3": NO_INVOICES,
    "C4": NO_INVOICES,
    "C5": NO_INVOICES,
    "C6": {
        "collection_days": 30.0,
        "overdue_amount": 0.0,
        "max_days_overdue": 0,
        "on_time_share": 1.0,
        "open_receivables": 0.0,
    },
}
QUIET = {"visits_90d": 0, "complaints_90d": 0, "open_complaints": 0, "last_csat": None, "last_nps": None}
ENGAGEMENT = {
    "C1": {"visits_90d": 2, "complaints_90d": 2, "open_complaints": 2, "last_csat": 3, "last_nps": 9},
    "C2": {"visits_90d": 0, "complaints_90d": 0, "open_complaints": 1, "last_csat": 4, "last_nps": 6},
    "C3": QUIET,
    "C4": QUIET,
    "C5": QUIET,
    "C6": QUIET,
}
TRAIT_COLUMNS = ("name", "kind", "industry", "region", "owner", "org_level", "annual_revenue", "employees")
TRAITS = {c["customer_id"]: {k: c.get(k) for k in TRAIT_COLUMNS} for c in CUSTOMERS}


def load(engine: Engine, name: str, rows: list[dict[str, Any]]) -> ibis.Table:
    """A canonical table on ``engine`` from rows that give only some columns (the rest null)."""
    schema = canonical_schema(name)
    data = pa.table({c: [r.get(c) for r in rows] for c in schema}, schema=schema.to_pyarrow())
    return engine.load(name, data)


def load_all(engine: Engine, names: tuple[str, ...] = tuple(ROWS)) -> dict[str, ibis.Table]:
    """The hand-made data set (or some of its tables) on ``engine``."""
    return {n: load(engine, n, ROWS[n]) for n in names}


def by_customer(engine: Engine, table: ibis.Table) -> dict[str, dict[str, Any]]:
    """The result as ``{customer_id: {column: value}}`` with Python values (None for null)."""
    return {r.pop("customer_id"): r for r in engine.to_pyarrow(table).to_pylist()}


def expected(*groups: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {cid: {k: v for g in groups for k, v in g[cid].items()} for cid in TRADE}


def mismatches(got: dict[str, dict[str, Any]], want: dict[str, dict[str, Any]]) -> list[str]:
    """Every cell of ``want`` that ``got`` differs from (floats to 1e-12 relative), as readable lines."""
    assert sorted(got) == sorted(want)
    wrong = []
    for cid, row in want.items():
        for col, value in row.items():
            have = got[cid][col]
            same = (have == value and type(have) is type(value)) or (
                isinstance(value, float) and isinstance(have, float) and math.isclose(have, value, rel_tol=1e-12)
            )
            if not same:
                wrong.append(f"{cid}.{col}: got {have!r}, expected {value!r}")
    return wrong


@pytest.fixture
def full(backend: Engine) -> dict[str, dict[str, Any]]:
    return by_customer(backend, compute_indicators(load_all(backend), AS_OF))


def test_columns_are_the_registry_indicators_in_order(backend: Engine) -> None:
    out = compute_indicators(load_all(backend), AS_OF)
    assert out.columns == ("customer_id", *[i.name for i in INDICATORS.values() if i.group != "value"])


def test_trade_indicators(full: dict[str, dict[str, Any]]) -> None:
    assert mismatches(full, expected(TRADE)) == []


def test_finance_indicators(full: dict[str, dict[str, Any]]) -> None:
    assert mismatches(full, expected(FINANCE)) == []


def test_engagement_indicators(full: dict[str, dict[str, Any]]) -> None:
    assert mismatches(full, expected(ENGAGEMENT)) == []


def test_traits_are_carried_from_the_customers_table(full: dict[str, dict[str, Any]]) -> None:
    assert mismatches(full, expected(TRAITS)) == []


def test_types_per_unit(backend: Engine) -> None:
    schema = compute_indicators(load_all(backend), AS_OF).schema()
    kinds = {
        "currency": "float64",
        "ratio": "float64",
        "count": "int64",
        "days": "int64",
        "rank": "int64",
        "date": "date",
        "flag": "boolean",
        "score": "int64",
    }
    for name, dtype in schema.items():
        if name in INDICATORS and INDICATORS[name].unit in kinds and name not in ("collection_days", "employees"):
            assert str(dtype).removeprefix("!") == kinds[INDICATORS[name].unit], name
    assert str(schema["collection_days"]).removeprefix("!") == "float64"  # a weighted mean of days


def test_as_of_defaults_to_the_latest_transaction_date(backend: Engine) -> None:
    tables = load_all(backend)
    assert resolve_as_of(tables) == D(2024, 7, 1)
    assert resolve_as_of(tables, dt.datetime(2024, 6, 30, 15, 0)) == AS_OF


def test_as_of_the_day_before_drops_that_days_rows(backend: Engine) -> None:
    out = by_customer(backend, compute_indicators(load_all(backend, ("transactions",)), D(2024, 6, 29)))
    # T1 (1500 on 2024-06-30) is gone; the window now starts after 2023-06-29, so T4 (300) moves into it
    assert out["C1"]["sales_12m"] == pytest.approx(400 - 200 + 300)
    assert out["C1"]["last_purchase"] == D(2023, 7, 1)
    assert out["C1"]["recency_days"] == 364


def test_names_select_indicators_and_what_they_need(backend: Engine) -> None:
    out = compute_indicators(load_all(backend), AS_OF, names=["last_nps", "sales_share", "region"])
    assert out.columns == ("customer_id", "sales_12m", "sales_share", "region", "last_nps")
    got = by_customer(backend, out)
    assert got["C1"] == pytest.approx(
        {"sales_12m": 1700.0, "sales_share": 1700 / 1770, "region": "上海", "last_nps": 9}
    )


def test_only_the_tables_given_are_used(backend: Engine) -> None:
    out = compute_indicators(load_all(backend, ("customers", "receivables")), AS_OF)
    assert out.columns == (
        "customer_id",
        "collection_days",
        "overdue_amount",
        "max_days_overdue",
        "on_time_share",
        "open_receivables",
        *TRAIT_COLUMNS,
    )


def test_without_customers_table_the_customers_are_those_who_transacted_by_as_of(backend: Engine) -> None:
    out = by_customer(backend, compute_indicators(load_all(backend, ("transactions",)), AS_OF))
    assert sorted(out) == ["C1", "C2", "C4", "C6"]  # C3 only bought after as_of
    assert [out[c]["sales_rank"] for c in ("C1", "C2", "C6", "C4")] == [1, 2, 3, 4]


def test_equal_sales_added_in_another_order_tie_and_rank_by_customer_id(backend: Engine) -> None:
    # 0.3 + 0.2 + 0.1 == 0.6 but 0.1 + 0.2 + 0.3 == 0.6000000000000001: equal to the cent, they must tie
    rows = [
        {"customer_id": c, "date": D(2024, 6, i), "amount": a}
        for c, amounts in (("A", (0.3, 0.2, 0.1)), ("B", (0.1, 0.2, 0.3)))
        for i, a in enumerate(amounts, 1)
    ]
    out = by_customer(backend, compute_indicators({"transactions": load(backend, "transactions", rows)}, AS_OF))
    assert out["A"]["sales_12m"] == out["B"]["sales_12m"] == 0.6
    assert (out["A"]["sales_rank"], out["B"]["sales_rank"]) == (1, 2)


def test_months_sets_the_trailing_and_previous_windows(backend: Engine) -> None:
    # one month: 2024-05-31 … 2024-06-30, previous 2024-05-01 … 2024-05-30 (C4's return on 2024-05-01)
    out = by_customer(backend, compute_indicators(load_all(backend, ("transactions",)), AS_OF, months=1))
    assert (out["C1"]["sales_12m"], out["C1"]["sales_prev_12m"], out["C1"]["orders"]) == (1500.0, 0.0, 1)
    assert (out["C4"]["sales_12m"], out["C4"]["sales_prev_12m"], out["C4"]["sales_growth"]) == (0.0, -50.0, None)


def test_unknown_indicator_lists_the_known_ones(duckdb_engine: Engine) -> None:
    with pytest.raises(IndicatorError) as err:
        compute_indicators(load_all(duckdb_engine, ("transactions",)), AS_OF, names=["sales", "revenue_12m"])
    assert str(err.value).startswith("unknown indicator 'revenue_12m'; known indicators: has_purchases, sales, ")
    assert "last_nps" in str(err.value)


def test_indicator_whose_table_is_missing_is_an_error(duckdb_engine: Engine) -> None:
    with pytest.raises(
        IndicatorError,
        match=r"^indicator 'overdue_amount' needs the receivables table, which the "
        r"data set lacks$",
    ):
        compute_indicators(load_all(duckdb_engine, ("transactions",)), AS_OF, names=["overdue_amount"])


def test_value_model_indicators_are_not_computed_here(duckdb_engine: Engine) -> None:
    with pytest.raises(IndicatorError, match="'p_alive' comes from the value models"):
        compute_indicators(load_all(duckdb_engine, ("transactions",)), AS_OF, names=["p_alive"])


def test_as_of_without_any_dated_row_is_an_error(duckdb_engine: Engine) -> None:
    tables = {
        "customers": load(duckdb_engine, "customers", CUSTOMERS),
        "transactions": load(duckdb_engine, "transactions", []),
    }
    with pytest.raises(IndicatorError, match=r"give an as-of date \(--as-of YYYY-MM-DD\)"):
        resolve_as_of(tables)
    receivables = load(duckdb_engine, "receivables", RECEIVABLES)
    assert resolve_as_of(tables | {"receivables": receivables}) == D(2024, 7, 1)


def test_months_below_one_is_a_usage_error(duckdb_engine: Engine) -> None:
    with pytest.raises(UsageError, match="months must be a whole number of at least 1, not 0"):
        compute_indicators(load_all(duckdb_engine, ("transactions",)), AS_OF, months=0)


@pytest.mark.parametrize(
    ("day", "months", "start"),
    [
        (D(2024, 6, 30), 12, D(2023, 6, 30)),
        (D(2024, 2, 29), 12, D(2023, 2, 28)),
        (D(2024, 3, 31), 1, D(2024, 2, 29)),
        (D(2024, 1, 15), 13, D(2022, 12, 15)),
        (D(2024, 6, 30), 24, D(2022, 6, 30)),
    ],
)
def test_months_before_matches_sql_interval_arithmetic(day: dt.date, months: int, start: dt.date) -> None:
    assert months_before(day, months) == start


def test_window_on_a_leap_day(backend: Engine) -> None:
    # as of 2024-02-29 the window starts after 2023-02-28: a sale on 2023-02-28 is out, 2023-03-01 in
    rows = [
        {"customer_id": "A", "date": D(2023, 2, 28), "amount": 10.0},
        {"customer_id": "A", "date": D(2023, 3, 1), "amount": 1.0},
    ]
    out = by_customer(
        backend, compute_indicators({"transactions": load(backend, "transactions", rows)}, D(2024, 2, 29))
    )
    assert (out["A"]["sales_12m"], out["A"]["sales_prev_12m"]) == (1.0, 10.0)
