"""assignments.computed_class: the class the rules gave before a grace period held a downgrade back

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:25:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: a copy of the table (batch mode) would meet the append-only triggers
    op.add_column("assignments", sa.Column("computed_class", sa.String(length=100), nullable=True))


def downgrade() -> None:
    op.drop_column("assignments", "computed_class")
