"""The store's tables as typed SQLAlchemy models: the shared column types, the imports, the input contract's
tables and the audit log; the others (people, runs, key accounts, jobs…) live in their own ``*_models`` modules
and join the same metadata.

Imported tables follow the input contract of ``io/columns.py`` column for column (ids as text as the user
gave them, dates as dates, money as NUMERIC) and carry ``import_id``, the import that created the row
(``NULL`` for rows recorded through the cards), and ``updated_import_id``, the last import that changed it.
Tables without a required id of their own have ``row_key``: ``id:<their id>`` when the file gave one,
else ``fp:<SHA-256 of the whole row and its occurrence>`` so that importing the same file twice changes
nothing. Runs, assignments and audit rows are append-only: a database trigger refuses UPDATE and DELETE.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator, TypeEngine

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Money(TypeDecorator[Decimal]):
    """NUMERIC without a fixed scale, read back as ``Decimal``.

    PostgreSQL keeps the exact decimal; SQLite has no decimal type and stores NUMERIC as a REAL, which is
    read back through its shortest repr so ``12.5`` comes back as ``Decimal('12.5')``.
    """

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(Numeric(asdecimal=dialect.name != "sqlite"))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is not None and dialect.name == "sqlite":
            return str(value)  # SQLite converts the text with its NUMERIC affinity; no float on the way
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        return Decimal(repr(value))


JsonDocument = JSON().with_variant(JSONB(), "postgresql")
Timestamp = DateTime(timezone=True)


class Base(DeclarativeBase):
    """The declarative base of every store model (constraint names follow ``NAMING``)."""

    metadata = MetaData(naming_convention=NAMING)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- imports ---------------------------------------------------------------------------------------------


class Import(Base):
    """One import of a data set: who, when, from where, in which mode; ``status`` done or reverted."""

    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    status: Mapped[str] = mapped_column(String(20), default="done")
    reverted_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    reverted_by: Mapped[str | None] = mapped_column(String(200))
    files: Mapped[list[ImportFile]] = relationship(back_populates="import_", order_by="ImportFile.id")
    counts: Mapped[list[ImportCount]] = relationship(back_populates="import_", order_by="ImportCount.table_name")


class ImportFile(Base):
    """One file an import read: its SHA-256, size, rows and the canonical columns it had."""

    __tablename__ = "import_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), index=True)
    table_name: Mapped[str] = mapped_column(String(50))
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    rows: Mapped[int] = mapped_column(BigInteger)
    present_columns: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    import_: Mapped[Import] = relationship(back_populates="files")


class ImportCount(Base):
    """What an import did to one table: rows created, updated, unchanged, rejected."""

    __tablename__ = "import_counts"
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(50), primary_key=True)
    created: Mapped[int] = mapped_column(BigInteger, default=0)
    updated: Mapped[int] = mapped_column(BigInteger, default=0)
    unchanged: Mapped[int] = mapped_column(BigInteger, default=0)
    rejected: Mapped[int] = mapped_column(BigInteger, default=0)
    import_: Mapped[Import] = relationship(back_populates="counts")


def _created_by() -> Mapped[int | None]:
    return mapped_column(ForeignKey("imports.id"), index=True)


def _updated_by() -> Mapped[int | None]:
    return mapped_column(ForeignKey("imports.id"))


# --- the input contract's tables --------------------------------------------------------------------------


class Customer(Base):
    """A customer (客户) with its account manager (``owner``, a user name) and team."""

    __tablename__ = "customers"
    customer_id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(20))
    industry: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200), index=True)
    team: Mapped[str | None] = mapped_column(String(200))
    org_level: Mapped[str | None] = mapped_column(String(20))
    # personal data, sealed (tw1:<key id>:…, store/sealed.py), and the keyed hash a search compares
    id_number: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    id_number_hash: Mapped[str | None] = mapped_column(String(100), index=True)
    phone_hash: Mapped[str | None] = mapped_column(String(100), index=True)
    email_hash: Mapped[str | None] = mapped_column(String(100), index=True)
    created_at: Mapped[dt.date | None] = mapped_column(Date)
    annual_revenue: Mapped[Decimal | None] = mapped_column(Money)
    employees: Mapped[int | None] = mapped_column(BigInteger)
    it_status: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[int | None] = _created_by()
    updated_import_id: Mapped[int | None] = _updated_by()
    contacts: Mapped[list[Contact]] = relationship(back_populates="customer", order_by="Contact.id")


class Transaction(Base):
    """A sale (a negative amount is a return)."""

    __tablename__ = "transactions"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    row_key: Mapped[str | None] = mapped_column(Text, unique=True)
    customer_id: Mapped[str] = mapped_column(Text, index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    transaction_id: Mapped[str | None] = mapped_column(Text)
    cost: Mapped[Decimal | None] = mapped_column(Money)
    profit: Mapped[Decimal | None] = mapped_column(Money)
    category: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[Decimal | None] = mapped_column(Money)
    import_id: Mapped[int | None] = _created_by()
    updated_import_id: Mapped[int | None] = _updated_by()


class Receivable(Base):
    """An invoice and its payment (应收账款)."""

    __tablename__ = "receivables"
    invoice_id: Mapped[str] = mapped_column(Text, primary_key=True)
    customer_id: Mapped[str] = mapped_column(Text, index=True)
    invoice_date: Mapped[dt.date] = mapped_column(Date)
    due_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    paid_date: Mapped[dt.date | None] = mapped_column(Date)
    paid_amount: Mapped[Decimal | None] = mapped_column(Money)
    import_id: Mapped[int | None] = _created_by()
    updated_import_id: Mapped[int | None] = _updated_by()


class Opportunity(Base):
    """A sales opportunity (商机); every stage it passed is in ``stages``."""

    __tablename__ = "opportunities"
    opportunity_id: Mapped[str] = mapped_column(Text, primary_key=True)
    customer_id: Mapped[str] = mapped_column(Text, index=True)
    stage: Mapped[str] = mapped_column(String(20))
    expected_close_date: Mapped[dt.date | None] = mapped_column(Date)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    objective_need: Mapped[str | None] = mapped_column(String(20))
    subjective_need: Mapped[str | None] = mapped_column(String(20))
    resolve: Mapped[str | None] = mapped_column(String(20))
    feasibility_started: Mapped[bool | None] = mapped_column()
    selection_started: Mapped[bool | None] = mapped_column()
    import_id: Mapped[int | None] = _created_by()
    updated_import_id: Mapped[int | None] = _updated_by()
    stages: Mapped[list[OpportunityStage]] = relationship(order_by="OpportunityStage.id")


class OpportunityStage(Base):
    """One stage an opportunity entered, when, and through whom (an import or a user)."""

    __tablename__ = "opportunity_stages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opportunity_id: Mapped[str] = mapped_column(ForeignKey("opportunities.opportunity_id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=_now)
    actor: Mapped[str] = mapped_column(String(200))
    import_id: Mapped[int | None] = _created_by()


class Visit(Base):
    """A visit card (访问履历卡): date, people met, channel, content, progress, next step and next date."""

    __tablename__ = "visits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    row_key: Mapped[str | None] = mapped_column(Text, unique=True)
    customer_id: Mapped[str] = mapped_column(Text, index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    visit_id: Mapped[str | None] = mapped_column(Text)
    contact_person: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(Text)
    content: Mapped[str | None] = mapped_column(Text)
    progress: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    next_visit_date: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    import_id: Mapped[int | None] = _created_by()
    updated_import_id: Mapped[int | None] = _updated_by()


class Complaint(Base):
    """A complaint card (抱怨管理卡); its status changes (open → in progress → resolved → closed) in ``changes``."""

    __tablename__ = "complaints"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    row_key: Mapped[str | None] = mapped_column(Text, unique=True)
    customer_id: Mapped[str] = mapped_column(Text, index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    complaint_id: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    cause: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(20))
    resolved_date: Mapped[dt.date | None] = mapped_column(Date)
    import_id: Mapped[int | None] = _created_by()
    updated_import_id: Mapped[int | None] = _updated_by()
    changes: Mapped[list[ComplaintStatusChange]] = relationship(order_by="ComplaintStatusChange.id")


class ComplaintStatusChange(Base):
    """One status change of a complaint, with its time and who made it (a reopening is one too)."""

    __tablename__ = "complaint_status_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=_now)
    actor: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[int | None] = _created_by()


class Survey(Base):
    """A satisfaction survey answer: CSAT 1–5, NPS 0–10, comment."""

    __tablename__ = "surveys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    row_key: Mapped[str | None] = mapped_column(Text, unique=True)
    customer_id: Mapped[str] = mapped_column(Text, index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    csat: Mapped[int | None] = mapped_column(Integer)
    nps: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[int | None] = _created_by()
    updated_import_id: Mapped[int | None] = _updated_by()


class Contact(Base):
    """A person at a customer: role in the purchase (decision maker, user, …), attitude and influence."""

    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.customer_id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    purchase_role: Mapped[str | None] = mapped_column(String(50))
    attitude: Mapped[str | None] = mapped_column(String(50))
    influence: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(Text)  # sealed, as the customer's
    email: Mapped[str | None] = mapped_column(Text)  # sealed
    phone_hash: Mapped[str | None] = mapped_column(String(100), index=True)
    email_hash: Mapped[str | None] = mapped_column(String(100), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    birthday: Mapped[dt.date | None] = mapped_column(Date)
    last_contact: Mapped[dt.date | None] = mapped_column(Date)
    relationship_owner: Mapped[str | None] = mapped_column(String(200))  # our person who keeps this contact
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=_now)
    created_by: Mapped[str | None] = mapped_column(String(200))
    customer: Mapped[Customer] = relationship(back_populates="contacts")


# the customer list (services/customer_list.py): a filter or sort with the id as tie-break (migration 0006)
Index("ix_customers_team", Customer.team)
Index("ix_customers_region", Customer.region, Customer.customer_id)
Index("ix_customers_industry", Customer.industry, Customer.customer_id)
Index("ix_customers_kind", Customer.kind, Customer.customer_id)
Index("ix_customers_name", Customer.name, Customer.customer_id)
# a filter sorted by name, a class sorted by rank: walked in order, the page read and no more (migration 0012)
for _column in (Customer.region, Customer.industry, Customer.kind, Customer.owner, Customer.team):
    Index(f"ix_customers_{_column.key}_name", _column, Customer.name, Customer.customer_id)
# two filters counted in the index alone, a page walked in it, and a run's class and rank of an owner's customers
# read from the index (migration 0016; the assignments' indexes are with their table)
Index("ix_customers_industry_kind_name", Customer.industry, Customer.kind, Customer.name, Customer.customer_id)
Index("ix_customers_team_region_name", Customer.team, Customer.region, Customer.name, Customer.customer_id)
Index("ix_customers_owner_region_name", Customer.owner, Customer.region, Customer.name, Customer.customer_id)


# --- audit -----------------------------------------------------------------------------------------------


class AuditEntry(Base):
    """One change or read of personal data: who, when, from where, what, before and after.

    ``prev_hash``/``hash`` chain the rows (``security.audit_chain``; ``store.audit`` seals each row as it
    writes it); rows are append-only, and no two rows may follow the same one (a fork of the chain).
    """

    __tablename__ = "audit"
    __table_args__ = (Index("uq_audit_prev_hash", "prev_hash", unique=True),)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(Timestamp, server_default=func.current_timestamp())
    actor: Mapped[str] = mapped_column(String(200))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(100))
    target_type: Mapped[str] = mapped_column(String(100))
    target_id: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


# the imported tables, by their input-contract name (the import writes these)
IMPORTED: dict[str, type[Base]] = {
    "customers": Customer,
    "transactions": Transaction,
    "receivables": Receivable,
    "opportunities": Opportunity,
    "visits": Visit,
    "complaints": Complaint,
    "surveys": Survey,
}
APPEND_ONLY = ("runs", "assignments", "audit")


# the tables of people and sign-in, of runs, of key accounts and the others join this metadata from their own modules
from tierwise.store import account_models as _account_models  # noqa: E402,F401
from tierwise.store import identity_models as _identity_models  # noqa: E402,F401
from tierwise.store import job_models as _job_models  # noqa: E402,F401
from tierwise.store import mapping_models as _mapping_models  # noqa: E402,F401
from tierwise.store import people_models as _people_models  # noqa: E402,F401
from tierwise.store import run_models as _run_models  # noqa: E402,F401
from tierwise.store import summary_models as _summary_models  # noqa: E402,F401
