"""Passwords: argon2id hashes that verify, refuse wrong passwords, and say when they need redoing."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from tierwise.errors import UsageError
from tierwise.security.passwords import check_new_password, hash_password, needs_rehash, verify_password

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # cheap parameters: the logic, not the cost


def test_the_default_hash_is_argon2id_with_rfc_9106_parameters() -> None:
    stored = hash_password("correct horse battery staple")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert verify_password(stored, "correct horse battery staple")
    assert not needs_rehash(stored)


def test_two_hashes_of_one_password_differ_and_both_verify() -> None:
    first, second = hash_password("same password here", FAST), hash_password("same password here", FAST)
    assert first != second
    assert verify_password(first, "same password here", FAST) and verify_password(second, "same password here", FAST)


@pytest.mark.parametrize("attempt", ["wrong password", "same password her", "same password here ", "", "ｓａｍｅ"])
def test_any_other_password_fails(attempt: str) -> None:
    assert not verify_password(hash_password("same password here", FAST), attempt, FAST)


@pytest.mark.parametrize("stored", ["", "plain text", "$argon2id$v=19$m=8,t=1,p=1$broken", "$2b$12$bcrypthashvalue"])
def test_a_malformed_stored_hash_is_a_mismatch_and_needs_rehash(stored: str) -> None:
    assert verify_password(stored, "whatever password") is False
    assert needs_rehash(stored) is True


def test_a_hash_made_with_weaker_parameters_needs_rehash_under_the_default() -> None:
    weak = hash_password("a password to upgrade", FAST)
    assert needs_rehash(weak)
    assert not needs_rehash(weak, FAST)
    assert verify_password(weak, "a password to upgrade")  # still verifies: the parameters are in the hash


def test_a_huge_password_is_refused_without_hashing_it() -> None:
    assert verify_password(hash_password("x" * 12, FAST), "x" * 100_000, FAST) is False


@pytest.mark.parametrize(("password", "message"), [("short", "at least 12"), ("x" * 1025, "at most 1024")])
def test_new_passwords_have_a_length_range(password: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        check_new_password(password)
    check_new_password("twelve chars")
