"""``tierwise keys rotate``: every sealed personal value re-encrypted under the active (first) key.

After a new key is put in front of ``TIERWISE_SECRET_KEY``, old values still open with the old key; this
walks the sealed columns (``store/sealed.py``) and, for each row with a value or a search hash under
another key, stores the value sealed again and the hash made again under the active key. Rows go in
batches, each batch one transaction with its audit entry (table, rows, from which keys), so a rotation
stopped half-way keeps what it did and the next run carries on. Search works throughout: it looks for the
hash under every key of the ring.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Column, MetaData, Table, and_, bindparam, func, or_, select, update

from tierwise.errors import PermissionDeniedError
from tierwise.i18n import N_, Message
from tierwise.security.pii import FORMAT, Keyring
from tierwise.services.context import ServiceContext
from tierwise.services.sealed_data import keyring_of
from tierwise.store.audit import write_audit
from tierwise.store.models import Base
from tierwise.store.sealed import SEALED, contexts, hash_column

BATCH_ROWS = 1_000
ONLY_ADMINS = N_("only an administrator rotates the personal-data keys")


@dataclass(frozen=True)
class TableRotation:
    """What a rotation did to one table: rows re-encrypted, and how many values each old key had sealed."""

    table: str
    rows: int
    from_keys: dict[str, int]


@dataclass(frozen=True)
class RotationReport:
    """A rotation: the active key and what it did per table."""

    active_key: str
    tables: list[TableRotation]

    @property
    def rows(self) -> int:
        """Rows re-encrypted in every table."""
        return sum(t.rows for t in self.tables)


def _stale(table: Table, fields: tuple[str, ...], active: str) -> object:
    """Rows with a value sealed or hashed under another key than ``active``."""
    sealed_prefix, hash_prefix = f"{FORMAT}:{active}:", f"{active}:"
    conditions = []
    for field in fields:
        value, digest = table.c[field], table.c[hash_column(field)]  # type: ignore[arg-type]
        conditions.append(and_(value.is_not(None), func.substr(value, 1, len(sealed_prefix)) != sealed_prefix))
        conditions.append(
            and_(value.is_not(None), or_(digest.is_(None), func.substr(digest, 1, len(hash_prefix)) != hash_prefix))
        )
    return or_(*conditions)


def _plain_table(name: str) -> Table:
    """The sealed table as plain columns (no ORM objects; a batch is one UPDATE with bound rows)."""
    key, fields = SEALED[name]
    model = Base.metadata.tables[name]
    columns = [key, *fields, *map(hash_column, fields)]
    return Table(name, MetaData(), *(Column(c, model.c[c].type, primary_key=c == key) for c in columns))


def rotate_table(ctx: ServiceContext, keyring: Keyring, name: str, batch_rows: int = BATCH_ROWS) -> TableRotation:
    """Re-encrypt one table's sealed values in batches of ``batch_rows``, each batch audited."""
    key, fields = SEALED[name]
    table = _plain_table(name)
    stale = _stale(table, fields, keyring.active_id)
    rows, from_keys, last = 0, Counter[str](), None
    while True:
        with ctx.store() as session, session.begin():
            query = select(*table.c).where(stale).order_by(table.c[key]).limit(batch_rows)
            if last is not None:
                query = query.where(table.c[key] > last)
            batch = session.execute(query).all()
            if not batch:
                break
            keys = [row[0] for row in batch]
            changes = [{"b_key": k} for k in keys]
            counted = Counter[str]()
            for field in fields:
                sealed = [getattr(row, field) for row in batch]
                counted.update(keyring.key_id_of(v) for v in sealed if v is not None)
                plain = keyring.decrypt_many(sealed, contexts(name, field, keys))
                for change, new, digest in zip(
                    changes,
                    keyring.encrypt_many(plain, contexts(name, field, keys)),
                    keyring.search_hash_many(field, plain),
                ):
                    change[f"b_{field}"], change[f"b_{hash_column(field)}"] = new, digest
            assignments = {c: f"b_{c}" for c in [*fields, *map(hash_column, fields)]}
            statement = (
                update(table)
                .where(table.c[key] == bindparam("b_key"))
                .values({c: bindparam(b) for c, b in assignments.items()})
            )
            session.connection().execute(statement, changes)
            write_audit(
                session,
                actor=ctx.actor.name,
                action="keys.rotate",
                target_type=name,
                target_id=None,
                after={"rows": len(batch), "to_key": keyring.active_id, "from_keys": dict(sorted(counted.items()))},
                ip=ctx.ip,
                user_agent=ctx.user_agent,
                at=ctx.now(),
            )
            rows += len(batch)
            from_keys.update(counted)
            last = keys[-1]
    return TableRotation(name, rows, dict(sorted(from_keys.items())))


def rotate_keys(ctx: ServiceContext, batch_rows: int = BATCH_ROWS) -> RotationReport:
    """Re-encrypt every sealed personal value under the active key (administrators and the system only)."""
    if not (ctx.actor.is_system or ctx.actor.role == "admin"):
        raise PermissionDeniedError(Message(ONLY_ADMINS))
    keyring = keyring_of(ctx.settings)
    return RotationReport(keyring.active_id, [rotate_table(ctx, keyring, name, batch_rows) for name in SEALED])
