"""Surveys on the store: refused answers write nothing; the summary per owner and per class, by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tierwise.errors import RecordError, UsageError
from tierwise.services.surveys import SurveyQuarter, add_survey, survey_summary
from tierwise.store.models import AuditEntry, Survey

D = dt.date
ANSWERS = [
    ("C1", D(2025, 11, 10), 4, 9),
    ("C3", D(2025, 12, 1), 3, 6),
    ("C1", D(2026, 1, 15), 5, 10),
    ("C2", D(2026, 2, 1), 2, 3),
    ("C3", D(2026, 3, 1), 4, 8),
    ("C4", D(2026, 3, 5), 5, 9),
    ("C5", D(2026, 1, 20), 3, None),
]


@pytest.fixture
def answered(book, ctx):
    book.save_run("key-account", D(2026, 1, 31), {"C1": "key", "C2": "key", "C3": "regular", "C4": "regular"})
    book.save_run("key-account", D(2026, 2, 28), {"C1": "key", "C2": "regular", "C3": "key", "C4": "regular"})
    for cid, day, csat, nps in ANSWERS:
        add_survey(ctx, cid, day, csat=csat, nps=nps, comment="ok")
    return ctx


def test_an_answer_is_kept_and_audited(book, ctx) -> None:
    record = add_survey(ctx, "C1", D(2026, 3, 9), csat=4, nps=9, comment=" 交付及时 ")
    assert (record.csat, record.nps, record.comment) == (4, 9, "交付及时")
    with book.sessions() as session:
        assert session.scalar(select(AuditEntry.action)) == "survey.add"


def test_a_refused_answer_writes_nothing(book, ctx) -> None:
    with pytest.raises(RecordError, match="survey of customer C1: nps must be a whole number from 0 to 10, not 11"):
        add_survey(ctx, "C1", D(2026, 3, 9), csat=4, nps=11)
    with pytest.raises(RecordError, match="unknown customer C9"):
        add_survey(ctx, "C9", D(2026, 3, 9), csat=4)
    with book.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Survey)) == 0


def test_summary_per_owner_by_hand(answered) -> None:
    summary = survey_summary(answered, "owner")
    assert summary.quarters == (
        # li: 2025Q4 C3 (3, 6): NPS one detractor of one = −100; 2026Q1 C3 (4, 8) and C4 (5, 9): 1 promoter of 2 = 50
        SurveyQuarter("li", "2025Q4", 1, 3.0, -100.0, None, None),
        SurveyQuarter("li", "2026Q1", 2, 4.5, 50.0, 1.5, 150.0),
        # wang: 2025Q4 C1 (4, 9) = 100; 2026Q1 C1 (5, 10) and C2 (2, 3): (1 − 1) / 2 = 0
        SurveyQuarter("wang", "2025Q4", 1, 4.0, 100.0, None, None),
        SurveyQuarter("wang", "2026Q1", 2, 3.5, 0.0, -0.5, -100.0),
        # C5 has no owner and answered no NPS question
        SurveyQuarter(None, "2026Q1", 1, 3.0, None, None, None),
    )


def test_summary_per_class_of_the_latest_run_by_hand(answered) -> None:
    summary = survey_summary(answered, "class", policy="key-account")
    assert summary.quarters == (
        # key in the latest run: C1 and C3 — 2025Q4 (4, 9), (3, 6): NPS 0; 2026Q1 (5, 10), (4, 8): NPS 50
        SurveyQuarter("key", "2025Q4", 2, 3.5, 0.0, None, None),
        SurveyQuarter("key", "2026Q1", 2, 4.5, 50.0, 1.0, 50.0),
        # regular: C2 (2, 3) and C4 (5, 9): NPS 0
        SurveyQuarter("regular", "2026Q1", 2, 3.5, 0.0, None, None),
        SurveyQuarter(None, "2026Q1", 1, 3.0, None, None, None),
    )


def test_summary_of_one_owner_and_the_usage_errors(answered) -> None:
    assert [q.group for q in survey_summary(answered, "owner", owner="li").quarters] == ["li", "li"]
    with pytest.raises(UsageError, match="needs a policy"):
        survey_summary(answered, "class")
    with pytest.raises(UsageError, match="unknown grouping 'team'"):
        survey_summary(answered, "team")  # type: ignore[arg-type]
