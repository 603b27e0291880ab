"""The decision-maker map on the store: contacts with role, attitude, influence and last contact; coverage
as of 10 March 2026 with N = 90 days; the alerts of key accounts with uncovered decision roles and of
reviews past their date."""

from __future__ import annotations

import datetime as dt

import pytest

from tierwise.accounts.contacts import PurchaseRole
from tierwise.archive.alerts import AlertKind
from tierwise.errors import RecordError
from tierwise.services.alerts import alerts
from tierwise.services.contacts import add_contact, customer_coverage, update_contact
from tierwise.services.key_accounts import assign, decide, evaluate, nominate
from tierwise.store.models import Contact

D = dt.date
R = PurchaseRole


def approve(book, customer_id: str, manager: str) -> None:
    nominate(book.context("wang"), customer_id, ["big buyer"])
    evaluate(book.context("wang"), [customer_id])
    decide(book.context(manager), customer_id, approve=True, comment="yes")


def test_coverage_names_missing_roles_unmet_supporters_and_strong_opponents(people) -> None:
    ctx = people.context("wang")
    add_contact(ctx, "C1", "张伟", purchase_role="Decision maker", attitude="supporter", influence="high",
                last_contact=D(2025, 12, 10))  # 90 days ago: still met  # fmt: skip
    add_contact(ctx, "C1", "李娜", purchase_role="user", attitude="supporter", last_contact=D(2025, 12, 9))  # 91
    add_contact(ctx, "C1", "王强", purchase_role="technical-evaluator", attitude="opponent", influence="high")
    add_contact(ctx, "C1", "赵敏", purchase_role="gatekeeper", attitude="opponent", influence="low")
    add_contact(ctx, "C1", "孙丽", purchase_role="influencer", attitude="supporter")  # never met
    found = customer_coverage(ctx, "C1")
    assert found.missing_roles == (R.BUDGET_HOLDER,)
    assert found.missing_decision_roles == (R.BUDGET_HOLDER,)
    assert [p.name for p in found.supporters_not_met] == ["李娜", "孙丽"]
    assert [p.name for p in found.high_influence_opponents] == ["王强"]
    assert customer_coverage(ctx, "C2").missing_roles == tuple(R)


def test_contacts_refuse_unknown_codes_and_changes_are_audited(people) -> None:
    ctx = people.context("wang")
    with pytest.raises(RecordError, match="attitude 'hostile' is not one of supporter, neutral, opponent"):
        add_contact(ctx, "C1", "X", attitude="hostile")
    card = add_contact(ctx, "C1", "张伟", purchase_role="budget holder")
    changed = update_contact(ctx, card.id, attitude="neutral", last_contact=D(2026, 3, 9), relationship_owner="wang")
    assert (changed.purchase_role, changed.attitude, changed.last_contact) == (
        "budget_holder",
        "neutral",
        D(2026, 3, 9),
    )
    from sqlalchemy import select

    from tierwise.store.models import AuditEntry

    with people.sessions() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.target_type == "contact")).all()
    assert [(r.action, r.actor) for r in rows] == [("contact.add", "wang"), ("contact.update", "wang")]
    assert (rows[1].before["attitude"], rows[1].after["attitude"]) == (None, "neutral")


def test_an_approved_key_account_without_a_decision_maker_or_budget_holder_raises_an_alert(people) -> None:
    approve(people, "C1", "zhao")
    approve(people, "C3", "qian")
    nominate(people.context("wang"), "C2", ["only nominated: no alert"])
    people.add(
        Contact(customer_id="C1", name="张伟", purchase_role="decision maker"),
        Contact(customer_id="C3", name="Li", purchase_role="Budget-Holder"),
        Contact(customer_id="C3", name="Wu", purchase_role="decision_maker"),
    )
    found = alerts(people.context(), kinds=[AlertKind.DECISION_ROLES_UNCOVERED])
    assert [(a.customer_id, a.params["roles"]) for a in found] == [("C1", "budget_holder")]
    assert found[0].fact().msgid.startswith("key account with no contact as")


def test_a_review_past_its_date_is_an_alert(people) -> None:
    approve(people, "C1", "zhao")
    assign(people.context("zhao"), "C1", owner="wang", team="east", review_every_days=30)  # due 9 April
    kinds = [AlertKind.KEY_ACCOUNT_REVIEW_OVERDUE]
    assert alerts(people.context(today=dt.datetime(2026, 4, 9, 9, tzinfo=dt.UTC)), kinds=kinds) == []
    (late,) = alerts(people.context(today=dt.datetime(2026, 4, 12, 9, tzinfo=dt.UTC)), kinds=kinds)
    assert (late.customer_id, late.date, late.params["days"]) == ("C1", D(2026, 4, 9), 3)
    assert alerts(people.context(today=dt.datetime(2026, 4, 12, 9, tzinfo=dt.UTC)), owner="li", kinds=kinds) == []
