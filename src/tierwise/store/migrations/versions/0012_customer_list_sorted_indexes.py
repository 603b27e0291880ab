"""indexes of the customer list at a million customers: a filter sorted by name, a class sorted by rank

A filter on region, industry, kind, owner or team sorted by name walks ``(column, name, customer_id)`` and
stops after the page, instead of reading and sorting every matching customer; a class of a run sorted by
rank (best first) walks ``assignments (run_id, class, rank)``, and the whole run by rank ``(run_id, rank)``.

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-01 15:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_customers_region_name": ("customers", ["region", "name", "customer_id"]),
    "ix_customers_industry_name": ("customers", ["industry", "name", "customer_id"]),
    "ix_customers_kind_name": ("customers", ["kind", "name", "customer_id"]),
    "ix_customers_owner_name": ("customers", ["owner", "name", "customer_id"]),
    "ix_customers_team_name": ("customers", ["team", "name", "customer_id"]),
    "ix_assignments_run_id_class_rank": ("assignments", ["run_id", "class", "rank"]),
    "ix_assignments_run_id_rank": ("assignments", ["run_id", "rank"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
