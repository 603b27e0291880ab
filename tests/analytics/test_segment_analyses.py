"""Loyalty, profit, product mix, cross-sell gaps, promotion response and future value per segment, on a
hand-made book as of 30 June 2026 (segment A: c1, c2; segment B: c3, c4, c5):

- c1 (A): 10 Jan 100 paper, 5 Mar 150 paper, 5 Apr 200 ink — three purchase days, cohort 2026Q1;
- c2 (A): 1 Feb 50 paper — one purchase day, cohort 2026Q1;
- c3 (B): 20 Nov 2025 300 ink, 15 Jan 100 paper, 1 May 100 toner — three days, cohort 2025Q4;
- c4 (B): 1 Dec 2025 80 ink, returned on 5 Dec (−80) — one purchase day (a return is none), cohort 2025Q4;
- c5 (B): 1 and 20 Mar 60 paper — two days, cohort 2026Q1.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from tierwise.analytics.loyalty import cohort_retention, repeat_rate
from tierwise.analytics.product_mix import cross_sell_gaps, product_mix
from tierwise.analytics.promotions import PromotionWindow, segment_uplift, windows_table
from tierwise.analytics.segment_value import segment_future_value, segment_profit

D = dt.date
AS_OF = D(2026, 6, 30)
ROWS = [  # customer, date, amount, category, profit, cost
    ("c1", D(2026, 1, 10), 100, "paper", 20, None),
    ("c1", D(2026, 3, 5), 150, "paper", 30, None),
    ("c1", D(2026, 4, 5), 200, "ink", 40, None),
    ("c2", D(2026, 2, 1), 50, "paper", 10, None),
    ("c3", D(2025, 11, 20), 300, "ink", -30, None),
    ("c3", D(2026, 1, 15), 100, "paper", None, 70),  # profit 100 − 70 = 30
    ("c3", D(2026, 5, 1), 100, "toner", 10, None),
    ("c4", D(2025, 12, 1), 80, "ink", 8, None),
    ("c4", D(2025, 12, 5), -80, "ink", -8, None),
    ("c5", D(2026, 3, 1), 60, "paper", 6, None),
    ("c5", D(2026, 3, 20), 60, "paper", 6, None),
]
SEGMENTS = {"c1": "A", "c2": "A", "c3": "B", "c4": "B", "c5": "B"}


@pytest.fixture
def book(backend):
    cols = list(zip(*ROWS, strict=True))
    transactions = pa.table(
        {
            "customer_id": pa.array(cols[0], pa.string()),
            "date": pa.array(cols[1], pa.date32()),
            "amount": pa.array(cols[2], pa.float64()),
            "category": pa.array(cols[3], pa.string()),
            "profit": pa.array(cols[4], pa.float64()),
            "cost": pa.array(cols[5], pa.float64()),
        }
    )
    segments = pa.table({"customer_id": list(SEGMENTS), "segment": list(SEGMENTS.values())})
    return backend, backend.load("hand_transactions", transactions), backend.load("hand_segments", segments)


def rows(backend, expr, order):
    return sorted(backend.to_pyarrow(expr).to_pylist(), key=lambda r: tuple(r[k] for k in order))


def test_repeat_rate_counts_buyers_with_two_purchase_days(book) -> None:
    backend, t, s = book
    assert rows(backend, repeat_rate(t, s, AS_OF), ["segment"]) == [
        {"segment": "A", "customers": 2, "repeat_customers": 1, "repeat_rate": 0.5},  # c1 of c1, c2
        {"segment": "B", "customers": 3, "repeat_customers": 2, "repeat_rate": pytest.approx(2 / 3)},  # c3, c5
    ]


def test_cohort_retention_is_the_share_of_a_first_purchase_quarter_active_later(book) -> None:
    backend, t, s = book
    found = rows(backend, cohort_retention(t, s, AS_OF), ["segment", "cohort", "offset"])
    assert [
        (r["segment"], r["cohort"], r["offset"], r["cohort_customers"], r["active"], r["retention"]) for r in found
    ] == [  # fmt: skip
        ("A", D(2026, 1, 1), 0, 2, 2, 1.0),
        ("A", D(2026, 1, 1), 1, 2, 1, 0.5),  # c1 in April
        ("B", D(2025, 10, 1), 0, 2, 2, 1.0),  # c3 and c4
        ("B", D(2025, 10, 1), 1, 2, 1, 0.5),  # c3 in January
        ("B", D(2025, 10, 1), 2, 2, 1, 0.5),  # c3 in May
        ("B", D(2026, 1, 1), 0, 1, 1, 1.0),  # c5
    ]


def test_profit_per_segment_over_the_year(book) -> None:
    backend, t, s = book
    assert rows(backend, segment_profit(t, s, AS_OF), ["segment"]) == [
        {"segment": "A", "buyers": 2, "sales": 500.0, "profit": 100.0, "margin": 0.2},
        {"segment": "B", "buyers": 3, "sales": 620.0, "profit": 22.0, "margin": pytest.approx(22 / 620)},
    ]


def test_product_mix_shares_the_segments_sales(book) -> None:
    backend, t, s = book
    found = rows(backend, product_mix(t, s, AS_OF), ["segment", "category"])
    assert [(r["segment"], r["category"], r["sales"], r["share"]) for r in found] == [
        ("A", "ink", 200.0, pytest.approx(0.4)),
        ("A", "paper", 300.0, pytest.approx(0.6)),
        ("B", "ink", 300.0, pytest.approx(300 / 620)),  # c4's 80 returned
        ("B", "paper", 220.0, pytest.approx(220 / 620)),
        ("B", "toner", 100.0, pytest.approx(100 / 620)),
    ]


def test_cross_sell_gaps_are_what_the_peers_bought_ranked_by_their_share(book) -> None:
    backend, t, s = book
    peers = s.rename(peer_group="segment")
    found = rows(backend, cross_sell_gaps(t, peers, AS_OF), ["customer_id", "rank"])
    assert [(r["customer_id"], r["category"], r["peer_share"], r["rank"]) for r in found] == [
        ("c2", "ink", 1.0, 1),  # c1, its one peer, bought ink
        ("c4", "paper", 1.0, 1),  # c3 and c5
        ("c4", "toner", 0.5, 2),  # c3 of c3, c5
        ("c5", "ink", 1.0, 1),  # c3 and c4 (c4's ink counts though returned later)
        ("c5", "toner", 0.5, 2),
    ]
    only_most = rows(backend, cross_sell_gaps(t, peers, AS_OF, min_share=0.75, top=1), ["customer_id"])
    assert [(r["customer_id"], r["category"]) for r in only_most] == [("c2", "ink"), ("c4", "paper"), ("c5", "ink")]


def test_promotion_uplift_against_each_customers_own_baseline(book) -> None:
    backend, t, s = book
    spring = PromotionWindow(name="Spring", start=D(2026, 3, 1), end=D(2026, 3, 10))  # 10 days
    windows = backend.load("hand_windows", windows_table((spring,), baseline_days=60))  # from 31 Dec 2025
    found = rows(backend, segment_uplift(t, windows, s), ["segment"])
    # A: c1 150 in the window against 100 / 60 × 10; c2 nothing against 50 / 60 × 10
    # B: c3 nothing against 100 / 60 × 10; c5 60 (1 March; 20 March is after) against nothing before;
    # c4 bought in neither
    assert [
        (r["segment"], r["customers"], r["window_sales"], r["expected_sales"], r["uplift"], r["uplift_ratio"])
        for r in found
    ] == [  # fmt: skip
        ("A", 2, 150.0, pytest.approx(25.0), pytest.approx(125.0), pytest.approx(5.0)),
        ("B", 2, 60.0, pytest.approx(100 / 6), pytest.approx(60 - 100 / 6), pytest.approx(2.6)),
    ]


def test_future_value_sums_the_models_clv_per_segment(book) -> None:
    backend, _t, s = book
    values = backend.load(
        "hand_values",
        pa.table({"customer_id": ["c1", "c2", "c3"], "p_alive": [0.9, 0.5, 0.8],
                  "expected_purchases_12m": [3.0, 1.0, 2.0], "clv_12m": [100.0, 20.0, 50.0]}),
    )  # fmt: skip
    assert rows(backend, segment_future_value(values, s), ["segment"]) == [
        {"segment": "A", "valued": 2, "p_alive": pytest.approx(0.7), "expected_purchases_12m": 4.0, "clv_12m": 120.0},
        {"segment": "B", "valued": 1, "p_alive": pytest.approx(0.8), "expected_purchases_12m": 2.0, "clv_12m": 50.0},
    ]
