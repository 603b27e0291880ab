"""The permission checks of every service, written once: what the acting role may do, whom it sees.

A person signed in through the API (or the web UI) acts as a :class:`tierwise.security.permissions.Actor`
with a role and teams; the CLI and scheduled work act as the system (or as a named operator of the
machine, ``--as``), which is not restricted. Services call :func:`require_action` before they act and
add :func:`visible_clause` to every query over customers, so lists, counts, searches, run assignments,
plans and alerts never include a customer the person may not see; one customer asked for by id goes
through :func:`visible_customer`, which answers *not found* for an invisible one exactly as for a missing
one (never *forbidden*: existence does not leak).

>>> from tierwise.config import Settings
>>> from tierwise.security.permissions import Actor
>>> ctx = ServiceContext(settings=Settings(), actor=Actor("wang", "account_manager"))
>>> restricted(ctx).owners
frozenset({'wang'})
>>> restricted(ServiceContext.system(Settings())) is None
True
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from tierwise.errors import NotFoundError
from tierwise.i18n import N_, Message
from tierwise.security.permissions import Action, Actor, Visibility, require, require_visible, visibility
from tierwise.services.context import ServiceContext
from tierwise.store.models import Customer

NO_CUSTOMER = N_("no customer %(id)s")  # the words of permissions.require_visible: the same answer


def person(ctx: ServiceContext) -> Actor | None:
    """The signed-in person acting, or ``None`` when the system (or the machine's operator) acts."""
    actor = ctx.actor
    return actor if isinstance(actor, Actor) and not getattr(actor, "is_system", False) else None


def require_action(ctx: ServiceContext, action: Action) -> None:
    """Refuse (:class:`~tierwise.errors.PermissionDeniedError`) unless the acting role may do ``action``."""
    who = person(ctx)
    if who is not None:
        require(who, action)


def restricted(ctx: ServiceContext) -> Visibility | None:
    """The customers the acting person sees, or ``None`` when they see every customer."""
    who = person(ctx)
    if who is None:
        return None
    seen = visibility(who)
    return None if seen.everyone else seen


def visible_clause(ctx: ServiceContext, owner: Any = Customer.owner, team: Any = Customer.team) -> ColumnElement[bool]:
    """The visibility rule as a SQL condition on the ``owner`` and ``team`` columns (bound parameters).

    True for whoever sees everyone; false for whoever sees no customer; else owner or team in the lists.
    """
    seen = restricted(ctx)
    if seen is None:
        return true()
    if seen.nothing:
        return false()
    parts = []
    if seen.owners:
        parts.append(owner.in_(sorted(seen.owners)))
    if seen.teams:
        parts.append(team.in_(sorted(seen.teams)))
    return or_(*parts)


def visible_ids(ctx: ServiceContext) -> Any:
    """A ``SELECT customer_id`` of the visible customers (for ``column.in_(…)``), or ``None`` for all."""
    if restricted(ctx) is None:
        return None
    return select(Customer.customer_id).where(visible_clause(ctx))


def where_visible(ctx: ServiceContext, query: Any, customer_id: Any) -> Any:
    """``query`` keeping only the rows whose ``customer_id`` column names a visible customer."""
    ids = visible_ids(ctx)
    return query if ids is None else query.where(customer_id.in_(ids))


def visible_customer(session: Session, ctx: ServiceContext, customer_id: str, *, missing: Any = None) -> Customer:
    """The customer ``customer_id`` if the acting person sees it.

    For a person, a missing and an invisible customer are the same :class:`NotFoundError`. For the
    system a missing one is ``missing()`` when given (the caller's own error), else that not-found.
    """
    customer = session.get(Customer, customer_id)
    who = person(ctx)
    if customer is None:
        if who is None and missing is not None:
            raise missing()
        raise NotFoundError(Message(NO_CUSTOMER, {"id": repr(customer_id)}))
    if who is not None:
        require_visible(who, customer_id=customer_id, owner=customer.owner, team=customer.team)
    return customer
