"""One's own settings (``/settings``): the language the pages speak (kept for the user and used at every
sign-in, before the browser's), the password (the current one, then the new one twice), and personal
access tokens for API clients (a new token is shown once; list; revoke)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tierwise.errors import TierwiseError, UsageError
from tierwise.i18n import N_, Message, is_language, translate
from tierwise.services.auth import NewToken, issue_access_token, list_access_tokens, revoke_access_token
from tierwise.services.context import ServiceContext
from tierwise.services.personal_settings import change_password, set_language, user_language
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import LANGUAGE_COOKIE, ONE_YEAR, page_language, render
from tierwise.web.roles import ROLE_NAMES

router = APIRouter()
PASSWORDS_DIFFER = N_("the two new passwords differ")
NOTICES = {
    "language": N_("Your language is saved."),
    "password": N_("Your password is changed."),
    "revoked": N_("The token is revoked: it no longer works."),
}


def _page(
    request: Request,
    ctx: ServiceContext,
    status: int = 200,
    *,
    issued: NewToken | None = None,
    problem: TierwiseError | None = None,
    problem_in: str | None = None,
) -> HTMLResponse:
    lang = page_language(request)
    notice = NOTICES.get(request.query_params.get("saved", ""))
    return render(
        request,
        "settings.html",
        status,
        **page_values(request, ctx, active="/settings"),
        saved_language=user_language(ctx),
        tokens=list_access_tokens(ctx),
        issued=issued,
        notice=notice,
        problem=[translate(problem.text, lang), *(translate(d, lang) for d in problem.details)] if problem else None,
        problem_in=problem_in,
        role_names=ROLE_NAMES,
    )


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, ctx: ServiceContext = Depends(page_context)) -> HTMLResponse:
    """The viewer's own settings."""
    return _page(request, ctx)


@router.post("/settings/language")
def save_language(
    request: Request, ctx: ServiceContext = Depends(page_context), language: Annotated[str, Form()] = ""
) -> Response:
    """Keep the chosen language for the user (empty: follow the browser) and show the pages in it now."""
    chosen = language if is_language(language) else None
    set_language(ctx, chosen)
    response = RedirectResponse("/settings?saved=language", status_code=303)
    if chosen is None:
        response.delete_cookie(LANGUAGE_COOKIE)
    else:
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=ONE_YEAR, samesite="lax", httponly=True)
    return response


@router.post("/settings/password", response_model=None)
def save_password(
    request: Request,
    current: Annotated[str, Form()],
    new: Annotated[str, Form()],
    again: Annotated[str, Form()],
    ctx: ServiceContext = Depends(page_context),
) -> Response:
    """Change the password (audited); a wrong current password or a short new one is shown on the page."""
    try:
        if new != again:
            raise UsageError(Message(PASSWORDS_DIFFER))
        change_password(ctx, current, new)
    except TierwiseError as exc:
        return _page(request, ctx, 400, problem=exc, problem_in="password")
    return RedirectResponse("/settings?saved=password#password", status_code=303)


@router.post("/settings/tokens", response_class=HTMLResponse)
def new_token(
    request: Request,
    name: Annotated[str, Form()],
    ctx: ServiceContext = Depends(page_context),
    days: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Issue a token and show it this once (the page says to copy it now)."""
    try:
        made = issue_access_token(ctx, name, days=int(days) if days.isdigit() and int(days) > 0 else None)
    except TierwiseError as exc:
        return _page(request, ctx, 400, problem=exc, problem_in="tokens")
    return _page(request, ctx, issued=made)


@router.post("/settings/tokens/{token_id}/revoke")
def revoke_token(token_id: int, ctx: ServiceContext = Depends(page_context)) -> Response:
    """Revoke one of the viewer's tokens."""
    revoke_access_token(ctx, token_id)
    return RedirectResponse("/settings?saved=revoked#tokens", status_code=303)
