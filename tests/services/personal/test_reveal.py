"""Revealing one personal field: a manager of the customer's team, with a reason, audited with it."""

from __future__ import annotations

import json

import pytest
from personal_book import ANALYST, LOBBY, MANAGER_EAST, WANG, Store

from tierwise.errors import NotFoundError, PermissionDeniedError, UsageError
from tierwise.security.permissions import Actor
from tierwise.services.reveal import RevealedField, reveal

REASON = "customer asked to confirm the phone on file"


def reveals(store: Store) -> list[tuple]:
    rows = store.raw("SELECT actor, target_id, after FROM audit WHERE action = 'pii.reveal' ORDER BY seq")
    return [(a, t, a_ if isinstance(a_, dict) else json.loads(a_)) for a, t, a_ in rows]


def test_a_manager_with_a_reason_gets_only_that_field_and_the_reveal_is_audited(store: Store) -> None:
    got = reveal(store.context(MANAGER_EAST), "C1", "phone", REASON)
    assert got == RevealedField("C1", "phone", "+86 138-1234-5678")
    assert reveals(store) == [("zhou", "C1", {"field": "phone", "reason": REASON})]
    assert "138" not in json.dumps(reveals(store))  # the audit records the reason, never the value


@pytest.mark.parametrize("reason", [None, "", "   ", "checking"])
def test_a_reveal_without_a_reason_is_refused_and_not_audited(store: Store, reason) -> None:
    with pytest.raises(UsageError, match="needs a reason of at least 10 characters"):
        reveal(store.context(MANAGER_EAST), "C1", "id_number", reason)
    assert reveals(store) == []


def test_the_lobby_cannot_reveal(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no customer 'C1'"):  # the lobby sees no customer record at all
        reveal(store.context(LOBBY), "C1", "phone", REASON)
    assert reveals(store) == []


@pytest.mark.parametrize("actor", [WANG, ANALYST, Actor("root", "admin")])
def test_roles_other_than_manager_cannot_reveal(store: Store, actor: Actor) -> None:
    with pytest.raises(PermissionDeniedError, match=f"the {actor.role} role may not do pii.reveal"):
        reveal(store.context(actor), "C1", "email", REASON)
    assert reveals(store) == []


def test_the_system_does_not_reveal(store: Store) -> None:
    with pytest.raises(PermissionDeniedError, match="the system does not reveal personal data"):
        reveal(store.context(), "C1", "phone", REASON)
    assert reveals(store) == []


def test_a_manager_of_another_team_does_not_find_the_customer(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no customer 'C2'"):
        reveal(store.context(MANAGER_EAST), "C2", "phone", REASON)  # C2 is the north team's
    with pytest.raises(NotFoundError, match="no customer 'C404'"):
        reveal(store.context(MANAGER_EAST), "C404", "phone", REASON)
    assert reveals(store) == []


def test_only_personal_fields_can_be_revealed(store: Store) -> None:
    with pytest.raises(UsageError, match="'name' is not a personal-data field"):
        reveal(store.context(MANAGER_EAST), "C1", "name", REASON)


def test_a_field_with_nothing_stored_reveals_none(store: Store) -> None:
    assert reveal(store.context(MANAGER_EAST), "C3", "email", REASON).value is None
