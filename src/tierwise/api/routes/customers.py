"""``/api/v1/customers``: the customer list (filter, search, sort, pages) and the customer card.

Both read only the customers the caller sees (the services filter them); personal data is masked.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.language import request_language
from tierwise.api.params import CustomerId
from tierwise.api.schemas import problem_responses
from tierwise.services.customer_card import customer_card
from tierwise.services.customer_list import SortKey, list_customers
from tierwise.services.paging import MAX_PAGE

router = APIRouter(tags=["customers"])
FROM_ATTRIBUTES = ConfigDict(from_attributes=True, populate_by_name=True)


class CustomerPublic(BaseModel):
    """One customer of the list: personal data masked; class and label of the policy asked for."""

    model_config = FROM_ATTRIBUTES

    customer_id: str
    name: str
    kind: str | None
    industry: str | None
    region: str | None
    owner: str | None
    team: str | None
    phone: str | None = Field(description="masked, e.g. 138****5678")
    email: str | None = Field(description="masked, e.g. z***@example.com")
    id_number: str | None = Field(description="masked, e.g. 110***********1234")
    class_: str | None = Field(serialization_alias="class")
    label: str | None
    rank: int | None


class CustomerPagePublic(BaseModel):
    """One page of customers and how many match in all."""

    model_config = FROM_ATTRIBUTES

    total: int
    offset: int
    limit: int
    policy: str | None
    run_id: int | None = Field(description="the policy's latest saved run the classes come from")
    rows: list[CustomerPublic]


class RecordPublic(BaseModel):
    """The customer's own record (personal data masked)."""

    model_config = FROM_ATTRIBUTES

    customer_id: str
    name: str
    kind: str | None
    industry: str | None
    region: str | None
    org_level: str | None
    owner: str | None
    team: str | None
    phone: str | None
    email: str | None
    created_at: dt.date | None
    annual_revenue: Decimal | None
    employees: int | None


class ContactPersonPublic(BaseModel):
    """A person at the customer and their role in the purchase."""

    model_config = FROM_ATTRIBUTES

    name: str
    title: str | None
    purchase_role: str | None
    attitude: str | None
    influence: str | None


class SavedClassPublic(BaseModel):
    """The customer's class in the latest saved run of one policy, with its reasons."""

    model_config = FROM_ATTRIBUTES

    policy: str
    version: str
    run_id: int
    as_of: dt.date
    code: str
    label: str | None
    score: float | None
    rank: int | None
    reasons: list[str]


class HistoryPublic(BaseModel):
    """The customer's class in one saved run, with the reasons."""

    model_config = FROM_ATTRIBUTES

    run_id: int
    policy: str
    policy_version: str
    as_of: dt.date
    class_: str = Field(serialization_alias="class")
    computed_class: str | None
    label: str | None
    reasons: list[str]


class IndicatorPublic(BaseModel):
    """One indicator: name, label, unit and value as of today."""

    model_config = FROM_ATTRIBUTES

    name: str
    label: str
    unit: str
    value: float | str | bool | None


class CreditPublic(BaseModel):
    """Credit as of today: collection period, overdue and open amounts."""

    model_config = FROM_ATTRIBUTES

    as_of: dt.date
    invoices: int
    collection_days: float | None
    overdue_amount: float
    max_days_overdue: int
    open_receivables: float


class ValuePublic(BaseModel):
    """What the value models expect: P(alive), purchases and CLV over the next 12 months."""

    model_config = FROM_ATTRIBUTES

    as_of: dt.date
    p_alive: float
    expected_purchases_12m: float
    clv_12m: float


class VisitSummaryPublic(BaseModel):
    """A visit card on the customer card."""

    model_config = FROM_ATTRIBUTES

    id: int
    date: dt.date
    contact_person: str | None
    channel: str | None
    content: str | None
    progress: str | None
    next_step: str | None
    next_visit_date: dt.date | None


class ComplaintSummaryPublic(BaseModel):
    """A complaint card on the customer card."""

    model_config = FROM_ATTRIBUTES

    complaint_id: str
    date: dt.date
    category: str | None
    description: str | None
    status: str
    resolved_date: dt.date | None


class SurveySummaryPublic(BaseModel):
    """A survey answer on the customer card."""

    model_config = FROM_ATTRIBUTES

    id: int
    date: dt.date
    csat: int | None
    nps: int | None
    comment: str | None


class OpportunityPublic(BaseModel):
    """A sales opportunity."""

    model_config = FROM_ATTRIBUTES

    opportunity_id: str
    stage: str
    expected_close_date: dt.date | None
    amount: Decimal | None


class CustomerCardPublic(BaseModel):
    """Everything the archive knows about one customer."""

    record: RecordPublic
    contacts: list[ContactPersonPublic]
    classes: list[SavedClassPublic]
    history: list[HistoryPublic]
    indicators: list[IndicatorPublic]
    credit: CreditPublic | None
    value: ValuePublic | None
    visits: list[VisitSummaryPublic]
    complaints: list[ComplaintSummaryPublic]
    surveys: list[SurveySummaryPublic]
    opportunities: list[OpportunityPublic]
    prospect_grade: SavedClassPublic | None


@router.get(
    "/customers",
    response_model=CustomerPagePublic,
    responses=problem_responses(400, 401, 403),
    **needs("customers.read"),
)
def customers(
    ctx: Context,
    policy: Annotated[str | None, Query(max_length=200, description="classes of this policy's latest run")] = None,
    class_: Annotated[str | None, Query(alias="class", max_length=100)] = None,
    owner: Annotated[str | None, Query(max_length=200)] = None,
    region: Annotated[str | None, Query(max_length=200)] = None,
    industry: Annotated[str | None, Query(max_length=200)] = None,
    kind: Annotated[str | None, Query(max_length=20)] = None,
    q: Annotated[str | None, Query(max_length=200, description="a part of the name or the id")] = None,
    sort: SortKey = "customer_id",
    descending: bool = False,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> CustomerPagePublic:
    """The customers the caller sees matching every filter, sorted, one page of them and the total."""
    page = list_customers(
        ctx, policy=policy, class_=class_, owner=owner, region=region, industry=industry, kind=kind, q=q,
        sort=sort, descending=descending, offset=offset, limit=limit,
    )  # fmt: skip
    return CustomerPagePublic.model_validate(page)


@router.get(
    "/customers/{customer_id}",
    response_model=CustomerCardPublic,
    responses=problem_responses(401, 403, 404),
    **needs("customers.read"),
)
def customer(ctx: Context, customer_id: CustomerId, request: Request) -> CustomerCardPublic:
    """The customer card: record, contacts, classes and their history, indicators, credit, value, cards
    (labels in the language of ``?lang=`` or ``Accept-Language``)."""
    card = customer_card(ctx, customer_id, lang=request_language(request))
    p = card.profile
    return CustomerCardPublic(
        record=RecordPublic.model_validate(p.record),
        contacts=[ContactPersonPublic.model_validate(c) for c in p.contacts],
        classes=[SavedClassPublic.model_validate(c) for c in p.classes],
        history=[HistoryPublic.model_validate(h) for h in card.history],
        indicators=[IndicatorPublic.model_validate(i) for i in card.indicators],
        credit=CreditPublic.model_validate(p.credit) if p.credit else None,
        value=ValuePublic.model_validate(p.value) if p.value else None,
        visits=[VisitSummaryPublic.model_validate(v) for v in p.visits],
        complaints=[ComplaintSummaryPublic.model_validate(c) for c in p.complaints],
        surveys=[SurveySummaryPublic.model_validate(s) for s in card.surveys],
        opportunities=[OpportunityPublic.model_validate(o) for o in card.opportunities],
        prospect_grade=SavedClassPublic.model_validate(card.prospect_grade) if card.prospect_grade else None,
    )
