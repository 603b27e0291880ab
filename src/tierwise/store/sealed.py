"""Which store columns hold personal data sealed (AES-GCM, ``security/pii.py``) and their search-hash columns.

``customers.id_number/phone/email`` and ``contacts.phone/email`` hold ``tw1:<key id>:…`` text, never the
plain value; beside each sits ``<column>_hash``, the keyed HMAC of the normalised value, which is what a
search by exact phone, id number or e-mail address compares. A sealed value is bound to its column and
row (:func:`context`): copied into another row it no longer opens.

>>> context("customers", "phone", "C001")
'customers.phone:C001'
>>> hash_column("phone")
'phone_hash'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from tierwise.security.pii import Field, Keyring

if TYPE_CHECKING:
    import pyarrow as pa

# table -> (its row key column, the sealed fields)
SEALED: Mapping[str, tuple[str, tuple[Field, ...]]] = {
    "customers": ("customer_id", ("id_number", "phone", "email")),
    "contacts": ("id", ("phone", "email")),
}


def hash_column(field: Field) -> str:
    """The column beside ``field`` that holds its search hash."""
    return f"{field}_hash"


def context(table: str, field: Field, row_key: object) -> str:
    """The associated data a value of ``table.field`` in row ``row_key`` is sealed with."""
    return f"{table}.{field}:{row_key}"


def contexts(table: str, field: Field, row_keys: list[object]) -> list[str]:
    """:func:`context` for a column of row keys."""
    head = f"{table}.{field}:"
    return [head + str(key) for key in row_keys]


def sealed_fields(table: str) -> tuple[Field, ...]:
    """The sealed columns of ``table`` (none for a table without personal data)."""
    return SEALED[table][1] if table in SEALED else ()


def hash_columns(table: str) -> list[str]:
    """The search-hash columns of ``table`` (none for a table without sealed fields)."""
    return [hash_column(f) for f in sealed_fields(table)]


def seal_batch(batch: pa.RecordBatch, table: str, keyring: Keyring | None) -> pa.RecordBatch:
    """``batch`` with each sealed field's plain values replaced by sealed ones and its search hash appended
    (in :data:`SEALED` order), column by column: what the import stages instead of the plain text.

    ``keyring`` may be ``None`` only when no sealed field holds a value (the hashes are then empty too).
    """
    import pyarrow as pa  # here, not at the top: the API server imports this module and never seals a batch

    key_column, fields = SEALED[table]
    columns = dict(zip(batch.schema.names, batch.columns))
    if keyring is None:
        if any(columns[f].null_count != len(batch) for f in fields):
            raise ValueError("personal values to seal but no keyring")
        empty = pa.nulls(len(batch), pa.string())
        return pa.RecordBatch.from_arrays(
            [*columns.values(), *[empty] * len(fields)], [*columns, *map(hash_column, fields)]
        )
    keys = batch.column(key_column).to_pylist()
    hashes = {}
    for field in fields:
        plain = columns[field].cast(pa.string()).to_pylist()
        columns[field] = pa.array(keyring.encrypt_many(plain, contexts(table, field, keys)), pa.string())
        hashes[hash_column(field)] = pa.array(keyring.search_hash_many(field, plain), pa.string())
    return pa.RecordBatch.from_arrays([*columns.values(), *hashes.values()], [*columns, *hashes])
