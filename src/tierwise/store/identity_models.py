"""The identity-verification tables (seed 002, 重点客户身份验证): each verification and the day's failures.

An ``identity_checks`` row is one verification an operator started: the questions and options shown, and,
kept on the server only, the index of each right option. ``identity_attempts`` counts a customer's failed
attempts per day in the store, so the limit of 3 holds across every server worker and restart.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tierwise.store.models import Base, JsonDocument, Timestamp


class IdentityCheck(Base):
    """One verification: ``status`` is ``questions`` (waiting for answers), ``passed``, ``failed`` (the basic
    data or the answers were wrong) or ``insufficient`` (too little history to ask about)."""

    __tablename__ = "identity_checks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[str] = mapped_column(Text, index=True)
    operator: Mapped[str] = mapped_column(String(200))
    day: Mapped[dt.date] = mapped_column(Date)
    started_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    status: Mapped[str] = mapped_column(String(20))
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)  # kind, options
    answers: Mapped[list[int]] = mapped_column(JsonDocument, default=list)  # never leaves the service
    answered_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class IdentityAttempts(Base):
    """How many verification attempts of one customer failed on one day."""

    __tablename__ = "identity_attempts"
    customer_id: Mapped[str] = mapped_column(Text, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
