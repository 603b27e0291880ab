"""Who is acting, as the store knows them: role and team from the ``users`` table, not from the caller's word.

Services that check permissions read the acting user here: the role and team a caller claims are not
trusted; the store's user record decides. Scheduled and command-line work without ``--as`` acts as the
system, which has the ``system`` role and no team. :func:`named_actor` is what the command line's
``--as NAME`` acts as.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tierwise.errors import PermissionDeniedError
from tierwise.i18n import N_, Message
from tierwise.security.permissions import SYSTEM, SYSTEM_ROLE, Actor
from tierwise.services.context import ServiceContext
from tierwise.store.people_models import Team, User

UNKNOWN_USER = N_("user %(name)s is not in the store (tierwise user create) and may not do this")
INACTIVE_USER = N_("user %(name)s is deactivated and may not do this")


@dataclass(frozen=True)
class Person:
    """The acting person: user name, role and team (``None`` without one)."""

    name: str
    role: str
    team: str | None


def acting_person(session: Session, ctx: ServiceContext) -> Person:
    """The context's actor as the store knows them; a :class:`PermissionDeniedError` for an unknown user."""
    if ctx.actor == SYSTEM:
        return Person(ctx.actor.name, SYSTEM_ROLE, None)
    row = session.execute(
        select(User.name, User.role, User.active, Team.name.label("team"))
        .join(Team, Team.id == User.team_id, isouter=True)
        .where(User.name == ctx.actor.name)
    ).first()
    if row is None:
        raise PermissionDeniedError(Message(UNKNOWN_USER, {"name": ctx.actor.name}))
    if not row.active:
        raise PermissionDeniedError(Message(INACTIVE_USER, {"name": ctx.actor.name}))
    return Person(row.name, row.role, row.team)


def known_users(session: Session, names: list[str]) -> set[str]:
    """Which of ``names`` are active users of the store."""
    if not names:
        return set()
    return set(session.scalars(select(User.name).where(User.name.in_(names), User.active.is_(True))))


def named_actor(session: Session, name: str) -> Actor:
    """Who ``--as NAME`` acts as: the store's active user ``NAME`` with their role and team, else the command
    line itself recorded under that name (services that need a person refuse it through :func:`acting_person`)."""
    row = session.execute(
        select(User.role, Team.name.label("team"))
        .join(Team, Team.id == User.team_id, isouter=True)
        .where(User.name == name, User.active.is_(True))
    ).first()
    if row is None:
        return Actor(name, SYSTEM_ROLE)
    return Actor(name, row.role, frozenset({row.team}) if row.team else frozenset())
