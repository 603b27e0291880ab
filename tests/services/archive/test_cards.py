"""Visit and complaint cards on the store: what is kept, who and when, the life cycle and its refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from archive_book import TODAY
from sqlalchemy import func, select

from tierwise.errors import RecordError
from tierwise.services.complaints import add_complaint, change_status, customer_complaints
from tierwise.services.visits import add_visit, customer_visits
from tierwise.store.models import AuditEntry, Complaint, ComplaintStatusChange, Visit

D = dt.date


def audit_rows(book) -> list[tuple]:
    with book.sessions() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        return [(r.actor, r.action, r.target_type, r.target_id, r.at.replace(tzinfo=None)) for r in rows]


def test_a_visit_card_is_kept_with_who_recorded_it_and_audited(book, ctx) -> None:
    card = add_visit(
        ctx,
        "C1",
        D(2026, 3, 9),
        contact_person="张经理（采购部）",
        channel="visit",
        content="年度框架协议",
        progress="报价已确认",
        next_step="send the contract draft",
        next_visit_date=D(2026, 3, 23),
    )
    assert (card.customer_id, card.date, card.next_visit_date, card.recorded_by) == (
        "C1",
        D(2026, 3, 9),
        D(2026, 3, 23),
        "wang",
    )
    [kept] = customer_visits(ctx, "C1")
    assert (kept.contact_person, kept.progress, kept.next_step) == (
        "张经理（采购部）",
        "报价已确认",
        "send the contract draft",
    )
    assert audit_rows(book) == [("wang", "visit.add", "visit", str(card.id), TODAY.replace(tzinfo=None))]


def test_visits_are_listed_latest_first(ctx) -> None:
    for day in (D(2026, 1, 5), D(2026, 3, 2), D(2026, 2, 1)):
        add_visit(ctx, "C2", day, channel="phone")
    assert [v.date for v in customer_visits(ctx, "C2")] == [D(2026, 3, 2), D(2026, 2, 1), D(2026, 1, 5)]
    assert [v.date for v in customer_visits(ctx, "C2", limit=1)] == [D(2026, 3, 2)]


def test_a_visit_of_an_unknown_customer_or_with_a_next_date_before_it_writes_nothing(book, ctx) -> None:
    with pytest.raises(RecordError, match="unknown customer C9: import it"):
        add_visit(ctx, "C9", D(2026, 3, 9))
    with pytest.raises(RecordError, match="the next visit date 2026-03-01 is before the visit"):
        add_visit(ctx, "C1", D(2026, 3, 9), next_visit_date=D(2026, 3, 1))
    with book.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Visit)) == 0
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_a_complaint_goes_open_in_progress_resolved_closed_with_the_time_of_each_change(book) -> None:
    at = [TODAY + dt.timedelta(days=d, hours=h) for d, h in ((0, 0), (1, 2), (3, 5), (10, 0))]
    ctxs = [book.context("wang", t) for t in at[:3]] + [book.context("zhao", at[3])]
    card = add_complaint(ctxs[0], "C1", D(2026, 3, 9), description="交货延迟两周", category="delivery")
    assert (card.complaint_id[0], card.status, card.resolved_date) == ("K", "open", None)
    change_status(ctxs[1], card.complaint_id, "in progress")
    resolved = change_status(ctxs[2], card.complaint_id, "resolved", resolution="补发并减免运费", cause="仓库排产")
    assert (resolved.status, resolved.resolved_date, resolved.resolution, resolved.cause) == (
        "resolved",
        D(2026, 3, 13),
        "补发并减免运费",
        "仓库排产",
    )
    closed = change_status(ctxs[3], card.complaint_id, "closed")
    assert [(c.from_status, c.to_status, c.actor, c.changed_at.replace(tzinfo=None)) for c in closed.changes] == [
        (None, "open", "wang", at[0].replace(tzinfo=None)),
        ("open", "in_progress", "wang", at[1].replace(tzinfo=None)),
        ("in_progress", "resolved", "wang", at[2].replace(tzinfo=None)),
        ("resolved", "closed", "zhao", at[3].replace(tzinfo=None)),
    ]
    assert closed.resolved_date == D(2026, 3, 13)
    assert [a[1] for a in audit_rows(book)] == [
        "complaint.add",
        "complaint.status",
        "complaint.status",
        "complaint.status",
    ]


def test_reopening_is_recorded_and_clears_the_resolved_date(book, ctx) -> None:
    card = add_complaint(ctx, "C2", D(2026, 3, 1), description="发票抬头错误")
    change_status(ctx, card.complaint_id, "resolved")
    change_status(ctx, card.complaint_id, "closed")
    reopened = change_status(ctx, card.complaint_id, "open", note="customer called again")
    assert (reopened.status, reopened.resolved_date, reopened.reopened) == ("open", None, 1)
    assert reopened.changes[-1].note == "customer called again"
    assert audit_rows(book)[-1][1] == "complaint.reopen"
    again = change_status(book.context(today=TODAY + dt.timedelta(days=2)), card.complaint_id, "resolved")
    assert again.resolved_date == D(2026, 3, 12)


def test_an_illegal_move_is_refused_and_changes_nothing(book, ctx) -> None:
    card = add_complaint(ctx, "C3", D(2026, 3, 1), description="质量问题")
    with pytest.raises(RecordError) as caught:
        change_status(ctx, card.complaint_id, "closed")
    assert str(caught.value) == (
        f"complaint {card.complaint_id} is open and cannot move to closed; "
        "from open it can move to: in_progress, resolved"
    )
    with book.sessions() as session:
        assert session.scalar(select(Complaint.status)) == "open"
        assert session.scalar(select(func.count()).select_from(ComplaintStatusChange)) == 1
    with pytest.raises(RecordError, match="unknown complaint K999"):
        change_status(ctx, "K999", "resolved")
    with pytest.raises(RecordError, match="describe what the customer complains about"):
        add_complaint(ctx, "C3", D(2026, 3, 1), description="  ")


def test_complaints_of_a_customer_latest_first(ctx) -> None:
    first = add_complaint(ctx, "C4", D(2026, 1, 3), description="a")
    second = add_complaint(ctx, "C4", D(2026, 2, 3), description="b")
    assert [c.complaint_id for c in customer_complaints(ctx, "C4")] == [second.complaint_id, first.complaint_id]
