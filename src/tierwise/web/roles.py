"""The roles as the pages name them (message ids; the role codes stay those of ``security.permissions``)."""

from __future__ import annotations

from tierwise.i18n import N_
from tierwise.security.permissions import ROLES

ROLE_NAMES: dict[str, str] = {
    "admin": N_("Administrator"),
    "analyst": N_("Analyst"),
    "manager": N_("Manager"),
    "account_manager": N_("Account manager"),
    "lobby": N_("Lobby manager"),
    "system": N_("System"),
}
assert set(ROLES) <= set(ROLE_NAMES)
