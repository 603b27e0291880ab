"""What every archive service shares: finding a customer, the acting user and time, the audit row.

Each change opens one transaction on the store, writes the record and its audit row (who, when, what
before and after) through :func:`tierwise.store.audit.write_audit`, and commits both or neither.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tierwise.errors import NotFoundError, RecordError
from tierwise.i18n import N_, Message
from tierwise.security.permissions import Action, visibility
from tierwise.services.access import person, require_action, visible_customer
from tierwise.services.context import ServiceContext
from tierwise.store.audit import write_audit
from tierwise.store.models import Customer

UNKNOWN_CUSTOMER = N_("unknown customer %(id)s: import it (tierwise import) before recording its cards")


def require_customer(session: Session, customer_id: str, ctx: ServiceContext | None = None) -> Customer:
    """The customer ``customer_id``, or a :class:`RecordError` naming it.

    With ``ctx``, only a customer the acting person sees: for a person, a missing or invisible customer
    is not found (:func:`tierwise.services.access.visible_customer`).
    """
    if ctx is not None:
        return visible_customer(session, ctx, customer_id, missing=lambda: _unknown(customer_id))
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise _unknown(customer_id)
    return customer


def _unknown(customer_id: str) -> RecordError:
    return RecordError(Message(UNKNOWN_CUSTOMER, {"id": customer_id}))


def customer_for(session: Session, ctx: ServiceContext, customer_id: str, action: Action) -> Customer:
    """The customer ``customer_id`` for ``action``: the role may do it, and the person sees the customer."""
    require_action(ctx, action)
    return require_customer(session, customer_id, ctx)


def require_record_visible(
    session: Session, ctx: ServiceContext, customer_id: str, action: Action, not_found: Message
) -> None:
    """For ``action`` on a record (a visit, complaint, contact) of ``customer_id``: the role may do it, and
    the person sees the customer; else the record itself is not found (``not_found``), as a missing one."""
    require_action(ctx, action)
    who = person(ctx)
    if who is None:
        return
    customer = session.get(Customer, customer_id)
    if customer is None or not visibility(who).allows(owner=customer.owner, team=customer.team):
        raise NotFoundError(not_found)


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
