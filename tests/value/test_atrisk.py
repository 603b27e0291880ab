"""The at-risk list and the shipped ``clv`` policy: hand-computed tables."""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd
import pytest

from tierwise.analytics.classify.assign import classify
from tierwise.analytics.classify.policy import load_policy
from tierwise.errors import ModelError, UsageError
from tierwise.value.atrisk import AT_RISK_COLUMNS, at_risk

VALUES = pd.DataFrame(
    {
        "customer_id": ["a", "b", "c", "d"],
        "frequency": [5, 3, 8, 0],
        "recency": [10.0, 30.0, 20.0, 0.0],
        "T": [40.0, 40.0, 40.0, 40.0],
        "monetary_value": [100.0, 50.0, 80.0, 0.0],
        "p_alive": [0.2, 0.9, 0.4, 1.0],
        "expected_purchases_12m": [0.5, 3.0, 1.0, 0.2],
        "clv_12m": [1200.0, 1500.0, 1000.0, 50.0],
    }
)
ASSIGNED = pd.DataFrame(
    {
        "customer_id": ["a", "b", "c", "d"],
        "class": ["high", "high", "high", "low"],
        "label": ["high value"] * 3 + ["low value"],
        "rank": [2, 1, 3, 4],
    }
)


def test_high_class_customers_under_the_bound_worst_loss_first():
    out = at_risk(ASSIGNED, VALUES, p_alive_below=0.5, as_of=dt.date(2025, 6, 30))
    assert list(out.columns) == list(AT_RISK_COLUMNS)
    assert out["customer_id"].tolist() == ["a", "c"]  # b is likely alive, d is not in a high class
    # a: 1200 / 0.2 = 6000 if alive, 4800 at risk; c: 1000 / 0.4 = 2500, 1500 at risk
    assert out["value_if_alive"].tolist() == pytest.approx([6000.0, 2500.0])
    assert out["value_at_risk"].tolist() == pytest.approx([4800.0, 1500.0])
    # a last bought 30 weeks before the as-of date
    assert out.loc[0, "days_since_last_purchase"] == 210
    assert out.loc[0, "last_purchase"] == dt.date(2024, 12, 2)


def test_the_bound_is_strict_and_classes_can_be_named():
    assert at_risk(ASSIGNED, VALUES, p_alive_below=0.4)["customer_id"].tolist() == ["a"]
    assert at_risk(ASSIGNED, VALUES, p_alive_below=1.0, classes=["low"]).empty
    assert at_risk(ASSIGNED, VALUES, p_alive_below=1.0, classes=["high", "low"])["customer_id"].tolist() == [
        "a",
        "c",
        "b",
    ]


def test_a_last_purchase_column_is_used_when_given():
    assigned = ASSIGNED.assign(last_purchase=pd.to_datetime(["2025-01-01", "2025-06-01", "2025-03-01", None]).date)
    out = at_risk(assigned, VALUES, as_of=dt.date(2025, 6, 30))
    assert out["last_purchase"].tolist() == [dt.date(2025, 1, 1), dt.date(2025, 3, 1)]
    assert out["days_since_last_purchase"].tolist() == [180, 121]


def test_errors():
    with pytest.raises(UsageError, match="p_alive_below must be in \\(0, 1\\], not 0"):
        at_risk(ASSIGNED, VALUES, p_alive_below=0)
    with pytest.raises(ModelError, match="the values table lacks column\\(s\\) p_alive, clv_12m"):
        at_risk(ASSIGNED, VALUES.drop(columns=["p_alive", "clv_12m"]))


def test_clv_policy_tiers_with_readable_reasons():
    t = ibis.memtable({"customer_id": ["c1", "c2", "c3"], "clv_12m": [212_400.0, 50_000.0, 49_999.99]})
    out = classify(t, load_policy("clv"), "2025-06-30").execute().sort_values("customer_id")
    assert out["class"].tolist() == ["high", "medium", "low"]
    assert out["reasons"].tolist()[0] == ["expected 12-month value 212,400.00 ≥ 200,000 → high value"]
    assert out["reasons"].tolist()[2] == ["expected 12-month value 49,999.99 < 50,000 → low value"]
