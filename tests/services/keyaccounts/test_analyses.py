"""The analyses page's service on a hand-made store, per class of a saved ABC run as of 1 March 2026 and
per owner, for the system and for the account manager wang (who sees C1 and C2 only):

- C1 (wang, A): 1 Oct 2025 paper, 5 Jan 2026 ink — repeat, cohort 2025Q4;
- C2 (wang, B): 10 Jan paper;
- C3 (li, A): 1 Nov 2025 paper, 1 Dec 2025 ink, 1 Feb 2026 toner — repeat, cohort 2025Q4;
- C4 (li, B): 15 Feb ink;
- C5 (no owner, B): 20 Feb paper. Each purchase is 100.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tierwise.analytics.promotions import PromotionWindow
from tierwise.security.permissions import Actor
from tierwise.services.analyses import segment_analyses
from tierwise.services.context import ServiceContext
from tierwise.store.models import Transaction

D = dt.date
BOUGHT = [
    ("C1", D(2025, 10, 1), "paper"), ("C1", D(2026, 1, 5), "ink"), ("C2", D(2026, 1, 10), "paper"),
    ("C3", D(2025, 11, 1), "paper"), ("C3", D(2025, 12, 1), "ink"), ("C3", D(2026, 2, 1), "toner"),
    ("C4", D(2026, 2, 15), "ink"), ("C5", D(2026, 2, 20), "paper"),
]  # fmt: skip
pytestmark = pytest.mark.filterwarnings("ignore::tierwise.errors.ModelWarning")  # five customers fit badly


@pytest.fixture
def sold(people):
    people.add(*[Transaction(customer_id=c, date=d, amount=Decimal(100), category=k) for c, d, k in BOUGHT])
    people.save_run("abc", D(2026, 3, 1), {"C1": "A", "C2": "B", "C3": "A", "C4": "B", "C5": "B"})
    return people


def as_wang(book) -> ServiceContext:
    ctx = book.context()
    return ServiceContext(settings=ctx.settings, actor=Actor("wang", "account_manager", frozenset({"east"})),
                          clock=ctx.clock, sessions=ctx.sessions)  # fmt: skip


def test_per_class_the_repeat_rate_cohorts_and_gaps_of_every_customer(sold) -> None:
    found = segment_analyses(sold.context(), policy="abc")
    assert found.as_of == D(2026, 3, 1)  # the run's date
    assert [(s.code, s.customers, s.repeat_customers, s.repeat_rate, s.sales) for s in found.segments] == [
        ("A", 2, 2, 1.0, 500.0),  # C1 and C3
        ("B", 3, 0, 0.0, 300.0),
    ]
    together = [(c.cohort, c.customers, c.retention) for c in found.cohorts if c.segment is None]
    assert together == [(D(2025, 10, 1), 2, (1.0, 1.0)), (D(2026, 1, 1), 3, (1.0,))]
    assert [(g.customer_id, g.category, g.peer_share) for g in found.gaps] == [
        ("C1", "toner", 1.0),  # C3, its one peer in A
        ("C4", "paper", 1.0),  # C2 and C5
        ("C2", "ink", 0.5),  # C4 of C4, C5
        ("C5", "ink", 0.5),
    ]
    assert found.gaps[0].name == "华东机电有限公司"


def test_promotion_response_against_the_customers_baselines(sold) -> None:
    february = PromotionWindow(name="February", start=D(2026, 2, 1), end=D(2026, 2, 28))
    found = segment_analyses(sold.context(), policy="abc", windows=(february,), baseline_days=62)
    a = next(p for p in found.promotions if p.segment == "A")
    # C1 100 and C3 100 in the 62 days before (from 1 December); C3's 100 of toner in February
    assert (a.customers, a.window_sales) == (2, 100.0)
    assert a.expected_sales == pytest.approx(200 / 62 * 28)
    assert a.uplift == pytest.approx(100 - 200 / 62 * 28)


def test_an_account_manager_analyses_only_their_own_customers(sold) -> None:
    found = segment_analyses(as_wang(sold), policy="abc")
    assert [(s.code, s.customers, s.repeat_customers) for s in found.segments] == [("A", 1, 1), ("B", 1, 0)]
    assert [(g.customer_id, g.category) for g in found.gaps] == [("C1", "toner"), ("C2", "ink")]
    by_owner = segment_analyses(as_wang(sold), by="owner")
    assert [(s.code, s.customers, s.repeat_rate) for s in by_owner.segments] == [("wang", 2, 0.5)]
    # peers by industry (none given: all five together): ink bought by three of C2's four peers
    assert [(g.customer_id, g.category, g.peer_share) for g in by_owner.gaps] == [("C2", "ink", 0.75)]
