"""Personal data sealed at rest: search-hash columns beside customers' id_number/phone/email and contacts'
phone/email, every plain value already stored sealed with the active key of ``TIERWISE_SECRET_KEY``; the
identity-verification tables (each check, and the failed attempts per customer and day).

A store holding plain personal values needs the key to upgrade (the message says how to make one); a store
without any upgrades without it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 12:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tierwise.config import Settings
from tierwise.errors import ConfigurationError
from tierwise.security.pii import NO_KEY, Keyring, is_sealed
from tierwise.store.sealed import SEALED, contexts, hash_column

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TIME = sa.DateTime(timezone=True)
BATCH = 5_000


def upgrade() -> None:
    for table, (_, fields) in SEALED.items():
        for field in fields:
            op.add_column(table, sa.Column(hash_column(field), sa.String(length=100), nullable=True))
            op.create_index(f"ix_{table}_{hash_column(field)}", table, [hash_column(field)])
    op.create_table(
        "identity_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started_at", TIME, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("questions", JSON, nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("answered_at", TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_identity_checks"),
    )
    op.create_index("ix_identity_checks_customer_id", "identity_checks", ["customer_id"])
    op.create_table(
        "identity_attempts",
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", "day", name="pk_identity_attempts"),
    )
    _seal_plain_values()


def _seal_plain_values() -> None:
    """Seal every plain personal value in place, in batches (a store migrated before this had them plain)."""
    con = op.get_bind()
    keyring: Keyring | None = op.get_context().config.attributes.get("keyring")
    for table, (key, fields) in SEALED.items():
        columns = ", ".join([key, *fields])
        where = " OR ".join(f"({f} IS NOT NULL AND {f} NOT LIKE 'tw1:%')" for f in fields)
        last = None
        while True:
            after = "" if last is None else f"AND {key} > :last"
            rows = con.execute(
                sa.text(f"SELECT {columns} FROM {table} WHERE ({where}) {after} ORDER BY {key} LIMIT {BATCH}"),
                {"last": last},
            ).all()
            if not rows:
                break
            keyring = keyring or _keyring()
            keys = [row[0] for row in rows]
            updates = [{"key": k} for k in keys]
            for i, field in enumerate(fields, start=1):
                plain = [row[i] for row in rows]
                sealed = keyring.encrypt_many(plain, contexts(table, field, keys))
                hashes = keyring.search_hash_many(field, plain)
                for update, old, new, digest in zip(updates, plain, sealed, hashes):
                    already = old is not None and is_sealed(old)
                    update[field] = old if already else new
                    update[hash_column(field)] = None if already else digest
            assignments = ", ".join(
                f"{f} = :{f}, {hash_column(f)} = coalesce(:{hash_column(f)}, {hash_column(f)})" for f in fields
            )
            con.execute(sa.text(f"UPDATE {table} SET {assignments} WHERE {key} = :key"), updates)
            last = keys[-1]


def _keyring() -> Keyring:
    secret = Settings().secret_key
    if secret is None or not secret.get_secret_value().strip():
        raise ConfigurationError(NO_KEY)
    return Keyring.parse(secret.get_secret_value())


def downgrade() -> None:
    op.drop_table("identity_attempts")
    op.drop_index("ix_identity_checks_customer_id", table_name="identity_checks")
    op.drop_table("identity_checks")
    for table, (_, fields) in SEALED.items():
        with op.batch_alter_table(table) as batch:
            for field in fields:
                batch.drop_index(f"ix_{table}_{hash_column(field)}")
                batch.drop_column(hash_column(field))
