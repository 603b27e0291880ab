"""Export of the customer list as the viewer filtered it (``/exports/customers?format=csv|xlsx&…``, the
filters of ``/customers``): a file download, masked and limited to the customers the viewer sees; the
service audits it as an export."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from tierwise.api.routes.exports import download
from tierwise.services.context import ServiceContext
from tierwise.services.customer_export import ListFilters, export_customers
from tierwise.services.customer_list import SORT_KEYS
from tierwise.web.pages import page_context
from tierwise.web.rendering import page_language

router = APIRouter()


@router.get("/exports/customers")
def export_page(
    request: Request,
    ctx: ServiceContext = Depends(page_context),
    fmt: Annotated[Literal["csv", "xlsx"], Query(alias="format")] = "csv",
    policy: str | None = None,
    class_: Annotated[str | None, Query(alias="class")] = None,
    owner: str | None = None,
    region: str | None = None,
    industry: str | None = None,
    kind: str | None = None,
    q: str | None = None,
    sort: str = "customer_id",
    desc: bool = False,
) -> Response:
    """The filtered list as a CSV or xlsx file, headers in the page language."""
    where = ListFilters(
        policy or None, (class_ or None) if policy else None, owner or None, region or None, industry or None,
        kind or None, (q or "").strip() or None, sort if sort in SORT_KEYS else "customer_id", desc,
    )  # fmt: skip
    return download(export_customers(ctx, where, fmt, lang=page_language(request)))
