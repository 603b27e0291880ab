"""What every service is given first: settings, engine, the acting user, a clock, the audit writer, the store.

An interface (CLI, API, web) builds one :class:`ServiceContext` per request from the :class:`Settings`
it created at start-up. Services that change nothing need neither the audit writer nor a store
session: both are optional, and the audit writer is only a callable of the :class:`AuditWriter` shape
(the store provides ``tierwise.store.audit.write_audit``).

>>> ctx = ServiceContext.system(Settings(engine="duckdb"))
>>> ctx.engine, ctx.actor.name
('duckdb', 'system')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

from tierwise.config import Settings
from tierwise.errors import UsageError
from tierwise.i18n import Message
from tierwise.security.permissions import SYSTEM, Actor

EngineName = Literal["duckdb", "spark"]
ENGINE_NAMES = ("duckdb", "spark")


class AuditWriter(Protocol):
    """Writes one audit row in the caller's transaction (``session``): who did what to which record,
    before and after (the shape of ``tierwise.store.audit.write_audit``)."""

    def __call__(
        self,
        session: Any,
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
    ) -> Any: ...


def utc_now() -> dt.datetime:
    """The current time in UTC, to the second (saved records do not need more)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True)
class ServiceContext:
    """The request every service runs for.

    ``engine``: the analytics engine of computing services (``settings.engine`` unless the caller picks
    one); ``sessions``: a factory of store sessions (``sessionmaker``) when a store is configured;
    ``notes``: told what reading a data set did (tables recognised, header rows, totals rows skipped),
    e.g. printed by the CLI. ``actor`` is who acts (:class:`~tierwise.security.permissions.Actor`: a
    user's name, role and teams, or :data:`~tierwise.security.permissions.SYSTEM`); ``ip`` and
    ``user_agent`` say where a request came from, for the audit rows it writes.
    """

    settings: Settings
    engine: EngineName = "duckdb"
    actor: Actor = SYSTEM
    clock: Callable[[], dt.datetime] = utc_now
    audit: AuditWriter | None = None
    sessions: Callable[[], Any] | None = field(default=None, repr=False)
    notes: Callable[[Message], None] | None = field(default=None, repr=False)
    ip: str | None = None
    user_agent: str | None = None

    def __post_init__(self) -> None:
        if self.engine not in ENGINE_NAMES:
            raise UsageError(
                Message(
                    "unknown engine %(engine)s: choose one of %(engines)s",
                    {"engine": repr(self.engine), "engines": ", ".join(ENGINE_NAMES)},
                )
            )

    @classmethod
    def system(cls, settings: Settings, **changes: Any) -> ServiceContext:
        """A context acting as the system, on the settings' engine."""
        return cls(settings=settings, engine=changes.pop("engine", None) or settings.engine, **changes)

    def with_engine(self, engine: str | None) -> ServiceContext:
        """The same context on another engine (``None``: unchanged)."""
        return self if engine is None or engine == self.engine else replace(self, engine=engine)  # type: ignore[arg-type]

    def with_actor(self, actor: Actor) -> ServiceContext:
        """The same context acting as ``actor``."""
        return replace(self, actor=actor)

    def now(self) -> dt.datetime:
        """The context's clock, read once."""
        return self.clock()

    def store(self) -> Any:
        """A new store session; a clear error when no store is configured."""
        if self.sessions is None:
            raise UsageError(Message("this needs the store (set TIERWISE_DATABASE_URL)"))
        return self.sessions()
