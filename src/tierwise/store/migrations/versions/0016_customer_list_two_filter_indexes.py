"""the customer list at a million customers: indexes for two filters, and an owner's class counted with the run

- ``customers (industry, kind, name, customer_id)``: the total of an industry and a kind is counted in the
  index alone (no customer row read), and the page sorted by name walks it and stops after the page.
- ``customers (team | owner, region, name, customer_id)``: the same for a region among a manager's customers
  (the visibility rule is ``owner IN (…) OR team IN (…)``: each side and the region filter in one index).
- ``assignments (run_id, customer_id, class, rank)``: an account manager's customers joined to a run find
  each one's class and rank in the index, without reading the assignment rows (their reasons and figures).
- ``run_owner_class_counts``: per run, account manager and class, how many of the run's customers that
  account manager had when the run was saved, with the ``customer_changes.version`` of that moment (read
  like ``run_class_counts`` while the version is current): the total of an owner's class in the list.
  The runs whose class counts were saved get theirs now.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_customers_industry_kind_name": ("customers", ["industry", "kind", "name", "customer_id"]),
    "ix_customers_team_region_name": ("customers", ["team", "region", "name", "customer_id"]),
    "ix_customers_owner_region_name": ("customers", ["owner", "region", "name", "customer_id"]),
    "ix_assignments_run_id_customer_id_class_rank": ("assignments", ["run_id", "customer_id", "class", "rank"]),
}


ANALYZED = "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
# the runs with saved class counts, counted per owner now (with the version of now: while the class counts'
# version is still current, no customer changed since they were saved, so these counts agree with them)
COUNT_SAVED_RUNS = """
INSERT INTO run_owner_class_counts (run_id, owner, class, customers, customer_version)
SELECT a.run_id, c.owner, a.class, count(*), (SELECT version FROM customer_changes WHERE id = 1)
FROM assignments a JOIN customers c ON c.customer_id = a.customer_id
WHERE a.run_id IN (SELECT DISTINCT run_id FROM run_class_counts) AND c.owner IS NOT NULL
GROUP BY a.run_id, c.owner, a.class
"""


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.execute(sa.text(ANALYZED)).first() is not None:
        # a store analysed before: the new indexes' statistics too (without them SQLite's planner took the
        # whole run's assignments over an owner's few thousand customers); PostgreSQL analyses by itself
        for name in INDEXES:
            op.execute(f"ANALYZE {name}")
    op.create_table(
        "run_owner_class_counts",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("class", sa.String(length=100), nullable=False),
        sa.Column("customers", sa.BigInteger(), nullable=False),
        sa.Column("customer_version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_run_owner_class_counts_run_id_runs")),
        sa.PrimaryKeyConstraint("run_id", "owner", "class", name=op.f("pk_run_owner_class_counts")),
    )
    op.execute(COUNT_SAVED_RUNS)


def downgrade() -> None:
    op.drop_table("run_owner_class_counts")
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
