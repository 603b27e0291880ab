"""``/api/v1/prospects``: the caller's prospects scored against the qualified-customer profile, with the
grade, the reasons (in the language asked) and the look-alike score to today's approved key accounts.

An account manager gets only their own prospects, a manager their teams'; a nearest key account the caller
does not see is not named (the service checks both).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.language import request_language
from tierwise.api.schemas import problem_responses
from tierwise.i18n import translate
from tierwise.services.prospects import qualify_prospects

router = APIRouter(tags=["prospects"])
READ = problem_responses(400, 401, 403)


class ProspectPublic(BaseModel):
    """A prospect: its qualification score and grade with the reasons, and its look-alike score."""

    customer_id: str
    name: str
    owner: str | None
    score: float
    grade: str | None
    reasons: list[str]
    lookalike: float | None
    nearest_key_account: str | None
    develop: bool


@router.get("/prospects", response_model=list[ProspectPublic], responses=READ, **needs("customers.read"))
def prospects(
    ctx: Context,
    request: Request,
    by: Literal["score", "lookalike"] = "score",
    grade: Annotated[str | None, Query(max_length=20)] = None,
    owner: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> list[ProspectPublic]:
    """Prospects best first by qualification score (``by=score``) or by look-alike score (``by=lookalike``)."""
    lang = request_language(request)
    return [
        ProspectPublic(
            customer_id=p.customer_id, name=p.name, owner=p.owner, score=p.score, grade=p.grade,
            reasons=[translate(r, lang) for r in p.reasons], lookalike=p.lookalike,
            nearest_key_account=p.nearest_key_account, develop=p.develop,
        )
        for p in qualify_prospects(ctx, by=by, grade=grade, owner=owner, limit=limit)
    ]  # fmt: skip
