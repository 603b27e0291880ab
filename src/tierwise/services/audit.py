"""Reading the audit log: a filtered, paged query, and the walk of the hash chain that names the first
entry edited, removed or inserted. Administrators only (``audit.read``, ``audit.verify``), and the system.

>>> from tierwise.config import Settings
>>> from tierwise.services.store_access import on_store
>>> with on_store(ServiceContext.system(Settings()), "sqlite://") as ctx:
...     verify_audit(ctx).ok
True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from tierwise.errors import UsageError
from tierwise.i18n import N_, Message
from tierwise.security.audit_chain import ChainReport, verify
from tierwise.security.permissions import require
from tierwise.services.context import ServiceContext
from tierwise.store.audit import chain_rows
from tierwise.store.models import AuditEntry

MAX_PAGE = 500
BAD_PAGE = N_("page must be 1 or more and per_page 1 to %(max)s")


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to list: each given field must match exactly (``since``/``until``: ``at`` in [since, until))."""

    actor: str | None = None
    action: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@dataclass(frozen=True)
class AuditRecord:
    """One audit entry as shown: who, when, from where, what, before and after, and its hash."""

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
    def of(cls, row: AuditEntry) -> AuditRecord:
        """The record of a stored entry (times in UTC)."""
        at = row.at if row.at.tzinfo is not None else row.at.replace(tzinfo=dt.UTC)
        return cls(
            row.seq, at, row.actor, row.ip, row.user_agent, row.action, row.target_type, row.target_id,
            row.before, row.after, row.hash,
        )  # fmt: skip


@dataclass(frozen=True)
class AuditPage:
    """One page of entries, newest first, and how many match in all."""

    total: int
    page: int
    per_page: int
    items: list[AuditRecord]


def _utc(value: dt.datetime) -> dt.datetime:
    return (value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def query_audit(ctx: ServiceContext, where: AuditFilter, *, page: int = 1, per_page: int = 50) -> AuditPage:
    """The entries matching ``where``, newest first, page ``page`` of ``per_page``."""
    require(ctx.actor, "audit.read")
    if page < 1 or not 1 <= per_page <= MAX_PAGE:
        raise UsageError(Message(BAD_PAGE, {"max": MAX_PAGE}))
    conditions = [
        getattr(AuditEntry, name) == value
        for name in ("actor", "action", "target_type", "target_id")
        if (value := getattr(where, name)) is not None
    ]
    if where.since is not None:
        conditions.append(AuditEntry.at >= _utc(where.since))
    if where.until is not None:
        conditions.append(AuditEntry.at < _utc(where.until))
    with ctx.store() as session:
        total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions)) or 0
        rows = session.scalars(
            select(AuditEntry)
            .where(*conditions)
            .order_by(AuditEntry.seq.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        return AuditPage(total, page, per_page, [AuditRecord.of(r) for r in rows])


def verify_audit(ctx: ServiceContext, *, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Walk the whole chain (one pass, in batches) and report the first entry edited, removed or inserted.

    ``anchor``: a ``(seq, hash)`` kept elsewhere, so that cutting off the newest entries shows too.
    """
    require(ctx.actor, "audit.verify")
    with ctx.store() as session:
        return verify(chain_rows(session), anchor=anchor)
