"""Identity verification of a key customer (``/identity``), step by step for front-line staff (the lobby
and account managers, 重点客户身份验证): the basic data the customer says (name, last 4 digits of the id
number or phone, typed by the operator, who never sees the stored values), then multiple-choice questions
from the customer's own history, then the result. Three failed attempts a day lock the customer until
midnight; every attempt is audited by the service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from tierwise.errors import LockedOutError, PermissionDeniedError, TierwiseError
from tierwise.i18n import translate
from tierwise.security.identity import MAX_ATTEMPTS
from tierwise.services.context import ServiceContext
from tierwise.services.identity import Verification, answer_verification, start_verification, verification_result
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import page_language, render

router = APIRouter()


def _page(
    request: Request,
    ctx: ServiceContext,
    status: int = 200,
    *,
    step: str = "basic",
    verification: Verification | None = None,
    problem: TierwiseError | None = None,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    lang = page_language(request)
    return render(
        request,
        "identity.html",
        status,
        **page_values(request, ctx, active="/identity"),
        step=step,
        v=verification,
        max_attempts=MAX_ATTEMPTS,
        locked=isinstance(problem, LockedOutError),
        problem=[translate(problem.text, lang), *(translate(d, lang) for d in problem.details)] if problem else None,
        typed=typed or {},
    )


@router.get("/identity", response_class=HTMLResponse)
def identity_page(request: Request, ctx: ServiceContext = Depends(page_context)) -> HTMLResponse:
    """Step 1: the basic data form."""
    return _page(request, ctx)


@router.post("/identity", response_class=HTMLResponse)
def check_basic_data(
    request: Request,
    customer_id: Annotated[str, Form(max_length=200)],
    name: Annotated[str, Form(max_length=200)],
    last4: Annotated[str, Form(max_length=8)],
    ctx: ServiceContext = Depends(page_context),
) -> HTMLResponse:
    """Check the typed name and last 4; when right, step 2 (the questions), else the attempts left."""
    typed = {"customer_id": customer_id.strip(), "name": name}
    try:
        v = start_verification(ctx, typed["customer_id"], name=name, last4=last4.strip(), lang=page_language(request))
    except PermissionDeniedError:
        raise
    except TierwiseError as exc:
        return _page(request, ctx, 429 if isinstance(exc, LockedOutError) else 400, problem=exc, typed=typed)
    step = "questions" if v.status == "questions" else "result"
    return _page(request, ctx, step=step, verification=v, typed=typed)


@router.post("/identity/{check_id}/answer", response_class=HTMLResponse)
async def answer(check_id: int, request: Request, ctx: ServiceContext = Depends(page_context)) -> HTMLResponse:
    """Grade the chosen options (one attempt): step 3, the result."""
    form = await request.form()
    lang = page_language(request)
    try:
        asked = verification_result(ctx, check_id, lang)
        chosen = [form.get(f"q{i}") for i in range(len(asked.questions))]
        if any(not isinstance(c, str) or not c.isdigit() for c in chosen):
            return _page(request, ctx, 400, step="questions", verification=asked, typed={"unanswered": "1"})
        v = answer_verification(ctx, check_id, [int(str(c)) for c in chosen], lang)
    except PermissionDeniedError:
        raise
    except TierwiseError as exc:
        return _page(request, ctx, 429 if isinstance(exc, LockedOutError) else 400, problem=exc)
    return _page(request, ctx, step="result", verification=v)
