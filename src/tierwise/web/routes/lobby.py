"""The lobby page (``/lobby``): a tablet by the door routes each walk-in at once (厅堂识别分流).

Big toggles for the walk-in's signals, business and enquiries and an amount pad; every change posts the
form (htmx) and the decision — flow, next step and reasons — replaces the panel in large type. Nothing
about the walk-in is stored.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from tierwise.errors import PermissionDeniedError, TierwiseError, UsageError
from tierwise.i18n import Message, translate
from tierwise.services.context import ServiceContext
from tierwise.services.triage import SIGNALS, decide, walk_in_choices
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import page_language, render

router = APIRouter()
POLICY = "bank-lobby"


@router.get("/lobby", response_class=HTMLResponse)
def lobby_page(request: Request, ctx: ServiceContext = Depends(page_context)) -> HTMLResponse:
    """The empty lobby form and its waiting panel."""
    choices = walk_in_choices(ctx)
    return render(
        request,
        "lobby.html",
        **page_values(request, ctx, active="/lobby"),
        signals=choices.signals,
        businesses=choices.businesses,
        enquiries=choices.enquiries,
    )


@router.post("/lobby/decide", response_class=HTMLResponse)
async def lobby_decide(request: Request, ctx: ServiceContext = Depends(page_context)) -> HTMLResponse:
    """The decision panel for the form as it stands (an htmx partial)."""
    form = await request.form()
    lang = page_language(request)
    try:
        walk_in = walk_in_from_form(form)
        policy = request.app.state.triage_policies[POLICY]  # read once at start-up
        decision = decide(ctx, walk_in, policy, lang=lang) if walk_in else None
    except PermissionDeniedError:
        raise
    except TierwiseError as exc:
        lines = [translate(exc.text, lang), *(translate(d, lang) for d in exc.details)]
        return render(request, "_decision.html", problem=lines)
    return render(request, "_decision.html", decision=decision)


def walk_in_from_form(form: object) -> dict[str, object]:
    """The walk-in fields the form gives (an empty dict while nothing is chosen yet).

    ``amount`` accepts thousands separators and spaces (``80,000``); anything else that is not a number
    is refused with the value named.
    """
    get = form.get  # type: ignore[attr-defined]
    walk_in: dict[str, object] = {name: True for name, _ in SIGNALS if get(name)}
    if get("business"):
        walk_in["business"] = get("business")
    enquiries = form.getlist("enquiries")  # type: ignore[attr-defined]
    if enquiries:
        walk_in["enquiries"] = list(enquiries)
    amount = str(get("amount") or "").replace(",", "").replace(" ", "").replace("，", "")
    if amount:
        try:
            walk_in["amount"] = float(amount)
        except ValueError:
            raise UsageError(Message("the amount %(value)s is not a number", {"value": repr(amount)})) from None
    return walk_in
