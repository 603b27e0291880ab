"""china-post: every spend bound just below, at and just above, org_level mapping, the higher class wins."""

from __future__ import annotations

SPEND_CASES = [
    # (12-month spend, expected class)
    (5_000_000.01, "diamond"),
    (5_000_000, "diamond"),
    (4_999_999.99, "platinum"),
    (1_000_000.01, "platinum"),
    (1_000_000, "platinum"),
    (999_999.99, "gold"),
    (500_000.01, "gold"),
    (500_000, "gold"),
    (499_999.99, "vip"),
    (10_000.01, "vip"),
    (10_000, "vip"),
    (9_999.99, "standard"),
    (0, "standard"),
    (-250, "standard"),
]


def test_every_spend_bound_below_at_and_above(run_policy) -> None:
    rows = [{"customer_id": f"c{i:02d}", "sales_12m": v, "org_level": None} for i, (v, _) in enumerate(SPEND_CASES)]
    out = run_policy("china-post", rows)
    assert out["class"].tolist() == [c for _, c in SPEND_CASES]


LEVEL_CASES = [
    # (org_level, 12-month spend, expected class)
    ("national", 0, "diamond"),
    ("provincial", 0, "platinum"),
    ("municipal", 0, "gold"),
    ("county", 0, "vip"),
    ("county", 600_000, "gold"),  # spend grants more than the level
    ("national", 600_000, "diamond"),  # the level grants more than the spend
    ("provincial", 1_000_000, "platinum"),  # both grant the same class
    ("unknown-level", 0, "standard"),  # a value the map does not list grants nothing
]


def test_org_level_and_the_higher_class_wins(run_policy) -> None:
    rows = [
        {"customer_id": f"p{i}", "sales_12m": spend, "org_level": level}
        for i, (level, spend, _) in enumerate(LEVEL_CASES)
    ]
    out = run_policy("china-post", rows)
    assert out["class"].tolist() == [c for _, _, c in LEVEL_CASES]


def test_reasons_in_english_and_chinese(run_policy) -> None:
    rows = [
        {"customer_id": "a", "sales_12m": 5_200_000, "org_level": None},
        {"customer_id": "b", "sales_12m": 600_000, "org_level": "national"},
        {"customer_id": "c", "sales_12m": 9_999.99, "org_level": None},
        {"customer_id": "d", "sales_12m": None, "org_level": "county"},
    ]
    en = run_policy("china-post", rows, "en")
    assert en.loc["a", "reasons"] == ["12-month spend 5,200,000.00 ≥ 5,000,000 → diamond"]
    assert en.loc["b", "reasons"] == [
        "12-month spend 600,000.00 ≥ 500,000 → gold",
        "organisation level national → diamond",
    ]
    assert en.loc["c", "reasons"] == ["12-month spend 9,999.99 < 10,000 → standard"]
    assert (en.loc["d", "class"], en.loc["d", "reasons"]) == ("unclassified", ["missing 12-month spend → unclassified"])
    zh = run_policy("china-post", rows, "zh")
    assert zh.loc["a", "reasons"] == ["近12个月消费 5,200,000.00 ≥ 5,000,000 → 钻石"]
    assert zh.loc["b", "reasons"] == ["近12个月消费 600,000.00 ≥ 500,000 → 金卡", "机构级别 国家级 → 钻石"]
    assert zh.loc["b", "label"] == "钻石"
    assert zh.loc["d", "reasons"] == ["缺少近12个月消费 → 无法分级"]


def test_output_contract_labels_and_rank(run_policy) -> None:
    rows = [
        {"customer_id": "x", "sales_12m": 20_000, "org_level": None},
        {"customer_id": "y", "sales_12m": 30_000, "org_level": None},
        {"customer_id": "z", "sales_12m": 600_000, "org_level": None},
        {"customer_id": "w", "sales_12m": None, "org_level": None},
        {"customer_id": "v", "sales_12m": 10, "org_level": "national"},
    ]
    out = run_policy("china-post", rows)
    assert list(out.reset_index().columns) == [
        "customer_id",
        "policy",
        "policy_version",
        "as_of",
        "class",
        "label",
        "score",
        "rank",
        "reasons",
    ]
    assert out["rank"].to_dict() == {"v": 1, "w": 5, "x": 4, "y": 3, "z": 2}
    assert out.loc["y", "label"] == "VIP" and out.loc["y", "score"] == 30_000
    assert set(out["policy"]) == {"china-post"} and set(out["policy_version"]) == {"1"}
    assert str(out.loc["x", "as_of"])[:10] == "2025-06-30"
