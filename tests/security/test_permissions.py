"""Roles as data: exactly which actions each role has, which customers it sees, who may reveal PII."""

from __future__ import annotations

import pytest

from tierwise.errors import NotFoundError, PermissionDeniedError, UsageError
from tierwise.security.permissions import (
    ACTIONS,
    ROLE_ACTIONS,
    ROLES,
    SYSTEM,
    Actor,
    check_reveal,
    check_role,
    may,
    require,
    require_visible,
    visibility,
)

ADMIN = Actor("root", "admin")
ANALYST = Actor("ana", "analyst")
MANAGER = Actor("mei", "manager", teams=frozenset({"north"}))
ALICE = Actor("alice", "account_manager", teams=frozenset({"north"}))
LOBBY = Actor("lou", "lobby")

# (owner, team) of four customers
CUSTOMERS = {"C1": ("alice", "north"), "C2": ("bob", "north"), "C3": ("carol", "south"), "C4": (None, None)}


@pytest.mark.parametrize(
    ("actor", "visible"),
    [
        (ADMIN, {"C1", "C2", "C3", "C4"}),
        (ANALYST, {"C1", "C2", "C3", "C4"}),
        (MANAGER, {"C1", "C2"}),
        (ALICE, {"C1"}),
        (LOBBY, set()),
    ],
)
def test_visibility(actor: Actor, visible: set[str]) -> None:
    rule = visibility(actor)
    assert {c for c, (owner, team) in CUSTOMERS.items() if rule.allows(owner=owner, team=team)} == visible
    assert rule.nothing == (not visible)


def test_a_manager_sees_the_customers_they_own_outside_their_teams() -> None:
    assert visibility(MANAGER).allows(owner="mei", team="south")


def test_an_invisible_customer_is_not_found_never_forbidden() -> None:
    with pytest.raises(NotFoundError, match="no customer 'C2'"):
        require_visible(ALICE, customer_id="C2", owner="bob", team="north")
    require_visible(ALICE, customer_id="C1", owner="alice", team="north")


def test_the_lobby_only_triages_and_verifies() -> None:
    assert {a for a in ACTIONS if may(LOBBY, a)} == {"triage.decide", "identity.verify"}


@pytest.mark.parametrize(
    ("action", "roles"),
    [
        ("users.manage", {"admin"}),
        ("audit.verify", {"admin"}),
        ("pii.reveal", {"manager"}),
        ("policies.write", {"analyst"}),
        ("runs.create", {"analyst"}),
        ("visits.write", {"manager", "account_manager"}),
        ("key_accounts.approve", {"manager"}),
        ("triage.decide", {"lobby", "account_manager"}),
        ("identity.verify", {"lobby", "account_manager", "manager"}),
        ("customers.read", {"admin", "analyst", "manager", "account_manager"}),
    ],
)
def test_who_may_do_what(action: str, roles: set[str]) -> None:
    assert {role for role in ROLES if action in ROLE_ACTIONS[role]} == roles


def test_every_role_has_an_entry_and_only_known_actions() -> None:
    assert set(ROLE_ACTIONS) == set(ROLES)
    assert all(actions <= set(ACTIONS) for actions in ROLE_ACTIONS.values())


def test_require_raises_permission_denied_and_unknown_names_are_refused() -> None:
    with pytest.raises(PermissionDeniedError, match="the analyst role may not do users.manage"):
        require(ANALYST, "users.manage")
    with pytest.raises(UsageError, match="unknown action"):
        may(ANALYST, "customers.delete")
    with pytest.raises(UsageError, match="unknown role"):
        Actor("x", "superuser")


def test_a_reveal_needs_the_manager_role_a_visible_customer_and_a_reason() -> None:
    assert check_reveal(MANAGER, "  customer asked to update phone ", customer_id="C2", owner="bob", team="north") == (
        "customer asked to update phone"
    )
    with pytest.raises(UsageError, match="reason of at least 10"):
        check_reveal(MANAGER, "checking", customer_id="C2", owner="bob", team="north")
    with pytest.raises(NotFoundError):  # outside the manager's team: not found, before any reason is looked at
        check_reveal(MANAGER, "customer asked to update phone", customer_id="C3", owner="carol", team="south")
    with pytest.raises(PermissionDeniedError):
        check_reveal(ANALYST, "customer asked to update phone", customer_id="C3", owner="carol", team="south")
    with pytest.raises(PermissionDeniedError):
        check_reveal(ALICE, "customer asked to update phone", customer_id="C1", owner="alice", team="north")


def test_the_system_may_do_and_see_everything_and_no_user_may_have_its_role() -> None:
    assert SYSTEM.is_system and not ADMIN.is_system
    assert all(may(SYSTEM, a) for a in ACTIONS)
    assert visibility(SYSTEM).everyone
    assert "system" not in ROLES
    with pytest.raises(UsageError, match="unknown role 'system'"):
        check_role("system")
