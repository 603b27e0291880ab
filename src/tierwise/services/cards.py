"""The profile card (档案卡): everything the archive knows about one customer, assembled from the store.

The customer's record (personal data masked, :mod:`tierwise.services.personal_data`), its contacts with
their role in the purchase and attitude, owner and team, and the key facts: the class in the latest saved
run of every policy with its reasons, CLV and P(alive) from the value models, and credit — collection
period and overdue amount, with the definitions of the finance indicators
(:mod:`tierwise.analytics.indicators.finance`) — as of today. The latest visit cards and the complaint
cards complete it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import select

from tierwise.analytics.engine import canonical_schema
from tierwise.analytics.indicators.finance import aggregate as finance_aggregate
from tierwise.analytics.indicators.window import Window
from tierwise.services.access import require_action
from tierwise.services.archive_records import customer_for
from tierwise.services.complaints import ComplaintCard, customer_complaints
from tierwise.services.context import ServiceContext
from tierwise.services.customer_values import value_facts
from tierwise.services.personal_data import shown
from tierwise.services.saved_classes import SavedClass, classes_of
from tierwise.services.visits import VisitCard, customer_visits
from tierwise.store.models import Contact, Receivable


@dataclass(frozen=True)
class CustomerRecord:
    """The customer's own record."""

    customer_id: str
    name: str
    kind: str | None
    industry: str | None
    region: str | None
    org_level: str | None
    owner: str | None
    team: str | None
    phone: str | None  # masked
    email: str | None  # masked
    created_at: dt.date | None
    annual_revenue: Decimal | None
    employees: int | None


@dataclass(frozen=True)
class ContactPerson:
    """A person at the customer: their role in the purchase and attitude towards us."""

    name: str
    title: str | None
    purchase_role: str | None
    attitude: str | None
    influence: str | None


@dataclass(frozen=True)
class Credit:
    """The customer's credit as of a date (the finance indicators' definitions)."""

    as_of: dt.date
    invoices: int
    collection_days: float | None
    overdue_amount: float
    max_days_overdue: int
    open_receivables: float


@dataclass(frozen=True)
class ValueFacts:
    """What the value models expect of the customer, as of a date."""

    as_of: dt.date
    p_alive: float
    expected_purchases_12m: float
    clv_12m: float


@dataclass(frozen=True)
class ProfileCard:
    """A customer's profile card."""

    record: CustomerRecord
    contacts: tuple[ContactPerson, ...]
    classes: tuple[SavedClass, ...]
    credit: Credit | None  # None without invoices
    value: ValueFacts | None  # None without purchases (or not asked for)
    visits: tuple[VisitCard, ...]  # latest first
    complaints: tuple[ComplaintCard, ...]  # latest first


def profile_card(ctx: ServiceContext, customer_id: str, *, with_value: bool = True, visits: int = 5) -> ProfileCard:
    """The profile card of ``customer_id`` as of the context's today (``visits``: how many visit cards)."""
    require_action(ctx, "customers.read")
    today = ctx.now().date()
    with ctx.store() as session:
        c = customer_for(session, ctx, customer_id, "customers.read")
        record = CustomerRecord(
            c.customer_id,
            c.name,
            c.kind,
            c.industry,
            c.region,
            c.org_level,
            c.owner,
            c.team,
            shown("phone", c.phone),
            shown("email", c.email),
            c.created_at,
            c.annual_revenue,
            c.employees,
        )
        people = session.scalars(select(Contact).where(Contact.customer_id == customer_id).order_by(Contact.id))
        contacts = tuple(ContactPerson(p.name, p.title, p.purchase_role, p.attitude, p.influence) for p in people)
        classes = tuple(classes_of(session, customer_id))
        invoices = session.execute(
            select(*[getattr(Receivable, n) for n in canonical_schema("receivables").names]).where(
                Receivable.customer_id == customer_id
            )
        ).all()
    return ProfileCard(
        record,
        contacts,
        classes,
        credit_of(invoices, today),
        _value_of(ctx, customer_id, today) if with_value else None,
        tuple(customer_visits(ctx, customer_id, limit=visits)),
        tuple(customer_complaints(ctx, customer_id)),
    )


def credit_of(invoices: list[Any], as_of: dt.date) -> Credit | None:
    """The credit facts of one customer's invoices (rows of the receivables columns), as of ``as_of``."""
    if not invoices:
        return None
    schema = canonical_schema("receivables")
    columns = {name: [_plain(row[i]) for row in invoices] for i, name in enumerate(schema.names)}
    table = ibis.memtable(pa.table(columns, schema=schema.to_pyarrow()))
    con = ibis.duckdb.connect()
    try:
        facts = con.to_pyarrow(finance_aggregate(table, Window(as_of))).to_pylist()
    finally:
        con.disconnect()
    if not facts:  # every invoice issued after the as-of date
        return Credit(as_of, 0, None, 0.0, 0, 0.0)
    row = facts[0]
    issued = sum(1 for d in columns["invoice_date"] if d <= as_of)
    return Credit(
        as_of,
        issued,
        row["collection_days"],
        row["overdue_amount"],
        row["max_days_overdue"],
        row["open_receivables"],
    )


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _value_of(ctx: ServiceContext, customer_id: str, as_of: dt.date) -> ValueFacts | None:
    facts = value_facts(ctx, as_of)
    if facts is None:
        return None
    mine = facts.filter(pc.equal(facts["customer_id"], customer_id)).to_pylist()
    if not mine:
        return None
    row = mine[0]
    return ValueFacts(as_of, row["p_alive"], row["expected_purchases_12m"], row["clv_12m"])
