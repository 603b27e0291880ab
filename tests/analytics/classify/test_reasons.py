"""Numbers in reasons: the engine's formatting equals Python's, on DuckDB and Spark; ABC and bin invariants."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import ibis
import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from tierwise.analytics.classify.reasons import format_constant, format_number, portable_format_number

rng = np.random.default_rng(20250630)
# cents exactly: k / 100 for k across 15 orders of magnitude, both signs, plus the edges
CENTS = np.concatenate(
    [
        [0, 1, -1, 99, 100, 999, 1000, 99_999, 100_000, 123_456_789],
        rng.integers(-(10**15), 10**15, 200),
        rng.integers(-(10**6), 10**6, 100),
    ]
)


def python_text(value: float, decimals: int) -> str:
    """Python's formatting of the binary value, without a "-0.00"."""
    return f"{value if round(value, decimals) != 0 else abs(value):,.{decimals}f}"


def half_up_text(cents: int, decimals: int) -> str:
    """The decimal value k/100 rounded half away from zero (the portable formatting's rule)."""
    value = Decimal(int(cents)) / 100
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{rounded if rounded else abs(rounded):,.{decimals}f}"


def test_format_number_equals_python_formatting(backend) -> None:
    table = backend.load("numbers", pa.table({"x": (CENTS / 100).astype(float), "k": CENTS}))
    out = backend.execute(table.select("x", two=format_number(table.x, 2), none=format_number(table.x, 0)))
    assert out["two"].tolist() == [python_text(x, 2) for x in out["x"]]
    assert out["none"].tolist() == [python_text(x, 0) for x in out["x"]]


def test_the_portable_formatting_rounds_half_away_from_zero() -> None:
    table = ibis.memtable({"x": (CENTS / 100).astype(float), "k": CENTS})
    out = table.select("k", two=portable_format_number(table.x, 2), none=portable_format_number(table.x, 0)).execute()
    assert out["two"].tolist() == [half_up_text(k, 2) for k in out["k"]]
    assert out["none"].tolist() == [half_up_text(k, 0) for k in out["k"]]


def test_format_constant() -> None:
    assert format_constant(5_000_000) == "5,000,000"
    assert format_constant(0.05, "ratio") == "5%"
    assert format_constant(0.125, "ratio") == "12.5%"
    assert format_constant(45, "days", "zh") == "45天"
    assert format_constant(1234.5) == "1,234.5"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-50, 1000), min_size=1, max_size=40))
def test_abc_invariants(values: list[int]) -> None:
    """For any sales: the top positive customer is A; A customers before the crossing hold < 80 %;
    every class-A customer sorts before every B, every B before every C; non-positive values are C."""
    from tierwise.analytics.classify.assign import classify
    from tierwise.analytics.classify.policy import load_policy

    table = ibis.memtable(
        {"customer_id": [f"c{i:03d}" for i in range(len(values))], "sales_12m": [float(v) for v in values]}
    )
    out = classify(table, load_policy("abc"), "2025-06-30").execute().sort_values("rank")
    classes = out["class"].tolist()
    assert classes == sorted(classes)  # a < b < c, in rank order
    by_id = dict(zip(out.customer_id, out["class"]))
    order = sorted(range(len(values)), key=lambda i: (-values[i], f"c{i:03d}"))
    total = sum(v for v in values if v > 0)
    before = 0.0
    for i in order:
        expected = "c" if values[i] <= 0 else "a" if before < 0.8 * total else "b" if before < 0.95 * total else "c"
        assert by_id[f"c{i:03d}"] == expected
        before += max(values[i], 0)
