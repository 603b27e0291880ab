"""Shared by the service tests: a hand-made data set whose every class is known."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from tierwise.analytics.engine import canonical_schema
from tierwise.io.readers import dataset_from_arrow

D = dt.date


def canonical(table: str, rows: list[dict]) -> pa.Table:
    """A canonical table from row dicts (absent columns NULL)."""
    schema = canonical_schema(table).to_pyarrow()
    return pa.table({f.name: [r.get(f.name) for r in rows] for f in schema}, schema=schema)


@pytest.fixture
def hand():
    customers = [
        {"customer_id": c, "name": n, "org_level": lvl}
        for c, n, lvl in [
            ("c1", "甲公司", None),
            ("c2", "乙公司", None),
            ("c3", "某省厅", "provincial"),
            ("c4", "丁", None),
        ]
    ]
    transactions = [
        {"customer_id": "c1", "date": D(2024, 6, 30), "amount": 9_000_000.0, "profit": 1.0},  # a year before: out
        {"customer_id": "c1", "date": D(2024, 7, 1), "amount": 5_000_000.0, "profit": 500_000.0},  # first day in
        {"customer_id": "c2", "date": D(2025, 6, 30), "amount": 999_999.99, "profit": -10.0},  # the as-of day: in
        {"customer_id": "c3", "date": D(2025, 1, 1), "amount": 100.0, "profit": 5.0},
    ]
    opportunities = [
        {"opportunity_id": "o1", "customer_id": "c1", "stage": "proposal", "expected_close_date": D(2025, 12, 30)},
        {"opportunity_id": "o2", "customer_id": "c2", "stage": "negotiation", "expected_close_date": D(2025, 12, 31)},
        {"opportunity_id": "o3", "customer_id": "c4", "stage": "won", "expected_close_date": D(2025, 3, 1)},
    ]
    return dataset_from_arrow(
        {
            "customers": canonical("customers", customers),
            "transactions": canonical("transactions", transactions),
            "opportunities": canonical("opportunities", opportunities),
        }
    )
