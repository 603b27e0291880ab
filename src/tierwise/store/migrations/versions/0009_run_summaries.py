"""Run summaries (the dashboard reads them instead of recomputing indicators per request): each
assignment keeps the customer's 12-month sales and profit; per run, the totals by owner, team and class,
the moves from the previous run of the same policy, and the whale curve of everyone. Additive only.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
WHO = (
    sa.Column("owner", sa.String(length=200), nullable=True),
    sa.Column("team", sa.String(length=200), nullable=True),
)


def upgrade() -> None:
    op.add_column("assignments", sa.Column("sales", sa.Float(), nullable=True))
    op.add_column("assignments", sa.Column("profit", sa.Float(), nullable=True))
    op.create_table(
        "run_totals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        *(c.copy() for c in WHO),
        sa.Column("class", sa.String(length=100), nullable=False),
        sa.Column("customers", sa.BigInteger(), nullable=False),
        sa.Column("sales", sa.Float(), nullable=True),
        sa.Column("profit", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_run_totals_run_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_totals")),
    )
    op.create_index(op.f("ix_run_totals_run_id"), "run_totals", ["run_id"])
    op.create_table(
        "run_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("previous_run_id", sa.Integer(), nullable=False),
        *(c.copy() for c in WHO),
        sa.Column("from_class", sa.String(length=100), nullable=False),
        sa.Column("to_class", sa.String(length=100), nullable=False),
        sa.Column("customers", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_run_moves_run_id_runs")),
        sa.ForeignKeyConstraint(["previous_run_id"], ["runs.id"], name=op.f("fk_run_moves_previous_run_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_moves")),
    )
    op.create_index(op.f("ix_run_moves_run_id"), "run_moves", ["run_id"])
    op.create_table(
        "run_curves",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("customers", sa.BigInteger(), nullable=False),
        sa.Column("points", JSON, nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_run_curves_run_id_runs")),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_run_curves")),
    )


def downgrade() -> None:
    op.drop_table("run_curves")
    op.drop_index(op.f("ix_run_moves_run_id"), table_name="run_moves")
    op.drop_table("run_moves")
    op.drop_index(op.f("ix_run_totals_run_id"), table_name="run_totals")
    op.drop_table("run_totals")
    op.drop_column("assignments", "profit")
    op.drop_column("assignments", "sales")
