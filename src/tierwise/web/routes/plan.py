"""The contact plan page (``/plan``): one account manager's month — who is overdue, due or on track,
the time allocation against the month's working days, the care dates — and their alerts, each linking
to the customer's card."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from tierwise.accounts.care import CARE_NAMES
from tierwise.archive.alerts import KIND_NAMES
from tierwise.archive.contact import STATUS_NAMES, ContactStatus
from tierwise.archive.months import Month
from tierwise.errors import UsageError
from tierwise.services.alerts import alerts
from tierwise.services.context import ServiceContext
from tierwise.services.dashboard import owners_in_view
from tierwise.services.plan import contact_plan
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import render

router = APIRouter()


@router.get("/plan", response_class=HTMLResponse)
def plan_page(
    request: Request,
    month: str | None = None,
    owner: str | None = None,
    ctx: ServiceContext = Depends(page_context),
) -> HTMLResponse:
    """The month's plan of ``owner`` (default: the viewer when they own customers, else the first manager)."""
    today = ctx.now().date()
    try:
        chosen = Month.parse(month) if month else Month(today.year, today.month)
    except UsageError:
        chosen = Month(today.year, today.month)
    owners = owners_in_view(ctx)
    if owner not in owners:
        owner = ctx.actor.name if ctx.actor.name in owners else (owners[0] if owners else None)
    plan = contact_plan(ctx, chosen, owner=owner) if owner else None
    found = alerts(ctx, owner=owner) if owner else []
    return render(
        request,
        "plan.html",
        **page_values(request, ctx, active="/plan"),
        month=chosen,
        owner=owner,
        owners=owners,
        plan=plan,
        manager=plan.managers[0] if plan and plan.managers else None,
        alerts=found,
        statuses=STATUS_NAMES,
        status_kinds=ContactStatus,
        kinds=KIND_NAMES,
        care_names=CARE_NAMES,
    )
