"""A hand-made market of prospects in a store (the API and command-line tests'), beside the five customers of
``archive_book`` (C1, C2 wang's; C3, C4 li's; C5 nobody's; no traits: 0 → C).

The qualified-customer profile: industry 25, size 25, region 10, needs 25, budget 15, look-alike ≥ 0.5 10
points; A ≥ 70, B ≥ 40. K1 (li) and K2 (wang) are approved key accounts that bought 1,000 every 30 days from
5 January 2025 (twelve times, the last on 1 December 2025). P1 (wang) is K1's twin: 110 → A; P4 (li): 75 → A,
its budget at the bound; P3 (wang): 50 → B, never bought and no opportunity: to develop; P5 (wang): 40 → B,
at the bound; P2 (li): 0 → C.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from archive_book import Book

from tierwise.store.account_models import KeyAccount
from tierwise.store.models import Customer, Opportunity, Transaction

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
FIRMS = [  # id, owner, team, industry, region, employees, revenue
    ("K1", "li", "north", "manufacturing", "east", 500, "80000000"),
    ("K2", "wang", "east", "logistics", "north", 1200, "300000000"),
    ("P1", "wang", "east", "Manufacturing", "East", 510, "81000000"),
    ("P2", "li", "north", "retail", "south", 20, "1000000"),
    ("P3", "wang", "east", "manufacturing", "west", 5000, "2000000000"),
    ("P4", "li", "north", "logistics", "north", 150, "40000000"),
    ("P5", "wang", "east", "energy", "west", 10, "1000000"),
]
NEEDS = (("P1", "high", "600000"), ("P2", "low", "100000"), ("P4", "mid", "500000"), ("P5", "low", "500000"))


def fill_market(url: str) -> None:
    """Fill the store at ``url`` (migrated, empty) with the book's customers and the market."""
    book = Book(url)
    try:
        book.add(
            *[Customer(customer_id=c, name=f"{c} Ltd", owner=o, team=t, industry=i, region=r, employees=e,
                       annual_revenue=Decimal(v)) for c, o, t, i, r, e, v in FIRMS],
        )  # fmt: skip
        book.add(
            *[Opportunity(opportunity_id=f"O{c}", customer_id=c, stage="proposal", objective_need="yes",
                          subjective_need=s, amount=Decimal(a)) for c, s, a in NEEDS],
            *[KeyAccount(customer_id=k, status="approved", nominated_at=NOW, nominated_by="zhao", updated_at=NOW,
                         nomination_reasons=["by hand"]) for k in ("K1", "K2")],
            *[Transaction(customer_id=c, date=dt.date(2025, 1, 5) + dt.timedelta(days=30 * k),
                          amount=Decimal("1000")) for c in ("K1", "K2") for k in range(12)],
        )  # fmt: skip
    finally:
        book.engine.dispose()
