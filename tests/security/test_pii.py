"""Personal data: AES-GCM with a rotating keyring, the keyed search hash, masking, and the start-up rule."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from tierwise.config import Settings
from tierwise.errors import ConfigurationError, UsageError
from tierwise.security.pii import (
    Keyring,
    development_key,
    is_sealed,
    keyring_from_settings,
    mask,
    new_key_entry,
    normalise,
)

OLD, NEW = new_key_entry("k1"), new_key_entry("k2")


def test_a_sealed_value_names_its_key_and_opens_only_in_its_context() -> None:
    ring = Keyring.parse(OLD)
    sealed = ring.encrypt("13812345678", context="customers.phone:C001")
    assert sealed.startswith("tw1:k1:") and "13812345678" not in sealed and is_sealed(sealed)
    assert ring.decrypt(sealed, context="customers.phone:C001") == "13812345678"
    for other in ("customers.phone:C002", "customers.email:C001"):  # copied into another row or column
        with pytest.raises(ConfigurationError, match="altered, or copied"):
            ring.decrypt(sealed, context=other)


def test_the_same_value_seals_differently_each_time() -> None:
    ring = Keyring.parse(OLD)
    assert ring.encrypt("x", context="c") != ring.encrypt("x", context="c")


def test_a_flipped_byte_is_detected() -> None:
    ring = Keyring.parse(OLD)
    sealed = ring.encrypt("110101199001011234", context="customers.id_number:C001")
    head, body = sealed.rsplit(":", 1)
    flipped = head + ":" + body[:20] + ("A" if body[20] != "A" else "B") + body[21:]
    with pytest.raises(ConfigurationError):
        ring.decrypt(flipped, context="customers.id_number:C001")


def test_rotation_new_key_in_front_old_values_still_open_and_are_resealed_with_the_new_one() -> None:
    before = Keyring.parse(OLD).encrypt("zhang@example.com", context="customers.email:C1")
    rotated = Keyring.parse(f"{NEW},{OLD}")
    assert rotated.active_id == "k2" and rotated.key_ids == ("k2", "k1")
    assert rotated.needs_reencrypt(before)
    after = rotated.reencrypt(before, context="customers.email:C1")
    assert after.startswith("tw1:k2:") and not rotated.needs_reencrypt(after)
    assert Keyring.parse(NEW).decrypt(after, context="customers.email:C1") == "zhang@example.com"
    with pytest.raises(ConfigurationError, match="sealed with key 'k1', not in the keyring"):
        Keyring.parse(NEW).decrypt(before, context="customers.email:C1")


def test_search_hash_finds_the_same_number_typed_differently_and_differs_by_key_and_field() -> None:
    ring = Keyring.parse(f"{NEW},{OLD}")
    assert ring.search_hash("phone", "+86 138-1234-5678") == ring.search_hash("phone", "13812345678")
    assert ring.search_hash("email", " Zhang@Example.COM ") == ring.search_hash("email", "zhang@example.com")
    assert ring.search_hash("phone", "13812345678").startswith("k2:")
    assert ring.search_hash("phone", "13812345678") != ring.search_hash("id_number", "13812345678")
    old_hash = Keyring.parse(OLD).search_hash("phone", "13812345678")
    assert ring.search_hashes("phone", "138 1234 5678") == (ring.search_hash("phone", "13812345678"), old_hash)
    assert "13812345678" not in old_hash


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nocolon", "is not 'id:key'"),
        ("bad id!:" + "A" * 43, "is not 'id:key'"),
        ("k1:short", "is not 32 bytes"),
        ("k1:" + "A" * 43, "placeholder"),
        (f"{OLD},{OLD}", "twice"),
        ("", "at least one key"),
    ],
)
def test_bad_keyrings_are_refused_without_echoing_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as info:
        Keyring.parse(text)
    assert OLD.split(":")[1] not in str(info.value)


def test_the_server_refuses_to_start_without_a_key_unless_in_development() -> None:
    with pytest.raises(ConfigurationError, match="TIERWISE_SECRET_KEY is not set"):
        keyring_from_settings(Settings(secret_key=None, dev=False))
    with pytest.raises(ConfigurationError, match="TIERWISE_SECRET_KEY is not set"):
        keyring_from_settings(Settings(secret_key=SecretStr("  "), dev=False))
    assert keyring_from_settings(Settings(secret_key=None, dev=True)).active_id == "dev"
    assert keyring_from_settings(Settings(secret_key=SecretStr(OLD), dev=False)).active_id == "k1"
    assert development_key(Settings(secret_key=None, dev=True)).startswith("dev:")
    assert development_key(Settings(secret_key=SecretStr(OLD), dev=True)) is None
    assert development_key(Settings(secret_key=None, dev=False)) is None


def test_settings_read_the_key_from_the_environment_and_never_print_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERWISE_SECRET_KEY", OLD)
    settings = Settings()
    assert settings.secret_key.get_secret_value() == OLD
    assert OLD not in repr(settings) and OLD not in str(settings.model_dump())


@pytest.mark.parametrize(
    ("field", "value", "masked"),
    [
        ("phone", "13812345678", "138****5678"),
        ("phone", "+8613812345678", "+86*******5678"),
        ("id_number", "110101199001011234", "110***********1234"),
        ("id_number", "11010119900101123X", "110***********123X"),
        ("email", "zhang@example.com", "z***@example.com"),
        ("email", "z@example.com", "***@example.com"),
        ("email", "no-at-sign", "***"),
        ("phone", "12345678", "****5678"),
        ("phone", "123456", "****56"),
        ("phone", "12", "**"),
        ("phone", "", ""),
    ],
)
def test_masks(field: str, value: str, masked: str) -> None:
    assert mask(field, value) == masked


@given(st.text(alphabet="0123456789", min_size=0, max_size=24))
def test_a_mask_keeps_the_length_and_shows_7_characters_of_a_long_number_at_most_half_of_a_short_one(
    number: str,
) -> None:
    masked = mask("phone", number)
    shown = sum(c != "*" for c in masked)
    assert len(masked) == len(number)
    assert shown == 7 if len(number) >= 11 else shown <= len(number) // 2
    assert all(m in ("*", c) for m, c in zip(masked, number))  # what shows is the number's own, in place


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(UsageError, match="not a personal-data field"):
        mask("name", "x")
    with pytest.raises(UsageError, match="not a personal-data field"):
        normalise("name", "x")


def test_derived_secrets_differ_by_purpose_and_key_and_are_not_the_keys() -> None:
    one, two = Keyring.parse(OLD), Keyring.parse(NEW)
    assert one.derive("identity questions") == Keyring.parse(OLD).derive("identity questions")
    assert one.derive("identity questions") != one.derive("something else")
    assert one.derive("identity questions") != two.derive("identity questions")
    assert len(one.derive("x")) == 32
    assert base64.urlsafe_b64encode(one.derive("x")).rstrip(b"=").decode() != OLD.split(":")[1]


COLUMN_RING = Keyring.parse(f"{new_key_entry('k2')},{new_key_entry('k1')}")


@given(
    st.sampled_from(["phone", "id_number", "email"]),
    st.lists(st.one_of(st.none(), st.text(max_size=30)), max_size=20),
)
def test_column_sealing_and_hashing_equal_the_value_by_value_functions(field, values) -> None:
    contexts = [f"customers.{field}:C{i}" for i in range(len(values))]
    sealed = COLUMN_RING.encrypt_many(values, contexts)
    assert [s is None for s in sealed] == [v is None for v in values]
    assert COLUMN_RING.decrypt_many(sealed, contexts) == values
    assert all(s.startswith("tw1:k2:") for s in sealed if s is not None)
    expected = [None if v is None else COLUMN_RING.search_hash(field, v) for v in values]
    assert COLUMN_RING.search_hash_many(field, values) == expected  # the hand-built HMAC is hmac.new's
