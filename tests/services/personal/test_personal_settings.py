"""One's own settings: the language kept for the user, and a password change that checks the current one."""

from __future__ import annotations

import json

import pytest
from personal_book import Store

from tierwise.errors import UsageError
from tierwise.security.permissions import Actor
from tierwise.services.auth import login
from tierwise.services.personal_settings import change_password, set_language, user_language
from tierwise.services.users import create_user

PASSWORD = "a long pass phrase"
MING = Actor("ming", "account_manager")


@pytest.fixture
def ming(store: Store):
    create_user(store.context(), "ming", role="account_manager", password=PASSWORD)
    return store.context(MING)


def audited(store: Store, action: str) -> list[dict]:
    found = store.raw(f"SELECT after FROM audit WHERE action = '{action}' ORDER BY seq")
    return [a if isinstance(a, dict) else json.loads(a) for (a,) in found]


def test_the_language_is_kept_for_the_user_and_audited(store: Store, ming) -> None:
    assert user_language(ming) is None
    set_language(ming, "zh")
    set_language(ming, "zh")  # no change, no entry
    assert user_language(ming) == "zh"
    set_language(ming, None)
    assert user_language(ming) is None
    assert audited(store, "user.set_language") == [{"language": "zh"}, {"language": None}]
    with pytest.raises(UsageError):
        set_language(ming, "fr")


def test_the_password_changes_only_with_the_current_one(store: Store, ming) -> None:
    with pytest.raises(UsageError, match="the current password is not right"):
        change_password(ming, "not the password", "another long phrase")
    with pytest.raises(UsageError, match="at least 12 characters"):
        change_password(ming, PASSWORD, "short")
    change_password(ming, PASSWORD, "another long phrase")
    assert login(store.context(), "ming", "another long phrase").actor.name == "ming"
    entries = audited(store, "user.change_password")
    assert entries == [{"changed": False, "reason": "wrong current password"}, {"changed": True}]
    assert PASSWORD not in json.dumps(entries) and "argon2" not in json.dumps(entries)


def test_the_system_has_no_settings(store: Store) -> None:
    with pytest.raises(UsageError, match="only a signed-in user has settings"):
        set_language(store.context(), "en")
