"""What every archive service shares: finding a customer, the acting user and time, the audit row.

Each change opens one transaction on the store, writes the record and its audit row (who, when, what
before and after) through :func:`tierwise.store.audit.write_audit`, and commits both or neither.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tierwise.errors import RecordError
from tierwise.i18n import N_, Message
from tierwise.services.context import ServiceContext
from tierwise.store.audit import write_audit
from tierwise.store.models import Customer

UNKNOWN_CUSTOMER = N_("unknown customer %(id)s: import it (tierwise import) before recording its cards")


def require_customer(session: Session, customer_id: str) -> Customer:
    """The customer ``customer_id``, or a :class:`RecordError` naming it."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise RecordError(Message(UNKNOWN_CUSTOMER, {"id": customer_id}))
    return customer


def record_change(
    session: Session,
    ctx: ServiceContext,
    *,
    action: str,
    target_type: str,
    target_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> None:
    """The audit row of one change, in the caller's transaction, as the context's actor at its time."""
    write_audit(
        session,
        actor=ctx.actor.name,
        action=action,
        target_type=target_type,
        target_id=target_id,
        before=before,
        after=after,
        ip=ctx.ip,
        user_agent=ctx.user_agent,
        at=at or ctx.now(),
    )


def optional_text(value: str | None) -> str | None:
    """A text field as kept: trimmed, and ``None`` when empty."""
    if value is None:
        return None
    value = value.strip()
    return value or None
