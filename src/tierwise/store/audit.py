"""The one function that writes an audit row, inside the caller's transaction, sealed into the hash chain.

The row commits or rolls back with the change it records. Each row is sealed as it is written
(:mod:`tierwise.security.audit_chain`): its ``seq`` follows the last row's and its ``hash`` covers its
content and the last row's hash. Two writers must not both follow the same row, so the writer first takes
the chain's lock: on PostgreSQL a transaction-scoped advisory lock (held until the caller commits or rolls
back, so the next writer reads the row this one added); SQLite lets one writer at a time in anyway. A
unique index on ``prev_hash`` refuses a fork should anything bypass the lock.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tierwise.security.audit_chain import GENESIS, seal
from tierwise.store.models import AuditEntry

CHAIN_LOCK = 0x7469_6572  # "tier": the advisory lock key of the audit chain on PostgreSQL
CHAIN_COLUMNS = (
    "seq", "at", "actor", "ip", "user_agent", "action", "target_type", "target_id", "before", "after",
    "prev_hash", "hash",
)  # fmt: skip


def _plain(value: Any) -> Any:
    """A JSON-safe copy: dates as ISO text, decimals as text (exact), containers recursively."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    json.dumps(value)  # anything else must already be JSON (raises TypeError otherwise)
    return value


def _last_link(session: Session) -> tuple[int, str]:
    """The last row's ``seq`` and ``hash`` (``0`` and the genesis hash on an empty log), under the chain's lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    row = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    if row is None:
        return 0, GENESIS
    return row.seq, row.hash or GENESIS


def write_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    target_type: str,
    target_id: str | int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
    at: dt.datetime | None = None,
) -> AuditEntry:
    """Add one sealed audit row to ``session`` (flushed, not committed: the caller's transaction decides).

    >>> from tierwise.store.db import create_store_engine, session_factory
    >>> from tierwise.store.schema import upgrade
    >>> engine = create_store_engine("sqlite://"); _ = upgrade(engine)
    >>> with session_factory(engine).begin() as session:
    ...     entry = write_audit(session, actor="li", action="complaint.resolve", target_type="complaint",
    ...                         target_id=7, before={"status": "open"}, after={"status": "resolved"})
    ...     entry.seq, entry.prev_hash == "0" * 64, len(entry.hash)
    (1, True, 64)
    """
    session.flush()  # the caller's own rows first: the lock is then the last thing this transaction waits for
    last_seq, last_hash = _last_link(session)
    content = {
        "seq": last_seq + 1,
        "at": at or dt.datetime.now(dt.UTC),
        "actor": actor,
        "ip": ip,
        "user_agent": user_agent,
        "action": action,
        "target_type": target_type,
        "target_id": None if target_id is None else str(target_id),
        "before": None if before is None else _plain(before),
        "after": None if after is None else _plain(after),
    }
    entry = AuditEntry(**seal(content, last_hash))
    session.add(entry)
    session.flush()
    return entry


def chain_rows(session: Session, batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Every audit row as the chain sees it (a mapping of its columns), in ``seq`` order, read in batches."""
    columns = [getattr(AuditEntry, c) for c in CHAIN_COLUMNS]
    result = session.execute(select(*columns).order_by(AuditEntry.seq).execution_options(yield_per=batch))
    for row in result.mappings():
        yield dict(row)
