"""An import's rows as the store holds them: the canonical columns with each row's key (its own id, a line of
an order, or a fingerprint), read from the validated data set in Arrow batches with personal values sealed."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pyarrow as pa

from tierwise.config import Settings
from tierwise.io.columns import TABLES
from tierwise.io.dataset import Dataset
from tierwise.io.parsing import quote_ident
from tierwise.security.pii import Keyring
from tierwise.services.sealed_data import keyring_of
from tierwise.store.loading import HISTORY, ROW_KEY_IDS, store_columns
from tierwise.store.sealed import SEALED, seal_batch, sealed_fields

BATCH_ROWS = 100_000


def store_rows_sql(dataset: Dataset, table: str) -> str:
    """The SELECT of a table's rows as the store holds them (canonical columns, then its row key).

    The row key is ``id:<id>`` when the row has its own id; only rows without one pay for the SHA-256
    fingerprint (and the count of identical rows before it). Where rows share an id (an order of several
    lines), each of them is ``ln:<id>:<n>``, ``n`` counting the order's lines in the order of their
    fingerprints, so that importing the same file again finds the same keys; an id on one row alone
    keeps ``id:<id>``. The prefixes keep the kinds apart (no id makes a line key, whatever its colons),
    and ``n`` after the last colon makes a line key name one id and one line.
    """
    columns = [c.name for c in TABLES[table].columns]
    listed = ", ".join(quote_ident(c) for c in columns)
    if "row_key" not in store_columns(table):
        return f"SELECT {listed} FROM {quote_ident(table)}"
    own_id = ROW_KEY_IDS[table]
    shared = own_id is not None and table not in HISTORY and _ids_shared(dataset, table, own_id)
    if own_id is not None and not shared:
        missing = dataset.con.sql(
            f"SELECT count(*) FROM {quote_ident(table)} WHERE {quote_ident(own_id)} IS NULL"
        ).fetchone()[0]
        if not missing:
            return f"SELECT {listed}, 'id:' || {quote_ident(own_id)} AS row_key FROM {quote_ident(table)}"
    cells = ", ".join(f"coalesce(CAST({quote_ident(c)} AS VARCHAR), chr(0))" for c in columns)
    fingerprint = "'fp:' || __row_hash || ':' || row_number() OVER (PARTITION BY __row_hash)"
    key = fingerprint
    if own_id is not None:
        own = quote_ident(own_id)
        by_id = f"'id:' || {own}"
        if shared:  # an order's lines share its id: the lines after its first are told apart by content
            line = f"row_number() OVER (PARTITION BY {own} ORDER BY __row_hash)"
            by_line = f"'ln:' || {own} || ':' || {line}"
            by_id = f"CASE WHEN count(*) OVER (PARTITION BY {own}) = 1 THEN {by_id} ELSE {by_line} END"
        key = f"CASE WHEN {own} IS NOT NULL THEN {by_id} ELSE {fingerprint} END"
    return (
        f"SELECT {listed}, {key} AS row_key FROM "
        f"(SELECT *, sha256(concat_ws(chr(31), {cells})) AS __row_hash FROM {quote_ident(table)})"
    )


def _ids_shared(dataset: Dataset, table: str, own_id: str) -> bool:
    """Whether rows of ``table`` share an id (an order's lines share its transaction id)."""
    own = quote_ident(own_id)
    query = f"SELECT 1 FROM {quote_ident(table)} WHERE {own} IS NOT NULL GROUP BY {own} HAVING count(*) > 1 LIMIT 1"
    return dataset.con.sql(query).fetchone() is not None


def row_batches(
    dataset: Dataset, table: str, keyring: Keyring | None, counted: Callable[[int], None]
) -> Iterator[pa.RecordBatch]:
    """The rows of ``table`` as the store holds them, in Arrow batches, personal values sealed; ``counted``
    is told each batch's rows."""
    reader = dataset.con.sql(store_rows_sql(dataset, table)).to_arrow_reader(BATCH_ROWS)
    for batch in reader:
        yield seal_batch(batch, table, keyring) if table in SEALED else batch
        counted(batch.num_rows)


def keyring_for(dataset: Dataset, settings: Settings) -> Keyring | None:
    """The keyring when the data holds personal values (the import seals them), else ``None``: data without
    any needs no key."""
    if "customers" not in dataset.tables:
        return None
    fields = sealed_fields("customers")
    any_value = " OR ".join(f"{quote_ident(f)} IS NOT NULL" for f in fields)
    if dataset.con.sql(f"SELECT 1 FROM customers WHERE {any_value} LIMIT 1").fetchone() is None:
        return None
    return keyring_of(settings)
