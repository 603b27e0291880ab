"""The API tests' book: customers of two account managers in a store, runs, cards, and a user per role.

C1, C2 are wang's (team east); C3, C4 li's (team north); C5 nobody's. C1 has a phone, e-mail and id
number. Two runs of china-post (31 January, 28 February 2026) move C1 down and C3 down; each of C1 and
C3 has an open complaint, a visit whose next date has passed, a survey and a contact; C1 and C3 bought.
The users: wang and li (account managers), zhao (manager of team north), chen (analyst), root (admin),
desk (lobby), and spare (an account manager the administrator's calls change).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from archive_book import Book
from sqlalchemy import select

from tierwise.security.pii import Keyring
from tierwise.store.models import Complaint, Contact, Customer, Survey, Transaction, Visit
from tierwise.store.sealed import context, hash_column

D = dt.date
USERS = {
    "wang": ("account_manager", ("east",)),
    "li": ("account_manager", ("north",)),
    "zhao": ("manager", ("north",)),
    "chen": ("analyst", ()),
    "root": ("admin", ()),
    "desk": ("lobby", ()),
    "spare": ("account_manager", ("east",)),  # the user an administrator changes
}
ROLE_USER = {"account_manager": "wang", "manager": "zhao", "analyst": "chen", "admin": "root", "lobby": "desk"}
PHONE, EMAIL, ID_NUMBER = "13812345678", "zhang@example.com", "110101199001011234"


@dataclass
class Filled:
    """Ids of what the book holds: per customer its visit, survey and contact; the two runs."""

    runs: tuple[int, int]
    visit: dict[str, int] = field(default_factory=dict)
    survey: dict[str, int] = field(default_factory=dict)
    contact: dict[str, int] = field(default_factory=dict)


def fill(url: str, keyring: Keyring) -> Filled:
    """Fill the store at ``url`` (already migrated) with the book; C1's personal data sealed with ``keyring``
    (the app's), as an import seals it."""
    book = Book(url)
    try:
        with book.sessions.begin() as session:
            c1 = session.get(Customer, "C1")
            for name, value in (("phone", PHONE), ("email", EMAIL), ("id_number", ID_NUMBER)):
                setattr(c1, name, keyring.encrypt(value, context=context("customers", name, "C1")))
                setattr(c1, hash_column(name), keyring.search_hash(name, value))
        first = book.save_run(
            "china-post", D(2026, 1, 31), {"C1": "gold", "C2": "vip", "C3": "diamond", "C4": "vip", "C5": "vip"}
        )
        second = book.save_run(
            "china-post", D(2026, 2, 28), {"C1": "vip", "C2": "vip", "C3": "gold", "C4": "gold", "C5": "vip"}
        )
        rows = []
        for cid in ("C1", "C3"):
            rows += [
                Complaint(customer_id=cid, date=D(2026, 1, 2), complaint_id=f"K-{cid}", status="open"),
                Visit(customer_id=cid, date=D(2026, 3, 1), next_visit_date=D(2026, 3, 5)),
                Survey(customer_id=cid, date=D(2026, 1, 5), csat=4, nps=8),
                Contact(customer_id=cid, name=f"buyer of {cid}", purchase_role="decision_maker"),
            ]
            rows += [
                Transaction(customer_id=cid, date=D(2025, 3, 1) + dt.timedelta(days=30 * k), amount=Decimal("6000"))
                for k in range(12)
            ]
        book.add(*rows)
        filled = Filled((first, second))
        with book.sessions() as session:
            for name, model in (("visit", Visit), ("survey", Survey), ("contact", Contact)):
                for cid, rid in session.execute(select(model.customer_id, model.id)):
                    getattr(filled, name)[cid] = rid
        return filled
    finally:
        book.engine.dispose()
