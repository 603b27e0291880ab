"""The profile card assembled from the store: record, contacts, latest classes, credit by hand, value facts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from archive_book import buyers

from tierwise.errors import RecordError
from tierwise.services.cards import Credit, profile_card
from tierwise.services.complaints import add_complaint
from tierwise.services.visits import add_visit
from tierwise.store.models import Contact, Customer, Receivable

D = dt.date


@pytest.fixture
def carded(book, ctx):
    book.add(
        Contact(customer_id="C1", name="张伟", title="采购总监", purchase_role="decision maker", attitude="supportive"),
        Contact(customer_id="C1", name="Li Na", title="engineer", purchase_role="user", attitude="neutral"),
        # 20 days to pay 1,000 in full
        Receivable(invoice_id="A", customer_id="C1", invoice_date=D(2026, 1, 1), due_date=D(2026, 1, 31),
                   amount=Decimal("1000"), paid_date=D(2026, 1, 21)),
        # 29 days to pay 500 of 2,000; 1,500 overdue since 3 March (7 days)
        Receivable(invoice_id="B", customer_id="C1", invoice_date=D(2026, 2, 1), due_date=D(2026, 3, 3),
                   amount=Decimal("2000"), paid_date=D(2026, 3, 2), paid_amount=Decimal("500")),
        # not yet due
        Receivable(invoice_id="C", customer_id="C1", invoice_date=D(2026, 3, 1), due_date=D(2026, 3, 31),
                   amount=Decimal("300")),
    )  # fmt: skip
    book.save_run("china-post", D(2026, 1, 31), {"C1": "gold"})
    book.save_run("china-post", D(2026, 2, 28), {"C1": "platinum"}, scores={"C1": 1_200_000.0})
    book.save_run("key-account", D(2026, 2, 28), {"C1": "key", "C2": "regular"})
    add_visit(ctx, "C1", D(2026, 3, 2), content="季度回顾")
    add_complaint(ctx, "C1", D(2026, 3, 3), description="发票延迟")
    return ctx


def test_the_card_holds_record_contacts_latest_classes_and_cards(book, carded) -> None:
    card = profile_card(carded, "C1", with_value=False)
    assert (card.record.name, card.record.owner, card.record.team) == ("华东机电有限公司", "wang", "east")
    assert [(p.name, p.purchase_role, p.attitude) for p in card.contacts] == [
        ("张伟", "decision maker", "supportive"),
        ("Li Na", "user", "neutral"),
    ]
    assert [(c.policy, c.code, c.as_of, c.score, c.reasons) for c in card.classes] == [
        ("china-post", "platinum", D(2026, 2, 28), 1_200_000.0, ("china-post gave platinum",)),
        ("key-account", "key", D(2026, 2, 28), None, ("key-account gave key",)),
    ]
    assert [v.content for v in card.visits] == ["季度回顾"]
    assert [(c.description, c.status) for c in card.complaints] == [("发票延迟", "open")]
    assert card.value is None


def test_credit_by_hand(carded) -> None:
    # collection: (1,000 × 20 + 500 × 29) / 1,500 = 23 days; overdue 1,500 for 7 days; open 1,500 + 300
    assert profile_card(carded, "C1", with_value=False).credit == Credit(D(2026, 3, 10), 3, 23.0, 1500.0, 7, 1800.0)
    assert profile_card(carded, "C2", with_value=False).credit is None


@pytest.mark.filterwarnings("ignore:frequency and monetary value are correlated")  # a small seeded book
def test_value_facts_come_from_the_value_models(book, ctx) -> None:
    buyers(book)
    card = profile_card(ctx, "C2")
    assert card.value is not None and card.value.as_of == D(2026, 3, 10)
    assert 0.5 < card.value.p_alive <= 1 and card.value.clv_12m > 0
    assert profile_card(ctx, "C3").value is None  # no purchases


def test_an_unknown_customer_and_masked_personal_data(book, ctx) -> None:
    with pytest.raises(RecordError, match="unknown customer C9"):
        profile_card(ctx, "C9")
    book.add(Customer(customer_id="P1", name="Zhang San", phone="13812345678", email="zhang@example.com"))
    record = profile_card(ctx, "P1", with_value=False).record
    assert (record.phone, record.email) == ("138****5678", "z***@example.com")
