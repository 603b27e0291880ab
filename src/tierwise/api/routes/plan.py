"""``/api/v1/plan`` and ``/api/v1/alerts``: the month's contact plan and the alerts firing today.

Both cover only the customers the caller sees (an account manager: their own; a manager: their teams').
Texts (class labels, cadences, alert facts and how to clear them) are in the language asked.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.language import request_language
from tierwise.api.schemas import problem_responses
from tierwise.archive.alerts import AlertKind
from tierwise.archive.contact import ContactStatus as S
from tierwise.archive.months import Month
from tierwise.i18n import translate
from tierwise.services.alerts import alerts as firing
from tierwise.services.plan import ManagerPlan, contact_plan

router = APIRouter(tags=["plan"])
READ = problem_responses(400, 401, 403)


class PlanEntryPublic(BaseModel):
    """One customer of a manager's plan: its class and cadence, last contact, due date and status."""

    customer_id: str
    name: str | None
    policy: str
    class_code: str
    class_label: str
    every_days: int
    cadence: str
    last_contact: dt.date | None
    due_date: dt.date
    status: str
    days_overdue: int
    visits_needed: int


class AllocationLinePublic(BaseModel):
    """One group of the month's time allocation: recommended and real accounts and the days they need."""

    group: str
    label: str
    recommended_accounts: int
    recommended_days: float
    accounts: int
    days: float
    counted: bool


class CarePublic(BaseModel):
    """A greeting due this month: birthday, anniversary or holiday."""

    date: dt.date
    kind: str
    customer_id: str
    customer_name: str
    contact: str | None
    years: int | None


class ManagerPlanPublic(BaseModel):
    """One account manager's month."""

    owner: str | None
    overdue: int
    due: int
    on_track: int
    visits_needed: int
    entries: list[PlanEntryPublic]
    allocation: list[AllocationLinePublic]
    allocation_days: float
    care: list[CarePublic]


class PlanPublic(BaseModel):
    """The contact plan of one month."""

    month: str
    reference: dt.date
    working_days: int
    policies: list[str]
    allocation_policy: str
    allocation_as_of: dt.date | None
    managers: list[ManagerPlanPublic]


class AlertPublic(BaseModel):
    """An alert: which customer, what happened, and how it clears, in the language asked."""

    kind: str
    customer_id: str
    customer_name: str
    owner: str | None
    date: dt.date
    fact: str
    clear: str


def _manager(plan: ManagerPlan, lang: str) -> ManagerPlanPublic:
    entries = [
        PlanEntryPublic(
            **{**e._asdict(), "class_label": e.class_label[lang], "cadence": e.cadence[lang], "status": e.status.value}
        )
        for e in plan.entries
    ]
    lines = [AllocationLinePublic(**{**vars(line), "label": line.label[lang]}) for line in plan.allocation.lines]
    care = [
        CarePublic(date=c.date, kind=c.kind.value, customer_id=c.customer_id, customer_name=c.customer_name,
                   contact=c.contact, years=c.years)
        for c in plan.care
    ]  # fmt: skip
    return ManagerPlanPublic(
        owner=plan.owner, overdue=plan.count(S.OVERDUE), due=plan.count(S.DUE), on_track=plan.count(S.ON_TRACK),
        visits_needed=plan.visits_needed, entries=entries, allocation=lines,
        allocation_days=plan.allocation.total_days, care=care,
    )  # fmt: skip


@router.get("/plan", response_model=PlanPublic, responses=READ, **needs("plan.read"))
def plan(
    ctx: Context,
    request: Request,
    month: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")],
    owner: Annotated[str | None, Query(max_length=200)] = None,
) -> PlanPublic:
    """The month's contact plan per account manager: who is overdue, due, on track; time and greetings."""
    lang = request_language(request)
    made = contact_plan(ctx, Month.parse(month), owner=owner)
    return PlanPublic(
        month=month, reference=made.reference, working_days=made.working_days, policies=list(made.policies),
        allocation_policy=made.allocation_policy, allocation_as_of=made.allocation_as_of,
        managers=[_manager(m, lang) for m in made.managers],
    )  # fmt: skip


@router.get("/alerts", response_model=list[AlertPublic], responses=READ, **needs("alerts.read"))
def alerts(
    ctx: Context,
    request: Request,
    owner: Annotated[str | None, Query(max_length=200)] = None,
    kind: Annotated[list[AlertKind] | None, Query()] = None,
) -> list[AlertPublic]:
    """Every alert firing today (of one manager's customers, of some kinds only, when asked)."""
    lang = request_language(request)
    return [
        AlertPublic(
            kind=a.kind.value, customer_id=a.customer_id, customer_name=a.customer_name, owner=a.owner, date=a.date,
            fact=translate(a.fact(), lang), clear=translate(a.clear(), lang),
        )
        for a in firing(ctx, owner=owner, kinds=kind)
    ]  # fmt: skip
