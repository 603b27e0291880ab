"""What every page is given: the service context of the signed-in person and the values the layout needs.

A page takes ``ctx: ServiceContext = Depends(page_context)``: the API's own sign-in check (session cookie,
CSRF token on every change), so pages and API obey the same rules; nobody signed in → the sign-in page.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from tierwise.api.deps import CSRF_COOKIE, request_context
from tierwise.security.permissions import ACTIONS, may
from tierwise.services.context import ServiceContext
from tierwise.web.navigation import navigation


async def page_context(request: Request) -> ServiceContext:
    """The signed-in viewer's context (an :class:`~tierwise.errors.AuthenticationError` sends them to sign in)."""
    return await request_context(request)


def page_values(request: Request, ctx: ServiceContext, *, active: str) -> dict[str, Any]:
    """The layout's values: the menu for the viewer's role, which entry is open, the viewer, what they may do
    (to show only the forms they may send: the services still decide), the CSRF token."""
    return {
        "nav": navigation(ctx.actor),
        "active": active,
        "user": ctx.actor,
        "actions": {action for action in ACTIONS if may(ctx.actor, action)},
        "csrf_token": request.cookies.get(CSRF_COOKIE, ""),
    }


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (never another host: no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
