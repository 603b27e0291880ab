"""Personal access tokens for API clients: ``twp_`` + 40 random base62 characters + a 6-character checksum.

Only the SHA-256 digest of a token is stored, with its visible prefix (``twp_`` and the first 8 random
characters) so a user can tell their tokens apart in a list; the whole token is shown once, when issued.
A token carries 238 bits of randomness, so a plain (unkeyed, fast) hash is enough: nobody can try
tokens faster than they can try random strings, and the store finds a token by its digest in an index.
The checksum lets a typo or a truncated paste be refused without a database look-up, and lets secret
scanners recognise a leaked token.

>>> issued = issue_token()
>>> issued.token.startswith("twp_") and len(issued.token) == 50
True
>>> token_matches(issued.token, issued.digest), token_matches(issue_token().token, issued.digest)
(True, False)
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
import zlib
from dataclasses import dataclass

PREFIX = "twp_"
BODY_LENGTH = 40
CHECKSUM_LENGTH = 6
VISIBLE_LENGTH = len(PREFIX) + 8
ALPHABET = string.digits + string.ascii_letters  # base62: no character that needs quoting anywhere
# checked on every API request: one compiled match instead of a loop over the characters
_SHAPE = re.compile(re.escape(PREFIX) + f"[0-9A-Za-z]{{{BODY_LENGTH + CHECKSUM_LENGTH}}}", re.ASCII)


@dataclass(frozen=True)
class IssuedToken:
    """A new token: ``token`` is shown to the user once; ``prefix`` and ``digest`` are what the store keeps."""

    token: str
    prefix: str
    digest: str


def _base62(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode("ascii")), CHECKSUM_LENGTH)


def issue_token() -> IssuedToken:
    """A new random token with its visible prefix and the digest to store."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    token = PREFIX + body + _checksum(body)
    return IssuedToken(token=token, prefix=token[:VISIBLE_LENGTH], digest=token_digest(token))


def is_well_formed(token: str) -> bool:
    """Whether ``token`` has the shape and checksum of a tierwise token (says nothing about whether it is valid).

    >>> is_well_formed("twp_" + "a" * 46)
    False
    """
    if _SHAPE.fullmatch(token) is None:
        return False
    body, checksum = token[len(PREFIX) : -CHECKSUM_LENGTH], token[-CHECKSUM_LENGTH:]
    return hmac.compare_digest(_checksum(body), checksum)


def token_digest(token: str) -> str:
    """The hex SHA-256 of ``token``: what the store keeps and looks tokens up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str, stored_digest: str) -> bool:
    """Whether ``token`` is the one whose digest was stored, compared in constant time."""
    return hmac.compare_digest(token_digest(token), stored_digest)
