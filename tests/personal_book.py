"""Three customers imported from a CSV folder into a store, with their personal data and a purchase history,
and the people of each role who act on them (see tests/services/personal)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import text

from tierwise.config import Settings
from tierwise.security.permissions import Actor
from tierwise.security.pii import new_key_entry
from tierwise.services.context import ServiceContext
from tierwise.services.imports import import_data
from tierwise.store.db import create_store_engine, session_factory

NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
CUSTOMERS = """customer_id,name,owner,id_number,phone,email
C1,张伟,wang,110101199001011234,+86 138-1234-5678,Zhang.Wei@Example.com
C2,李娜,li,11010119850202567x,13900001111,li@example.cn
C3,王芳,wang,,,
"""
TRANSACTIONS = """customer_id,date,amount,category
C1,2026-02-03,1200,ink
C1,2026-05-20,3500,paper
C1,2026-09-14,82000,paper
C1,2026-09-14,500,pens
C2,2026-10-01,700,toner
C2,2026-06-01,300,ink
C3,2025-01-05,50,pens
"""
TEAMS = {"C1": "east", "C2": "north", "C3": "east"}


def import_book(ctx: ServiceContext, folder: Path) -> None:
    """Write the book's CSV files into ``folder``, import them as ``ctx`` and give the customers their teams."""
    (folder / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (folder / "transactions.csv").write_text(TRANSACTIONS, encoding="utf-8")
    import_data(ctx, folder)
    with ctx.store() as session, session.begin():  # teams are kept by the store, not imported
        for cid, team in TEAMS.items():
            session.execute(text("UPDATE customers SET team = :t WHERE customer_id = :c"), {"t": team, "c": cid})


class Store:
    """The test's store: its URL, engine, the key it was imported with, and contexts on it."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url = url
        self.key = new_key_entry("k1")
        self.engine = create_store_engine(url)
        self.sessions = session_factory(self.engine)
        import_book(self.context(), folder)

    def settings(self, key: str | None = None) -> Settings:
        """Settings on this store with ``key`` (default the import's) as TIERWISE_SECRET_KEY."""
        return Settings(database_url=self.url, secret_key=SecretStr(key or self.key))

    def context(self, actor: Actor | None = None, key: str | None = None, now: dt.datetime = NOW) -> ServiceContext:
        """A context acting as ``actor`` (default the system) at ``now``."""
        ctx = ServiceContext(settings=self.settings(key), clock=lambda: now, sessions=self.sessions)
        return (
            ctx
            if actor is None
            else ServiceContext(
                settings=ctx.settings,
                actor=actor,
                clock=ctx.clock,
                sessions=self.sessions,  # type: ignore[arg-type]
            )
        )

    def raw(self, sql: str) -> list[tuple]:
        """Rows of a SQL query run directly on the database."""
        with self.engine.connect() as con:
            return [tuple(r) for r in con.execute(text(sql))]


MANAGER_EAST = Actor("zhou", "manager", frozenset({"east"}))
WANG = Actor("wang", "account_manager")
LI = Actor("li", "account_manager")
LOBBY = Actor("desk1", "lobby")
ANALYST = Actor("ana", "analyst")
