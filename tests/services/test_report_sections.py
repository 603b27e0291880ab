"""Report sections from hand-made assignment and indicator tables, with the shipped policies."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

from tierwise.analytics.classify.policy import load_policy
from tierwise.services import report_sections as build

LIST = pa.list_(pa.string())


def assignments(policy: str, rows: list[tuple[str, str, str, float | None, list[str]]]) -> pa.Table:
    """An assignment table (DESIGN.md contract) from ``(customer_id, class, label, score, reasons)`` rows."""
    ids, classes, labels, scores, reasons = zip(*rows, strict=True)
    n = len(rows)
    return pa.table(
        {
            "customer_id": list(ids),
            "policy": [policy] * n,
            "policy_version": ["1"] * n,
            "as_of": [dt.date(2025, 1, 15)] * n,
            "class": list(classes),
            "label": list(labels),
            "score": pa.array(scores, pa.float64()),
            "rank": list(range(1, n + 1)),
            "reasons": pa.array(reasons, LIST),
        }
    )


INDICATORS = pa.table(
    {
        "customer_id": ["C4", "C1", "C2", "C3", "C5"],  # not in assignment order: the lookup is by id
        "name": ["Delta", "华东机电", "Beta", None, "Echo"],
        "owner": ["li", "wang", "li", None, "wang"],
        "sales_12m": [0.0, 6_000_000.0, 600_000.0, 12_000.0, 1_000.0],
        "profit_12m": [0.0, 900_000.0, 60_000.0, -2_000.0, 100.0],
        "last_purchase": [None, dt.date(2025, 1, 10), dt.date(2024, 3, 1), dt.date(2024, 12, 1), dt.date(2024, 6, 1)],
    }
)

CHINA_POST = assignments(
    "china-post",
    [
        ("C1", "diamond", "钻石", 6e6, ["12-month spend 6,000,000.00 ≥ 5,000,000 → diamond"]),
        ("C2", "gold", "金卡", 6e5, ["12-month spend 600,000.00 ≥ 500,000 → gold"]),
        ("C3", "vip", "VIP", 1.2e4, ["12-month spend 12,000.00 ≥ 10,000 → vip"]),
        ("C5", "standard", "普通", 1e3, ["12-month spend 1,000.00 < 10,000 → standard"]),
        ("C4", "unclassified", "未分级", None, ["no purchases: 12-month spend missing"]),
    ],
)


def test_class_distribution_in_policy_order_with_shares() -> None:
    dist = build.class_distribution(CHINA_POST, load_policy("china-post"), INDICATORS, "zh", with_profit=True)
    total_sales, total_profit = 6_613_000.0, 958_100.0
    assert [(r.code, r.customers, r.sales) for r in dist.rows] == [
        ("diamond", 1, 6_000_000.0),
        ("platinum", 0, 0.0),
        ("gold", 1, 600_000.0),
        ("vip", 1, 12_000.0),
        ("standard", 1, 1_000.0),
    ]
    assert [r.label for r in dist.rows] == ["钻石", "铂金", "金卡", "VIP", "普通"]
    assert [r.customer_share for r in dist.rows] == [0.2, 0.0, 0.2, 0.2, 0.2]
    assert dist.rows[0].sales_share == 6_000_000 / total_sales
    assert dist.rows[3].profit_share == -2_000 / total_profit
    assert dist.unclassified == 1
    assert [(f.message, f.count) for f in dist.unclassified_reasons] == [("no purchases: 12-month spend missing", 1)]
    assert dist.title.startswith("按近12个月消费额分级")


def test_class_distribution_without_profit() -> None:
    dist = build.class_distribution(CHINA_POST, load_policy("china-post"), INDICATORS, "en", with_profit=False)
    assert {r.profit for r in dist.rows} == {None} and {r.profit_share for r in dist.rows} == {None}
    assert dist.rows[1].label == "platinum"


def test_key_accounts_largest_sales_first_with_reasons() -> None:
    ka = assignments(
        "key-account",
        [
            ("C2", "key", "key account", 1.0, ["gross margin 10.0% …"]),
            ("C1", "key", "key account", 1.0, ["12-month sales 6,000,000.00 > 1,000,000 → key account", "share …"]),
            ("C3", "regular", "regular", 0.0, []),
            ("C5", "regular", "regular", 0.0, []),
            ("C4", "regular", "regular", 0.0, []),
        ],
    )
    out = build.key_accounts(ka, load_policy("key-account"), INDICATORS, limit=1)
    assert out.total == 2
    assert out.sales_share == 6_600_000 / 6_613_000
    assert [(a.customer_id, a.name, a.owner, a.sales_12m) for a in out.accounts] == [
        ("C1", "华东机电", "wang", 6_000_000.0)
    ]
    assert out.accounts[0].reasons[0] == "12-month sales 6,000,000.00 > 1,000,000 → key account"


def test_rfm_map_from_scores() -> None:
    rfm = assignments(
        "rfm",
        [
            ("C1", "champions", "champions", 555.0, []),
            ("C2", "loyal", "loyal", 543.0, []),
            ("C3", "lost", "lost", 111.0, []),
            ("C5", "lost", "lost", 112.0, []),
            ("C4", "unclassified", "unclassified", None, []),
        ],
    )
    out = build.rfm_map(rfm, INDICATORS)
    assert [(c.recency, c.frequency, c.customers, c.monetary_mean) for c in out.cells] == [
        (5, 4, 1, 600_000.0),
        (5, 5, 1, 6_000_000.0),
        (1, 1, 2, 6_500.0),
    ]
    assert out.segments == [
        ("lost", "lost", 2),
        ("champions", "champions", 1),
        ("loyal", "loyal", 1),
        ("unclassified", "unclassified", 1),
    ]


def test_prospect_grades_with_the_monthly_allocation() -> None:
    grades = assignments(
        "prospect-grade",
        [
            ("C1", "a", "A级", 1.0, []),
            ("C2", "a", "A级", 1.0, []),
            ("C3", "c", "C级", 1.0, []),
            ("C5", "closed", "已关闭", 1.0, []),
        ],
    )
    out = build.prospect_grades(grades, load_policy("prospect-grade"), "zh")
    assert [(g.code, g.label, g.prospects, g.accounts_per_rep, g.days_per_month) for g in out.grades] == [
        ("a", "A级", 2, 8, 10.0),
        ("b", "B级", 0, 12, 4.0),
        ("c", "C级", 1, 24, 4.0),
        ("new", "新客户开发", None, 40, 2.0),
        ("closed", "已关闭", 1, None, None),
    ]
    assert out.grades[0].cadence == "每周拜访一次"


def test_class_columns_follow_the_customer_list() -> None:
    out = build.class_columns(INDICATORS.select(["customer_id", "name"]), CHINA_POST, "china-post")
    assert out.column("class_china-post").to_pylist() == ["unclassified", "diamond", "gold", "vip", "standard"]
    assert out.column("label_china-post").to_pylist()[1] == "钻石"


def test_at_risk_list_names_and_totals() -> None:
    frame = pd.DataFrame(
        {
            "customer_id": ["C2", "C1"],
            "class": ["a", "a"],
            "label": ["A", "A"],
            "p_alive": [0.2, 0.4],
            "last_purchase": [dt.date(2024, 3, 1), dt.date(2025, 1, 10)],
            "days_since_last_purchase": [320, 5],
            "expected_purchases_12m": [0.5, 1.5],
            "clv_12m": [1_000.0, 4_000.0],
            "value_if_alive": [5_000.0, 10_000.0],
            "value_at_risk": [4_000.0, 6_000.0],
        }
    )
    out = build.at_risk_list(frame, INDICATORS, 0.5, limit=10)
    assert out.total == 2 and out.value_at_risk == 10_000.0
    assert [(a.customer_id, a.name, a.value_at_risk) for a in out.accounts] == [
        ("C1", "华东机电", 6_000.0),
        ("C2", "Beta", 4_000.0),
    ]
    assert out.accounts[1].last_purchase == dt.date(2024, 3, 1)


@pytest.mark.parametrize("limit", [0, 1])
def test_lists_are_cut_but_totals_are_not(limit: int) -> None:
    out = build.key_accounts(CHINA_POST, load_policy("china-post"), INDICATORS, limit=limit)
    assert len(out.accounts) == limit and out.total == 1
