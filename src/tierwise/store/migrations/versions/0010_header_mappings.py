"""Saved header mappings (a user's own headers → canonical columns, by name, for the Import page and
``tierwise import --map NAME``), and on each upload what its headers were recognised as and the mapping
chosen for it. Additive only.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 15:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "header_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("mapping", JSON, nullable=False),
        sa.Column("saved_by", sa.String(length=200), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_header_mappings")),
        sa.UniqueConstraint("name", name=op.f("uq_header_mappings_name")),
    )
    op.add_column("import_uploads", sa.Column("headers", JSON, nullable=True))
    op.add_column("import_uploads", sa.Column("header_map", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_uploads") as batch:
        batch.drop_column("header_map")
        batch.drop_column("headers")
    op.drop_table("header_mappings")
