"""Fixtures for the classification tests: hand-made indicator tables on the engine under test."""

from __future__ import annotations

import itertools

import pandas as pd
import pyarrow as pa
import pytest

from tierwise.analytics.classify.assign import classify
from tierwise.analytics.classify.policy import Policy, load_policy, parse_policy
from tierwise.analytics.classify.prospects import PROSPECT_INDICATORS
from tierwise.analytics.registry import INDICATORS

_TYPES = {"label": pa.string(), "date": pa.date32(), "flag": pa.bool_(), "count": pa.float64()}
_names = itertools.count()


def arrow_indicators(rows: list[dict]) -> pa.Table:
    """An Arrow indicator table from row dicts, typed by the indicator registry (missing keys are NULL)."""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    catalogue = INDICATORS | PROSPECT_INDICATORS
    fields = [pa.field("customer_id", pa.string())] + [
        pa.field(c, _TYPES.get(catalogue[c].unit, pa.float64())) for c in columns if c != "customer_id"
    ]
    schema = pa.schema(fields)
    return pa.table({f.name: [row.get(f.name) for row in rows] for f in fields}, schema=schema)


@pytest.fixture
def indicators(backend):
    """``indicators(rows)``: the rows as an indicator table on the engine under test."""

    def make(rows: list[dict]):
        return backend.load(f"indicators_{next(_names)}", arrow_indicators(rows))

    return make


@pytest.fixture
def run_policy(backend, indicators):
    """``run_policy(policy, rows, lang)``: the assignment table as pandas, one row per customer, by id."""

    def run(policy: str | Policy, rows: list[dict], lang: str = "en", as_of: str = "2025-06-30") -> pd.DataFrame:
        if isinstance(policy, str):
            policy = parse_policy(policy) if "\n" in policy else load_policy(policy)
        table = indicators(rows)
        out = backend.execute(classify(table, policy, as_of, lang))
        out["reasons"] = out["reasons"].map(list)
        return out.sort_values("customer_id").set_index("customer_id")

    return run
