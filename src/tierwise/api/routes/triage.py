"""``POST /api/v1/triage``: route one bank-lobby walk-in (the lobby role), through the triage module.

The body is validated by the triage module itself (the same strict rules and messages as
``tierwise triage --json``); its JSON schema is published in OpenAPI from the same model.
"""

from __future__ import annotations

import json
from typing import Literal

from fastapi import APIRouter, Query, Request, Response

from tierwise.api.access import needs
from tierwise.api.language import request_language
from tierwise.api.schemas import TriageDecisionPublic, problem_responses
from tierwise.errors import NotFoundError, UsageError
from tierwise.i18n import Message
from tierwise.triage import TriagePolicy, WalkIn, triage

router = APIRouter(tags=["triage"])
ANSWER_FIELDS = tuple(TriageDecisionPublic.model_fields)

WALK_IN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": WalkIn.model_json_schema(),
                "example": {"business": "remittance", "amount": 80000, "enquiries": ["forex"]},
            }
        },
    }
}


def _policy(request: Request, name: str) -> TriagePolicy:
    policies: dict[str, TriagePolicy] = request.app.state.triage_policies
    if name not in policies:
        raise NotFoundError(
            Message(
                "no shipped triage policy %(name)s (policies: %(names)s)",
                {"name": repr(name), "names": ", ".join(sorted(policies))},
            )
        )
    return policies[name]


@router.post(
    "/triage",
    response_model=TriageDecisionPublic,
    responses=problem_responses(400, 404),
    openapi_extra={**WALK_IN_BODY, **needs("triage.decide")["openapi_extra"]},
)
async def triage_walk_in(
    request: Request,
    policy: str = Query("bank-lobby", description="A shipped triage policy name"),
    lang: Literal["en", "zh"] | None = Query(
        None, description="Language of the label, reasons and next step (default: Accept-Language, else en)"
    ),
) -> Response:
    """Decide how to route one walk-in customer: VIP, potential-VIP or ordinary flow, with the reasons."""
    body = await request.body()
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(Message("the body is not valid JSON: %(error)s", {"error": str(exc)})) from None
    decision = triage(data, _policy(request, policy), lang=lang or request_language(request))
    # the decision is already validated data: serialise it directly (FastAPI's re-validation through the
    # response model costs more than the decision itself; the model still documents the answer)
    answer = {name: getattr(decision, name) for name in ANSWER_FIELDS}
    return Response(json.dumps(answer, ensure_ascii=False), media_type="application/json")
