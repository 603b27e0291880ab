"""Correcting a complaint card: the fields given change, the status stays, the audit row holds before and after.

The book: C1 owned by wang (an account manager of team east), C3 by li (team north).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from tierwise.errors import NotFoundError, PermissionDeniedError, RecordError
from tierwise.security.permissions import Actor
from tierwise.services.complaints import add_complaint, change_status, customer_complaints, update_complaint
from tierwise.store.models import AuditEntry, Complaint

D = dt.date
WANG = Actor("wang", "account_manager", frozenset({"east"}))
LI = Actor("li", "account_manager", frozenset({"north"}))


def as_(book, actor: Actor):
    """The book's context acting as ``actor``."""
    return replace(book.context(), actor=actor)


def audit(book) -> list[tuple]:
    with book.sessions() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        return [(r.actor, r.action, r.target_id, r.before, r.after) for r in rows]


def fields(card) -> tuple:
    return (card.date, card.category, card.description, card.cause, card.resolution, card.status.value)


def test_a_correction_changes_the_fields_given_and_audits_them_before_and_after(book) -> None:
    wang = as_(book, WANG)
    card = add_complaint(wang, "C1", D(2026, 3, 9), description="交货延迟", category="delivery")
    change_status(wang, card.complaint_id, "in_progress")
    fixed = update_complaint(
        wang,
        card.complaint_id,
        description="  交货延迟两周  ",
        cause="仓库排产",
        date=D(2026, 3, 6),
        category="delivery",
    )
    assert fields(fixed) == (D(2026, 3, 6), "delivery", "交货延迟两周", "仓库排产", None, "in_progress")
    assert [(c.from_status, c.to_status) for c in fixed.changes] == [(None, "open"), ("open", "in_progress")]
    [kept] = customer_complaints(wang, "C1")
    assert fields(kept) == fields(fixed)
    assert audit(book)[-1] == (
        "wang",
        "complaint.update",
        card.complaint_id,
        {"date": "2026-03-09", "description": "交货延迟", "cause": None},
        {"date": "2026-03-06", "description": "交货延迟两周", "cause": "仓库排产"},
    )
    cleared = update_complaint(wang, card.complaint_id, category="", resolution="补发")
    assert (cleared.category, cleared.resolution, cleared.status.value) == (None, "补发", "in_progress")
    assert audit(book)[-1][3:] == (
        {"category": "delivery", "resolution": None},
        {"category": None, "resolution": "补发"},
    )


def test_nothing_is_written_when_nothing_changes(book) -> None:
    wang = as_(book, WANG)
    card = add_complaint(wang, "C1", D(2026, 3, 9), description="发票抬头错误", category="billing")
    before = audit(book)
    same = update_complaint(
        wang, card.complaint_id, description="发票抬头错误 ", category="billing", date=D(2026, 3, 9)
    )
    assert fields(same) == (D(2026, 3, 9), "billing", "发票抬头错误", None, None, "open")
    assert update_complaint(wang, card.complaint_id) == same
    assert audit(book) == before


def test_another_account_managers_complaint_is_not_found_and_stays(book) -> None:
    card = add_complaint(as_(book, LI), "C3", D(2026, 3, 2), description="质量问题")
    with pytest.raises(NotFoundError) as caught:
        update_complaint(as_(book, WANG), card.complaint_id, description="改掉")
    assert str(caught.value) == f"unknown complaint {card.complaint_id}"
    with pytest.raises(NotFoundError, match="unknown complaint K999"):
        update_complaint(as_(book, WANG), "K999", description="改掉")  # the same answer as for none
    with pytest.raises(PermissionDeniedError, match="the lobby role may not do complaints.write"):
        update_complaint(as_(book, Actor("desk", "lobby")), card.complaint_id, description="改掉")
    with book.sessions() as session:
        assert session.scalar(select(Complaint.description)) == "质量问题"
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 1  # the complaint.add


def test_an_empty_description_or_date_is_refused_and_changes_nothing(book) -> None:
    wang = as_(book, WANG)
    card = add_complaint(wang, "C1", D(2026, 3, 9), description="交货延迟", category="delivery")
    with pytest.raises(RecordError) as caught:
        update_complaint(wang, card.complaint_id, description="   ", category="other")
    assert str(caught.value) == "complaint of customer C1: describe what the customer complains about"
    assert caught.value.render("zh") == "客户 C1 的抱怨：请描述客户抱怨的内容"
    with pytest.raises(RecordError, match=f"complaint {card.complaint_id}: give the date the customer complained on"):
        update_complaint(wang, card.complaint_id, date=None)
    [kept] = customer_complaints(wang, "C1")
    assert fields(kept) == (D(2026, 3, 9), "delivery", "交货延迟", None, None, "open")
    assert [a[1] for a in audit(book)] == ["complaint.add"]
