"""``/api/v1/exports/customers``: the filtered customer list as a CSV or xlsx file (masked, audited)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.language import request_language
from tierwise.api.schemas import problem_responses
from tierwise.services.customer_export import FORMATS, ExportFile, ListFilters, export_customers
from tierwise.services.customer_list import SortKey

router = APIRouter(prefix="/exports", tags=["customers"])


def download(made: ExportFile) -> Response:
    """The export as a file download (its name, its media type)."""
    disposition = f"attachment; filename=\"{made.filename}\"; filename*=UTF-8''{quote(made.filename)}"
    return Response(made.content, media_type=made.media_type, headers={"Content-Disposition": disposition})


@router.get(
    "/customers",
    response_class=Response,
    responses={200: {"content": {t: {} for t in FORMATS.values()}}, **problem_responses(400, 401, 403)},
    **needs("customers.export"),
)
def export_customer_list(
    ctx: Context,
    request: Request,
    fmt: Annotated[Literal["csv", "xlsx"], Query(alias="format")] = "csv",
    policy: Annotated[str | None, Query(max_length=200)] = None,
    class_: Annotated[str | None, Query(alias="class", max_length=100)] = None,
    owner: Annotated[str | None, Query(max_length=200)] = None,
    region: Annotated[str | None, Query(max_length=200)] = None,
    industry: Annotated[str | None, Query(max_length=200)] = None,
    kind: Annotated[str | None, Query(max_length=20)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    sort: SortKey = "customer_id",
    descending: bool = False,
) -> Response:
    """The customers the caller sees matching the list's filters, as a file (personal data masked)."""
    where = ListFilters(policy, class_, owner, region, industry, kind, q, sort, descending)
    return download(export_customers(ctx, where, fmt, lang=request_language(request)))
