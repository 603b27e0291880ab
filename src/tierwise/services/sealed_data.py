"""The sealed personal data on the store, for every interface: the keyring, a sealed value opened or opened
and masked (lists that select columns use :func:`open_value` / :func:`masked_value` on the row's values),
and search by exact phone / id number / e-mail address through the keyed hash.

The keyring comes from ``TIERWISE_SECRET_KEY`` (``security/pii.py``); it is made once per key text and
process, so a development process without a key (``TIERWISE_DEV=1``) seals and opens with the same
throw-away key for as long as it runs. Search never reads the sealed columns: it hashes what was typed
under every key of the ring (a rotation may be part-way through) and compares the hash column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from tierwise.config import Settings
from tierwise.errors import UsageError
from tierwise.i18n import N_, Message
from tierwise.security.permissions import Actor, visibility
from tierwise.security.pii import PII_FIELDS, Field, Keyring, keyring_from_settings, mask
from tierwise.services.context import ServiceContext
from tierwise.store.models import Customer
from tierwise.store.sealed import context, hash_column

NOT_A_FIELD = N_("%(field)s is not a personal-data field (fields: %(fields)s)")
_KEYRINGS: dict[tuple[str, bool], Keyring] = {}


def keyring_of(settings: Settings) -> Keyring:
    """The keyring of ``settings`` (raises :class:`~tierwise.errors.ConfigurationError` without a key,
    unless ``TIERWISE_DEV=1``), made once per key text in this process."""
    secret = settings.secret_key.get_secret_value().strip() if settings.secret_key is not None else ""
    cache_key = (secret, settings.dev)
    if cache_key not in _KEYRINGS:
        _KEYRINGS[cache_key] = keyring_from_settings(settings)
    return _KEYRINGS[cache_key]


def checked_field(field: str) -> Field:
    """``field`` when it names a personal-data field, else a :class:`~tierwise.errors.UsageError`."""
    if field not in PII_FIELDS:
        raise UsageError(Message(NOT_A_FIELD, {"field": repr(field), "fields": ", ".join(PII_FIELDS)}))
    return field  # type: ignore[return-value]


def visible_filter(actor: Actor) -> list[Any]:
    """SQL conditions restricting customers to those ``actor`` sees (``[False]`` when none)."""
    seen = visibility(actor)
    if seen.everyone:
        return []
    if seen.nothing:
        return [Customer.customer_id.is_(None)]
    return [Customer.owner.in_(seen.owners) | Customer.team.in_(seen.teams)]


def find_customers(ctx: ServiceContext, field: str, value: str) -> list[str]:
    """The ids of the customers the actor sees whose ``field`` (phone, id_number, email) equals ``value``
    once normalised (``+86 138-1234-5678`` finds ``13812345678``), by the keyed hash column only."""
    name = checked_field(field)
    hashes = keyring_of(ctx.settings).search_hashes(name, value)
    column = getattr(Customer, hash_column(name))
    with ctx.store() as session:
        query = select(Customer.customer_id).where(column.in_(hashes), *visible_filter(ctx.actor))
        return list(session.scalars(query.order_by(Customer.customer_id)))


@dataclass(frozen=True)
class MaskedPersonalData:
    """A customer's personal data as shown to someone who may not see it (``138****5678``)."""

    id_number: str | None
    phone: str | None
    email: str | None


def open_value(keyring: Keyring, field: Field, customer_id: str, sealed: str | None) -> str | None:
    """A customer's sealed ``field`` as stored (``customers.<field>`` of row ``customer_id``), in plain text."""
    return None if sealed is None else keyring.decrypt(sealed, context=context("customers", field, customer_id))


def masked_value(keyring: Keyring, field: Field, customer_id: str, sealed: str | None) -> str | None:
    """A customer's sealed ``field`` opened and masked (``138****5678``): what lists and exports show."""
    return mask(field, open_value(keyring, field, customer_id, sealed))


def masked(keyring: Keyring, customer: Customer) -> MaskedPersonalData:
    """``customer``'s sealed personal data opened and masked (what cards show)."""
    return MaskedPersonalData(
        *(masked_value(keyring, f, customer.customer_id, getattr(customer, f)) for f in PII_FIELDS)
    )


def opened(keyring: Keyring, customer: Customer, field: Field) -> str | None:
    """One sealed field of ``customer`` in plain text (for a reveal or a comparison; never listed)."""
    return open_value(keyring, field, customer.customer_id, getattr(customer, field))
