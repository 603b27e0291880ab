"""Sign-ins through the service on the store: attempts sent together still lock the account after exactly
N failures, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import select

from tierwise.config import Settings
from tierwise.errors import AuthenticationError, LockedOutError
from tierwise.services.audit import verify_audit
from tierwise.services.auth import login
from tierwise.services.context import ServiceContext
from tierwise.services.users import create_user
from tierwise.store.db import create_store_engine, session_factory
from tierwise.store.models import AuditEntry


def test_parallel_guesses_get_no_more_tries_than_the_limit(store_url: str) -> None:
    engine = create_store_engine(store_url)
    settings = Settings(database_url=store_url, login_max_failures=5)
    ctx = ServiceContext.system(settings, sessions=session_factory(engine), ip="10.0.0.9")
    create_user(ctx, "wang", role="account_manager", password="correct horse battery staple")
    start, outcomes = threading.Barrier(8), []

    def guess(n: int) -> None:
        start.wait()
        try:
            login(ctx, "wang", f"guess number {n:04d}")
            outcomes.append("signed in")
        except (AuthenticationError, LockedOutError) as exc:
            outcomes.append(type(exc).__name__)
        except Exception as exc:  # noqa: BLE001 - a database error is the failure this test looks for
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(outcomes) == {"AuthenticationError": 5, "LockedOutError": 3}
    with session_factory(engine)() as session:
        actions = Counter(session.scalars(select(AuditEntry.action).where(AuditEntry.target_id == "wang")))
    assert actions == {"user.create": 1, "login.failed": 5, "login.lock": 1, "login.refused": 3}
    assert verify_audit(ctx).ok
    engine.dispose()
