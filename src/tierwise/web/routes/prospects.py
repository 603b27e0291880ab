"""The prospects page (``/prospects``): the viewer's prospects scored against the qualified-customer
profile with their grade and reasons, and their look-alike score to today's approved key accounts; those
worth new-account development are marked, each prospect links to its card."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from tierwise.analytics.prospect_profile import load_profile
from tierwise.services.context import ServiceContext
from tierwise.services.prospects import BY, DEVELOPMENT_PROFILE, qualify_prospects
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import render

router = APIRouter()
SHOWN = 200  # prospects on the page


@router.get("/prospects", response_class=HTMLResponse)
def prospects_page(
    request: Request,
    by: str = "score",
    grade: str | None = None,
    ctx: ServiceContext = Depends(page_context),
) -> HTMLResponse:
    """The viewer's prospects, best first by qualification score or by look-alike score, of one grade when asked."""
    profile = load_profile(DEVELOPMENT_PROFILE)
    by = by if by in BY else "score"
    grades = [g.code for g in profile.grades]
    grade = grade if grade in grades else None
    found = qualify_prospects(ctx, profile=profile, by=by, grade=grade, limit=SHOWN)
    return render(
        request,
        "prospects.html",
        **page_values(request, ctx, active="/prospects"),
        prospects=found,
        profile=profile,
        grades=grades,
        by=by,
        grade=grade,
        shown=SHOWN,
    )
