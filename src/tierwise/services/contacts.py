"""The decision-maker map on the store: record and update a customer's contacts, and their coverage.

A contact has a role in the purchase, an attitude towards us, an influence, a birthday (for the care
calendar), the date we last met them and our person who keeps the relationship. Recording or changing
one writes the contact and its audit row in one transaction. Coverage is
:func:`tierwise.accounts.contacts.coverage` on the customer's contacts, ``N`` days from
``TIERWISE_ALERT_SUPPORTER_DAYS`` unless given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement

from tierwise.accounts.contacts import Attitude, Coverage, Influence, MapContact, PurchaseRole, code_of, coverage
from tierwise.errors import NotFoundError, RecordError
from tierwise.i18n import N_, Message
from tierwise.services.access import person, require_action
from tierwise.services.archive_records import customer_for, optional_text, record_change, require_record_visible
from tierwise.services.context import ServiceContext
from tierwise.store.models import Contact

UNKNOWN_VALUE = N_("%(field)s %(value)s is not one of %(choices)s")
UNKNOWN_CONTACT = N_("unknown contact %(id)s")
_UNSET: Any = object()


@dataclass(frozen=True)
class ContactCard:
    """A contact as kept in the store."""

    id: int
    customer_id: str
    name: str
    title: str | None
    purchase_role: str | None
    attitude: str | None
    influence: str | None
    birthday: dt.date | None
    last_contact: dt.date | None
    relationship_owner: str | None

    @classmethod
    def of(cls, row: Contact) -> ContactCard:
        """The card of a stored contact."""
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


def role_code(column: Any) -> ColumnElement[str]:
    """A stored purchase role as its code, in SQL (lower case, spaces and hyphens as underscores)."""
    return func.lower(func.replace(func.replace(func.trim(column), " ", "_"), "-", "_"))


def _checked(
    name: str, value: str | None, choices: type[PurchaseRole] | type[Attitude] | type[Influence]
) -> str | None:
    code = code_of(value)
    if code is not None and code not in {c.value for c in choices}:
        params = {"field": name, "value": repr(value), "choices": ", ".join(c.value for c in choices)}
        raise RecordError(Message(UNKNOWN_VALUE, params))
    return code


def add_contact(
    ctx: ServiceContext,
    customer_id: str,
    name: str,
    *,
    title: str | None = None,
    purchase_role: str | None = None,
    attitude: str | None = None,
    influence: str | None = None,
    birthday: dt.date | None = None,
    last_contact: dt.date | None = None,
    relationship_owner: str | None = None,
) -> ContactCard:
    """Record a contact of ``customer_id`` (role, attitude and influence as their codes)."""
    require_action(ctx, "contacts.write")
    row = Contact(
        customer_id=customer_id,
        name=name.strip(),
        title=optional_text(title),
        purchase_role=_checked("purchase role", purchase_role, PurchaseRole),
        attitude=_checked("attitude", attitude, Attitude),
        influence=_checked("influence", influence, Influence),
        birthday=birthday,
        last_contact=last_contact,
        relationship_owner=optional_text(relationship_owner),
        created_at=ctx.now(),
        created_by=ctx.actor.name,
    )
    with ctx.store() as session, session.begin():
        customer_for(session, ctx, customer_id, "contacts.write")
        session.add(row)
        session.flush()
        card = ContactCard.of(row)
        record_change(session, ctx, action="contact.add", target_type="contact", target_id=row.id, after=_fields(card))
    return card


def update_contact(
    ctx: ServiceContext,
    contact_id: int,
    *,
    purchase_role: str | None = _UNSET,
    attitude: str | None = _UNSET,
    influence: str | None = _UNSET,
    last_contact: dt.date | None = _UNSET,
    relationship_owner: str | None = _UNSET,
    birthday: dt.date | None = _UNSET,
) -> ContactCard:
    """Change what is given of a contact (role, attitude, influence, last contact, owner, birthday)."""
    require_action(ctx, "contacts.write")
    changes: dict[str, Any] = {}
    for field, value, choices in (
        ("purchase_role", purchase_role, PurchaseRole),
        ("attitude", attitude, Attitude),
        ("influence", influence, Influence),
    ):
        if value is not _UNSET:
            changes[field] = _checked(field.replace("_", " "), value, choices)
    for field, value in (("last_contact", last_contact), ("birthday", birthday)):
        if value is not _UNSET:
            changes[field] = value
    if relationship_owner is not _UNSET:
        changes["relationship_owner"] = optional_text(relationship_owner)
    with ctx.store() as session, session.begin():
        row = session.get(Contact, contact_id)
        unknown = Message(UNKNOWN_CONTACT, {"id": contact_id})
        if row is None:
            raise (RecordError if person(ctx) is None else NotFoundError)(unknown)
        require_record_visible(session, ctx, row.customer_id, "contacts.write", unknown)
        before = _fields(ContactCard.of(row))
        for field, value in changes.items():
            setattr(row, field, value)
        session.flush()
        card = ContactCard.of(row)
        record_change(
            session, ctx, action="contact.update", target_type="contact", target_id=contact_id, before=before,
            after=_fields(card),
        )  # fmt: skip
    return card


def customer_coverage(ctx: ServiceContext, customer_id: str, *, supporter_days: int | None = None) -> Coverage:
    """How the decision makers of ``customer_id`` are covered as of the context's today."""
    days = ctx.settings.alert_supporter_days if supporter_days is None else supporter_days
    with ctx.store() as session:
        customer_for(session, ctx, customer_id, "customers.read")
        rows = session.scalars(select(Contact).where(Contact.customer_id == customer_id).order_by(Contact.id))
        people = [MapContact(c.name, c.purchase_role, c.attitude, c.influence, c.last_contact) for c in rows]
    return coverage(people, ctx.now().date(), supporter_days=days)


def customer_contacts(ctx: ServiceContext, customer_id: str) -> list[ContactCard]:
    """The contacts of ``customer_id``, in the order they were recorded."""
    with ctx.store() as session:
        customer_for(session, ctx, customer_id, "customers.read")
        rows = session.scalars(select(Contact).where(Contact.customer_id == customer_id).order_by(Contact.id))
        return [ContactCard.of(row) for row in rows]


def _fields(card: ContactCard) -> dict[str, Any]:
    return {k: v for k, v in card.__dict__.items() if k != "id"}
