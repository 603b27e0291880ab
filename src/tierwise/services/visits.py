"""Visit cards (访问履历卡): record a visit, list a customer's visits.

A visit card holds the date, the people met, the channel (visit, phone, video, …), what was discussed,
the progress made, the next step and the next visit date (on or after the visit's date). Recording one
writes the card and its audit row in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from tierwise.errors import RecordError
from tierwise.i18n import N_, Message
from tierwise.services.archive_records import optional_text, record_change, require_customer
from tierwise.services.context import ServiceContext
from tierwise.store.models import Visit

NEXT_BEFORE_VISIT = N_("visit of customer %(id)s on %(date)s: the next visit date %(next)s is before the visit")


@dataclass(frozen=True)
class VisitCard:
    """One visit card as kept in the store."""

    id: int
    customer_id: str
    date: dt.date
    contact_person: str | None
    channel: str | None
    content: str | None
    progress: str | None
    next_step: str | None
    next_visit_date: dt.date | None
    recorded_by: str | None
    recorded_at: dt.datetime | None

    @classmethod
    def of(cls, row: Visit) -> VisitCard:
        """The card of a stored visit."""
        return cls(
            row.id,
            row.customer_id,
            row.date,
            row.contact_person,
            row.channel,
            row.content,
            row.progress,
            row.next_step,
            row.next_visit_date,
            row.recorded_by,
            row.recorded_at,
        )


def add_visit(
    ctx: ServiceContext,
    customer_id: str,
    date: dt.date,
    *,
    contact_person: str | None = None,
    channel: str | None = None,
    content: str | None = None,
    progress: str | None = None,
    next_step: str | None = None,
    next_visit_date: dt.date | None = None,
) -> VisitCard:
    """Record a visit of ``customer_id`` on ``date``; returns the card as stored."""
    if next_visit_date is not None and next_visit_date < date:
        params = {"id": customer_id, "date": date.isoformat(), "next": next_visit_date.isoformat()}
        raise RecordError(Message(NEXT_BEFORE_VISIT, params))
    now = ctx.now()
    with ctx.store() as session, session.begin():
        require_customer(session, customer_id)
        visit = Visit(
            customer_id=customer_id,
            date=date,
            contact_person=optional_text(contact_person),
            channel=optional_text(channel),
            content=optional_text(content),
            progress=optional_text(progress),
            next_step=optional_text(next_step),
            next_visit_date=next_visit_date,
            recorded_by=ctx.actor.name,
            recorded_at=now,
        )
        session.add(visit)
        session.flush()
        card = VisitCard.of(visit)
        record_change(session, ctx, action="visit.add", target_type="visit", target_id=visit.id, after=_fields(card))
    return card


def customer_visits(ctx: ServiceContext, customer_id: str, limit: int | None = None) -> list[VisitCard]:
    """The visit cards of ``customer_id``, latest first (``limit``: at most that many)."""
    with ctx.store() as session:
        require_customer(session, customer_id)
        query = select(Visit).where(Visit.customer_id == customer_id).order_by(Visit.date.desc(), Visit.id.desc())
        if limit is not None:
            query = query.limit(limit)
        return [VisitCard.of(v) for v in session.scalars(query)]


def _fields(card: VisitCard) -> dict[str, Any]:
    return {k: v for k, v in card.__dict__.items() if k not in ("id", "recorded_by", "recorded_at")}
