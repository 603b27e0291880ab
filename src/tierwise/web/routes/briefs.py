"""The visit brief (``/customers/{id}/brief``): one printable page to prepare a visit, with the objective and
materials the account manager writes in its form."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from tierwise.accounts.care import CARE_NAMES
from tierwise.accounts.contacts import ATTITUDE_NAMES, INFLUENCE_NAMES, ROLE_NAMES
from tierwise.accounts.lifecycle import STATUS_NAMES
from tierwise.services.context import ServiceContext
from tierwise.services.visit_brief import visit_brief
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import page_language, render

router = APIRouter()


@router.get("/customers/{customer_id}/brief", response_class=HTMLResponse)
def brief_page(
    request: Request,
    customer_id: str,
    ctx: ServiceContext = Depends(page_context),
    objective: str | None = None,
    materials: str | None = None,
) -> HTMLResponse:
    """The visit brief of a customer the viewer sees (404 otherwise, as for one that does not exist)."""
    lang = page_language(request)
    brief = visit_brief(ctx, customer_id, objective=objective, materials=materials, lang=lang)
    return render(
        request,
        "brief.html",
        **page_values(request, ctx, active="/customers"),
        brief=brief,
        role_names=ROLE_NAMES,
        attitude_names=ATTITUDE_NAMES,
        influence_names=INFLUENCE_NAMES,
        care_names=CARE_NAMES,
        status_names=STATUS_NAMES,
    )
