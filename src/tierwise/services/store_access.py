"""A service context on the store: its sessions, and the person acting, for commands that keep records.

>>> from tierwise.config import Settings
>>> from tierwise.services.context import ServiceContext
>>> with on_store(ServiceContext.system(Settings()), "sqlite://", actor="wang") as ctx:
...     ctx.actor.name, ctx.sessions is not None
('wang', True)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from tierwise.services.context import Actor, ServiceContext
from tierwise.store.db import create_store_engine, session_factory
from tierwise.store.schema import ensure_schema


@contextmanager
def on_store(ctx: ServiceContext, url: str | None = None, *, actor: str | None = None) -> Iterator[ServiceContext]:
    """``ctx`` with sessions on the store at ``url`` (default the settings' ``database_url``), made ready
    for this version (a new database gets its tables), acting as ``actor`` when given; closed after."""
    url = url or ctx.settings.database_url
    engine = create_store_engine(url, lock_timeout=ctx.settings.database_lock_timeout)
    try:
        ensure_schema(engine)
        settings = ctx.settings.model_copy(update={"database_url": url})
        who = Actor(actor, "user") if actor else ctx.actor
        yield replace(ctx, settings=settings, actor=who, sessions=session_factory(engine))
    finally:
        engine.dispose()
