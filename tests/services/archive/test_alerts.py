"""Each alert fires past its bound and not at it, and clears as its text says; today is 10 March 2026.

Bounds (the settings' defaults): a complaint open more than 14 days, an invoice unpaid more than 30 days
past due, a CSAT drop of 1 or an NPS drop of 2, P(alive) under 0.5.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from archive_book import buyers, value_fit_warnings

from tierwise.archive.alerts import AlertKind
from tierwise.i18n import translate
from tierwise.services.alerts import alerts
from tierwise.services.customer_values import value_facts
from tierwise.store.models import Complaint, Receivable, Survey, Visit

D = dt.date
K = AlertKind


@pytest.fixture
def alerting(book, ctx):
    book.save_run("key-account", D(2026, 1, 31), {"C1": "key", "C2": "key", "C3": "regular", "C4": "key"})
    book.save_run("key-account", D(2026, 2, 28), {"C1": "regular", "C2": "key", "C3": "key", "C4": "regular"})
    book.add(
        # C1's visit is before the run that downgraded it; C4's is on its date (that clears it)
        Visit(customer_id="C1", date=D(2026, 2, 27)),
        Visit(customer_id="C4", date=D(2026, 2, 28)),
        Visit(customer_id="C2", date=D(2026, 3, 1), next_visit_date=D(2026, 3, 9)),  # passed yesterday
        Visit(customer_id="C3", date=D(2026, 3, 2), next_visit_date=D(2026, 3, 10)),  # today: not passed
        Visit(customer_id="C5", date=D(2026, 2, 1), next_visit_date=D(2026, 2, 15)),
        Visit(customer_id="C5", date=D(2026, 3, 3)),  # the latest card sets no next date
        Complaint(customer_id="C1", date=D(2026, 2, 24), complaint_id="K-14", status="open"),  # 14 days
        Complaint(customer_id="C2", date=D(2026, 2, 23), complaint_id="K-15", status="in progress", category="交付"),
        Complaint(customer_id="C3", date=D(2026, 1, 1), complaint_id="K-old", status="resolved"),
        Complaint(customer_id="C4", date=D(2026, 1, 1), complaint_id="K-imp"),  # imported without a status
        Survey(customer_id="C1", date=D(2026, 1, 10), csat=5, nps=9),
        Survey(customer_id="C1", date=D(2026, 3, 1), csat=4, nps=9),  # CSAT −1
        Survey(customer_id="C2", date=D(2026, 1, 10), csat=4, nps=9),
        Survey(customer_id="C2", date=D(2026, 3, 1), csat=4, nps=8),  # NPS −1: under the bound
        Survey(customer_id="C3", date=D(2026, 1, 10), csat=4, nps=9),
        Survey(customer_id="C3", date=D(2026, 3, 1), csat=4, nps=7),  # NPS −2, but visited on 2 March
        Survey(customer_id="C4", date=D(2026, 2, 1), csat=3, nps=5),
        Survey(customer_id="C4", date=D(2026, 3, 5), csat=3, nps=3),  # NPS −2
        inv("I1", "C1", D(2026, 2, 8), "1000"),  # 30 days past due
        inv("I2", "C2", D(2026, 2, 7), "1000", D(2026, 2, 1), "400"),  # 31 days, 600 unpaid
        inv("I3", "C3", D(2026, 1, 1), "800", D(2026, 3, 1)),  # paid in full
        inv("I4", "C4", D(2026, 1, 1), "500", D(2026, 3, 20)),  # a payment dated after today is not yet paid
    )
    return ctx


def inv(
    invoice: str, customer: str, due: dt.date, amount: str, paid: dt.date | None = None, paid_amount: str | None = None
):
    return Receivable(
        invoice_id=invoice,
        customer_id=customer,
        invoice_date=due - dt.timedelta(days=30),
        due_date=due,
        amount=Decimal(amount),
        paid_date=paid,
        paid_amount=None if paid_amount is None else Decimal(paid_amount),
    )


def summary(found) -> list[tuple]:
    return [(a.kind.value, a.customer_id, a.date) for a in found]


def test_each_alert_fires_past_its_bound_only(alerting) -> None:
    found = alerts(alerting, kinds=[k for k in AlertKind if k is not K.HIGH_VALUE_AT_RISK])
    assert summary(found) == [
        ("key_account_downgraded", "C1", D(2026, 2, 28)),
        ("complaint_open", "C4", D(2026, 1, 1)),
        ("complaint_open", "C2", D(2026, 2, 23)),
        ("visit_overdue", "C2", D(2026, 3, 9)),
        ("survey_dropped", "C1", D(2026, 3, 1)),
        ("survey_dropped", "C4", D(2026, 3, 5)),
        ("receivable_overdue", "C4", D(2026, 1, 1)),
        ("receivable_overdue", "C2", D(2026, 2, 7)),
    ]


def test_each_alert_names_the_customer_the_fact_and_how_to_clear_it(alerting) -> None:
    found = {
        (a.kind, a.customer_id): a
        for a in alerts(alerting, kinds=[k for k in AlertKind if k is not K.HIGH_VALUE_AT_RISK])
    }
    texts = {key: (a.customer_name, translate(a.fact(), "en"), translate(a.clear(), "en")) for key, a in found.items()}
    assert texts[(K.KEY_ACCOUNT_DOWNGRADED, "C1")] == (
        "华东机电有限公司",
        "key-account: key → regular in the run as of 2026-02-28 (previous run as of 2026-01-31)",
        "review the account with the customer and record the visit (tierwise visit add) on or after 2026-02-28",
    )
    assert texts[(K.COMPLAINT_OPEN, "C2")][1:] == (
        "complaint K-15 (交付) in progress since 2026-02-23: 15 days, more than 14",
        "resolve it: tierwise complaint status K-15 resolved",
    )
    assert texts[(K.VISIT_OVERDUE, "C2")][1] == (
        "next visit was planned for 2026-03-09 (visit of 2026-03-01), 1 days ago, and no visit since"
    )
    assert (
        texts[(K.SURVEY_DROPPED, "C4")][1]
        == "survey of 2026-03-05 scored CSAT 3, NPS 3 after CSAT 3, NPS 5 on 2026-02-01"
    )
    assert texts[(K.RECEIVABLE_OVERDUE, "C2")][1] == (
        "invoice I2 due 2026-02-07 has 600.00 unpaid, 31 days overdue (more than 30)"
    )
    zh = translate(found[(K.RECEIVABLE_OVERDUE, "C2")].fact(), "zh")
    assert zh == "发票 I2 到期日 2026-02-07，未付 600.00，已逾期 31 天（超过 30 天）"


def test_one_managers_alerts(alerting) -> None:
    found = alerts(alerting, owner="li", kinds=[k for k in AlertKind if k is not K.HIGH_VALUE_AT_RISK])
    assert {a.customer_id for a in found} == {"C4"}
    assert all(a.owner == "li" for a in found)


def test_bounds_come_from_the_settings(book, alerting) -> None:
    strict = book.context(alert_complaint_open_days=13, alert_receivable_overdue_days=29, alert_nps_drop=1)
    found = summary(alerts(strict, kinds=[K.COMPLAINT_OPEN, K.RECEIVABLE_OVERDUE, K.SURVEY_DROPPED]))
    assert ("complaint_open", "C1", D(2026, 2, 24)) in found  # 14 days > 13
    assert ("receivable_overdue", "C1", D(2026, 2, 8)) in found  # 30 days > 29
    assert ("survey_dropped", "C2", D(2026, 3, 1)) in found  # NPS −1 ≥ 1


def test_the_alerts_clear_as_they_say(book, alerting) -> None:
    from tierwise.services.complaints import change_status
    from tierwise.services.visits import add_visit

    add_visit(alerting, "C1", D(2026, 3, 10))  # after the downgrade and after the survey
    add_visit(alerting, "C2", D(2026, 3, 10))  # the planned visit, late
    change_status(alerting, "K-15", "resolved")
    left = summary(
        alerts(alerting, kinds=[K.KEY_ACCOUNT_DOWNGRADED, K.VISIT_OVERDUE, K.SURVEY_DROPPED, K.COMPLAINT_OPEN])
    )
    assert left == [("complaint_open", "C4", D(2026, 1, 1)), ("survey_dropped", "C4", D(2026, 3, 5))]


def test_a_high_value_customer_at_risk_fires_under_the_bound_only(book, ctx) -> None:
    buyers(book)
    with value_fit_warnings():
        check_at_risk_bound(book, ctx)


def check_at_risk_bound(book, ctx) -> None:
    facts = {r["customer_id"]: r["p_alive"] for r in value_facts(ctx, ctx.now().date()).to_pylist()}
    assert facts["C1"] < 0.5 < facts["C2"]
    at_risk = summary(alerts(ctx, kinds=[K.HIGH_VALUE_AT_RISK]))
    assert at_risk == [("high_value_at_risk", "C1", D(2026, 3, 10))]
    # the bound is exclusive: P(alive) equal to it does not fire, the next float above it does
    at_bound = book.context(alert_p_alive_below=facts["C1"])
    assert alerts(at_bound, kinds=[K.HIGH_VALUE_AT_RISK]) == []
    above = book.context(alert_p_alive_below=math.nextafter(facts["C1"], 1.0))
    [alert] = alerts(above, kinds=[K.HIGH_VALUE_AT_RISK])
    assert translate(alert.fact(), "en").startswith("key-account class key, P(alive) ")
