"""Users, teams, roles and locks (``/admin/users``), for administrators: create a user or a team, give a
user a role or a team, lock or unlock an account, and see what each role may do (the permission table).
The services check the role and audit every change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tierwise.errors import TierwiseError
from tierwise.i18n import N_, translate
from tierwise.security.permissions import ACTIONS, ROLES
from tierwise.services.context import ServiceContext
from tierwise.services.roles import role_table
from tierwise.services.users import create_team, create_user, list_teams, list_users, update_user
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import page_language, render
from tierwise.web.roles import ROLE_NAMES

router = APIRouter(prefix="/admin")
NOTICES = {
    "created": N_("User %(name)s is created."),
    "changed": N_("User %(name)s is changed."),
    "locked": N_("User %(name)s is locked: no sign-in, and their sessions and tokens stop working."),
    "unlocked": N_("User %(name)s is unlocked."),
    "team": N_("Team %(name)s is created."),
}


def _page(
    request: Request, ctx: ServiceContext, status: int = 200, problem: TierwiseError | None = None
) -> HTMLResponse:
    lang = page_language(request)
    done, name = request.query_params.get("saved", ""), request.query_params.get("name", "")
    notice = translate(NOTICES[done], lang) % {"name": name} if done in NOTICES else None
    return render(
        request,
        "admin_users.html",
        status,
        **page_values(request, ctx, active="/admin/users"),
        users=list_users(ctx),
        teams=list_teams(ctx),
        roles=ROLES,
        role_names=ROLE_NAMES,
        role_cards=role_table(ctx, lang),
        action_codes=ACTIONS,
        notice=notice,
        problem=[translate(problem.text, lang), *(translate(d, lang) for d in problem.details)] if problem else None,
    )


def _done(request: Request, ctx: ServiceContext, what: str, name: str, change: Callable[[], object]) -> Response:
    """Make ``change``; back to the page saying what was done, or the page again with the refusal."""
    try:
        change()
    except TierwiseError as exc:
        return _page(request, ctx, 400, exc)
    return RedirectResponse(f"/admin/users?saved={what}&name={quote(name)}", status_code=303)


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, ctx: ServiceContext = Depends(page_context)) -> HTMLResponse:
    """Every user with their role, team and lock, and every team."""
    return _page(request, ctx)


@router.post("/users", response_model=None)
def new_user(
    request: Request,
    name: Annotated[str, Form()],
    role: Annotated[str, Form()],
    password: Annotated[str, Form()],
    ctx: ServiceContext = Depends(page_context),
    team: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
) -> Response:
    """Create a user with a role, a first password and (when chosen) a team."""
    make = lambda: create_user(  # noqa: E731
        ctx, name, role=role, password=password, team=team or None, display_name=display_name or None
    )
    return _done(request, ctx, "created", name.strip(), make)


@router.post("/users/{name}", response_model=None)
def change_user(
    request: Request,
    name: str,
    role: Annotated[str, Form()],
    ctx: ServiceContext = Depends(page_context),
    team: Annotated[str, Form()] = "",
) -> Response:
    """Give the user the role and team chosen on their row (each change its own audit entry)."""
    return _done(request, ctx, "changed", name, lambda: update_user(ctx, name, role=role, team=team or None))


@router.post("/users/{name}/lock", response_model=None)
def lock(request: Request, name: str, ctx: ServiceContext = Depends(page_context)) -> Response:
    """Lock the account."""
    return _done(request, ctx, "locked", name, lambda: update_user(ctx, name, locked=True))


@router.post("/users/{name}/unlock", response_model=None)
def unlock(request: Request, name: str, ctx: ServiceContext = Depends(page_context)) -> Response:
    """Unlock the account (also the lock after failed sign-ins)."""
    return _done(request, ctx, "unlocked", name, lambda: update_user(ctx, name, locked=False))


@router.post("/teams", response_model=None)
def new_team(request: Request, name: Annotated[str, Form()], ctx: ServiceContext = Depends(page_context)) -> Response:
    """Create a team."""
    return _done(request, ctx, "team", name.strip(), lambda: create_team(ctx, name))
