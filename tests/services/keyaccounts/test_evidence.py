"""The evidence an evaluation gathers, against hand-computed figures (today is 10 March 2026).

C1 bought 5,000 every week from 1 January 2024 for 60 weeks (last on 17 February 2025); C2 bought 4,000
every week from 1 March 2025 for 53 weeks (last on 28 February 2026); sixty other buyers make the value
models' population (``archive_book.buyers``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from archive_book import buyers, value_fit_warnings

from tierwise.services.customer_values import value_facts
from tierwise.services.key_accounts import evaluate, nominate
from tierwise.store.models import Complaint, Receivable, Survey

D = dt.date


@pytest.fixture
def evaluated(people):
    buyers(people)  # also saves a key-account run as of 28 February 2026: C1 key, C2 key, C3 regular
    people.save_run("key-account", D(2025, 12, 31), {"C1": "key", "C2": "regular"})
    people.add(
        Complaint(customer_id="C1", date=D(2025, 12, 1), complaint_id="K1", status="open"),
        Complaint(customer_id="C1", date=D(2026, 2, 1), complaint_id="K2", status="resolved"),
        Complaint(customer_id="C1", date=D(2024, 12, 1), complaint_id="K0", status="closed"),  # over a year ago
        Survey(customer_id="C1", date=D(2025, 1, 1), nps=3),  # over a year ago
        Survey(customer_id="C1", date=D(2025, 6, 1), nps=9),
        Survey(customer_id="C1", date=D(2026, 1, 10), nps=7),
        Receivable(
            invoice_id="I1", customer_id="C2", invoice_date=D(2026, 1, 1), due_date=D(2026, 1, 31), amount=Decimal(1000)
        ),
    )
    for cid in ("C1", "C2"):
        nominate(people.context("wang"), cid, ["weekly buyer"])
    ctx = people.context("wang")
    with value_fit_warnings():
        return {v.customer_id: v.evidence for v in evaluate(ctx, ["C1", "C2"])}, ctx


def test_indicators_and_credit_as_of_today(evaluated) -> None:
    evidence, _ = evaluated
    c1, c2 = evidence["C1"]["indicators"], evidence["C2"]["indicators"]
    assert c1["sales_12m"] == 0  # nothing since 17 February 2025
    assert c1["recency_days"] == 386  # 17 February 2025 → 10 March 2026
    assert c2["sales_12m"] == 51 * 4000  # 15 March 2025 … 28 February 2026: the window starts 11 March 2025
    assert evidence["C2"]["credit"]["overdue_amount"] == 1000
    assert evidence["C2"]["credit"]["max_days_overdue"] == 38  # due 31 January


def test_class_history_complaints_and_nps(evaluated) -> None:
    evidence, _ = evaluated
    c1 = evidence["C1"]
    assert [(c["as_of"], c["class"]) for c in c1["classes"]] == [("2025-12-31", "key"), ("2026-02-28", "key")]
    assert c1["complaints"] == {"last_12m": 2, "open": 1}
    assert c1["nps"] == {"answers_12m": 2, "average_12m": 8.0, "last": 7, "last_date": "2026-01-10"}
    assert evidence["C2"]["complaints"] == {"last_12m": 0, "open": 0}
    assert evidence["C2"]["nps"]["answers_12m"] == 0


def test_value_facts_are_the_value_models(evaluated) -> None:
    evidence, ctx = evaluated
    with value_fit_warnings():
        facts = {r["customer_id"]: r for r in value_facts(ctx, D(2026, 3, 10)).to_pylist()}
    for cid in ("C1", "C2"):
        assert evidence[cid]["value"]["p_alive"] == pytest.approx(facts[cid]["p_alive"])
        assert evidence[cid]["value"]["clv_12m"] == pytest.approx(facts[cid]["clv_12m"])
    assert evidence["C1"]["value"]["p_alive"] < 0.5 < evidence["C2"]["value"]["p_alive"]
