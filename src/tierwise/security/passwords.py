"""Passwords: argon2id hashes (argon2-cffi), verification, and when a stored hash needs redoing.

The parameters are argon2-cffi's defaults (RFC 9106's second recommended setting). A hash records its
own parameters, so raising them later only makes :func:`needs_rehash` true for old hashes: the login
that verifies the password re-hashes it with the new ones.

>>> stored = hash_password("correct horse battery staple")
>>> stored.startswith("$argon2id$")
True
>>> verify_password(stored, "correct horse battery staple"), verify_password(stored, "wrong")
(True, False)
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tierwise.errors import UsageError
from tierwise.i18n import Message

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 takes any length; a cap stops a megabyte "password" from costing a request

HASHER = PasswordHasher()


def check_new_password(password: str) -> None:
    """Refuse a new password that is too short or too long (raises :class:`~tierwise.errors.UsageError`)."""
    if len(password) < MIN_LENGTH:
        raise UsageError(Message("a password needs at least %(n)s characters", {"n": MIN_LENGTH}))
    if len(password) > MAX_LENGTH:
        raise UsageError(Message("a password may have at most %(n)s characters", {"n": MAX_LENGTH}))


def hash_password(password: str, hasher: PasswordHasher = HASHER) -> str:
    """The argon2id hash of ``password`` to store (a fresh random salt each time)."""
    return hasher.hash(password)


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher = HASHER) -> bool:
    """Whether ``password`` matches ``stored_hash``; a malformed stored hash is a mismatch, not a crash."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str, hasher: PasswordHasher = HASHER) -> bool:
    """Whether ``stored_hash`` was made with other parameters than ``hasher``'s (re-hash at the next login)."""
    try:
        return hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
