"""``POST /api/v1/triage``: route one bank-lobby walk-in (the lobby role), through the triage module.

The body is validated by the triage module itself (the same strict rules and messages as
``tierwise triage --json``); its JSON schema is published in OpenAPI from the same model.

Only a signed-in role that triages may call it (``triage.decide``: the lobby and account managers).
This route is the one on the lobby's hot path (bench/api_triage.py), so it reads its two query
parameters itself and declares them in OpenAPI by hand: FastAPI's per-request parameter solving cost a
quarter of the request, more than the decision. For the same reason it signs the caller in by calling
:func:`~tierwise.api.deps.request_context` itself rather than through ``Depends`` (the same check, the
same 401/403 problems), is a :class:`~tierwise.api.direct_route.DirectRoute` (nothing left for FastAPI to
solve per request), and answers with JSON encoded once.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response

from tierwise.api.access import needs
from tierwise.api.deps import request_context
from tierwise.api.direct_route import DirectRoute
from tierwise.api.language import request_language
from tierwise.api.schemas import TriageDecisionPublic, problem_responses
from tierwise.errors import NotFoundError, UsageError
from tierwise.i18n import LANGUAGES, Message, unknown_language
from tierwise.services.triage import decide
from tierwise.triage import TriagePolicy, WalkIn

router = APIRouter(tags=["triage"], route_class=DirectRoute)
ANSWER_FIELDS = tuple(TriageDecisionPublic.model_fields)
DEFAULT_POLICY = "bank-lobby"

OPENAPI = {
    "parameters": [
        {
            "name": "policy",
            "in": "query",
            "required": False,
            "description": "A shipped triage policy name",
            "schema": {"type": "string", "default": DEFAULT_POLICY},
        },
        {
            "name": "lang",
            "in": "query",
            "required": False,
            "description": "Language of the label, reasons and next step (default: Accept-Language, else en)",
            "schema": {"type": "string", "enum": list(LANGUAGES)},
        },
    ],
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": WalkIn.model_json_schema(),
                "example": {"business": "remittance", "amount": 80000, "enquiries": ["forex"]},
            }
        },
    },
}


def _policy(request: Request) -> TriagePolicy:
    name = request.query_params.get("policy", DEFAULT_POLICY)
    policies: dict[str, TriagePolicy] = request.app.state.triage_policies
    if name not in policies:
        raise NotFoundError(
            Message(
                "no shipped triage policy %(name)s (policies: %(names)s)",
                {"name": repr(name), "names": ", ".join(sorted(policies))},
            )
        )
    return policies[name]


def _language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked is None:
        return request_language(request)
    if asked not in LANGUAGES:
        raise UsageError(unknown_language(asked))
    return asked


@router.post(
    "/triage",
    response_model=TriageDecisionPublic,
    responses=problem_responses(400, 401, 403, 404),
    openapi_extra={**OPENAPI, **needs("triage.decide")["openapi_extra"]},
)
async def triage_walk_in(request: Request) -> Response:
    """Decide how to route one walk-in customer: VIP, potential-VIP or ordinary flow, with the reasons
    (the lobby's and the account managers')."""
    ctx = await request_context(request)
    policy, lang = _policy(request), _language(request)
    body = await request.body()
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(Message("the body is not valid JSON: %(error)s", {"error": str(exc)})) from None
    decision = decide(ctx, data, policy, lang=lang)
    # the decision is already validated data: serialise it directly (FastAPI's re-validation through the
    # response model costs more than the decision itself; the model still documents the answer)
    answer = {name: getattr(decision, name) for name in ANSWER_FIELDS}
    return Response(json.dumps(answer, ensure_ascii=False), media_type="application/json")
