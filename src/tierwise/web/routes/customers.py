"""The customer pages: the list (``/customers``: filter, search, sort, page; htmx swaps the table) and the
card (``/customers/{id}``: profile, indicators, class history, visits, complaints, surveys, opportunities,
value) with forms to record a visit, a complaint or a survey answer, and to correct a complaint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tierwise.accounts.contacts import ATTITUDE_NAMES, INFLUENCE_NAMES, ROLE_NAMES
from tierwise.errors import TierwiseError
from tierwise.i18n import translate
from tierwise.services.complaints import add_complaint, update_complaint
from tierwise.services.contacts import add_contact
from tierwise.services.context import ServiceContext
from tierwise.services.customer_card import customer_card
from tierwise.services.customer_facets import customer_facets
from tierwise.services.customer_list import SORT_KEYS, list_customers
from tierwise.services.surveys import add_survey
from tierwise.services.visits import add_visit
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import page_language, render

router = APIRouter()
#: the choices of the card's contact form (codes → message ids)
CONTACT_CHOICES = {"roles": ROLE_NAMES, "attitudes": ATTITUDE_NAMES, "influences": INFLUENCE_NAMES}
SECTIONS = {"contact": "decision-makers"}  # the card's section a saved record is shown in, when not its plural
PAGE_SIZE = 50


@router.get("/customers", response_class=HTMLResponse)
def customers_page(
    request: Request,
    ctx: ServiceContext = Depends(page_context),
    policy: str | None = None,
    class_: Annotated[str | None, Query(alias="class")] = None,
    owner: str | None = None,
    region: str | None = None,
    industry: str | None = None,
    kind: str | None = None,
    q: str | None = None,
    sort: str = "customer_id",
    desc: bool = False,
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    """The list of the customers the viewer sees; an htmx request gets the table alone."""
    lang = page_language(request)
    facets = customer_facets(ctx, lang=lang)
    policy = policy or None
    if policy is not None and policy not in facets.policies:
        policy = None
    if policy is None and facets.policies:
        policy = next(iter(facets.policies))
    chosen = {
        "policy": policy,
        "class_": class_ or None,
        "owner": owner or None,
        "region": region or None,
        "industry": industry or None,
        "kind": kind or None,
        "q": (q or "").strip() or None,
    }
    if sort not in SORT_KEYS or (policy is None and sort in ("class", "rank")):
        sort = "customer_id"
    if chosen["class_"] is not None and policy is None:
        chosen["class_"] = None
    found = list_customers(ctx, **chosen, sort=sort, descending=desc, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    template = "_customer_table.html" if request.headers.get("hx-request") else "customers.html"

    def link(to_sort: str | None = None, to_page: int | None = None) -> str:
        """This list's address sorted by ``to_sort`` (again: the other way round) or at page ``to_page``."""
        given = {("class" if key == "class_" else key): value for key, value in chosen.items() if value}
        flip = (not desc) if to_sort == sort else False
        given |= {"sort": to_sort or sort, "desc": str(flip if to_sort else desc).lower(), "page": to_page or 1}
        return "/customers?" + urlencode(given)

    def export_link(fmt: str) -> str:
        """This list, as filtered and sorted, exported to ``fmt``."""
        given = {("class" if key == "class_" else key): value for key, value in chosen.items() if value}
        return "/exports/customers?" + urlencode(given | {"sort": sort, "desc": str(desc).lower(), "format": fmt})

    return render(
        request,
        template,
        **page_values(request, ctx, active="/customers"),
        facets=facets,
        chosen=chosen,
        sort=sort,
        desc=desc,
        page=page,
        pages=max(1, -(-found.total // PAGE_SIZE)),
        found=found,
        link=link,
        export_link=export_link,
    )


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
def customer_page(request: Request, customer_id: str, ctx: ServiceContext = Depends(page_context)) -> HTMLResponse:
    """The customer card (404 for a customer the viewer may not see, as for one that does not exist)."""
    lang = page_language(request)
    card = customer_card(ctx, customer_id, lang=lang)  # type: ignore[arg-type]
    return render(
        request,
        "customer.html",
        **page_values(request, ctx, active="/customers"),
        card=card,
        today=ctx.now().date(),
        notice=request.query_params.get("saved"),
        contact_choices=CONTACT_CHOICES,
    )


def _recorded(
    request: Request, ctx: ServiceContext, customer_id: str, what: str, save: Callable[[], object]
) -> Response:
    """Run ``save``; back to the card's ``what`` section, or the card again with the refusal shown."""
    try:
        save()
    except TierwiseError as exc:
        return _refused(request, ctx, customer_id, exc)
    section = SECTIONS.get(what, f"{what}s")
    return RedirectResponse(f"/customers/{customer_id}?saved={what}#{section}", status_code=303)


def _refused(request: Request, ctx: ServiceContext, customer_id: str, exc: TierwiseError) -> HTMLResponse:
    lang = page_language(request)
    card = customer_card(ctx, customer_id, lang=lang)  # type: ignore[arg-type]
    lines = [translate(exc.text, lang), *(translate(d, lang) for d in exc.details)]
    return render(
        request,
        "customer.html",
        400,
        **page_values(request, ctx, active="/customers"),
        card=card,
        today=ctx.now().date(),
        problem=lines,
        notice=None,
        contact_choices=CONTACT_CHOICES,
    )


@router.post("/customers/{customer_id}/visits")
def record_visit(
    request: Request,
    customer_id: str,
    date: Annotated[dt.date, Form()],
    ctx: ServiceContext = Depends(page_context),
    contact_person: Annotated[str | None, Form()] = None,
    channel: Annotated[str | None, Form()] = None,
    content: Annotated[str | None, Form()] = None,
    next_step: Annotated[str | None, Form()] = None,
    next_visit_date: Annotated[str | None, Form()] = None,
) -> Response:
    """Record a visit card from the customer card's form."""
    return _recorded(
        request,
        ctx,
        customer_id,
        "visit",
        lambda: add_visit(
            ctx,
            customer_id,
            date,
            contact_person=contact_person or None,
            channel=channel or None,
            content=content or None,
            next_step=next_step or None,
            next_visit_date=dt.date.fromisoformat(next_visit_date) if next_visit_date else None,
        ),
    )


@router.post("/customers/{customer_id}/complaints")
def record_complaint(
    request: Request,
    customer_id: str,
    date: Annotated[dt.date, Form()],
    description: Annotated[str, Form()],
    ctx: ServiceContext = Depends(page_context),
    category: Annotated[str | None, Form()] = None,
) -> Response:
    """Record a complaint card from the customer card's form."""
    save = lambda: add_complaint(ctx, customer_id, date, description=description, category=category or None)  # noqa: E731
    return _recorded(request, ctx, customer_id, "complaint", save)


@router.post("/customers/{customer_id}/complaints/edit")
def correct_complaint(
    request: Request,
    customer_id: str,
    complaint_id: Annotated[str, Form()],
    date: Annotated[dt.date, Form()],
    ctx: ServiceContext = Depends(page_context),
    description: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    cause: Annotated[str, Form()] = "",
    resolution: Annotated[str, Form()] = "",
) -> Response:
    """Correct a complaint from its form on the card (an empty field clears it; its status stays)."""
    fields = {"description": description, "category": category, "cause": cause, "resolution": resolution}
    save = lambda: update_complaint(ctx, complaint_id, date=date, **fields)  # noqa: E731
    return _recorded(request, ctx, customer_id, "complaint", save)


@router.post("/customers/{customer_id}/contacts")
def record_contact(
    request: Request,
    customer_id: str,
    name: Annotated[str, Form()],
    ctx: ServiceContext = Depends(page_context),
    title: Annotated[str | None, Form()] = None,
    purchase_role: Annotated[str | None, Form()] = None,
    attitude: Annotated[str | None, Form()] = None,
    influence: Annotated[str | None, Form()] = None,
    last_contact: Annotated[str | None, Form()] = None,
) -> Response:
    """Add a person to the customer's decision-maker map from the card's form (the service checks the codes)."""
    return _recorded(
        request,
        ctx,
        customer_id,
        "contact",
        lambda: add_contact(
            ctx,
            customer_id,
            name,
            title=title or None,
            purchase_role=purchase_role or None,
            attitude=attitude or None,
            influence=influence or None,
            last_contact=dt.date.fromisoformat(last_contact) if last_contact else None,
        ),
    )


@router.post("/customers/{customer_id}/surveys")
def record_survey(
    request: Request,
    customer_id: str,
    date: Annotated[dt.date, Form()],
    ctx: ServiceContext = Depends(page_context),
    csat: Annotated[str | None, Form()] = None,
    nps: Annotated[str | None, Form()] = None,
    comment: Annotated[str | None, Form()] = None,
) -> Response:
    """Record a survey answer from the customer card's form (the service checks the scales)."""
    save = lambda: add_survey(ctx, customer_id, date, csat=csat or None, nps=nps or None, comment=comment or None)  # noqa: E731
    return _recorded(request, ctx, customer_id, "survey", save)
