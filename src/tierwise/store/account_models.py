"""The key-account tables (issue 14): key-account records and their team, and cost-to-serve decisions.

A key-account record (``key_accounts``) is one per customer and moves through the life cycle of
:mod:`tierwise.accounts.lifecycle`; who moved it and when is in the audit table. The people on our side
who serve the account, each with a role, are ``key_account_members``. A manager's decision on a customer
whose profit after cost-to-serve stayed negative is a ``service_cost_decisions`` row.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tierwise.store.models import Base, JsonDocument, Money, Timestamp

# Python None is SQL NULL here (not the JSON text 'null'), so "on the review list" is an IS NOT NULL test
OptionalJson = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class KeyAccount(Base):
    """A key-account record: nominated → under evaluation → approved or rejected → assigned → reviewed."""

    __tablename__ = "key_accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.customer_id"), unique=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    nominated_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    nominated_by: Mapped[str] = mapped_column(String(200))
    nomination_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    nomination_reasons: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    last_qualified_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    evidence: Mapped[dict[str, Any] | None] = mapped_column(OptionalJson)
    evaluated_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    decision_comment: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    team: Mapped[str | None] = mapped_column(String(200))
    review_every_days: Mapped[int | None] = mapped_column(Integer)
    next_review_date: Mapped[dt.date | None] = mapped_column(Date)
    last_reviewed_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    # set when a saved run no longer qualifies an approved account: it waits on the review list
    review_reasons: Mapped[list[str] | None] = mapped_column(OptionalJson)
    review_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    members: Mapped[list[KeyAccountMember]] = relationship(order_by="KeyAccountMember.id")


class KeyAccountMember(Base):
    """A person on our side serving a key account, with their role (owner, sales, technical, service, …)."""

    __tablename__ = "key_account_members"
    __table_args__ = (UniqueConstraint("key_account_id", "user_name", name="uq_key_account_members_account_user"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_account_id: Mapped[int] = mapped_column(ForeignKey("key_accounts.id"), index=True)
    user_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(50))
    added_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    added_by: Mapped[str] = mapped_column(String(200))


class ServiceCostDecision(Base):
    """A manager's decision on a customer of the cost-to-serve review list, with the facts it was made on."""

    __tablename__ = "service_cost_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.customer_id"), index=True)
    period_end: Mapped[dt.date] = mapped_column(Date)
    action: Mapped[str] = mapped_column(String(30))
    comment: Mapped[str] = mapped_column(Text)
    loss_periods: Mapped[int] = mapped_column(Integer)
    profit_after_cost: Mapped[Decimal | None] = mapped_column(Money)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime] = mapped_column(Timestamp)
