"""indexes of the customer list: team (visibility), region / industry / kind / name with the id, class per run

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 12:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_assignments_run_id_class": ("assignments", ["run_id", "class", "customer_id"]),
    "ix_customers_team": ("customers", ["team"]),
    "ix_customers_region": ("customers", ["region", "customer_id"]),
    "ix_customers_industry": ("customers", ["industry", "customer_id"]),
    "ix_customers_kind": ("customers", ["kind", "customer_id"]),
    "ix_customers_name": ("customers", ["name", "customer_id"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
