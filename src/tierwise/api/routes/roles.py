"""``/api/v1/roles``: every role, whom it sees and what it may do, for any signed-in user."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.language import request_language
from tierwise.api.schemas import problem_responses
from tierwise.services.roles import RoleCard, role_table

router = APIRouter(tags=["users"])


class RolePublic(BaseModel):
    """A role: its code, name and description in the answer's language, whom it sees, the actions it may do."""

    role: str
    name: str
    description: str
    sees: str
    actions: list[str]

    @classmethod
    def of(cls, card: RoleCard) -> RolePublic:
        """The public form of a role card."""
        return cls(role=card.role, name=card.name, description=card.description, sees=card.sees,
                   actions=list(card.actions))  # fmt: skip


@router.get("/roles", response_model=list[RolePublic], responses=problem_responses(401), **needs("signed-in"))
def roles(request: Request, ctx: Context) -> list[RolePublic]:
    """Every role a user can have and what it may do (descriptions in the language of ``?lang=`` or
    ``Accept-Language``)."""
    return [RolePublic.of(card) for card in role_table(ctx, request_language(request))]
