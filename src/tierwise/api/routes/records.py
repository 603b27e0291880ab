"""The archive cards of a customer: visits, complaints (with their status changes), surveys and contacts.

``GET /customers/{id}/visits`` (and ``complaints``, ``surveys``, ``contacts``) lists a customer's cards;
``POST`` on the same path records one; ``PATCH /visits/{id}``, ``/surveys/{id}``, ``/contacts/{id}`` change
one, ``PATCH /complaints/{id}`` corrects a complaint (not its status) and ``POST /complaints/{id}/status``
moves a complaint through its life cycle. The services check the
role and that the caller sees the customer (else 404), and write each change with its audit row.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field

from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.params import CustomerId, RecordId
from tierwise.api.schemas import problem_responses
from tierwise.api.times import UtcTime
from tierwise.services import complaints, contacts, surveys, visits

router = APIRouter(tags=["records"])
FROM_ATTRIBUTES = ConfigDict(from_attributes=True)
READ = problem_responses(401, 403, 404)
WRITE = problem_responses(400, 401, 403, 404)
Text = Field(None, max_length=4000)
Name = Field(None, max_length=200)
ComplaintId = Annotated[str, Path(min_length=1, max_length=200, description="K12 or the id the data gave")]


class VisitCreate(BaseModel):
    """A visit: when, whom we met, how, what was discussed, the progress, next step and next visit date."""

    date: dt.date
    contact_person: str | None = Name
    channel: str | None = Name
    content: str | None = Text
    progress: str | None = Text
    next_step: str | None = Text
    next_visit_date: dt.date | None = None


class VisitUpdate(BaseModel):
    """What to change of a visit card (fields left out stay)."""

    contact_person: str | None = Name
    channel: str | None = Name
    content: str | None = Text
    progress: str | None = Text
    next_step: str | None = Text
    next_visit_date: dt.date | None = None


class VisitPublic(BaseModel):
    """A visit card as kept."""

    model_config = FROM_ATTRIBUTES

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
    recorded_at: UtcTime | None


class ComplaintCreate(BaseModel):
    """A new complaint (it starts open)."""

    date: dt.date
    description: str = Field(min_length=1, max_length=4000)
    category: str | None = Name
    cause: str | None = Text


class ComplaintUpdate(BaseModel):
    """What to correct of a complaint (fields left out stay; the status moves through its own route)."""

    date: dt.date | None = None
    category: str | None = Name
    description: str | None = Text
    cause: str | None = Text
    resolution: str | None = Text


StatusName = Literal["open", "in_progress", "resolved", "closed"]


class ComplaintStatusUpdate(BaseModel):
    """A status change of a complaint, with the resolution or cause found and a note."""

    status: StatusName
    resolution: str | None = Text
    cause: str | None = Text
    note: str | None = Text


class StatusChangePublic(BaseModel):
    """One status change of a complaint."""

    model_config = FROM_ATTRIBUTES

    from_status: str | None
    to_status: str
    changed_at: UtcTime
    actor: str
    note: str | None


class ComplaintPublic(BaseModel):
    """A complaint card and its status history, oldest change first."""

    model_config = FROM_ATTRIBUTES

    complaint_id: str
    customer_id: str
    date: dt.date
    category: str | None
    description: str | None
    cause: str | None
    resolution: str | None
    status: str
    resolved_date: dt.date | None
    changes: list[StatusChangePublic]


class SurveyCreate(BaseModel):
    """A survey answer: CSAT 1–5 and/or NPS 0–10, and a comment."""

    date: dt.date
    csat: int | None = Field(None, ge=1, le=5)
    nps: int | None = Field(None, ge=0, le=10)
    comment: str | None = Text


class SurveyUpdate(BaseModel):
    """The corrected scores and comment of a survey answer."""

    csat: int | None = Field(None, ge=1, le=5)
    nps: int | None = Field(None, ge=0, le=10)
    comment: str | None = Text


class SurveyPublic(BaseModel):
    """A survey answer as kept."""

    model_config = FROM_ATTRIBUTES

    id: int
    customer_id: str
    date: dt.date
    csat: int | None
    nps: int | None
    comment: str | None


class ContactCreate(BaseModel):
    """A person at the customer: role in the purchase, attitude, influence, birthday, last contact."""

    name: str = Field(min_length=1, max_length=200)
    title: str | None = Name
    purchase_role: str | None = Name
    attitude: str | None = Name
    influence: str | None = Name
    birthday: dt.date | None = None
    last_contact: dt.date | None = None
    relationship_owner: str | None = Name


class ContactUpdate(BaseModel):
    """What to change of a contact (fields left out stay)."""

    purchase_role: str | None = Name
    attitude: str | None = Name
    influence: str | None = Name
    birthday: dt.date | None = None
    last_contact: dt.date | None = None
    relationship_owner: str | None = Name


class ContactPublic(BaseModel):
    """A contact as kept."""

    model_config = FROM_ATTRIBUTES

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


CREATED = {"status_code": status.HTTP_201_CREATED, "responses": WRITE}


@router.get("/customers/{customer_id}/visits", response_model=list[VisitPublic], responses=READ,
            **needs("customers.read"))  # fmt: skip
def list_visits(ctx: Context, customer_id: CustomerId) -> list[VisitPublic]:
    """The customer's visit cards, latest first."""
    return [VisitPublic.model_validate(v) for v in visits.customer_visits(ctx, customer_id)]


@router.post("/customers/{customer_id}/visits", response_model=VisitPublic, **CREATED, **needs("visits.write"))
def create_visit(ctx: Context, customer_id: CustomerId, body: VisitCreate) -> VisitPublic:
    """Record a visit of the customer."""
    return VisitPublic.model_validate(visits.add_visit(ctx, customer_id, **body.model_dump()))


@router.patch("/visits/{visit_id}", response_model=VisitPublic, responses=WRITE, **needs("visits.write"))
def update_visit(ctx: Context, visit_id: RecordId, body: VisitUpdate) -> VisitPublic:
    """Change a visit card: only the fields sent."""
    return VisitPublic.model_validate(visits.update_visit(ctx, visit_id, **body.model_dump(exclude_unset=True)))


@router.get("/customers/{customer_id}/complaints", response_model=list[ComplaintPublic], responses=READ,
            **needs("customers.read"))  # fmt: skip
def list_complaints(ctx: Context, customer_id: CustomerId) -> list[ComplaintPublic]:
    """The customer's complaint cards with their status history, latest first."""
    return [ComplaintPublic.model_validate(c) for c in complaints.customer_complaints(ctx, customer_id)]


@router.post("/customers/{customer_id}/complaints", response_model=ComplaintPublic, **CREATED,
             **needs("complaints.write"))  # fmt: skip
def create_complaint(ctx: Context, customer_id: CustomerId, body: ComplaintCreate) -> ComplaintPublic:
    """Record an open complaint of the customer."""
    card = complaints.add_complaint(ctx, customer_id, body.date, description=body.description,
                                    category=body.category, cause=body.cause)  # fmt: skip
    return ComplaintPublic.model_validate(card)


@router.patch("/complaints/{complaint_id}", response_model=ComplaintPublic, responses=WRITE,
              **needs("complaints.write"))  # fmt: skip
def update_complaint(ctx: Context, complaint_id: ComplaintId, body: ComplaintUpdate) -> ComplaintPublic:
    """Correct a complaint's date, category, description, cause or resolution: only the fields sent."""
    card = complaints.update_complaint(ctx, complaint_id, **body.model_dump(exclude_unset=True))
    return ComplaintPublic.model_validate(card)


@router.post("/complaints/{complaint_id}/status", response_model=ComplaintPublic, responses=WRITE,
             **needs("complaints.write"))  # fmt: skip
def change_complaint_status(
    ctx: Context, complaint_id: Annotated[str, Path(min_length=1, max_length=200)], body: ComplaintStatusUpdate
) -> ComplaintPublic:
    """Move a complaint to another status (refused, naming the allowed moves, when the move is not one)."""
    card = complaints.change_status(ctx, complaint_id, body.status, resolution=body.resolution, cause=body.cause,
                                    note=body.note)  # fmt: skip
    return ComplaintPublic.model_validate(card)


@router.get("/customers/{customer_id}/surveys", response_model=list[SurveyPublic], responses=READ,
            **needs("customers.read"))  # fmt: skip
def list_surveys(ctx: Context, customer_id: CustomerId) -> list[SurveyPublic]:
    """The customer's survey answers, latest first."""
    return [SurveyPublic.model_validate(s) for s in surveys.customer_surveys(ctx, customer_id)]


@router.post("/customers/{customer_id}/surveys", response_model=SurveyPublic, **CREATED, **needs("surveys.write"))
def create_survey(ctx: Context, customer_id: CustomerId, body: SurveyCreate) -> SurveyPublic:
    """Record a survey answer of the customer."""
    record = surveys.add_survey(ctx, customer_id, body.date, csat=body.csat, nps=body.nps, comment=body.comment)
    return SurveyPublic.model_validate(record)


@router.patch("/surveys/{survey_id}", response_model=SurveyPublic, responses=WRITE, **needs("surveys.write"))
def update_survey(ctx: Context, survey_id: RecordId, body: SurveyUpdate) -> SurveyPublic:
    """Correct a survey answer: its scores and comment as sent."""
    return SurveyPublic.model_validate(surveys.update_survey(ctx, survey_id, **body.model_dump()))


@router.get("/customers/{customer_id}/contacts", response_model=list[ContactPublic], responses=READ,
            **needs("customers.read"))  # fmt: skip
def list_contacts(ctx: Context, customer_id: CustomerId) -> list[ContactPublic]:
    """The customer's contacts."""
    return [ContactPublic.model_validate(c) for c in contacts.customer_contacts(ctx, customer_id)]


@router.post("/customers/{customer_id}/contacts", response_model=ContactPublic, **CREATED, **needs("contacts.write"))
def create_contact(ctx: Context, customer_id: CustomerId, body: ContactCreate) -> ContactPublic:
    """Record a contact of the customer."""
    fields = body.model_dump()
    return ContactPublic.model_validate(contacts.add_contact(ctx, customer_id, fields.pop("name"), **fields))


@router.patch("/contacts/{contact_id}", response_model=ContactPublic, responses=WRITE, **needs("contacts.write"))
def update_contact(ctx: Context, contact_id: RecordId, body: ContactUpdate) -> ContactPublic:
    """Change a contact: only the fields sent."""
    changed = contacts.update_contact(ctx, contact_id, **body.model_dump(exclude_unset=True))
    return ContactPublic.model_validate(changed)
