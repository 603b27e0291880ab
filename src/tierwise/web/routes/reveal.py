"""Revealing one personal field on the customer card (``POST /customers/{id}/reveal``): a manager says why,
the field shows in plain text in place (htmx), and the service audits the reveal with the reason."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from tierwise.errors import NotFoundError, PermissionDeniedError, TierwiseError
from tierwise.i18n import translate
from tierwise.services.context import ServiceContext
from tierwise.services.reveal import reveal
from tierwise.web.pages import page_context
from tierwise.web.rendering import page_language, render

router = APIRouter()


@router.post("/customers/{customer_id}/reveal", response_class=HTMLResponse)
def reveal_field(
    request: Request,
    customer_id: str,
    field: Annotated[str, Form()],
    ctx: ServiceContext = Depends(page_context),
    reason: Annotated[str, Form(max_length=1000)] = "",
    shown: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    """The field in plain text with a note that the reveal is recorded; a refused reason keeps the form
    (``shown``: the masked value the card showed, shown again beside it; answered 200 so htmx swaps it)."""
    try:
        opened = reveal(ctx, customer_id, field, reason)
    except (NotFoundError, PermissionDeniedError):
        raise
    except TierwiseError as exc:
        lang = page_language(request)
        problem = [translate(exc.text, lang), *(translate(d, lang) for d in exc.details)]
        values: dict[str, Any] = {
            "customer_id": customer_id,
            "field": field,
            "reason": reason,
            "problem": problem,
            "masked": shown,
        }
        return render(request, "_masked_field.html", **values, csrf_token="")
    return render(request, "_revealed.html", value=opened.value, field=opened.field)
