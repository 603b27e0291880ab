"""The key-account pages: each role's queue (``/key-accounts``), one record with its evidence and the forms
of its moves (``/key-accounts/{id}``), the review list with cost-to-serve (``/key-accounts/reviews``) and
the decision-maker coverage the customer card loads (``/customers/{id}/decision-makers``)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tierwise.accounts.contacts import ATTITUDE_NAMES, DECISION_ROLES, INFLUENCE_NAMES, ROLE_NAMES
from tierwise.accounts.lifecycle import MEMBER_ROLES, STATUS_NAMES, Status
from tierwise.accounts.service_cost import ACTION_NAMES, Action
from tierwise.analytics.classify.reasons import indicator_label
from tierwise.analytics.registry import INDICATORS
from tierwise.errors import TierwiseError
from tierwise.i18n import N_, translate
from tierwise.services.contacts import customer_contacts, customer_coverage
from tierwise.services.context import ServiceContext
from tierwise.services.key_account_queues import decide_cost_review, key_account, key_account_queue, visible_cost_review
from tierwise.services.key_accounts import DEFAULT_REVIEW_DAYS, assign, decide, evaluate, nominate, review, review_list
from tierwise.web.charts import cost_whale_option
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import page_language, render

router = APIRouter()
MEMBER_SLOTS = 3  # rows for team members on the assignment form
MEMBER_ROLE_NAMES = {
    "owner": N_("owner"),
    "sales": N_("sales"),
    "technical": N_("technical"),
    "service": N_("service"),
    "executive_sponsor": N_("executive sponsor"),
    "finance": N_("finance"),
}


def _common(request: Request, ctx: ServiceContext, active: str) -> dict:
    return {
        **page_values(request, ctx, active=active),
        "status_names": STATUS_NAMES,
        "statuses": Status,
        "today": ctx.now().date(),
    }


def _problem(request: Request, exc: TierwiseError) -> list[str]:
    lang = page_language(request)
    return [translate(exc.text, lang), *(translate(d, lang) for d in exc.details)]


@router.get("/key-accounts", response_class=HTMLResponse)
def queue_page(request: Request, ctx: ServiceContext = Depends(page_context)) -> HTMLResponse:
    """The viewer's key-account queue: what waits for them, by their role."""
    return _queue(request, ctx)


def _queue(request: Request, ctx: ServiceContext, problem: list[str] | None = None) -> HTMLResponse:
    return render(
        request,
        "key_accounts.html",
        400 if problem else 200,
        **_common(request, ctx, "/key-accounts"),
        queue=key_account_queue(ctx),
        problem=problem,
        notice=request.query_params.get("saved"),
    )


@router.post("/key-accounts")
def nominate_by_hand(
    request: Request,
    customer_id: Annotated[str, Form()],
    reason: Annotated[str, Form()],
    ctx: ServiceContext = Depends(page_context),
) -> Response:
    """Nominate a customer by hand from the queue page's form."""
    try:
        nominate(ctx, customer_id.strip(), [reason])
    except TierwiseError as exc:
        return _queue(request, ctx, _problem(request, exc))
    return RedirectResponse(f"/key-accounts/{customer_id.strip()}?saved=nominate", status_code=303)


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/key-accounts/reviews", response_class=HTMLResponse)
def reviews_page(
    request: Request, ctx: ServiceContext = Depends(page_context), as_of: str | None = None
) -> HTMLResponse:
    """The review list: key accounts due and the customers costing more than they bring (as of a date)."""
    return _reviews(request, ctx, _day(as_of))


def _reviews(
    request: Request, ctx: ServiceContext, as_of: dt.date | None, problem: list[str] | None = None
) -> HTMLResponse:
    cost = visible_cost_review(ctx, as_of=as_of)
    whale = cost_whale_option(cost.whale_gross, cost.whale_after_cost, page_language(request))
    return render(
        request,
        "key_account_reviews.html",
        400 if problem else 200,
        **_common(request, ctx, "/key-accounts/reviews"),
        due=review_list(ctx),
        cost=cost,
        whale_chart=json.dumps(whale, ensure_ascii=False) if cost.whale_gross or cost.whale_after_cost else None,
        as_of=as_of,
        action_names=ACTION_NAMES,
        cost_actions=list(Action),
        problem=problem,
        notice=request.query_params.get("saved"),
    )


@router.post("/key-accounts/reviews/{customer_id}/decision")
def decide_cost(
    request: Request,
    customer_id: str,
    action: Annotated[str, Form()],
    ctx: ServiceContext = Depends(page_context),
    comment: Annotated[str | None, Form()] = None,
    as_of: Annotated[str | None, Form()] = None,
) -> Response:
    """Record a manager's decision on a customer of the cost-to-serve review list."""
    day = _day(as_of)
    try:
        decide_cost_review(ctx, customer_id, action, comment, as_of=day)
    except TierwiseError as exc:
        return _reviews(request, ctx, day, _problem(request, exc))
    query = urlencode({"saved": customer_id, **({"as_of": day.isoformat()} if day else {})})
    return RedirectResponse(f"/key-accounts/reviews?{query}#cost-{customer_id}", status_code=303)


@router.get("/key-accounts/{customer_id}", response_class=HTMLResponse)
def record_page(request: Request, customer_id: str, ctx: ServiceContext = Depends(page_context)) -> HTMLResponse:
    """One key-account record: its evidence and the forms of the moves the viewer may make."""
    return _record(request, ctx, customer_id)


def _record(request: Request, ctx: ServiceContext, customer_id: str, problem: list[str] | None = None) -> HTMLResponse:
    return render(
        request,
        "key_account.html",
        400 if problem else 200,
        **_common(request, ctx, "/key-accounts"),
        ka=key_account(ctx, customer_id),
        label=lambda name: indicator_label(name, page_language(request)),
        unit=lambda name: INDICATORS[name].unit if name in INDICATORS else None,
        member_roles=[r for r in MEMBER_ROLES if r != "owner"],
        member_role_names=MEMBER_ROLE_NAMES,
        member_slots=MEMBER_SLOTS,
        problem=problem,
        notice=request.query_params.get("saved"),
    )


def _moved(request: Request, ctx: ServiceContext, customer_id: str, move: str, act: Callable[[], object]) -> Response:
    try:
        act()
    except TierwiseError as exc:
        return _record(request, ctx, customer_id, _problem(request, exc))
    return RedirectResponse(f"/key-accounts/{customer_id}?saved={move}", status_code=303)


@router.post("/key-accounts/{customer_id}/evaluation")
def evaluate_record(request: Request, customer_id: str, ctx: ServiceContext = Depends(page_context)) -> Response:
    """Gather the evidence of a nominated account."""
    return _moved(request, ctx, customer_id, "evaluate", lambda: evaluate(ctx, [customer_id]))


@router.post("/key-accounts/{customer_id}/decision")
def decide_record(
    request: Request,
    customer_id: str,
    decision: Annotated[str, Form()],
    ctx: ServiceContext = Depends(page_context),
    comment: Annotated[str | None, Form()] = None,
) -> Response:
    """Approve or reject an account under evaluation, with a comment."""
    approve = decision == "approve"
    act = lambda: decide(ctx, customer_id, approve=approve, comment=comment)  # noqa: E731
    return _moved(request, ctx, customer_id, "approve" if approve else "reject", act)


@router.post("/key-accounts/{customer_id}/assignment")
async def assign_record(request: Request, customer_id: str, ctx: ServiceContext = Depends(page_context)) -> Response:
    """Give an approved account its owner, team and members (the form's member rows: user and role)."""
    form = await request.form()

    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    members = {text(f"member_{i}"): text(f"role_{i}") for i in range(MEMBER_SLOTS) if text(f"member_{i}")}
    days = text("review_every_days")

    def act() -> object:
        return assign(
            ctx,
            customer_id,
            owner=text("owner"),
            team=text("team"),
            members=members,
            review_every_days=int(days) if days.isdigit() else DEFAULT_REVIEW_DAYS,
        )

    return _moved(request, ctx, customer_id, "assign", act)


@router.post("/key-accounts/{customer_id}/review")
def review_record(
    request: Request,
    customer_id: str,
    outcome: Annotated[str, Form()],
    ctx: ServiceContext = Depends(page_context),
    comment: Annotated[str | None, Form()] = None,
) -> Response:
    """Review an approved account: keep it or withdraw it, with a comment."""
    keep = outcome != "withdraw"
    act = lambda: review(ctx, customer_id, comment=comment, keep=keep)  # noqa: E731
    return _moved(request, ctx, customer_id, "review" if keep else "withdraw", act)


@router.get("/customers/{customer_id}/decision-makers", response_class=HTMLResponse)
def decision_makers(request: Request, customer_id: str, ctx: ServiceContext = Depends(page_context)) -> HTMLResponse:
    """The customer card's decision-maker map and its coverage (loaded into the card by htmx)."""
    return render(
        request,
        "_coverage.html",
        contacts=customer_contacts(ctx, customer_id),
        coverage=customer_coverage(ctx, customer_id),
        supporter_days=ctx.settings.alert_supporter_days,
        role_names=ROLE_NAMES,
        attitude_names=ATTITUDE_NAMES,
        influence_names=INFLUENCE_NAMES,
        decision_roles=DECISION_ROLES,
        today=ctx.now().date(),
    )
