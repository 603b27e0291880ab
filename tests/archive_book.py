"""A small hand-made book of customers in a store, and a context on it (see tests/services/archive).

Today is Tuesday 10 March 2026, 09:00 UTC; the command line acts as ``wang``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import numpy as np

from tierwise.analytics.classify.policy import policy_text
from tierwise.config import Settings
from tierwise.errors import ModelWarning
from tierwise.security.permissions import SYSTEM_ROLE, Actor
from tierwise.services.context import ServiceContext
from tierwise.store.db import create_store_engine, session_factory
from tierwise.store.models import Customer, Transaction
from tierwise.store.run_models import Assignment, Policy, Run

TODAY = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
CUSTOMERS = [
    ("C1", "华东机电有限公司", "wang", "east"),
    ("C2", "Northwind", "wang", "east"),
    ("C3", "Contoso", "li", "north"),
    ("C4", "Fabrikam", "li", "north"),
    ("C5", "Adventure Works", None, None),
]


class Book:
    """The test's store and the helpers that fill it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_store_engine(url)
        self.sessions = session_factory(self.engine)
        with self.sessions.begin() as session:
            for cid, name, owner, team in CUSTOMERS:
                session.add(Customer(customer_id=cid, name=name, owner=owner, team=team))

    def context(self, actor: str = "wang", today: dt.datetime = TODAY, **settings: object) -> ServiceContext:
        """A context of the command line acting as ``actor`` (``--as``) at ``today``: the services' role and
        visibility checks do not restrict it (tests/services/archive/test_access.py tests those)."""
        return ServiceContext(
            settings=Settings(database_url=self.url, **settings),
            actor=Actor(actor, SYSTEM_ROLE),
            clock=lambda: today,
            sessions=self.sessions,
        )

    def save_run(self, policy: str, as_of: dt.date, classes: dict[str, str], scores: dict | None = None) -> int:
        """Save a run of the shipped ``policy`` as of ``as_of`` giving each customer its class."""
        text, _ = policy_text(policy)
        digest = hashlib.sha256(text.encode()).hexdigest()
        with self.sessions.begin() as session:
            saved = session.query(Policy).filter_by(name=policy, hash=digest).first()
            if saved is None:
                saved = Policy(name=policy, version="1", text=text, hash=digest)
                session.add(saved)
                session.flush()
            run = Run(
                policy_id=saved.id,
                as_of=as_of,
                data_source="test",
                data_fingerprint="f",
                engine="duckdb",
                actor="system",
                customer_count=len(classes),
            )
            session.add(run)
            session.flush()
            for cid, code in classes.items():
                session.add(
                    Assignment(
                        run_id=run.id,
                        customer_id=cid,
                        class_=code,
                        label=code,
                        score=(scores or {}).get(cid),
                        reasons=[f"{policy} gave {code}"],
                    )
                )
            return run.id

    def add(self, *rows: object) -> None:
        """Insert model rows as they are (imported records)."""
        with self.sessions.begin() as session:
            session.add_all(rows)


def money(text: str) -> Decimal:
    """A money value as the store keeps it."""
    return Decimal(text)


#: what the value models rightly say of the buyers below: sixty Poisson buyers with exponential lifetimes
#: (a Pareto/NBD story) and two weekly ones leave BG/NBD's drop-out probability the same for everyone, so a
#: and b run off together without converging; and the small book's spend follows its frequency
BUYERS_FIT_WARNINGS = {
    "BetaGeoFitter: the fit did not converge: ABNORMAL: ",
    "BetaGeoFitter: the standard errors are undefined: the likelihood is not curved in every direction at the "
    "estimate (the data do not pin every parameter down)",
    "GammaGammaFitter: frequency and monetary value are correlated (0.54); the Gamma-Gamma model assumes they "
    "are independent",
}


@contextmanager
def value_fit_warnings(expected: set[str] = BUYERS_FIT_WARNINGS) -> Iterator[list[str]]:
    """Record the value models' warnings inside the block; each must be one of ``expected``, and one at least."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ModelWarning)
        said: list[str] = []
        yield said
    said += [str(w.message) for w in caught if issubclass(w.category, ModelWarning)]
    assert said and set(said) <= expected, said


def buyers(book: Book) -> None:
    """Sixty buyers of a seeded Poisson process, C1 who bought weekly and stopped a year ago, C2 who still does."""
    rng = np.random.default_rng(7)
    start, end = dt.date(2024, 1, 1), dt.date(2026, 3, 10)
    rows = []
    for i in range(60):
        cid = f"B{i:02d}"
        book.add(Customer(customer_id=cid, name=cid, owner="zhou"))
        rate, life = rng.gamma(2.0, 1 / 60), rng.exponential(500)
        days = np.cumsum(rng.exponential(1 / rate, size=40)).astype(int)
        days = days[(days < life) & (days < (end - start).days)]
        amounts = rng.lognormal(6, 0.5, size=len(days) + 1)
        rows += [
            Transaction(customer_id=cid, date=start + dt.timedelta(days=int(d)), amount=Decimal(f"{a:.2f}"))
            for d, a in zip([0, *days], amounts, strict=True)
        ]
    rows += [
        Transaction(customer_id="C1", date=start + dt.timedelta(days=7 * k), amount=Decimal("5000")) for k in range(60)
    ]
    rows += [
        Transaction(customer_id="C2", date=dt.date(2025, 3, 1) + dt.timedelta(days=7 * k), amount=Decimal("4000"))
        for k in range(53)
    ]
    book.add(*rows)
    book.save_run("key-account", dt.date(2026, 2, 28), {"C1": "key", "C2": "key", "C3": "regular"})
