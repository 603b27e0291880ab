"""Signing in and out of the web UI (``/login``, ``/logout``): the session and CSRF cookies of the API's
sign-in, a page that never says whether a user name exists, and the way back to the page asked for."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tierwise.api.deps import CSRF_COOKIE, SESSION_COOKIE, anonymous_context
from tierwise.errors import AuthenticationError, LockedOutError
from tierwise.i18n import translate
from tierwise.services.auth import login, logout
from tierwise.services.context import ServiceContext
from tierwise.services.personal_settings import user_language
from tierwise.web.navigation import home_path
from tierwise.web.pages import page_context, safe_next
from tierwise.web.rendering import LANGUAGE_COOKIE, ONE_YEAR, page_language, render

router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, target: Annotated[str, Query(alias="next")] = "/") -> HTMLResponse:
    """The sign-in form (``?next=``: the page to return to)."""
    return render(request, "login.html", next=safe_next(target), nav=[], csrf_token="")


@router.post("/login", response_class=HTMLResponse)
def sign_in(
    request: Request,
    name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    target: Annotated[str, Form(alias="next")] = "/",
    ctx: ServiceContext = Depends(anonymous_context),
) -> Response:
    """Check the password; on success set the cookies and go on, else show why (never whether the user exists)."""
    try:
        done = login(ctx, name, password)
    except (AuthenticationError, LockedOutError) as exc:
        status = 429 if isinstance(exc, LockedOutError) else 401
        problem = translate(exc.text, page_language(request))
        return render(request, "login.html", status, next=safe_next(target), name=name, problem=problem, nav=[])
    target = safe_next(target)
    response = RedirectResponse(home_path(done.actor) if target == "/" else target, status_code=303)
    common = {
        "max_age": int((done.expires_at - ctx.now()).total_seconds()),
        "secure": request.url.scheme == "https",
        "samesite": "lax",
        "path": "/",
    }
    response.set_cookie(SESSION_COOKIE, done.session_id, httponly=True, **common)  # type: ignore[arg-type]
    response.set_cookie(CSRF_COOKIE, done.csrf_token, httponly=False, **common)  # type: ignore[arg-type]
    saved = user_language(ctx.with_actor(done.actor))
    if saved is not None:  # the user's own choice wins over this browser's last one and its Accept-Language
        response.set_cookie(LANGUAGE_COOKIE, saved, max_age=ONE_YEAR, samesite="lax", httponly=True)
    return response


@router.post("/logout")
def sign_out(request: Request, ctx: ServiceContext = Depends(page_context)) -> Response:
    """End the session (the form carries the CSRF token) and return to the sign-in page."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        logout(ctx, session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response
