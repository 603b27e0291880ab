"""Saved runs (评估批次): the policy text a run used, the run, and each customer's class in it with score, rank
and reasons. Runs and assignments are append-only: a database trigger refuses UPDATE and DELETE."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tierwise.store.models import Base, JsonDocument, Timestamp, _now


class Policy(Base):
    """A policy as saved with a run: its name, version, full YAML text and the SHA-256 of that text."""

    __tablename__ = "policies"
    __table_args__ = (UniqueConstraint("name", "version", "hash", name="uq_policies_name_version_hash"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=_now)
    created_by: Mapped[str | None] = mapped_column(String(200))


class Run(Base):
    """A saved run (评估批次): one policy on one data set as of one date. Never updated or deleted."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), index=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    data_source: Mapped[str] = mapped_column(Text)
    data_fingerprint: Mapped[str] = mapped_column(Text)
    last_import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    engine: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=_now)
    customer_count: Mapped[int] = mapped_column(BigInteger, default=0)
    policy: Mapped[Policy] = relationship()


class Assignment(Base):
    """A customer's class in a run, with score, rank and reasons (a JSON list). Never updated or deleted."""

    __tablename__ = "assignments"
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(Text, primary_key=True)
    class_: Mapped[str] = mapped_column("class", String(100))
    # what the rules gave before a grace period held a downgrade back (equal to class_ when none did)
    computed_class: Mapped[str | None] = mapped_column(String(100))
    label: Mapped[str | None] = mapped_column(Text)
    score: Mapped[float | None] = mapped_column(Float)
    rank: Mapped[int | None] = mapped_column(BigInteger)
    reasons: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    # the customer's 12-month sales and profit as of the run (what the dashboard's curves are drawn from)
    sales: Mapped[float | None] = mapped_column(Float)
    profit: Mapped[float | None] = mapped_column(Float)


Index("ix_assignments_customer_id", Assignment.customer_id)
# the customer list (services/customer_list.py): the class filter and its count; a class sorted by rank walked in
# order (migration 0012); a run's class and rank of an owner's customers read from the index alone (migration 0016)
Index("ix_assignments_run_id_class", Assignment.run_id, Assignment.class_, Assignment.customer_id)
Index("ix_assignments_run_id_class_rank", Assignment.run_id, Assignment.class_, Assignment.rank)
Index("ix_assignments_run_id_rank", Assignment.run_id, Assignment.rank)
Index(
    "ix_assignments_run_id_customer_id_class_rank",
    Assignment.run_id,
    Assignment.customer_id,
    Assignment.class_,
    Assignment.rank,
)
