"""The pages each role sees in the navigation bar: a page is listed when the role may do what it needs."""

from __future__ import annotations

from dataclasses import dataclass

from tierwise.i18n import N_
from tierwise.security.permissions import Action, Actor, may


@dataclass(frozen=True)
class NavItem:
    """One entry of the navigation bar: where it goes, its label (a message id) and what it needs."""

    path: str
    label: str
    action: Action


PAGES: tuple[NavItem, ...] = (
    NavItem("/", N_("Dashboard"), "customers.read"),
    NavItem("/customers", N_("Customer list"), "customers.read"),
    NavItem("/plan", N_("Contact plan"), "plan.read"),
    NavItem("/analyses", N_("Analyses"), "customers.read"),
    NavItem("/churn", N_("Churn"), "customers.read"),
    NavItem("/lobby", N_("Lobby"), "triage.decide"),
)


def navigation(actor: Actor | None) -> list[NavItem]:
    """The pages ``actor`` may open, in menu order (none before signing in)."""
    if actor is None:
        return []
    return [item for item in PAGES if may(actor, item.action)]


def home_path(actor: Actor) -> str:
    """Where a user lands after signing in: the first page of their menu (the lobby for the lobby role)."""
    items = navigation(actor)
    return items[0].path if items else "/settings"
