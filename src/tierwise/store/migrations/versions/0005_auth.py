"""Sign-in and the sealed audit chain: personal access tokens, login sessions, failed sign-ins and locks,
an administrator's lock on a user; every audit row already written is sealed into the hash chain, and a
unique ``prev_hash`` makes a fork of the chain impossible.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tierwise.security.audit_chain import GENESIS, seal

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)
AUDIT_COLUMNS = ("seq", "at", "actor", "ip", "user_agent", "action", "target_type", "target_id", "before", "after")
SQLITE_NO_UPDATE = (
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'rows of audit are never changed or deleted'); END"
)


def upgrade() -> None:
    # a plain ADD COLUMN (nullable): no copy of the users table on SQLite
    op.add_column("users", sa.Column("locked_at", TIME, nullable=True))
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=True),
        sa.Column("last_used_at", TIME, nullable=True),
        sa.Column("revoked_at", TIME, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("digest", name=op.f("uq_api_tokens_digest")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"], unique=False)
    op.create_table(
        "login_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("last_seen_at", TIME, nullable=False),
        sa.Column("revoked_at", TIME, nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_login_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_sessions")),
        sa.UniqueConstraint("id_hash", name=op.f("uq_login_sessions_id_hash")),
    )
    op.create_index(op.f("ix_login_sessions_user_id"), "login_sessions", ["user_id"], unique=False)
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["key", "at"], unique=False)
    op.create_table(
        "login_locks",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("locked_until", TIME, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_locks")),
    )
    _seal_existing_audit_rows()
    op.create_index("uq_audit_prev_hash", "audit", ["prev_hash"], unique=True)


def _seal_existing_audit_rows() -> None:
    """Rows written before the chain was turned on get their hashes, in ``seq`` order (the append-only
    trigger is lifted for this one UPDATE pass and put back in the same transaction)."""
    bind = op.get_bind()
    audit = sa.table(
        "audit", *(sa.column(c) for c in AUDIT_COLUMNS), sa.column("prev_hash"), sa.column("hash")
    )  # fmt: skip
    audit.c.before.type = audit.c.after.type = sa.JSON()
    rows = bind.execute(sa.select(*(audit.c[c] for c in AUDIT_COLUMNS)).order_by(audit.c.seq)).mappings().all()
    if not rows:
        return
    postgres = bind.dialect.name == "postgresql"
    op.execute("ALTER TABLE audit DISABLE TRIGGER audit_append_only" if postgres else "DROP TRIGGER audit_no_update")
    prev = GENESIS
    for row in rows:  # a one-off pass over the rows an older store holds
        sealed = seal(dict(row), prev)
        bind.execute(
            sa.update(audit)
            .where(audit.c.seq == row["seq"])
            .values(at=sealed["at"], prev_hash=sealed["prev_hash"], hash=sealed["hash"])
        )
        prev = sealed["hash"]
    op.execute("ALTER TABLE audit ENABLE TRIGGER audit_append_only" if postgres else SQLITE_NO_UPDATE)


def downgrade() -> None:
    op.drop_index("uq_audit_prev_hash", table_name="audit")
    op.drop_table("login_locks")
    op.drop_index("ix_login_failures_key_at", table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_index(op.f("ix_login_sessions_user_id"), table_name="login_sessions")
    op.drop_table("login_sessions")
    op.drop_index(op.f("ix_api_tokens_user_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("locked_at")
