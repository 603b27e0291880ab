"""The roles and what each may do, as the permission table says (``security.permissions.ROLE_ACTIONS``).

Read from the one table the checks use, never copied: a role's actions here are the actions
:func:`tierwise.services.access.require_action` lets it do. Each role comes with its name and a description
in the asker's language, and which customers it sees.

>>> from tierwise.config import Settings
>>> [r.role for r in role_table(ServiceContext.system(Settings()))]
['admin', 'analyst', 'manager', 'account_manager', 'lobby']
"""

from __future__ import annotations

from dataclasses import dataclass

from tierwise.i18n import N_, Message, translate
from tierwise.security.permissions import ACTIONS, ROLE_ACTIONS, ROLE_SCOPE, ROLES
from tierwise.services.context import ServiceContext

#: the roles as people name them (message ids; the codes stay those of ``security.permissions``)
ROLE_NAMES: dict[str, str] = {
    "admin": N_("Administrator"),
    "analyst": N_("Analyst"),
    "manager": N_("Manager"),
    "account_manager": N_("Account manager"),
    "lobby": N_("Lobby manager"),
    "system": N_("System"),
}
ROLE_DESCRIPTIONS: dict[str, str] = {
    "admin": N_(
        "Runs users, teams, settings and the audit log, and imports data; sees every customer, personal data masked."
    ),
    "analyst": N_("Works on policies, runs and imports over every customer, with personal data masked."),
    "manager": N_(
        "Sees the customers of their team: records their cards, approves key accounts, and reveals personal data "
        "with a reason."
    ),
    "account_manager": N_(
        "Sees only the customers they own: records their cards, nominates key accounts, triages walk-ins and "
        "verifies identities."
    ),
    "lobby": N_("Triages walk-in customers and verifies identities; sees no customer record."),
}
assert set(ROLES) <= set(ROLE_NAMES) and set(ROLES) <= set(ROLE_DESCRIPTIONS)


@dataclass(frozen=True)
class RoleCard:
    """One role: its code, name and description (in the asker's language), whom it sees, what it may do."""

    role: str
    name: str
    description: str
    sees: str  # all, team, own or none
    actions: tuple[str, ...]  # in the order of ``security.permissions.ACTIONS``


def role_table(ctx: ServiceContext, lang: str = "en") -> list[RoleCard]:
    """Every role a user can have, with the actions the permission table gives it, in ``lang`` (any signed-in
    person may ask: it is what the checks are, not whom they concern)."""
    return [
        RoleCard(
            role,
            translate(Message(ROLE_NAMES[role]), lang),
            translate(Message(ROLE_DESCRIPTIONS[role]), lang),
            ROLE_SCOPE[role].value,
            tuple(a for a in ACTIONS if a in ROLE_ACTIONS[role]),
        )
        for role in ROLES
    ]
