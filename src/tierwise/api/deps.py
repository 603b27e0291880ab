"""What a route is given: the :class:`~tierwise.services.context.ServiceContext` of the signed-in caller.

``request_context`` is the dependency every signed-in route takes::

    @router.get("/things", **needs("customers.read"))
    def things(ctx: Annotated[ServiceContext, Depends(request_context)]) -> ...:
        return list_things(ctx)          # the service checks the permission

The caller is who the ``Authorization: Bearer twp_…`` header or the session cookie says (the token wins
when both come). A request through the cookie that may change something (any method but GET, HEAD and
OPTIONS) must also carry the session's CSRF token, in the ``X-CSRF-Token`` header or a ``csrf_token``
form field; without a valid credential the answer is a 401 problem. The context has the store's sessions
(one pool per app), the client's address and user agent for the audit rows, and the app's settings.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from tierwise.errors import AuthenticationError
from tierwise.i18n import N_, Message
from tierwise.services.auth import check_sign_in, sign_in_reads_at_once
from tierwise.services.context import ServiceContext

SESSION_COOKIE = "tierwise_session"
CSRF_COOKIE = "tierwise_csrf"  # readable by the page's script, which echoes it in the header
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM = "application/x-www-form-urlencoded"
NOT_BEARER = N_("the Authorization header must be 'Bearer twp_…'")


def client_address(request: Request) -> str | None:
    """The caller's address as the server saw it (behind a proxy: what uvicorn's --forwarded-allow-ips lets in)."""
    return request.client.host if request.client is not None else None


def _app_context(request: Request) -> ServiceContext:
    """The app's system context (settings and store), made once per app: a request's is a copy of it."""
    state = request.app.state
    made: ServiceContext | None = getattr(state, "base_context", None)
    if made is None or made.settings is not state.settings:
        made = ServiceContext.system(state.settings, sessions=state.store.sessions)
        state.base_context = made
    return made


def anonymous_context(request: Request) -> ServiceContext:
    """The context of a request before anyone is signed in: only for signing in (``services.auth.login``)."""
    return replace(_app_context(request), ip=client_address(request), user_agent=request.headers.get("user-agent"))


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer …`` header (``None`` without the header)."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError(Message(NOT_BEARER))
    return token.strip()


async def _csrf_token(request: Request) -> str | None:
    token = request.headers.get(CSRF_HEADER)
    if token is None and request.headers.get("content-type", "").split(";")[0].strip() == FORM:
        # request.form() is cached on the request: a route with Form() fields has read it already (its
        # stream is then gone), and a route reading the form itself later gets the same parsed form
        value = (await request.form()).get(CSRF_FIELD)
        token = value if isinstance(value, str) else None
    return token


async def request_context(request: Request) -> ServiceContext:
    """The signed-in caller's context (a 401 problem when nobody is signed in; 403 without the CSRF token)."""
    base = _app_context(request)
    bearer = bearer_token(request)
    session_id = None if bearer else request.cookies.get(SESSION_COOKIE)
    changes = request.method not in SAFE_METHODS
    csrf = await _csrf_token(request) if session_id and changes else None
    check = functools.partial(
        check_sign_in, base, bearer=bearer, session_id=session_id, csrf_token=csrf, changes=changes
    )
    # the check is one indexed read, cheaper than the hop to a thread and back (which under load waits for the
    # scheduler twice): it runs here when an idle store connection is there, so the event loop waits for no one
    signed_in = check() if sign_in_reads_at_once(base) else await run_in_threadpool(check)
    if signed_in.touch is not None:
        await run_in_threadpool(signed_in.touch)  # a write may wait for SQLite's lock: never on the event loop
    return replace(
        base, actor=signed_in.actor, ip=client_address(request), user_agent=request.headers.get("user-agent")
    )


Context = Annotated[ServiceContext, Depends(request_context)]
AnonymousContext = Annotated[ServiceContext, Depends(anonymous_context)]
