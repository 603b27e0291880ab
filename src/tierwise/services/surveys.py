"""Satisfaction surveys: record an answer (CSAT 1–5, NPS 0–10, comment), and the summary per class or owner.

The summary is one grouped SQL query on the store, the same on SQLite and PostgreSQL: per group (the
customer's class in the latest saved run of a policy, or its account manager) and per quarter, the
answers, the average CSAT and the NPS (``100 × (promoters − detractors) / NPS answers``; see
:mod:`tierwise.archive.surveys`), and the change of both from the group's previous quarter with answers.
Customers without a class (or without an owner) form the group ``None``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Float, Integer, and_, case, cast, extract, func, literal, select

from tierwise.archive.surveys import DETRACTOR_AT, PROMOTER_AT, check_answer
from tierwise.errors import NotFoundError, UsageError
from tierwise.i18n import N_, Message
from tierwise.services.access import require_action, restricted, visible_clause
from tierwise.services.archive_records import customer_for, record_change, require_record_visible
from tierwise.services.context import ServiceContext
from tierwise.services.saved_classes import ranked_runs
from tierwise.store.models import Customer, Survey
from tierwise.store.run_models import Assignment

NO_POLICY = N_("a survey summary by class needs a policy with a saved run (--policy NAME)")
UNKNOWN_SURVEY = N_("unknown survey %(id)s")
UNKNOWN_GROUPING = N_("unknown grouping %(by)s: choose class or owner")


@dataclass(frozen=True)
class SurveyRecord:
    """One survey answer as kept."""

    id: int
    customer_id: str
    date: dt.date
    csat: int | None
    nps: int | None
    comment: str | None


def add_survey(
    ctx: ServiceContext,
    customer_id: str,
    date: dt.date,
    *,
    csat: object = None,
    nps: object = None,
    comment: str | None = None,
) -> SurveyRecord:
    """Record a survey answer of ``customer_id`` (checked first: nothing is written when it is refused)."""
    require_action(ctx, "surveys.write")
    answer = check_answer(customer_id, date, csat, nps, comment)
    with ctx.store() as session, session.begin():
        customer_for(session, ctx, customer_id, "surveys.write")
        row = Survey(customer_id=customer_id, date=date, csat=answer.csat, nps=answer.nps, comment=answer.comment)
        session.add(row)
        session.flush()
        row.row_key = f"card:{row.id}"
        record = SurveyRecord(row.id, customer_id, date, answer.csat, answer.nps, answer.comment)
        after = {"customer_id": customer_id, "date": date, "csat": answer.csat, "nps": answer.nps}
        record_change(session, ctx, action="survey.add", target_type="survey", target_id=row.id, after=after)
    return record


def update_survey(
    ctx: ServiceContext, survey_id: int, *, csat: object = None, nps: object = None, comment: str | None = None
) -> SurveyRecord:
    """Correct survey answer ``survey_id``: its scores and comment as given (checked as a new answer)."""
    require_action(ctx, "surveys.write")
    with ctx.store() as session, session.begin():
        row = session.get(Survey, survey_id, with_for_update=True)
        unknown = Message(UNKNOWN_SURVEY, {"id": survey_id})
        if row is None:
            raise NotFoundError(unknown)
        require_record_visible(session, ctx, row.customer_id, "surveys.write", unknown)
        answer = check_answer(row.customer_id, row.date, csat, nps, comment)
        before = {"csat": row.csat, "nps": row.nps, "comment": row.comment}
        row.csat, row.nps, row.comment = answer.csat, answer.nps, answer.comment
        after = {"csat": answer.csat, "nps": answer.nps, "comment": answer.comment}
        record_change(
            session, ctx, action="survey.update", target_type="survey", target_id=survey_id, before=before, after=after
        )
        return SurveyRecord(row.id, row.customer_id, row.date, row.csat, row.nps, row.comment)


def customer_surveys(ctx: ServiceContext, customer_id: str) -> list[SurveyRecord]:
    """The survey answers of ``customer_id``, latest first."""
    with ctx.store() as session:
        customer_for(session, ctx, customer_id, "customers.read")
        query = select(Survey).where(Survey.customer_id == customer_id).order_by(Survey.date.desc(), Survey.id.desc())
        return [SurveyRecord(r.id, r.customer_id, r.date, r.csat, r.nps, r.comment) for r in session.scalars(query)]


@dataclass(frozen=True)
class SurveyQuarter:
    """One group's surveys in one quarter."""

    group: str | None
    quarter: str  # 2026Q1
    answers: int
    avg_csat: float | None
    nps: float | None
    csat_change: float | None  # from the group's previous quarter with answers
    nps_change: float | None


@dataclass(frozen=True)
class SurveySummary:
    """Survey results per group and quarter (groups sorted, quarters oldest first)."""

    by: Literal["class", "owner"]
    policy: str | None
    quarters: tuple[SurveyQuarter, ...]


def survey_summary(
    ctx: ServiceContext, by: Literal["class", "owner"] = "owner", *, policy: str | None = None, owner: str | None = None
) -> SurveySummary:
    """Average CSAT, NPS and their trend by quarter, per class of ``policy`` or per account manager."""
    require_action(ctx, "customers.read")
    if by not in ("class", "owner"):
        raise UsageError(Message(UNKNOWN_GROUPING, {"by": repr(by)}))
    if by == "class" and not policy:
        raise UsageError(Message(NO_POLICY))
    # quarter index year × 4 + (month − 1) div 3: integer division on both databases
    index = cast(extract("year", Survey.date), Integer) * 4 + (cast(extract("month", Survey.date), Integer) - 1) // 3
    query = select(Survey.customer_id, Survey.csat, Survey.nps, index.label("q")).join(
        Customer, Customer.customer_id == Survey.customer_id, isouter=True
    )
    if by == "owner":
        query = query.add_columns(Customer.owner.label("grp"))
    else:
        ranked = ranked_runs().subquery()
        latest = select(ranked.c.run_id).where(ranked.c.policy_name == policy, ranked.c.recency == 1).subquery()
        query = query.add_columns(Assignment.class_.label("grp")).join(
            Assignment,
            and_(Assignment.customer_id == Survey.customer_id, Assignment.run_id.in_(select(latest.c.run_id))),
            isouter=True,
        )
    if owner is not None:
        query = query.where(Customer.owner == owner)
    if restricted(ctx) is not None:  # counts and averages of the customers one sees only
        query = query.where(visible_clause(ctx))
    rows = query.subquery()
    nps_answers = func.count(rows.c.nps)
    promoters = func.sum(case((rows.c.nps >= PROMOTER_AT, 1), else_=0))
    detractors = func.sum(case((rows.c.nps <= DETRACTOR_AT, 1), else_=0))
    nps = case((nps_answers > 0, literal(100.0) * (promoters - detractors) / cast(nps_answers, Float)), else_=None)
    grouped = (
        select(
            rows.c.grp,
            rows.c.q,
            func.count().label("answers"),
            func.avg(cast(rows.c.csat, Float)).label("avg_csat"),
            nps.label("nps"),
        )
        .group_by(rows.c.grp, rows.c.q)
        .subquery()
    )
    window = {"partition_by": grouped.c.grp, "order_by": grouped.c.q}
    trend = select(
        grouped,
        (grouped.c.avg_csat - func.lag(grouped.c.avg_csat).over(**window)).label("csat_change"),
        (grouped.c.nps - func.lag(grouped.c.nps).over(**window)).label("nps_change"),
    ).order_by(grouped.c.grp.is_(None), grouped.c.grp, grouped.c.q)
    with ctx.store() as session:
        result = session.execute(trend).all()
    quarters = tuple(
        SurveyQuarter(
            r.grp,
            f"{int(r.q) // 4}Q{int(r.q) % 4 + 1}",
            r.answers,
            _number(r.avg_csat),
            _number(r.nps),
            _number(r.csat_change),
            _number(r.nps_change),
        )
        for r in result
    )
    return SurveySummary(by, policy if by == "class" else None, quarters)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)
