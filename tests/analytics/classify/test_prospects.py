"""prospect-grade: calendar-month bounds from the as-of date, traits without a close date, closed."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from tierwise.analytics.classify.assign import classify
from tierwise.analytics.classify.policy import load_policy
from tierwise.analytics.classify.prospects import prospect_indicators
from tierwise.analytics.engine import canonical_schema

D = dt.date
# (opportunity, customer, stage, expected close, objective, subjective, resolve, feasibility, selection)
OPPORTUNITIES = [
    ("o01", "a6", "proposal", D(2025, 7, 15), None, None, None, None, None),  # 6 months to the day: A
    ("o02", "b7", "proposal", D(2025, 7, 16), None, None, None, None, None),  # one day later: B
    ("o03", "b12", "lead", D(2026, 1, 15), None, None, None, None, None),  # 12 months: B
    ("o04", "c13", "lead", D(2026, 1, 16), None, None, None, None, None),  # beyond 12 months: C
    ("o05", "past", "negotiation", D(2024, 12, 1), None, None, None, None, None),  # overdue, still open: A
    ("o06", "tA", "qualified", None, "yes", "high", "high", True, True),  # traits of an A prospect
    ("o07", "tB", "qualified", None, "yes", "mid", "low", True, False),  # traits of a B prospect
    ("o08", "tC", "lead", None, "yes", "low", "high", True, True),  # low subjective need: C
    ("o09", "done", "won", D(2025, 3, 1), None, None, None, None, None),  # only closed opportunities
    ("o10", "done", "lost", D(2025, 2, 1), None, None, None, None, None),
    ("o11", "most", "lead", D(2025, 2, 1), None, None, None, None, None),  # lead soon, but …
    ("o12", "most", "negotiation", D(2026, 6, 1), None, None, None, None, None),  # … the most advanced decides
]
EXPECTED = {
    "a6": "a",
    "b7": "b",
    "b12": "b",
    "c13": "c",
    "past": "a",
    "tA": "a",
    "tB": "b",
    "tC": "c",
    "done": "closed",
    "most": "c",
}


def opportunities_table(backend):
    """The hand opportunities on the engine under test, in the canonical schema."""
    schema = canonical_schema("opportunities").to_pyarrow()
    cols = [
        "opportunity_id",
        "customer_id",
        "stage",
        "expected_close_date",
        "objective_need",
        "subjective_need",
        "resolve",
        "feasibility_started",
        "selection_started",
    ]
    data = {c: [row[i] for row in OPPORTUNITIES] for i, c in enumerate(cols)}
    data["amount"] = [None] * len(OPPORTUNITIES)
    return backend.load("opportunities_hand", pa.table({f.name: data[f.name] for f in schema}, schema=schema))


def test_prospect_grades_at_every_bound(backend) -> None:
    prospects = prospect_indicators(opportunities_table(backend), D(2025, 1, 15))
    out = backend.execute(classify(prospects, load_policy("prospect-grade"), D(2025, 1, 15)))
    got = dict(zip(out.customer_id, out["class"]))
    assert got == EXPECTED
    reasons = {c: list(r) for c, r in zip(out.customer_id, out.reasons)}
    assert reasons["a6"] == ["months to expected close 6 ≤ 6 → A"]
    assert reasons["c13"] == ["months to expected close 13 > 12 → C"]
    assert reasons["tA"][0] == (
        "months to expected close missing and objective need yes and subjective need high "
        "and resolve high and vendor selection started → A"
    )
    assert reasons["tC"] == ["open opportunities 1 ≥ 1 and months to expected close missing → C"]
    assert reasons["done"] == ["open opportunities 0 = 0 → closed"]


def test_month_ends_clamp_like_calendars() -> None:
    import ibis

    from tierwise.analytics.classify.prospects import months_until

    days = [D(2025, 2, 28), D(2025, 3, 1), D(2025, 8, 31), D(2026, 2, 28), D(2026, 3, 1)]
    t = ibis.memtable({"d": days})
    got = t.select(m=months_until(D(2025, 1, 31), t.d)).execute()["m"].tolist()
    assert got == [1, 2, 7, 13, 14]
    got = t.select(m=months_until(D(2025, 8, 31), t.d)).execute()["m"].tolist()
    assert got == [0, 0, 0, 6, 7]


def test_the_policy_carries_the_monthly_time_allocation() -> None:
    allocation = {a.group: (a.accounts, a.days_per_month) for a in load_policy("prospect-grade").time_allocation}
    assert allocation == {"a": (8, 10), "b": (12, 4), "c": (24, 4), "new": (40, 2)}
