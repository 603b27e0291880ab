"""Complaint cards (抱怨管理卡): record a complaint, move it through its life cycle, list a customer's.

A new complaint is open. Each status change (open → in progress → resolved → closed, or a reopening back
to open) is checked by :mod:`tierwise.archive.complaints`, kept as a row with its time and who made it,
and audited, in one transaction. Entering *resolved* sets the resolved date to the day of the change;
reopening clears it (the earlier resolution stays in the history). A complaint is named by its
``complaint_id``: the one the data gave, or ``K<number>`` for a complaint recorded here. Its category,
description, cause, resolution and date can be corrected (:func:`update_complaint`, audited as
``complaint.update``); its status moves only through :func:`change_status`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from tierwise.archive.complaints import ComplaintStatus, check_transition, is_reopening, parse_status
from tierwise.errors import NotFoundError, RecordError
from tierwise.i18n import N_, Message
from tierwise.services.access import person, require_action
from tierwise.services.archive_records import customer_for, optional_text, record_change, require_record_visible
from tierwise.services.context import ServiceContext
from tierwise.store.models import Complaint, ComplaintStatusChange

UNKNOWN_COMPLAINT = N_("unknown complaint %(id)s")
NO_DESCRIPTION = N_("complaint of customer %(id)s: describe what the customer complains about")
NO_DATE = N_("complaint %(id)s: give the date the customer complained on")
_UNSET: Any = object()


@dataclass(frozen=True)
class StatusChange:
    """One status change of a complaint."""

    from_status: str | None
    to_status: str
    changed_at: dt.datetime
    actor: str
    note: str | None


@dataclass(frozen=True)
class ComplaintCard:
    """A complaint card and its status history, oldest change first."""

    complaint_id: str
    customer_id: str
    date: dt.date
    category: str | None
    description: str | None
    cause: str | None
    resolution: str | None
    status: ComplaintStatus
    resolved_date: dt.date | None
    changes: tuple[StatusChange, ...]

    @property
    def reopened(self) -> int:
        """How many times the complaint was reopened."""
        return sum(1 for c in self.changes if c.from_status is not None and is_reopening(c.from_status, c.to_status))


def unresolved() -> ColumnElement[bool]:
    """SQL: the complaint is still open — status open or in progress (as typed: ``In progress``, ``in-progress``),
    or no status and no resolution date."""
    status = func.lower(func.replace(func.replace(Complaint.status, " ", "_"), "-", "_"))
    return or_(and_(Complaint.status.is_(None), Complaint.resolved_date.is_(None)), status.in_(["open", "in_progress"]))


def _card(row: Complaint) -> ComplaintCard:
    changes = tuple(StatusChange(c.from_status, c.to_status, c.changed_at, c.actor, c.note) for c in row.changes)
    return ComplaintCard(
        row.complaint_id or str(row.id),
        row.customer_id,
        row.date,
        row.category,
        row.description,
        row.cause,
        row.resolution,
        parse_status(row.status or "open"),
        row.resolved_date,
        changes,
    )


def add_complaint(
    ctx: ServiceContext,
    customer_id: str,
    date: dt.date,
    *,
    description: str,
    category: str | None = None,
    cause: str | None = None,
) -> ComplaintCard:
    """Record an open complaint of ``customer_id`` made on ``date``."""
    require_action(ctx, "complaints.write")
    text = optional_text(description)
    if text is None:
        raise RecordError(Message(NO_DESCRIPTION, {"id": customer_id}))
    now = ctx.now()
    with ctx.store() as session, session.begin():
        customer_for(session, ctx, customer_id, "complaints.write")
        row = Complaint(
            customer_id=customer_id,
            date=date,
            category=optional_text(category),
            description=text,
            cause=optional_text(cause),
            status=ComplaintStatus.OPEN.value,
        )
        session.add(row)
        session.flush()
        row.complaint_id = f"K{row.id}"
        row.row_key = f"id:{row.complaint_id}"
        session.add(ComplaintStatusChange(complaint_id=row.id, to_status="open", changed_at=now, actor=ctx.actor.name))
        session.flush()
        session.refresh(row, ["changes"])
        card = _card(row)
        after = {"customer_id": customer_id, "date": date, "category": row.category, "status": "open"}
        record_change(
            session, ctx, action="complaint.add", target_type="complaint", target_id=card.complaint_id, after=after
        )
    return card


def change_status(
    ctx: ServiceContext,
    complaint_id: str,
    status: str,
    *,
    resolution: str | None = None,
    cause: str | None = None,
    note: str | None = None,
) -> ComplaintCard:
    """Move complaint ``complaint_id`` to ``status`` (refused, naming the allowed moves, when illegal).

    ``resolution`` and ``cause`` update the card with the change (typically when resolving it).
    """
    require_action(ctx, "complaints.write")
    now = ctx.now()
    with ctx.store() as session, session.begin():
        row = _complaint_to_change(session, ctx, complaint_id)
        current = parse_status(row.status or "open")
        target = check_transition(complaint_id, current, status)
        before = {"status": current.value, "resolved_date": row.resolved_date, "resolution": row.resolution}
        row.status = target.value
        if target is ComplaintStatus.RESOLVED:
            row.resolved_date = now.date()
        elif target is ComplaintStatus.OPEN:
            row.resolved_date = None
        if optional_text(resolution) is not None:
            row.resolution = optional_text(resolution)
        if optional_text(cause) is not None:
            row.cause = optional_text(cause)
        session.add(
            ComplaintStatusChange(
                complaint_id=row.id,
                from_status=current.value,
                to_status=target.value,
                changed_at=now,
                actor=ctx.actor.name,
                note=optional_text(note),
            )
        )
        session.flush()
        session.refresh(row, ["changes"])
        after = {"status": target.value, "resolved_date": row.resolved_date, "resolution": row.resolution}
        action = "complaint.reopen" if is_reopening(current, target) else "complaint.status"
        record_change(
            session, ctx, action=action, target_type="complaint", target_id=complaint_id, before=before, after=after
        )
        return _card(row)


def update_complaint(
    ctx: ServiceContext,
    complaint_id: str,
    *,
    category: str | None = _UNSET,
    description: str | None = _UNSET,
    cause: str | None = _UNSET,
    resolution: str | None = _UNSET,
    date: dt.date | None = _UNSET,
) -> ComplaintCard:
    """Correct what is given of complaint ``complaint_id``: category, description, cause, resolution, date.

    The status stays (:func:`change_status` moves it). An empty description is refused; an empty category,
    cause or resolution clears it. The change and its audit row (the changed fields before and after) are
    written in one transaction, and nothing at all when nothing changes.
    """
    require_action(ctx, "complaints.write")
    given = {"category": category, "description": description, "cause": cause, "resolution": resolution}
    asked: dict[str, Any] = {k: optional_text(v) for k, v in given.items() if v is not _UNSET}
    if date is not _UNSET:
        if date is None:
            raise RecordError(Message(NO_DATE, {"id": complaint_id}))
        asked["date"] = date
    with ctx.store() as session, session.begin():
        row = _complaint_to_change(session, ctx, complaint_id)
        if "description" in asked and asked["description"] is None:
            raise RecordError(Message(NO_DESCRIPTION, {"id": row.customer_id}))
        changed = {k: v for k, v in asked.items() if getattr(row, k) != v}
        if changed:
            before = {k: getattr(row, k) for k in changed}
            for name, value in changed.items():
                setattr(row, name, value)
            session.flush()
            record_change(
                session, ctx, action="complaint.update", target_type="complaint", target_id=complaint_id,
                before=before, after=changed,
            )  # fmt: skip
        return _card(row)


def _complaint_to_change(session: Session, ctx: ServiceContext, complaint_id: str) -> Complaint:
    """Complaint ``complaint_id``, locked for the change; not found (as if missing) when ``ctx``'s person may
    not see its customer."""
    row = session.scalars(select(Complaint).where(Complaint.complaint_id == complaint_id).with_for_update()).first()
    unknown = Message(UNKNOWN_COMPLAINT, {"id": complaint_id})
    if row is None:
        raise (RecordError if person(ctx) is None else NotFoundError)(unknown)
    require_record_visible(session, ctx, row.customer_id, "complaints.write", unknown)
    return row


def customer_complaints(ctx: ServiceContext, customer_id: str) -> list[ComplaintCard]:
    """The complaint cards of ``customer_id``, latest first."""
    with ctx.store() as session:
        customer_for(session, ctx, customer_id, "customers.read")
        query = (
            select(Complaint)
            .where(Complaint.customer_id == customer_id)
            .order_by(Complaint.date.desc(), Complaint.id.desc())
        )
        return [_card(row) for row in session.scalars(query)]
