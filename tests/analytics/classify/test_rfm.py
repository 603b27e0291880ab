"""RFM: quintile scores with ties by customer id, and the segment table read first match wins."""

from __future__ import annotations

# Ten customers: each score 1–5 goes to exactly two of them (positions 1–2 → 5, 3–4 → 4 …).
# recency ascending: c01 1, c04 2, c02 10, c09 11, c08 20, c03 25, c06 25 (tie: c03 first), c07 30, c05 50, c10 60
# orders descending: c01 20, c05 18, c02 15, c06 12, c03 8, c07 8, c08 4, c10 3, c04 1, c09 1
# sales descending:  c01 1000, c05 900, c02 800, c06 700, c03 600, c10 500, c07 400, c08 300, c04 100, c09 50
ROWS = [
    ("c01", 1, 20, 1000),
    ("c02", 10, 15, 800),
    ("c03", 25, 8, 600),
    ("c04", 2, 1, 100),
    ("c05", 50, 18, 900),
    ("c06", 25, 12, 700),
    ("c07", 30, 8, 400),
    ("c08", 20, 4, 300),
    ("c09", 11, 1, 50),
    ("c10", 60, 3, 500),
]
# (R, F, M) and segment
EXPECTED = {
    "c01": (5, 5, 5, "champions"),
    "c02": (4, 4, 4, "champions"),
    "c03": (3, 3, 3, "loyal"),
    "c04": (5, 1, 1, "new_customers"),
    "c05": (1, 5, 5, "cant_lose"),
    "c06": (2, 4, 4, "loyal"),
    "c07": (2, 3, 2, "need_attention"),
    "c08": (3, 2, 2, "potential_loyalist"),
    "c09": (4, 1, 1, "new_customers"),
    "c10": (1, 2, 3, "at_risk"),
}


def test_rfm_scores_and_segments(run_policy) -> None:
    rows = [{"customer_id": c, "recency_days": r, "orders": f, "sales_12m": m} for c, r, f, m in ROWS]
    out = run_policy("rfm", rows)
    assert out["class"].to_dict() == {c: e[3] for c, e in EXPECTED.items()}
    assert out["score"].to_dict() == {c: 100 * r + 10 * f + m for c, (r, f, m, _) in EXPECTED.items()}
    assert out.loc["c01", "reasons"] == [
        "R 5 · F 5 · M 5 (days since last purchase 1 days, 12-month orders 20, 12-month sales 1,000.00) → champions"
    ]
    assert out.loc["c05", "label"] == "can't lose them"


def test_a_customer_without_purchases_is_unclassified_in_chinese(run_policy) -> None:
    rows = [
        {"customer_id": "x", "recency_days": 5, "orders": 2, "sales_12m": 10},
        {"customer_id": "y", "recency_days": None, "orders": 0, "sales_12m": 0},
    ]
    out = run_policy("rfm", rows, "zh")
    assert out.loc["y", "class"] == "unclassified"
    assert out.loc["y", "reasons"] == ["缺少距最近购买天数 → 无法分级"]
