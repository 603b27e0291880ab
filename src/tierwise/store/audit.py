"""The one function that writes an audit row, inside the caller's transaction.

The row commits or rolls back with the change it records. ``prev_hash``/``hash`` stay empty here; the
hash chain is filled by the writer once it is turned on, in this function and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tierwise.store.models import AuditEntry


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
    """Add one audit row to ``session`` (flushed, not committed: the caller's transaction decides).

    >>> from tierwise.store.db import create_store_engine, session_factory
    >>> from tierwise.store.schema import upgrade
    >>> engine = create_store_engine("sqlite://"); _ = upgrade(engine)
    >>> with session_factory(engine).begin() as session:
    ...     entry = write_audit(session, actor="li", action="complaint.resolve", target_type="complaint",
    ...                         target_id=7, before={"status": "open"}, after={"status": "resolved"})
    ...     entry.seq
    1
    """
    entry = AuditEntry(
        at=at or dt.datetime.now(dt.UTC),
        actor=actor,
        ip=ip,
        user_agent=user_agent,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        before=None if before is None else _plain(before),
        after=None if after is None else _plain(after),
    )
    session.add(entry)
    session.flush()
    return entry
