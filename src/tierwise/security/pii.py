"""Personal data (id_number, phone, email): AES-GCM encryption at rest, a keyed search hash, and masking.

The key material comes from ``TIERWISE_SECRET_KEY`` as a keyring: comma-separated ``id:key`` entries,
each key 32 random bytes in URL-safe base64 (:func:`new_key_entry` makes one). The first entry is the
active key: it encrypts and hashes everything new. The others still decrypt, so a key can be rotated by
putting a new entry in front and re-encrypting the stored values; then the old entry is dropped.

Each stored value is ``tw1:<key id>:<base64 of nonce + ciphertext>``, so the key that sealed it is
known without trying them all. The column name (and, when the caller gives it, the row's key) is bound
to the ciphertext as associated data: a value copied into another column or row no longer decrypts.

Each key yields two sub-keys by HKDF-SHA256, one for AES-256-GCM and one for the HMAC-SHA256 search
hash, so the encryption key is never used for anything else.

>>> ring = Keyring.parse(new_key_entry("k1"))
>>> sealed = ring.encrypt("13812345678", context="customers.phone")
>>> sealed.startswith("tw1:k1:"), ring.decrypt(sealed, context="customers.phone")
(True, '13812345678')
>>> mask("phone", "13812345678"), mask("id_number", "110101199001011234"), mask("email", "zhang@example.com")
('138****5678', '110***********1234', 'z***@example.com')
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import re
import secrets
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tierwise.config import Settings
from tierwise.errors import ConfigurationError, UsageError
from tierwise.i18n import Message

log = logging.getLogger(__name__)

Field = Literal["id_number", "phone", "email"]
PII_FIELDS: tuple[Field, ...] = ("id_number", "phone", "email")
FORMAT = "tw1"
KEY_BYTES = 32
NONCE_BYTES = 12
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")

NO_KEY = Message(
    "TIERWISE_SECRET_KEY is not set: personal data cannot be encrypted, so the server does not start. "
    "Create a key outside the repository (%(command)s) and set TIERWISE_SECRET_KEY to it, "
    "or set TIERWISE_DEV=1 for a throw-away key on a development machine.",
    {"command": "python -c 'from tierwise.security.pii import new_key_entry; print(new_key_entry())'"},
)


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_URLSAFE = bytes.maketrans(b"+/", b"-_")


def _b64encode(data: bytes) -> str:
    return binascii.b2a_base64(data, newline=False).translate(_URLSAFE).rstrip(b"=").decode("ascii")


def _derive(key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=b"tierwise " + purpose).derive(key)


@dataclass(frozen=True)
class _Key:
    key_id: str
    aead: AESGCM
    search_key: bytes


class Keyring:
    """The PII keys by id; the first one is active (it encrypts and hashes new values)."""

    def __init__(self, keys: Mapping[str, bytes]) -> None:
        if not keys:
            raise ConfigurationError(Message("a keyring needs at least one key"))
        self._keys = {
            key_id: _Key(key_id, AESGCM(_derive(raw, b"pii aes-gcm")), _derive(raw, b"pii search hmac"))
            for key_id, raw in keys.items()
        }
        self._raw = dict(keys)
        self.active_id = next(iter(keys))

    @classmethod
    def parse(cls, text: str) -> Keyring:
        """Read ``id:key[,id:key...]`` (the ``TIERWISE_SECRET_KEY`` format); errors never echo a key."""
        keys: dict[str, bytes] = {}
        for number, entry in enumerate((e.strip() for e in text.split(",") if e.strip()), start=1):
            key_id, sep, encoded = entry.partition(":")
            if not sep or not KEY_ID.match(key_id):
                raise ConfigurationError(
                    Message(
                        "TIERWISE_SECRET_KEY entry %(n)s is not 'id:key' with an id of letters, digits, - or _",
                        {"n": number},
                    )
                )
            where = {"n": number, "id": key_id}
            try:
                raw = _b64decode(encoded)
            except ValueError:
                raw = b""
            if len(raw) != KEY_BYTES:
                raise ConfigurationError(
                    Message(
                        "TIERWISE_SECRET_KEY entry %(n)s (%(id)s) is not %(bytes)s bytes of URL-safe base64",
                        {**where, "bytes": KEY_BYTES},
                    )
                )
            if len(set(raw)) < 8:
                raise ConfigurationError(
                    Message("TIERWISE_SECRET_KEY entry %(n)s (%(id)s) is a placeholder, not a key", where)
                )
            if key_id in keys:
                raise ConfigurationError(Message("TIERWISE_SECRET_KEY names key id %(id)s twice", where))
            keys[key_id] = raw
        return cls(keys)

    @property
    def key_ids(self) -> tuple[str, ...]:
        """Every key id, the active one first."""
        return tuple(self._keys)

    def encrypt(self, plaintext: str, *, context: str) -> str:
        """Seal ``plaintext`` with the active key; ``context`` (e.g. ``customers.phone:C001``) must match on decrypt."""
        key = self._keys[self.active_id]
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = key.aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        return f"{FORMAT}:{key.key_id}:{_b64encode(nonce + sealed)}"

    def decrypt(self, stored: str, *, context: str) -> str:
        """Open a value sealed by :meth:`encrypt` with any key of the ring (raises if it was tampered with)."""
        key_id = self.key_id_of(stored)
        try:
            plain = self._keys[key_id].aead.decrypt(*self._parts(stored), context.encode("utf-8"))
        except (InvalidTag, ValueError):
            raise ConfigurationError(
                Message(
                    "a stored personal value does not open with key %(id)s: it was altered, "
                    "or copied from another column or row",
                    {"id": repr(key_id)},
                )
            ) from None
        return plain.decode("utf-8")

    def encrypt_many(self, values: Sequence[str | None], contexts: Sequence[str]) -> list[str | None]:
        """:meth:`encrypt` of a whole column at once (``None`` stays ``None``): one call per value into
        OpenSSL, the nonces drawn in one block, no per-value set-up."""
        key = self._keys[self.active_id]
        seal, prefix = key.aead.encrypt, f"{FORMAT}:{key.key_id}:"
        nonces = secrets.token_bytes(NONCE_BYTES * len(values))
        return [
            None
            if value is None
            else prefix
            + _b64encode(
                (nonce := nonces[i * NONCE_BYTES : (i + 1) * NONCE_BYTES])
                + seal(nonce, value.encode("utf-8"), context.encode("utf-8"))
            )
            for i, (value, context) in enumerate(zip(values, contexts, strict=True))
        ]

    def decrypt_many(self, stored: Sequence[str | None], contexts: Sequence[str]) -> list[str | None]:
        """:meth:`decrypt` of a whole column at once (``None`` stays ``None``)."""
        return [
            None if value is None else self.decrypt(value, context=context)
            for value, context in zip(stored, contexts, strict=True)
        ]

    def search_hash_many(self, field: Field, values: Sequence[str | None]) -> list[str | None]:
        """:meth:`search_hash` of a whole column at once (``None`` stays ``None``).

        HMAC-SHA256 (RFC 2104) built from two SHA-256 states keyed once, with the field's prefix already
        fed in, and copied per value: the same digest as :func:`hmac.new`, without its per-value set-up.
        """
        key = self._keys[self.active_id]
        block = key.search_key.ljust(64, b"\x00")
        inner = hashlib.sha256(bytes(b ^ 0x36 for b in block) + f"{field}\x00".encode())
        outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
        prefix = key.key_id + ":"

        def one(value: str) -> str:
            digest = inner.copy()
            digest.update(normalise(field, value).encode())
            mac = outer.copy()
            mac.update(digest.digest())
            return prefix + mac.hexdigest()

        return [None if value is None else one(value) for value in values]

    def _parts(self, stored: str) -> tuple[bytes, bytes]:
        blob = _b64decode(stored.split(":", 2)[2])
        return blob[:NONCE_BYTES], blob[NONCE_BYTES:]

    def key_id_of(self, stored: str) -> str:
        """The id of the key that sealed ``stored``; raises if the value is not ours or its key is gone."""
        parts = stored.split(":", 2)
        if len(parts) != 3 or parts[0] != FORMAT:
            raise ConfigurationError(Message("a stored personal value is not in the tw1 format"))
        if parts[1] not in self._keys:
            raise ConfigurationError(
                Message(
                    "a stored personal value was sealed with key %(id)s, not in the keyring", {"id": repr(parts[1])}
                )
            )
        return parts[1]

    def needs_reencrypt(self, stored: str) -> bool:
        """Whether ``stored`` was sealed by another key than the active one (``tierwise keys rotate`` redoes it)."""
        return self.key_id_of(stored) != self.active_id

    def reencrypt(self, stored: str, *, context: str) -> str:
        """``stored`` opened and sealed again with the active key."""
        return self.encrypt(self.decrypt(stored, context=context), context=context)

    def derive(self, purpose: str) -> bytes:
        """A 32-byte secret for another use (e.g. ``"identity questions"`` seeds), derived from the active key.

        Derived, not the key itself: a secret handed to another module never lets it decrypt.
        """
        return _derive(self._raw[self.active_id], b"tierwise derived " + purpose.encode("utf-8"))

    def search_hash(self, field: Field, value: str) -> str:
        """The keyed hash of the normalised value under the active key: ``<key id>:<hex HMAC-SHA256>``."""
        return self._search_hash(self._keys[self.active_id], field, value)

    def search_hashes(self, field: Field, value: str) -> tuple[str, ...]:
        """The keyed hash under every key: what to look for while a rotation is part-way through."""
        return tuple(self._search_hash(key, field, value) for key in self._keys.values())

    @staticmethod
    def _search_hash(key: _Key, field: Field, value: str) -> str:
        message = f"{field}\x00{normalise(field, value)}".encode()
        return f"{key.key_id}:{hmac.new(key.search_key, message, hashlib.sha256).hexdigest()}"


def is_sealed(value: str) -> bool:
    """Whether a stored value looks sealed by :class:`Keyring` (and so is not plain text)."""
    return value.startswith(FORMAT + ":")


def new_key_entry(key_id: str | None = None) -> str:
    """A fresh ``id:key`` entry for ``TIERWISE_SECRET_KEY`` (the id defaults to ``k`` + 6 random hex digits)."""
    return f"{key_id or 'k' + secrets.token_hex(3)}:{_b64encode(secrets.token_bytes(KEY_BYTES))}"


def keyring_from_settings(settings: Settings) -> Keyring:
    """The keyring the server runs with; without a key it refuses to start unless ``TIERWISE_DEV=1``.

    In development without a key the keyring is a throw-away one, logged as such: values encrypted with it
    cannot be read once the process ends. ``tierwise serve`` gives every worker the same one.
    """
    if settings.secret_key is not None and settings.secret_key.get_secret_value().strip():
        return Keyring.parse(settings.secret_key.get_secret_value())
    if not settings.dev:
        raise ConfigurationError(NO_KEY)
    log.warning("TIERWISE_DEV=1 and no TIERWISE_SECRET_KEY: personal data is encrypted with a throw-away key")
    return Keyring.parse(new_key_entry("dev"))


def development_key(settings: Settings) -> str | None:
    """A throw-away keyring for a development server without a key (``None`` otherwise): ``tierwise serve``
    puts it in the environment once, so that every worker process encrypts with the same key."""
    if settings.dev and (settings.secret_key is None or not settings.secret_key.get_secret_value().strip()):
        return new_key_entry("dev")
    return None


# -- normalising (for the search hash) and masking (for display) --


def _not_a_field(field: str) -> Message:
    return Message(
        "%(field)s is not a personal-data field (fields: %(fields)s)",
        {"field": repr(field), "fields": ", ".join(PII_FIELDS)},
    )


_NOT_DIGIT = re.compile(r"\D")
_SPACE_OR_DASH = re.compile(r"[\s-]")


def normalise(field: Field, value: str) -> str:
    """The form a value is hashed in, so the same number typed differently finds the same customer.

    Phones keep their digits only, without a +86 / 0086 country code; id numbers drop spaces and dashes and
    upper-case the check letter X; e-mail addresses are trimmed and lower-cased.

    >>> normalise("phone", "+86 138-1234-5678"), normalise("id_number", "11010119900101123x")
    ('13812345678', '11010119900101123X')
    """
    text = (value if value.isascii() else unicodedata.normalize("NFKC", value)).strip()  # NFKC keeps ASCII
    if field == "phone":
        digits = _NOT_DIGIT.sub("", text)
        for code in ("0086", "86"):
            if digits.startswith(code) and len(digits) == len(code) + 11:
                return digits[len(code) :]
        return digits
    if field == "id_number":
        return _SPACE_OR_DASH.sub("", text).upper()
    if field == "email":
        return text.lower()
    raise UsageError(_not_a_field(field))


def mask(field: Field, value: str | None) -> str | None:
    """``value`` as shown to someone who may not see it: first 3 and last 4 characters of a number, the first
    letter and the domain of an e-mail address. Short values show less, so a mask never reveals most of one.

    >>> mask("phone", "12345"), mask("email", "a@b.cn"), mask("phone", None)
    ('****5', '***@b.cn', None)
    """
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    if field == "email":
        local, at, domain = text.rpartition("@")
        if not at:
            return "*" * 3
        return (local[0] if len(local) > 1 else "") + "***@" + domain
    if field not in ("phone", "id_number"):
        raise UsageError(_not_a_field(field))
    length = len(text)
    if length >= 11:
        head, tail = 3, 4
    elif length >= 8:
        head, tail = 0, 4
    else:
        head, tail = 0, length // 3
    return text[:head] + "*" * (length - head - tail) + text[length - tail :]
