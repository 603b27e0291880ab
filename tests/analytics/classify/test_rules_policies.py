"""key-account and value-type: every bound of every rule just below, at and just above."""

from __future__ import annotations

BASE = {
    "sales_12m": 100_000.0,
    "sales_share": 0.01,
    "gross_margin": 0.10,
    "collection_days": None,
    "overdue_amount": None,
}
KEY_CASES = [
    # (changes to BASE, expected class)
    ({"sales_12m": 1_000_000.01}, "key"),
    ({"sales_12m": 1_000_000}, "regular"),  # amount: above (exclusive)
    ({"sales_share": 0.050001}, "key"),
    ({"sales_share": 0.05}, "regular"),  # share: above 5 %
    ({"gross_margin": 0.300001, "sales_12m": 200_000}, "key"),  # margin above 30 % with the floor reached
    ({"gross_margin": 0.30, "sales_12m": 200_000}, "regular"),
    ({"gross_margin": 0.35, "sales_12m": 199_999.99}, "regular"),  # floor (inclusive) missed
    ({"collection_days": 44.99, "overdue_amount": 9_999.99, "sales_12m": 300_000}, "key"),  # good credit
    ({"collection_days": 45, "overdue_amount": 0, "sales_12m": 300_000}, "regular"),  # under 45 days
    ({"collection_days": 10, "overdue_amount": 10_000, "sales_12m": 300_000}, "regular"),  # under 10,000
    ({"collection_days": 10, "overdue_amount": 0, "sales_12m": 299_999.99}, "regular"),  # sales floor
    ({"collection_days": None, "overdue_amount": None, "sales_12m": 300_000}, "regular"),  # no receivables
]


def test_key_account_every_bound(run_policy) -> None:
    rows = [{"customer_id": f"k{i:02d}", **BASE, **change} for i, (change, _) in enumerate(KEY_CASES)]
    out = run_policy("key-account", rows)
    assert out["class"].tolist() == [c for _, c in KEY_CASES]
    assert out.loc["k04", "reasons"] == [
        "12-month gross margin 30.0% > 30% and 12-month sales 200,000.00 ≥ 200,000 → key account"
    ]
    assert out.loc["k01", "reasons"] == ["no criterion met → regular"]
    assert out.loc["k00", "score"] == 1_000_000.01  # the score is 12-month sales


def test_key_account_lists_every_criterion_that_fired_in_chinese(run_policy) -> None:
    row = {
        "customer_id": "big",
        "sales_12m": 2_000_000,
        "sales_share": 0.2,
        "gross_margin": 0.4,
        "collection_days": 30,
        "overdue_amount": 0,
    }
    out = run_policy("key-account", [row], "zh")
    assert out.loc["big", "reasons"] == [
        "近12个月销售额 2,000,000.00 > 1,000,000 → 大客户",
        "占近12个月总销售额比例 20.0% > 5% → 大客户",
        "近12个月毛利率 40.0% > 30%，且近12个月销售额 2,000,000.00 ≥ 200,000 → 大客户",
        "平均回款天数 30天 < 45天，且逾期金额 0.00 < 10,000，且近12个月销售额 2,000,000.00 ≥ 300,000 → 大客户",
    ]


VALUE_BASE = {
    "sales_12m": 100_000.0,
    "sales_share": 0.005,
    "tenure_days": 100,
    "avg_order_value": 1_000,
    "categories": 1,
    "orders": 1,
}
VALUE_CASES = [
    ({"sales_share": 0.010001, "tenure_days": 730}, "strategic"),
    ({"sales_share": 0.01, "tenure_days": 730}, "intrinsic"),  # share: above 1 % (exclusive)
    ({"sales_share": 0.5, "tenure_days": 729}, "intrinsic"),  # tenure: at least 2 years (inclusive)
    ({"avg_order_value": 50_000}, "extrinsic"),
    ({"avg_order_value": 49_999.99}, "intrinsic"),
    ({"categories": 3, "orders": 6}, "extrinsic"),
    ({"categories": 2, "orders": 6}, "intrinsic"),
    ({"categories": 3, "orders": 5}, "intrinsic"),
    ({"sales_share": 0.04, "tenure_days": 2000, "avg_order_value": 60_000}, "strategic"),  # highest wins
]


def test_value_type_every_bound(run_policy) -> None:
    rows = [{"customer_id": f"v{i:02d}", **VALUE_BASE, **change} for i, (change, _) in enumerate(VALUE_CASES)]
    out = run_policy("value-type", rows)
    assert out["class"].tolist() == [c for _, c in VALUE_CASES]
    assert out.loc["v08", "reasons"] == [
        "share of 12-month sales 4.0% > 1% and days since first purchase 2,000 days ≥ 730 days → strategic value",
        "12-month average order value 60,000.00 ≥ 50,000 → extrinsic value",
    ]
