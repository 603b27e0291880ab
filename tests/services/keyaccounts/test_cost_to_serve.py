"""Cost-to-serve on a hand-made store (SQLite, then PostgreSQL) as of 31 March 2026: the last two complete
quarters are Q4 2025 and Q1 2026. Costs: 100 a visit, 200 a complaint, 10 an order; 10 % discount on the
promo channel, none elsewhere; money at 3.65 % a year (0.01 % a day).

Per customer, Q4 | Q1 profit after cost-to-serve:
- C1: 2 rows of one order, profit 250 each, 6 visits: 500 − 10 − 600 = −110 | profit 300, 4 visits: −110
- C2: profit 100, 2 visits: −110 | profit 1,000, 1 visit: 890 → not two losses
- C3: 30 orders of profit 5, no ids: 150 − 300 = −150 | 20 orders and one complaint: 100 − 200 − 200 = −300
- C4: profit 1,000, an invoice of 100,000 unpaid for 181 days: 1,000 − 10 − 1,810 = −820
      | profit 200, 50,000 paid after 50 days: 200 − 10 − 250 = −60
- C5: −90 | profit 10, one order: exactly 0 → not a loss
- C6: promo sales 1,000 with profit 50: 50 − 100 − 10 = −60 | the same: −60
- C7: profit −50: −60 | profit −20: −30
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from tierwise.accounts.service_cost import Action
from tierwise.analytics.cost_policy import CostPolicy
from tierwise.errors import PermissionDeniedError, RecordError
from tierwise.i18n import translate
from tierwise.services.cost_to_serve import cost_review, decide_service_cost
from tierwise.store.account_models import ServiceCostDecision
from tierwise.store.models import AuditEntry, Complaint, Customer, Receivable, Transaction, Visit

D = dt.date
AS_OF = D(2026, 3, 31)
POLICY = CostPolicy.model_validate(
    {
        "name": "hand",
        "period": "quarter",
        "costs": {"per_visit": 100, "per_complaint": 200, "per_order": 10},
        "discounts": {"default": 0, "by_channel": {"promo": 0.1}},
        "financing": {"annual_rate": 0.0365},
        "review": {"loss_periods": 2},
    }
)
Q4, Q1 = D(2025, 11, 15), D(2026, 2, 15)


def tx(cid: str, day: dt.date, profit: str, amount: str = "1000", tid: str | None = None, channel=None):
    return Transaction(customer_id=cid, date=day, amount=Decimal(amount), profit=Decimal(profit),
                       transaction_id=tid, channel=channel)  # fmt: skip


@pytest.fixture
def costly(people):
    rows = [Customer(customer_id=c, name=c, owner="wang", team="east") for c in ("C6", "C7")]
    rows += [tx("C1", Q4, "250", tid="T1"), tx("C1", Q4, "250", tid="T1"), tx("C1", Q1, "300", tid="T2")]
    rows += [Visit(customer_id="C1", date=Q4) for _ in range(6)] + [Visit(customer_id="C1", date=Q1) for _ in range(4)]
    rows += [tx("C2", Q4, "100"), tx("C2", Q1, "1000")]
    rows += [Visit(customer_id="C2", date=Q4) for _ in range(2)] + [Visit(customer_id="C2", date=Q1)]
    rows += [tx("C3", Q4, "5") for _ in range(30)] + [tx("C3", Q1, "5") for _ in range(20)]
    rows += [Complaint(customer_id="C3", date=Q1, complaint_id="K1")]
    rows += [tx("C4", Q4, "1000", amount="10000"), tx("C4", Q1, "200")]
    rows += [
        Receivable(invoice_id="I1", customer_id="C4", invoice_date=D(2025, 10, 1), due_date=D(2025, 10, 31),
                   amount=Decimal(100000)),  # unpaid: 1 October 2025 → 31 March 2026 is 181 days
        Receivable(invoice_id="I2", customer_id="C4", invoice_date=D(2026, 1, 10), due_date=D(2026, 2, 9),
                   amount=Decimal(50000), paid_date=D(2026, 3, 1), paid_amount=Decimal(50000)),  # 50 days
    ]  # fmt: skip
    rows += [tx("C5", Q4, "-80"), tx("C5", Q1, "10")]
    rows += [tx("C6", Q4, "50", channel="promo"), tx("C6", Q1, "50", channel="promo")]
    rows += [tx("C7", Q4, "-50"), tx("C7", Q1, "-20")]
    rows += [tx("C7", D(2025, 9, 30), "-500")]  # Q3: outside the two quarters looked at
    people.add(*rows)
    return people


def test_the_review_list_holds_exactly_the_customers_negative_in_both_quarters(costly) -> None:
    review = cost_review(costly.context(), costly.url, as_of=AS_OF, policy=POLICY)
    assert review.periods == (D(2025, 10, 1), D(2026, 1, 1))
    assert [(e.customer_id, e.profit_after_cost, e.suggested) for e in review.entries] == [
        ("C4", -880.0, Action.RENEGOTIATE),  # financing 1,810 + 250 is the largest cost
        ("C3", -450.0, Action.SELF_SERVICE),  # 50 orders (500) and a complaint (200)
        ("C1", -220.0, Action.REDUCE_SERVICE),  # 10 visits (1,000)
        ("C6", -120.0, Action.RENEGOTIATE),  # discounts 200
        ("C7", -90.0, Action.EXIT),  # no gross profit at all
    ]
    c4 = review.entries[0]
    assert c4.parts == {
        "gross_profit": 1200.0, "discounts": 0.0, "visit_cost": 0.0, "order_cost": 20.0, "complaint_cost": 0.0,
        "financing_cost": 2060.0,
    }  # fmt: skip
    assert [translate(r, "en") for r in c4.reasons] == [
        "gross profit 1,200.00", "2 orders cost 20.00", "payment delay costs 2,060.00 in financing"
    ]  # fmt: skip


def test_every_customers_profit_before_and_after_the_cost_to_serve_is_summed_over_both_quarters(costly) -> None:
    review = cost_review(costly.context(), costly.url, as_of=AS_OF, policy=POLICY)
    summed = {r["customer_id"]: (r["gross_profit"], r["profit_after_cost"]) for r in review.profits.to_pylist()}
    assert summed == {
        "C1": (800.0, -220.0), "C2": (1100.0, 780.0), "C3": (250.0, -450.0), "C4": (1200.0, -880.0),
        "C5": (-70.0, -90.0), "C6": (100.0, -120.0), "C7": (-70.0, -90.0),
    }  # fmt: skip


def test_the_whale_curve_is_redrawn_on_profit_after_the_cost_to_serve_of_the_people_one_sees(costly) -> None:
    import dataclasses

    import numpy as np

    from tierwise.security.permissions import Actor
    from tierwise.services.key_account_queues import visible_cost_review
    from tierwise.services.run_summaries import concentration_curve

    everyone = costly.context()
    wang = dataclasses.replace(everyone, actor=Actor("wang", "account_manager", frozenset({"east"})))
    rows = cost_review(everyone, costly.url, as_of=AS_OF).profits.to_pylist()  # the shipped policy, as the page
    for ctx, seen in ((everyone, {r["customer_id"] for r in rows}), (wang, {"C1", "C2", "C6", "C7"})):
        found = visible_cost_review(ctx, as_of=AS_OF)
        mine = [r for r in rows if r["customer_id"] in seen]
        for curve, column in ((found.whale_gross, "gross_profit"), (found.whale_after_cost, "profit_after_cost")):
            assert curve == concentration_curve(np.array([r[column] for r in mine], dtype=float))
        assert found.whale_gross and found.whale_gross[-1] == [1.0, 1.0]
    assert len(rows) == 7


def test_one_quarter_back_only_counts_q1(costly) -> None:
    review = cost_review(costly.context(), costly.url, as_of=AS_OF, policy=POLICY, loss_periods=1)
    assert [e.customer_id for e in review.entries] == ["C3", "C1", "C4", "C6", "C7"]
    assert cost_review(costly.context(), costly.url, as_of=D(2026, 3, 30), policy=POLICY).periods == (
        D(2025, 7, 1), D(2025, 10, 1)
    )  # fmt: skip


def test_a_managers_decision_is_recorded_and_audited(costly) -> None:
    entry = cost_review(costly.context(), costly.url, as_of=AS_OF, policy=POLICY).entries[2]  # C1, team east
    with pytest.raises(PermissionDeniedError, match=r"wang \(account_manager\) may not decide"):
        decide_service_cost(costly.context("wang"), entry, "reduce_service_level", "fewer visits")
    with pytest.raises(PermissionDeniedError, match="qian manages team north"):
        decide_service_cost(costly.context("qian"), entry, "reduce_service_level", "fewer visits")
    with pytest.raises(RecordError, match="needs a comment"):
        decide_service_cost(costly.context("zhao"), entry, "exit", "")
    decide_service_cost(costly.context("zhao"), entry, Action.SELF_SERVICE, "orders through the web shop")
    with costly.sessions() as session:
        (row,) = session.scalars(select(ServiceCostDecision)).all()
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "service_cost.decide")).one()
    assert (row.customer_id, row.action, row.decided_by, row.loss_periods, row.period_end) == (
        "C1", "self_service_channel", "zhao", 2, D(2026, 1, 1)
    )  # fmt: skip
    assert (audit.actor, audit.after["suggested"], audit.after["action"]) == (
        "zhao", "reduce_service_level", "self_service_channel"
    )  # fmt: skip


def test_the_cost_commands_on_the_store(costly) -> None:
    import json

    from typer.testing import CliRunner

    from tierwise.cli import app

    run = CliRunner().invoke
    done = run(app, ["cost", "review", costly.url, "--as-of", "2026-03-31", "--json"])
    assert done.exit_code == 0, done.output
    shipped = json.loads(done.output)  # the shipped policy: 600 a visit, 80 an order, 2 % discount
    assert shipped["policy"] == "cost-to-serve" and shipped["periods"] == ["2025-10-01", "2026-01-01"]
    assert "C1" in [e["customer_id"] for e in shipped["entries"]]
    done = run(app, ["cost", "decide", "C1", "exit", "--comment", "no margin left", "--as-of", "2026-03-31",
                     "--db", costly.url, "--as", "zhao"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert done.output.strip() == "customer C1: exit, decision recorded"
