"""Key accounts (issue 14): key-account records and their team, cost-to-serve decisions; contacts gain a
birthday, the last contact date and our relationship owner. Additive only.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    # plain ADD COLUMN (nullable, no constraint): no copy of the table on SQLite
    op.add_column("contacts", sa.Column("birthday", sa.Date(), nullable=True))
    op.add_column("contacts", sa.Column("last_contact", sa.Date(), nullable=True))
    op.add_column("contacts", sa.Column("relationship_owner", sa.String(length=200), nullable=True))
    op.create_table(
        "key_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("nominated_at", TIME, nullable=False),
        sa.Column("nominated_by", sa.String(length=200), nullable=False),
        sa.Column("nomination_run_id", sa.Integer(), nullable=True),
        sa.Column("nomination_reasons", JSON, nullable=False),
        sa.Column("last_qualified_run_id", sa.Integer(), nullable=True),
        sa.Column("evidence", JSON, nullable=True),
        sa.Column("evaluated_at", TIME, nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", TIME, nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("review_every_days", sa.Integer(), nullable=True),
        sa.Column("next_review_date", sa.Date(), nullable=True),
        sa.Column("last_reviewed_at", TIME, nullable=True),
        sa.Column("review_reasons", JSON, nullable=True),
        sa.Column("review_run_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.customer_id"], name=op.f("fk_key_accounts_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_run_id"], ["runs.id"], name=op.f("fk_key_accounts_nomination_run_id_runs")
        ),
        sa.ForeignKeyConstraint(
            ["last_qualified_run_id"], ["runs.id"], name=op.f("fk_key_accounts_last_qualified_run_id_runs")
        ),
        sa.ForeignKeyConstraint(["review_run_id"], ["runs.id"], name=op.f("fk_key_accounts_review_run_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_accounts")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_key_accounts_customer_id")),
    )
    op.create_index(op.f("ix_key_accounts_status"), "key_accounts", ["status"], unique=False)
    op.create_table(
        "key_account_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_account_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=50), nullable=False),
        sa.Column("added_at", TIME, nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_account_id"], ["key_accounts.id"], name=op.f("fk_key_account_members_key_account_id_key_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_account_members")),
        sa.UniqueConstraint("key_account_id", "user_name", name="uq_key_account_members_account_user"),
    )
    op.create_index(
        op.f("ix_key_account_members_key_account_id"), "key_account_members", ["key_account_id"], unique=False
    )
    op.create_table(
        "service_cost_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("loss_periods", sa.Integer(), nullable=False),
        sa.Column("profit_after_cost", sa.Numeric(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.customer_id"], name=op.f("fk_service_cost_decisions_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_cost_decisions")),
    )
    op.create_index(
        op.f("ix_service_cost_decisions_customer_id"), "service_cost_decisions", ["customer_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("service_cost_decisions")
    op.drop_table("key_account_members")
    op.drop_table("key_accounts")
    for column in ("relationship_owner", "last_contact", "birthday"):
        with op.batch_alter_table("contacts") as batch:
            batch.drop_column(column)
