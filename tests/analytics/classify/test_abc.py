"""ABC on cumulative share: the hand table, ties by customer id, zero and negative values."""

from __future__ import annotations

# 12-month sales; total positive sales = 100. Sorted descending, ties by customer id:
# a 50 (before 0 %) A · b 20 (50 %) A · c 10 (70 %) A — crosses 80 %, still A · d 10 (80 %) B ·
# e 5 (90 %) B · f 3 (95 %) C · g 2 (98 %) C · h 0 → C (no positive sales) · i −5 → C.
HAND = [("d", 10), ("a", 50), ("i", -5), ("c", 10), ("b", 20), ("h", 0), ("e", 5), ("g", 2), ("f", 3)]
EXPECTED = {"a": "a", "b": "a", "c": "a", "d": "b", "e": "b", "f": "c", "g": "c", "h": "c", "i": "c"}


def test_the_abc_hand_table(run_policy) -> None:
    out = run_policy("abc", [{"customer_id": cid, "sales_12m": v} for cid, v in HAND])
    assert out["class"].to_dict() == EXPECTED
    assert out.loc["c", "reasons"] == ["12-month sales 10.00, cumulative share before 70.0% < 80% → A"]
    assert out.loc["d", "reasons"] == ["12-month sales 10.00, cumulative share before 80.0% < 95% → B"]
    assert out.loc["f", "reasons"] == ["12-month sales 3.00, cumulative share before 95.0% ≥ 95% → C"]
    assert out.loc["h", "reasons"] == ["12-month sales 0.00 ≤ 0 → C"]
    assert out.loc["i", "reasons"] == ["12-month sales -5.00 ≤ 0 → C"]
    assert out["rank"].to_dict() == {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9}


def test_the_top_customer_is_always_a_and_ties_follow_customer_id(run_policy) -> None:
    rows = [
        {"customer_id": "z", "sales_12m": 900},
        {"customer_id": "m", "sales_12m": 50},
        {"customer_id": "k", "sales_12m": 50},
    ]
    out = run_policy("abc", rows, "zh")
    # z alone is 90 % of sales: A. k and m tie at 50; k comes first (95 % before m).
    assert out["class"].to_dict() == {"z": "a", "k": "b", "m": "c"}
    assert out.loc["z", "reasons"] == ["近12个月销售额 900.00，此前累计占比 0.0% < 80% → A类"]


def test_a_missing_value_is_unclassified(run_policy) -> None:
    out = run_policy("abc", [{"customer_id": "p", "sales_12m": 10}, {"customer_id": "q", "sales_12m": None}])
    assert out["class"].to_dict() == {"p": "a", "q": "unclassified"}
    assert out.loc["q", "reasons"] == ["missing 12-month sales → unclassified"]
