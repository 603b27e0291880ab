"""Scorecard (AHP weights, quantile tiers), the TOPSIS scorecard by hand, k-means order, quantile ties."""

from __future__ import annotations

from math import sqrt

import pytest

from tierwise.analytics.classify.combine import PolicyClassifier
from tierwise.analytics.classify.policy import load_policy


def _row(cid: str, level: float) -> dict:
    """A customer whose four scorecard indicators all sit at ``level`` (0 worst … 1 best) of their range."""
    return {
        "customer_id": cid,
        "sales_12m": 1000 * level,
        "gross_margin": 0.5 * level,
        "orders": 10 * level,
        "recency_days": 100 - 100 * level,
    }


def test_scorecard_tiers_at_the_quantile_bounds(run_policy) -> None:
    # ten customers, levels 1.0, 0.9 … 0.1 apart from a tie: c03 and c04 share a level
    levels = [1.0, 0.9, 0.7, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.0]
    out = run_policy("scorecard", [_row(f"c{i:02d}", lv) for i, lv in enumerate(levels, 1)])
    # top 20 % (positions 1–2) A, next 30 % (3–5) B, the rest C
    assert out["class"].tolist() == ["a", "a", "b", "b", "b", "c", "c", "c", "c", "c"]
    assert out.loc["c01", "score"] == pytest.approx(100)
    assert out.loc["c10", "score"] == pytest.approx(0)
    assert out.loc["c06", "score"] == pytest.approx(50)
    assert out.loc["c02", "reasons"] == ["score 90.00, rank 2 of 10, within the top 20% → A"]
    assert out.loc["c03", "reasons"] == ["score 70.00, rank 3 of 10, within the top 50% → B"]
    assert out.loc["c10", "reasons"] == ["score 0.00, rank 10 of 10 → C"]


def test_scorecard_weights_come_from_the_ahp_matrix(backend, indicators) -> None:
    rows = [_row("best", 1.0), _row("worst", 0.0), {**_row("sales-only", 0.0), "sales_12m": 1000}]
    table = indicators(rows)
    classifier = PolicyClassifier(load_policy("scorecard")).fit(table)
    method = classifier.methods_[0]
    assert method.cr_ < 0.10
    assert method.weights_.sum() == pytest.approx(1)
    assert list(method.weights_) == sorted(method.weights_, reverse=True)  # sales > margin > orders > recency
    out = backend.execute(classifier.assign(table)).set_index("customer_id")
    assert out.loc["sales-only", "score"] == pytest.approx(100 * method.weights_[0])


SCORED = """
name: scored
version: 2
description: {{en: test, zh: 测试}}
classes:
  - {{code: top, label: {{en: top, zh: 高}}}}
  - {{code: low, label: {{en: low, zh: 低}}}}
criteria:
  - name: s
    method: scorecard
    weights: {weights}
    topsis: {topsis}
    indicators:
      - {{indicator: sales_12m, weight: 2}}
      - {{indicator: recency_days, direction: cost, weight: 1}}
    tiers:
      - {{class: top, at_least: 50}}
    otherwise: low
"""


def test_given_weights_with_score_bounds(run_policy) -> None:
    rows = [
        {"customer_id": "a", "sales_12m": 100, "recency_days": 0},
        {"customer_id": "b", "sales_12m": 25, "recency_days": 25},  # 100·(2·0.25 + 1·0.75)/3 = 41.67
        {"customer_id": "c", "sales_12m": 62.5, "recency_days": 25},  # 100·(2·0.625 + 0.75)/3 = 66.67
        {"customer_id": "d", "sales_12m": 0, "recency_days": 100},
    ]
    out = run_policy(SCORED.format(weights="given", topsis="false"), rows)
    assert out["score"].round(2).tolist() == [100.0, 41.67, 66.67, 0.0]
    assert out["class"].tolist() == ["top", "low", "top", "low"]
    assert out.loc["b", "reasons"] == ["score 41.67 < 50 → low"]


def test_topsis_scorecard_scores_the_hand_computed_closeness(run_policy) -> None:
    # weights 2:1 → 2/3, 1/3; both columns have norm 50, so v = w·x/50 is, in fifteenths:
    #   a (30, 0) → (6, 0), b (40, 30) → (8, 3), c (0, 40) → (0, 4)
    # ideal (max sales, min recency) = (8, 0), anti-ideal = (0, 4), closeness = D− / (D+ + D−):
    #   a: D+ = 2, D− = √(36 + 16) = √52;  b: D+ = 3, D− = √(64 + 1) = √65;  c: D− = 0
    rows = [
        {"customer_id": "a", "sales_12m": 30, "recency_days": 0},
        {"customer_id": "b", "sales_12m": 40, "recency_days": 30},
        {"customer_id": "c", "sales_12m": 0, "recency_days": 40},
    ]
    out = run_policy(SCORED.format(weights="given", topsis="true"), rows)
    expected = [100 * sqrt(52) / (2 + sqrt(52)), 100 * sqrt(65) / (3 + sqrt(65)), 0.0]  # 78.29, 72.88, 0
    assert out["score"].tolist() == pytest.approx(expected)
    assert out["class"].tolist() == ["top", "top", "low"]


KMEANS = """
name: clusters
version: 1
description: {en: test, zh: 测试}
classes:
  - {code: gold, label: {en: gold, zh: 金}}
  - {code: silver, label: {en: silver, zh: 银}}
  - {code: bronze, label: {en: bronze, zh: 铜}}
criteria:
  - name: km
    method: kmeans
    classes: [gold, silver, bronze]
    seed: 7
    indicators:
      - {indicator: sales_12m}
      - {indicator: recency_days, direction: cost}
"""


def test_kmeans_orders_clusters_by_centroid(run_policy) -> None:
    groups = {"g": (1000, 5), "s": (500, 40), "b": (50, 200)}
    rows = [
        {"customer_id": f"{k}{i}", "sales_12m": s + 10 * i, "recency_days": r + i}
        for k, (s, r) in groups.items()
        for i in range(3)
    ]
    out = run_policy(KMEANS, rows)
    assert out["class"].to_dict() == {
        f"{k}{i}": {"g": "gold", "s": "silver", "b": "bronze"}[k] for k in groups for i in range(3)
    }
    assert out.loc["g0", "reasons"][0].startswith("nearest to cluster 1 of 3 (centre +")
    assert out.loc["g0", "reasons"][0].endswith("12-month sales 1,000.00, days since last purchase 5 days → gold")


QUANTILES = """
name: q
version: 1
description: {en: test, zh: 测试}
classes:
  - {code: q1, label: {en: top, zh: 前}}
  - {code: q2, label: {en: middle, zh: 中}}
  - {code: q3, label: {en: bottom, zh: 后}}
criteria:
  - name: q
    method: quantiles
    indicator: sales_12m
    bins:
      - {class: q1, share: 0.2}
      - {class: q2, share: 0.3}
      - {class: q3, share: 0.5}
"""


def test_quantile_bins_break_ties_by_customer_id(run_policy) -> None:
    # values: two ties straddle the bin edges (positions 2|3 and 5|6)
    values = {"a": 90, "b": 80, "c": 80, "d": 70, "e": 60, "f": 60, "g": 50, "h": 40, "i": 30, "j": 20}
    out = run_policy(QUANTILES, [{"customer_id": c, "sales_12m": v} for c, v in values.items()])
    assert out["class"].to_dict() == {
        "a": "q1",
        "b": "q1",
        "c": "q2",
        "d": "q2",
        "e": "q2",
        "f": "q3",
        "g": "q3",
        "h": "q3",
        "i": "q3",
        "j": "q3",
    }
    assert out.loc["c", "reasons"] == ["12-month sales 80.00, rank 3 of 10, within the top 50% → middle"]
