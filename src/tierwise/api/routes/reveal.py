"""``POST /api/v1/customers/{customer_id}/reveal``: one personal field of one customer, for a manager who
says why (the service checks the role, the team and the reason, and audits the reveal)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.schemas import problem_responses
from tierwise.services.reveal import reveal

router = APIRouter(tags=["customers"])


class RevealCreate(BaseModel):
    """Which field to reveal and why (the reason is kept in the audit log)."""

    field: Literal["id_number", "phone", "email"]
    reason: str = Field(max_length=1000, description="Why it is needed, at least 10 characters")


class RevealedPublic(BaseModel):
    """The one field asked for, in plain text (``null`` when none is stored)."""

    customer_id: str
    field: str
    value: str | None


@router.post(
    "/customers/{customer_id}/reveal",
    response_model=RevealedPublic,
    responses=problem_responses(400, 401, 403, 404),
    **needs("pii.reveal"),
)
def reveal_field(customer_id: str, body: RevealCreate, ctx: Context) -> RevealedPublic:
    """Reveal one personal field of a customer of your team, with a reason (audited)."""
    shown = reveal(ctx, customer_id, body.field, body.reason)
    return RevealedPublic(customer_id=shown.customer_id, field=shown.field, value=shown.value)
