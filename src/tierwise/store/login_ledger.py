"""The failed sign-ins and locks of ``security.lockout`` kept in the store, so every server process (and
every worker) sees the same counts.

Keys (``user:NAME``, ``ip:ADDRESS``) are kept as their SHA-256: a password typed into the name field is not
kept readable. The ledger works in the caller's session; the caller commits (a failure must be recorded
even when the sign-in it belongs to is refused, so the caller commits before it raises).

>>> import datetime as dt
>>> from tierwise.store.db import create_store_engine, session_factory
>>> from tierwise.store.schema import upgrade
>>> engine = create_store_engine("sqlite://"); _ = upgrade(engine)
>>> now = dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)
>>> with session_factory(engine).begin() as session:
...     ledger = StoreLedger(session)
...     ledger.add_failure("user:li", now); ledger.add_failure("user:li", now)
...     ledger.failures_since("user:li", now), ledger.failures_since("user:wang", now)
(2, 0)
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tierwise.store.people_models import LoginFailure, LoginLock


def ledger_key(key: str) -> str:
    """What the store keeps for a lockout key: its hex SHA-256."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)  # SQLite reads UTC back naive


class StoreLedger:
    """An :class:`~tierwise.security.lockout.AttemptLedger` on the store's ``login_failures`` and ``login_locks``."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_failure(self, key: str, at: dt.datetime) -> None:
        """Record one failure for ``key`` at ``at``."""
        self.session.add(LoginFailure(key=ledger_key(key), at=at))
        self.session.flush()

    def failures_since(self, key: str, since: dt.datetime) -> int:
        """How many failures ``key`` has had at or after ``since``."""
        query = select(func.count()).where(LoginFailure.key == ledger_key(key), LoginFailure.at >= since)
        return int(self.session.scalar(query) or 0)

    def reset(self, key: str) -> None:
        """Forget ``key``'s failures and any lock on it."""
        digest = ledger_key(key)
        self.session.execute(delete(LoginFailure).where(LoginFailure.key == digest))
        self.session.execute(delete(LoginLock).where(LoginLock.key == digest))

    def lock(self, key: str, until: dt.datetime) -> None:
        """Lock ``key`` until ``until``."""
        row = self.session.get(LoginLock, ledger_key(key))
        if row is None:
            self.session.add(LoginLock(key=ledger_key(key), locked_until=until))
        else:
            row.locked_until = until
        self.session.flush()

    def locked_until(self, key: str) -> dt.datetime | None:
        """When ``key``'s lock ends, or ``None``."""
        until = self.session.scalar(select(LoginLock.locked_until).where(LoginLock.key == ledger_key(key)))
        return None if until is None else _aware(until)
