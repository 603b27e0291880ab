"""A service context on the store: its sessions, and the person acting, for commands that keep records.

>>> from tierwise.config import Settings
>>> from tierwise.services.context import ServiceContext
>>> with on_store(ServiceContext.system(Settings()), "sqlite://", actor="wang") as ctx:
...     ctx.actor.name, ctx.sessions is not None
('wang', True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from tierwise.config import Settings
from tierwise.services.acting_person import named_actor
from tierwise.services.context import ServiceContext
from tierwise.store.db import create_store_engine, engine_from_settings, session_factory
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
        sessions = session_factory(engine)
        if actor:
            with sessions() as session:
                ctx = replace(ctx, actor=named_actor(session, actor))
        yield replace(ctx, settings=settings, sessions=sessions)
    finally:
        engine.dispose()


@dataclass(frozen=True)
class OpenStore:
    """A long-lived connection pool on the store (a server's): ``sessions`` makes sessions; ``close`` ends it."""

    sessions: Callable[[], Session]
    close: Callable[[], None]


def open_store(settings: Settings) -> OpenStore:
    """The store ``settings.database_url`` names, opened once for a server (no connection is made until the
    first session is used)."""
    engine = engine_from_settings(settings)
    return OpenStore(session_factory(engine), engine.dispose)


def prepare_store(settings: Settings) -> None:
    """Make the store usable before a server starts: a new database gets its tables; an older one is refused
    with the command that upgrades it."""
    engine = engine_from_settings(settings)
    try:
        ensure_schema(engine)
    finally:
        engine.dispose()
