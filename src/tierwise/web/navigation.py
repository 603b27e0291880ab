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
    NavItem("/key-accounts", N_("Key accounts"), "customers.read"),
    NavItem("/key-accounts/reviews", N_("Review list"), "customers.read"),
    NavItem("/prospects", N_("Prospect qualification"), "customers.read"),
    NavItem("/analyses", N_("Analyses"), "customers.read"),
    NavItem("/policies", N_("Policies"), "policies.read"),
    NavItem("/runs", N_("Runs"), "runs.read"),
    NavItem("/imports", N_("Import"), "imports.write"),
    NavItem("/lobby", N_("Lobby"), "triage.decide"),
    NavItem("/identity", N_("Identity check"), "identity.verify"),
    NavItem("/admin/users", N_("Users"), "users.manage"),
    NavItem("/admin/audit", N_("Audit log"), "audit.read"),
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
