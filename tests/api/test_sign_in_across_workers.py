"""Two server workers on one store (two apps, as ``tierwise serve --workers 2`` runs them), on SQLite and
PostgreSQL: a token revoked or a user locked through one worker is refused by the other at its very next
request, and each change is in the audit log. A sign-in cache per worker would fail these tests.

The second worker is called on the test's main thread, as a server's event loop runs its requests, so it
reads credentials on its own long-lived connection; the first is driven by a test client (a thread of
its own, pooled connections).
"""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import select

from tierwise.api.app import create_app
from tierwise.store.models import AuditEntry

WALK_IN = json.dumps({"business": "remittance", "amount": 80000}).encode()


def triage_on_main_thread(app, token: str) -> int:
    """The status of one ``POST /api/v1/triage`` sent to ``app`` on this thread's own event loop."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": "/api/v1/triage", "raw_path": b"/api/v1/triage", "query_string": b"", "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"), (b"content-type", b"application/json"),
            (b"authorization", f"Bearer {token}".encode()), (b"content-length", str(len(WALK_IN)).encode()),
        ],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {},
    }  # fmt: skip
    sent: list[dict] = []

    async def call() -> None:
        delivered = False

        async def receive() -> dict:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": WALK_IN, "more_body": False}
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            sent.append(message)

        await app(scope, receive, send)

    asyncio.run(call())
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


def actions(api) -> list[str]:
    with api.app.state.store.sessions() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_a_token_revoked_through_one_worker_is_refused_by_the_other_at_once(api, client_as) -> None:
    other_worker = create_app(api.settings)
    token = api.user("lobby", "desk")
    for _ in range(3):  # signed in and used: a cache, if there were one, would hold it now
        assert triage_on_main_thread(other_worker, token) == 200
    desk = client_as("lobby", "desk")
    (listed,) = desk.get("/api/v1/me/tokens").json()
    assert desk.delete(f"/api/v1/me/tokens/{listed['id']}").status_code == 200
    assert triage_on_main_thread(other_worker, token) == 401
    assert desk.post("/api/v1/triage", content=WALK_IN).status_code == 401
    assert actions(api)[-1] == "token.revoke"
    other_worker.state.store.close()


def test_a_user_locked_through_one_worker_is_refused_by_the_other_at_once(api, client_as) -> None:
    other_worker = create_app(api.settings)
    admin = client_as("admin")
    token = api.user("account_manager", "wang", teams={"east"})
    assert triage_on_main_thread(other_worker, token) == 200
    assert admin.patch("/api/v1/users/wang", json={"locked": True}).json()["locked"] is True
    assert triage_on_main_thread(other_worker, token) == 401
    assert actions(api)[-1] == "user.lock"
    admin.patch("/api/v1/users/wang", json={"locked": False})
    assert triage_on_main_thread(other_worker, token) == 200
    assert actions(api)[-1] == "user.unlock"
    other_worker.state.store.close()
