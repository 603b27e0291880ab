"""The whole customer card, and edited policies checked, previewed on the store and saved as new versions."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from tierwise.analytics.classify.policy import policy_text
from tierwise.errors import PermissionDeniedError, PolicyError
from tierwise.security.permissions import Actor
from tierwise.services.customer_card import customer_card
from tierwise.services.policy_versions import check_policy, policy_in_force, preview_policy, save_policy_version
from tierwise.store.models import AuditEntry, Opportunity, Survey, Transaction

D = dt.date
CHEN = Actor("chen", "analyst")


def edited(version: str, vip_bound: str | None = None) -> str:
    """china-post's text with another version (and another VIP bound)."""
    text, _ = policy_text("china-post")
    text = re.sub(r"(?m)^version: .*$", f"version: {version}", text, count=1)
    if vip_bound is not None:
        text = re.sub(r"(at_least: )10000\b", rf"\g<1>{vip_bound}", text, count=1)
    return text


def test_the_card_holds_indicators_history_surveys_and_opportunities(book, ctx) -> None:
    book.save_run("china-post", D(2026, 1, 31), {"C1": "gold"})
    book.save_run("prospect-grade", D(2026, 2, 28), {"C1": "a"})
    book.add(
        Transaction(customer_id="C1", date=D(2025, 6, 1), amount=Decimal("3000")),
        Transaction(customer_id="C1", date=D(2026, 3, 1), amount=Decimal("2000")),
        Survey(customer_id="C1", date=D(2026, 2, 1), csat=4, nps=9),
        Opportunity(opportunity_id="O1", customer_id="C1", stage="proposal", amount=Decimal("50000")),
    )
    card = customer_card(ctx, "C1", lang="zh", with_value=False)
    values = {i.name: (i.label, i.value) for i in card.indicators}
    assert values["sales_12m"] == ("近12个月销售额", 5000.0)
    assert values["last_purchase"][1] == "2026-03-01"
    assert "sales_rank" not in values  # a rank among one customer's rows says nothing
    assert [(h.policy, h.class_) for h in card.history] == [("china-post", "gold"), ("prospect-grade", "a")]
    assert [(s.csat, s.nps) for s in card.surveys] == [(4, 9)]
    assert [(o.opportunity_id, o.stage) for o in card.opportunities] == [("O1", "proposal")]
    assert card.prospect_grade is not None and card.prospect_grade.code == "a"


def test_an_edited_policy_is_checked_and_saved_once_per_version(book, ctx) -> None:
    chen = replace(ctx, actor=CHEN)
    with pytest.raises(PermissionDeniedError, match="the account_manager role may not do policies.write"):
        check_policy(replace(ctx, actor=Actor("wang", "account_manager")), edited("2"))
    with pytest.raises(PolicyError, match="version"):
        check_policy(chen, edited("2.5"))  # a YAML number with a fraction is no version
    saved = save_policy_version(chen, "china-post", edited("2"))
    assert (saved.version, saved.created_by) == ("2", "chen")
    assert save_policy_version(chen, "china-post", edited("2")).id == saved.id  # the same text again
    with pytest.raises(PolicyError, match="version 2 of policy 'china-post' is already saved with other rules"):
        save_policy_version(chen, "china-post", edited("2", vip_bound="20000"))
    with pytest.raises(PolicyError, match="named 'china-post', not 'abc'"):
        save_policy_version(chen, "abc", edited("3"))
    assert str(policy_in_force(chen, "china-post")[1].version) == "2"
    with book.sessions() as session:
        audit = session.execute(select(AuditEntry.action, AuditEntry.actor).where(AuditEntry.action == "policy.save"))
        assert audit.all() == [("policy.save", "chen")]


def test_the_preview_says_who_would_move_and_the_classes_before_and_after(book, ctx) -> None:
    book.add(
        Transaction(customer_id="C1", date=D(2026, 3, 1), amount=Decimal("15000")),  # VIP under both
        Transaction(customer_id="C2", date=D(2026, 3, 1), amount=Decimal("12000")),  # VIP, then not
        Transaction(customer_id="C3", date=D(2026, 3, 1), amount=Decimal("500")),
    )
    found = preview_policy(replace(ctx, actor=CHEN), "china-post", edited("2", vip_bound="13000"))
    assert (found.current_version, found.edited_version, found.moved) == ("1", "2", 1)
    assert found.movers.column("customer_id").to_pylist() == ["C2"]
    before = {c.code: (c.customers, c.sales) for c in found.before}
    after = {c.code: (c.customers, c.sales) for c in found.after}
    assert before["vip"] == (2, 27000.0) and after["vip"] == (1, 15000.0)
