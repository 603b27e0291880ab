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

from tierwise.errors import NotFoundError, RecordError
from tierwise.i18n import N_, Message
from tierwise.services.access import require_action
from tierwise.services.archive_records import customer_for, optional_text, record_change, require_record_visible
from tierwise.services.context import ServiceContext
from tierwise.store.models import Visit

UNKNOWN_VISIT = N_("unknown visit %(id)s")
_UNSET: Any = object()
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
    require_action(ctx, "visits.write")
    if next_visit_date is not None and next_visit_date < date:
        params = {"id": customer_id, "date": date.isoformat(), "next": next_visit_date.isoformat()}
        raise RecordError(Message(NEXT_BEFORE_VISIT, params))
    now = ctx.now()
    with ctx.store() as session, session.begin():
        customer_for(session, ctx, customer_id, "visits.write")
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


def update_visit(
    ctx: ServiceContext,
    visit_id: int,
    *,
    contact_person: str | None = _UNSET,
    channel: str | None = _UNSET,
    content: str | None = _UNSET,
    progress: str | None = _UNSET,
    next_step: str | None = _UNSET,
    next_visit_date: dt.date | None = _UNSET,
) -> VisitCard:
    """Change what is given of visit card ``visit_id`` (its customer and date stay); the card as stored."""
    require_action(ctx, "visits.write")
    texts = {"contact_person": contact_person, "channel": channel, "content": content, "progress": progress}
    texts["next_step"] = next_step
    changes: dict[str, Any] = {k: optional_text(v) for k, v in texts.items() if v is not _UNSET}
    if next_visit_date is not _UNSET:
        changes["next_visit_date"] = next_visit_date
    with ctx.store() as session, session.begin():
        row = session.get(Visit, visit_id, with_for_update=True)
        unknown = Message(UNKNOWN_VISIT, {"id": visit_id})
        if row is None:
            raise NotFoundError(unknown)
        require_record_visible(session, ctx, row.customer_id, "visits.write", unknown)
        before = _fields(VisitCard.of(row))
        for name, value in changes.items():
            setattr(row, name, value)
        if row.next_visit_date is not None and row.next_visit_date < row.date:
            params = {"id": row.customer_id, "date": row.date.isoformat(), "next": row.next_visit_date.isoformat()}
            raise RecordError(Message(NEXT_BEFORE_VISIT, params))
        session.flush()
        card = VisitCard.of(row)
        record_change(
            session, ctx, action="visit.update", target_type="visit", target_id=visit_id, before=before,
            after=_fields(card),
        )  # fmt: skip
    return card


def customer_visits(ctx: ServiceContext, customer_id: str, limit: int | None = None) -> list[VisitCard]:
    """The visit cards of ``customer_id``, latest first (``limit``: at most that many)."""
    with ctx.store() as session:
        customer_for(session, ctx, customer_id, "customers.read")
        query = select(Visit).where(Visit.customer_id == customer_id).order_by(Visit.date.desc(), Visit.id.desc())
        if limit is not None:
            query = query.limit(limit)
        return [VisitCard.of(v) for v in session.scalars(query)]


def _fields(card: VisitCard) -> dict[str, Any]:
    return {k: v for k, v in card.__dict__.items() if k not in ("id", "recorded_by", "recorded_at")}
