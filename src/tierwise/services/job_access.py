"""Whose background work (jobs and uploads) one sees, and the store it is recorded in.

A job or an upload is seen by its submitter, by the managers of the team it was submitted in, and by the
admin role; anyone else gets "not found", so that its existence does not leak. The system (the command
line, the worker) sees everything.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Engine, or_, true

from tierwise.security.permissions import Actor
from tierwise.services.context import ServiceContext
from tierwise.store.db import engine_from_settings
from tierwise.store.schema import ensure_schema


def home_team(actor: Actor) -> str | None:
    """The team a submission is filed under, which its submitter's managers see it by (the first of the
    submitter's teams by name; ``None`` without a team)."""
    teams = sorted(actor.teams)
    return teams[0] if teams else None


def visible_work(actor: Actor, submitter: Any, team: Any) -> ColumnElement[bool]:
    """The SQL condition on the ``submitter`` and ``team`` columns that selects the work ``actor`` sees."""
    if actor.is_system or actor.role == "admin":
        return true()
    mine = submitter == actor.name
    if actor.role == "manager" and actor.teams:
        return or_(mine, team.in_(sorted(actor.teams)))
    return mine


def work_store(ctx: ServiceContext) -> Engine:
    """The store's engine: the context's session factory's, else one on ``settings.database_url`` (without
    the analytics the run services load: the API answers job routes without them)."""
    bind = getattr(ctx.sessions, "kw", {}).get("bind") if ctx.sessions is not None else None
    engine = bind if isinstance(bind, Engine) else engine_from_settings(ctx.settings)
    ensure_schema(engine)
    return engine
