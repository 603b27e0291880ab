"""The analyses pages: ``/analyses`` (loyalty, profit, product mix and cross-sell gaps, promotion response
and future value, per class of a saved run or per owner, in charts) and ``/churn`` (customers lost per
quarter, lost against retained, the win-back list), each customer linking to its card."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from tierwise.analytics.promotions import PromotionWindow
from tierwise.i18n import N_, gettext_for
from tierwise.services.analyses import segment_analyses
from tierwise.services.churn import churn_analysis
from tierwise.services.context import ServiceContext
from tierwise.web import analysis_charts as charts
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import page_language, render

router = APIRouter()
BAD_WINDOW = N_("The promotion window needs a name, a start and an end on or after the start.")
GAP_ROWS_SHOWN = 50


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _json(options: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {key: json.dumps(option, ensure_ascii=False) for key, option in options.items()}


@router.get("/analyses", response_class=HTMLResponse)
def analyses_page(
    request: Request,
    by: str = "class",
    policy: str | None = None,
    promotion: str | None = None,
    start: str | None = None,
    end: str | None = None,
    cohort: str | None = None,
    ctx: ServiceContext = Depends(page_context),
) -> HTMLResponse:
    """The analyses of the viewer's customers per class (of ``policy``'s latest run) or per owner, with the
    response to one promotion window when one is given."""
    lang = page_language(request)
    _ = gettext_for(lang)
    by = by if by in ("class", "owner") else "class"
    window, problem = None, None
    if promotion or start or end:
        try:
            window = PromotionWindow(name=(promotion or "").strip(), start=_day(start), end=_day(end))  # type: ignore[arg-type]
        except ValidationError:
            problem = _(BAD_WINDOW)
    found = segment_analyses(ctx, by=by, policy=policy or None, windows=(window,) if window else (), lang=lang)  # type: ignore[arg-type]
    options: dict[str, dict[str, Any]] = {}
    cohort = cohort if cohort in {s.code for s in found.segments} else None
    if found.segments:
        options = {
            "chart-loyalty": charts.loyalty_option(found, lang),
            "chart-cohorts": charts.cohort_option(found, lang, cohort),
            "chart-profit": charts.profit_option(found, lang),
            "chart-mix": charts.mix_option(found, lang),
            "chart-value": charts.value_option(found, lang),
        }
        if found.promotions:
            options["chart-uplift"] = charts.uplift_option(found, lang)
    return render(
        request,
        "analyses.html",
        **page_values(request, ctx, active="/analyses"),
        found=found,
        window=window,
        form={"promotion": promotion or "", "start": start or "", "end": end or ""},
        problem=problem,
        cohort=cohort,
        gaps=found.gaps[:GAP_ROWS_SHOWN],
        charts=_json(options),
    )


@router.get("/churn", response_class=HTMLResponse)
def churn_page(
    request: Request,
    multiple: float = 3.0,
    as_of: str | None = None,
    ctx: ServiceContext = Depends(page_context),
) -> HTMLResponse:
    """Lost customers per quarter as of ``as_of`` (default today), lost against retained, the win-back list."""
    lang = page_language(request)
    multiple = min(max(multiple, 1.0), 12.0)
    found = churn_analysis(ctx, ctx.settings.database_url, as_of=_day(as_of), gap_multiple=multiple)
    options = {"chart-lost": charts.lost_option(found, lang), "chart-traits": charts.traits_option(found, lang)}
    return render(
        request,
        "churn.html",
        **page_values(request, ctx, active="/analyses"),  # a tab of the analyses
        found=found,
        multiple=multiple,
        charts=_json(options),
    )
