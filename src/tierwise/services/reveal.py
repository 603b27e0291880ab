"""Revealing one personal field of one customer (大客户资料保密): a manager, with a written reason, audited.

The caller gets only the field asked for. The audit entry (who, which customer, which field, the reason —
never the value) is written in the same transaction as the read, so a reveal that is not recorded does
not happen.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from tierwise.errors import NotFoundError, PermissionDeniedError
from tierwise.i18n import N_, Message
from tierwise.security.permissions import check_reveal
from tierwise.services.context import ServiceContext
from tierwise.services.sealed_data import checked_field, keyring_of, opened
from tierwise.store.audit import write_audit
from tierwise.store.models import Customer

NO_CUSTOMER = N_("no customer %(id)s")
NOT_A_PERSON = N_("a reveal is made by a manager, by name: the system does not reveal personal data")


@dataclass(frozen=True)
class RevealedField:
    """One personal field of one customer in plain text (``value`` is ``None`` when none is stored)."""

    customer_id: str
    field: str
    value: str | None


def reveal(ctx: ServiceContext, customer_id: str, field: str, reason: str | None) -> RevealedField:
    """The plain ``field`` (phone, id_number or email) of ``customer_id`` for a manager who says why.

    Refused unless the actor is a manager and the customer is theirs or their team's (otherwise: not
    found), with a reason of at least 10 characters; audited as ``pii.reveal`` with the field and reason.
    """
    name = checked_field(field)
    if ctx.actor.is_system:  # the system may do anything else; a reveal must name the person who asked
        raise PermissionDeniedError(Message(NOT_A_PERSON))
    keyring = keyring_of(ctx.settings)
    with ctx.store() as session, session.begin():
        customer = session.scalars(select(Customer).where(Customer.customer_id == customer_id)).one_or_none()
        if customer is None:
            raise NotFoundError(Message(NO_CUSTOMER, {"id": repr(customer_id)}))
        why = check_reveal(ctx.actor, reason, customer_id=customer_id, owner=customer.owner, team=customer.team)
        value = opened(keyring, customer, name)
        write_audit(
            session,
            actor=ctx.actor.name,
            action="pii.reveal",
            target_type="customer",
            target_id=customer_id,
            after={"field": name, "reason": why},
            ip=ctx.ip,
            user_agent=ctx.user_agent,
            at=ctx.now(),
        )
    return RevealedField(customer_id, name, value)
