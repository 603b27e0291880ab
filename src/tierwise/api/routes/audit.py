"""``/api/v1/audit``: the audit log, filtered and paged, and the walk of its hash chain (administrators)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.language import request_language
from tierwise.api.schemas import problem_responses
from tierwise.services.audit import MAX_PAGE, AuditFilter, AuditRecord, query_audit, verify_audit

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditEntryPublic(BaseModel):
    """One audit entry: who, when, from where, what, before and after, and its hash in the chain."""

    seq: int
    at: dt.datetime
    actor: str
    ip: str | None
    user_agent: str | None
    action: str
    target_type: str
    target_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    hash: str | None

    @classmethod
    def of(cls, record: AuditRecord) -> AuditEntryPublic:
        """The public form of an audit record."""
        return cls(**record.__dict__)


class AuditPagePublic(BaseModel):
    """One page of entries, newest first, and how many match in all."""

    total: int
    page: int
    per_page: int
    items: list[AuditEntryPublic]


class ChainPublic(BaseModel):
    """The chain's walk: ``ok`` when it holds; else the first entry edited, removed or inserted."""

    ok: bool
    checked: int
    last_seq: int | None
    last_hash: str
    problem: str | None = None
    kind: str | None = None
    seq: int | None = None


@router.get("", response_model=AuditPagePublic, responses=problem_responses(400, 401, 403), **needs("audit.read"))
def audit_log(
    ctx: Context,
    actor: str | None = None,
    action: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=MAX_PAGE),
) -> AuditPagePublic:
    """Audit entries matching every filter given (``since`` inclusive, ``until`` exclusive), newest first."""
    where = AuditFilter(actor, action, target_type, target_id, since, until)
    found = query_audit(ctx, where, page=page, per_page=per_page)
    items = [AuditEntryPublic.of(r) for r in found.items]
    return AuditPagePublic(total=found.total, page=found.page, per_page=found.per_page, items=items)


@router.get("/verify", response_model=ChainPublic, responses=problem_responses(401, 403), **needs("audit.verify"))
def audit_verify(request: Request, ctx: Context) -> ChainPublic:
    """Walk the hash chain from the first entry to the last and name the first one edited, removed or inserted."""
    report = verify_audit(ctx)
    problem = report.problem
    return ChainPublic(
        ok=report.ok,
        checked=report.checked,
        last_seq=report.last_seq,
        last_hash=report.last_hash,
        problem=problem.describe(request_language(request)) if problem else None,
        kind=problem.kind if problem else None,
        seq=problem.seq if problem else None,
    )
