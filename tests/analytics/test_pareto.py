"""Pareto analysis on a hand table: Gini, top-20 % share, the 80/20 point, the whale curve and 80/20/30."""

from __future__ import annotations

import pyarrow as pa
import pytest

from tierwise.analytics.pareto import pareto_curve, pareto_summary

# sales 60, 20, 10, 5, 5 (total 100); profit 30, 5, 2, −2, −5 (total 30); f is inactive (zero both)
HAND = {
    "customer_id": ["b", "a", "d", "c", "e", "f"],
    "sales_12m": [20.0, 60, -3, 10, 5, 0],
    "profit_12m": [5.0, 30, -2, 2, -5, 0],
}
# d has net returns (−3): it counts with sales 0 but keeps its profit −2


@pytest.fixture
def hand(backend):
    return backend.load("pareto_hand", pa.table(HAND))


def test_summary_figures(hand) -> None:
    s = pareto_summary(hand)
    assert s.customers == 5
    assert s.total_sales == 95  # a 60 + b 20 + c 10 + e 5 + d 0
    # ascending sales 0, 5, 10, 20, 60: G = 2·(1·0 + 2·5 + 3·10 + 4·20 + 5·60)/(5·95) − 6/5
    assert s.gini == pytest.approx(2 * 420 / 475 - 1.2)
    assert s.top20_sales_share == pytest.approx(60 / 95)  # one customer of five
    assert s.point_80_20 == pytest.approx(0.4)  # a + b = 80 of 95 = 84 % ≥ 80 % at 2 of 5
    assert s.total_profit == 30
    assert s.top20_profit_share == pytest.approx(1.0)  # a alone: 30 of 30
    # by profit: 30, 35, 37, 35, 30 → the whale curve peaks at 37/30 with 3 of 5 customers
    assert s.profit_peak_share == pytest.approx(37 / 30)
    assert s.profit_peak_at == pytest.approx(0.6)
    assert s.bottom30_profit == -7  # the last 30 % (positions 4 and 5 of 5): −2 and −5


def test_curve_points(backend, hand) -> None:
    curve = backend.execute(pareto_curve(hand))
    assert curve["customer_share"].tolist() == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
    assert curve["sales_share"].tolist() == pytest.approx([60 / 95, 80 / 95, 90 / 95, 95 / 95, 1.0])
    assert curve["profit_share"].tolist() == pytest.approx([1.0, 35 / 30, 37 / 30, 32 / 30, 1.0])
    assert curve["whale_profit_share"].tolist() == pytest.approx([1.0, 35 / 30, 37 / 30, 35 / 30, 1.0])


def test_curve_keeps_about_the_requested_points(backend) -> None:
    n = 1000
    table = backend.load(
        "pareto_many",
        pa.table({"customer_id": [f"c{i:04d}" for i in range(n)], "sales_12m": [float(i + 1) for i in range(n)]}),
    )
    curve = backend.execute(pareto_curve(table, profit=None, points=50))
    assert len(curve) == 50
    assert curve["customer_share"].iloc[-1] == 1.0 and curve["sales_share"].iloc[-1] == pytest.approx(1.0)
    s = pareto_summary(table, profit=None)
    # ascending sales 1..n: G = 2·Σ i·i / (n·Σ i) − (n + 1)/n = (n − 1)/(3n)
    assert s.gini == pytest.approx((n - 1) / (3 * n))
    assert s.total_profit is None and s.profit_peak_share is None
