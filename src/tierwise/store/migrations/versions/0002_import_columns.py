"""import_files.present_columns (which canonical columns each file had) and the import of a status change

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 09:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("import_files") as batch:
        batch.add_column(sa.Column("present_columns", JSON, nullable=False, server_default="[]"))
    with op.batch_alter_table("complaint_status_changes") as batch:
        batch.add_column(sa.Column("import_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_complaint_status_changes_import_id_imports"), "imports", ["import_id"], ["id"]
        )
        batch.create_index(op.f("ix_complaint_status_changes_import_id"), ["import_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("complaint_status_changes") as batch:
        batch.drop_index(op.f("ix_complaint_status_changes_import_id"))
        batch.drop_constraint(op.f("fk_complaint_status_changes_import_id_imports"), type_="foreignkey")
        batch.drop_column("import_id")
    with op.batch_alter_table("import_files") as batch:
        batch.drop_column("present_columns")
