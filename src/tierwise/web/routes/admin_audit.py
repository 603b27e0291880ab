"""The audit log (``/admin/audit``), for administrators: entries filtered by user, action, target and
dates, newest first, in pages (htmx swaps the table); and "verify the chain", which walks the hash chain
and names the first entry edited, removed or inserted."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from tierwise.services.audit import AuditFilter, query_audit, verify_audit
from tierwise.services.context import ServiceContext
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import page_language, render

router = APIRouter(prefix="/admin")
PAGE_SIZE = 50
# suggestions for the action filter (any text may be typed: these are the ones most looked for)
ACTIONS = (
    "pii.reveal", "customers.export", "login", "login.failed", "login.lock", "login.refused", "logout",
    "user.create", "user.set_role", "user.set_team", "user.lock", "user.unlock", "user.change_password",
    "user.set_language", "team.create", "token.issue", "token.revoke", "identity.basic", "identity.answer",
    "visit.add", "complaint.add", "survey.add", "policy.save", "run.save", "import.create", "import.revert",
)  # fmt: skip
TARGET_TYPES: tuple[str, ...] = (
    "customer",
    "customer_list",
    "user",
    "team",
    "api_token",
    "visit",
    "complaint",
    "survey",
)
TARGET_TYPES += ("contact", "policy", "run", "import", "job", "key_account")


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    ctx: ServiceContext = Depends(page_context),
    actor: str | None = None,
    action: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    """One page of the entries matching the filters (``since``/``until``: days, both included)."""
    first, last = _day(since), _day(until)
    chosen = {
        "actor": (actor or "").strip() or None,
        "action": (action or "").strip() or None,
        "target_type": (target_type or "").strip() or None,
        "target_id": (target_id or "").strip() or None,
    }
    where = AuditFilter(
        **chosen,
        since=dt.datetime.combine(first, dt.time(), dt.UTC) if first else None,
        until=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), dt.UTC) if last else None,
    )
    found = query_audit(ctx, where, page=page, per_page=PAGE_SIZE)
    given = {k: v for k, v in chosen.items() if v} | {
        k: v.isoformat() for k, v in (("since", first), ("until", last)) if v
    }

    def link(to_page: int) -> str:
        """This filtered log at page ``to_page``."""
        return "/admin/audit?" + urlencode(given | {"page": to_page})

    template = "_audit_table.html" if request.headers.get("hx-request") else "admin_audit.html"
    return render(
        request,
        template,
        **page_values(request, ctx, active="/admin/audit"),
        found=found,
        chosen=chosen,
        since=first,
        until=last,
        page=page,
        pages=max(1, -(-found.total // PAGE_SIZE)),
        link=link,
        known_actions=ACTIONS,
        target_types=TARGET_TYPES,
    )


@router.get("/audit/verify", response_class=HTMLResponse)
def audit_verify(request: Request, ctx: ServiceContext = Depends(page_context)) -> HTMLResponse:
    """The chain's walk as a panel (an htmx partial; the whole page without htmx)."""
    report = verify_audit(ctx)
    problem = report.problem.describe(page_language(request)) if report.problem else None
    values: dict[str, Any] = {"report": report, "problem": problem}
    if request.headers.get("hx-request"):
        return render(request, "_audit_chain.html", **values)
    found = query_audit(ctx, AuditFilter(), page=1, per_page=PAGE_SIZE)
    return render(
        request,
        "admin_audit.html",
        **page_values(request, ctx, active="/admin/audit"),
        **values,
        found=found,
        chosen=dict.fromkeys(("actor", "action", "target_type", "target_id")),
        since=None,
        until=None,
        page=1,
        pages=max(1, -(-found.total // PAGE_SIZE)),
        link=lambda to_page: f"/admin/audit?page={to_page}",
        known_actions=ACTIONS,
        target_types=TARGET_TYPES,
    )
