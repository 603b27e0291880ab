"""``/api/v1/auth``: sign in with a password (a session cookie and its CSRF token) and sign out.

API clients do not sign in here: they send a personal access token (``/api/v1/me/tokens``) as
``Authorization: Bearer twp_…``.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from tierwise.api.access import needs
from tierwise.api.deps import CSRF_COOKIE, SESSION_COOKIE, AnonymousContext, Context
from tierwise.api.routes.me import MePublic
from tierwise.api.schemas import problem_responses
from tierwise.services.auth import login, logout

router = APIRouter(prefix="/auth", tags=["auth"])


class LoginCreate(BaseModel):
    """A user name and password."""

    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1024, json_schema_extra={"format": "password"})


class LoginPublic(BaseModel):
    """Signed in: who, until when, and the CSRF token every change through the cookie must send."""

    user: MePublic
    csrf_token: str
    expires_at: dt.datetime


@router.post("/login", response_model=LoginPublic, responses=problem_responses(401, 429), **needs(None))
def sign_in(body: LoginCreate, request: Request, response: Response, ctx: AnonymousContext) -> LoginPublic:
    """Sign in: sets the HttpOnly session cookie (Secure over HTTPS, SameSite=Lax) and the CSRF cookie."""
    done = login(ctx, body.name, body.password)
    secure = request.url.scheme == "https"
    age = int((done.expires_at - ctx.now()).total_seconds())
    common = {"max_age": age, "secure": secure, "samesite": "lax", "path": "/"}
    response.set_cookie(SESSION_COOKIE, done.session_id, httponly=True, **common)  # type: ignore[arg-type]
    response.set_cookie(CSRF_COOKIE, done.csrf_token, httponly=False, **common)  # type: ignore[arg-type]
    return LoginPublic(user=MePublic.of(done.actor), csrf_token=done.csrf_token, expires_at=done.expires_at)


@router.post("/logout", status_code=204, responses=problem_responses(401, 403), **needs("signed-in"))
def sign_out(request: Request, ctx: Context) -> Response:
    """Sign out: the session ends (a token-authenticated call changes nothing) and the cookies are cleared."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id and "authorization" not in request.headers:
        logout(ctx, session_id)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response
