"""The churn page (``/key-accounts/churn``): customers lost per quarter, lost against retained, and the
win-back list, as of a date."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from tierwise.services.churn_review import churn_review
from tierwise.services.context import ServiceContext
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import render

router = APIRouter()
SHOWN = 100  # win-back rows on the page, most sales first


@router.get("/key-accounts/churn", response_class=HTMLResponse)
def churn_page(request: Request, ctx: ServiceContext = Depends(page_context), as_of: str | None = None) -> HTMLResponse:
    """Churn and win-back as of ``as_of`` (default today)."""
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        day = None
    return render(
        request,
        "churn.html",
        **page_values(request, ctx, active="/key-accounts/reviews"),
        churn=churn_review(ctx, as_of=day),
        shown=SHOWN,
    )
