"""indexes of the customer list at a million customers: two filters, and a class of an owner's customers

- ``customers (industry, kind, name, customer_id)``: the total of an industry and a kind is counted in the
  index alone (no customer row read), and the page sorted by name walks it and stops after the page.
- ``customers (team | owner, region, name, customer_id)``: the same for a region among a manager's customers
  (the visibility rule is ``owner IN (…) OR team IN (…)``: each side and the region filter in one index).
- ``assignments (run_id, customer_id, class, rank)``: an account manager's customers joined to a run find
  each one's class and rank in the index, without reading the assignment rows (their reasons and figures).

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_customers_industry_kind_name": ("customers", ["industry", "kind", "name", "customer_id"]),
    "ix_customers_team_region_name": ("customers", ["team", "region", "name", "customer_id"]),
    "ix_customers_owner_region_name": ("customers", ["owner", "region", "name", "customer_id"]),
    "ix_assignments_run_id_customer_id_class_rank": ("assignments", ["run_id", "customer_id", "class", "rank"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
