"""The dashboard page (``/``): the viewer's customers in the latest saved run of a policy, in charts."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from tierwise.reports.charts import sankey_chart
from tierwise.services.context import ServiceContext
from tierwise.services.dashboard import dashboard
from tierwise.web import charts
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import page_language, render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def dashboard_page(
    request: Request, policy: str | None = None, ctx: ServiceContext = Depends(page_context)
) -> HTMLResponse:
    """KPIs and charts of the chosen policy's latest run (default: the policy saved most recently)."""
    lang = page_language(request)
    board = dashboard(ctx, policy=policy or None, lang=lang)
    options = {}
    if board.run_id is not None:
        options["chart-classes"] = charts.classes_option(board, lang)
        options["chart-curves"] = charts.curves_option(board, lang)
        if board.previous_run_id is not None:
            moves = charts.migration(board, board.previous_as_of)
            if moves is not None:
                options["chart-sankey"] = sankey_chart(moves, lang)
    options["chart-complaints"] = charts.complaints_option(board, lang)
    options["chart-nps"] = charts.nps_option(board, lang)
    return render(
        request,
        "dashboard.html",
        **page_values(request, ctx, active="/"),
        board=board,
        charts={key: json.dumps(option, ensure_ascii=False) for key, option in options.items()},
    )
