"""the customer list at a million customers: a trigram index for the search, saved class counts

- The search on a part of the name or the id: SQLite gets an FTS5 table ``customer_search`` (trigram
  tokenizer, case-insensitive) holding each customer's id and name, kept equal to ``customers`` by
  triggers on insert, delete and a change of the name or id; PostgreSQL gets ``pg_trgm`` GIN indexes on
  ``lower(name)`` and ``lower(customer_id)``, the expressions the search compares.
- ``customer_changes``: one row holding how many ``customers`` there are (the list's total over everyone,
  which PostgreSQL counts slowly at a million) and a ``version`` that every insert or delete of customers,
  and every change of a customer's id, owner or team, moves on; both kept by triggers in the writing
  transaction (statement-level on PostgreSQL, so a bulk import updates the row once).
- ``run_class_counts``: per run and class, how many of its customers were in ``customers`` when the run
  was saved, and the ``customer_changes.version`` of that moment. While the version is unchanged the count
  is exact, and the list's total of a class over everyone reads it instead of joining every customer.
- ``run_scope_curves``: per run and viewer scope (the owners and teams a manager or an account manager
  sees), the dashboard's Pareto and whale curves of that scope's customers, drawn when the run was saved,
  with the version of that moment (read while it is current).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
# the FTS5 phrase matching one id in the id column (trigram: ids of three characters or more)
_ID_PHRASE = "'{customer_id} : \"' || replace(old.customer_id, '\"', '\"\"') || '\"'"
_SQLITE_FORGET = (
    "DELETE FROM customer_search WHERE customer_id = old.customer_id AND (length(old.customer_id) < 3 OR "
    f"rowid IN (SELECT rowid FROM customer_search WHERE customer_search MATCH {_ID_PHRASE}));"
)
_SQLITE_REMEMBER = "INSERT INTO customer_search (customer_id, name) VALUES (new.customer_id, new.name);"
_SQLITE_BUMP = "UPDATE customer_changes SET version = version + 1;"
_SQLITE_ADDED = "UPDATE customer_changes SET version = version + 1, customers = customers + 1;"
_SQLITE_REMOVED = "UPDATE customer_changes SET version = version + 1, customers = customers - 1;"
SQLITE = (
    "CREATE VIRTUAL TABLE customer_search USING fts5(customer_id, name, tokenize = 'trigram')",
    "INSERT INTO customer_search (customer_id, name) SELECT customer_id, name FROM customers",
    f"CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN {_SQLITE_REMEMBER} {_SQLITE_ADDED} END",
    f"CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN {_SQLITE_FORGET} {_SQLITE_REMOVED} END",
    "CREATE TRIGGER customers_search_update AFTER UPDATE OF customer_id, name ON customers "
    "WHEN old.customer_id IS NOT new.customer_id OR old.name IS NOT new.name "
    f"BEGIN {_SQLITE_FORGET} {_SQLITE_REMEMBER} END",
    "CREATE TRIGGER customers_moved AFTER UPDATE OF customer_id, owner, team ON customers "
    "WHEN old.customer_id IS NOT new.customer_id OR old.owner IS NOT new.owner OR old.team IS NOT new.team "
    f"BEGIN {_SQLITE_BUMP} END",
)
SQLITE_DROP = (
    "DROP TRIGGER customers_moved",
    "DROP TRIGGER customers_search_update",
    "DROP TRIGGER customers_search_delete",
    "DROP TRIGGER customers_search_insert",
    "DROP TABLE customer_search",
)
POSTGRES = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # on lower(…), the search's comparison: an index on the column itself would also serve customer_id = …
    # (pg_trgm 1.6), and the planner then took it for the joins on the id (40 ms a lookup)
    "CREATE INDEX ix_customers_name_trgm ON customers USING gin (lower(name) gin_trgm_ops)",
    "CREATE INDEX ix_customers_customer_id_trgm ON customers USING gin (lower(customer_id) gin_trgm_ops)",
    """CREATE FUNCTION tierwise_customers_added_or_removed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed bigint := (SELECT count(*) FROM changed_rows);
BEGIN
    IF changed > 0 THEN
        UPDATE customer_changes SET version = version + 1,
            customers = customers + CASE WHEN TG_OP = 'INSERT' THEN changed ELSE -changed END;
    END IF;
    RETURN NULL;
END
$$""",
    """CREATE FUNCTION tierwise_customers_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM old_rows o LEFT JOIN new_rows n ON n.customer_id = o.customer_id
        WHERE n.customer_id IS NULL OR o.owner IS DISTINCT FROM n.owner OR o.team IS DISTINCT FROM n.team
    ) THEN
        UPDATE customer_changes SET version = version + 1;
    END IF;
    RETURN NULL;
END
$$""",
    """CREATE FUNCTION tierwise_customers_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE customer_changes SET version = version + 1, customers = 0;
    RETURN NULL;
END
$$""",
    "CREATE TRIGGER customers_added AFTER INSERT ON customers REFERENCING NEW TABLE AS changed_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION tierwise_customers_added_or_removed()",
    "CREATE TRIGGER customers_removed AFTER DELETE ON customers REFERENCING OLD TABLE AS changed_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION tierwise_customers_added_or_removed()",
    "CREATE TRIGGER customers_moved AFTER UPDATE ON customers REFERENCING OLD TABLE AS old_rows "
    "NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tierwise_customers_moved()",
    "CREATE TRIGGER customers_emptied AFTER TRUNCATE ON customers "
    "FOR EACH STATEMENT EXECUTE FUNCTION tierwise_customers_emptied()",
)
POSTGRES_DROP = (
    "DROP TRIGGER customers_emptied ON customers",
    "DROP TRIGGER customers_moved ON customers",
    "DROP TRIGGER customers_removed ON customers",
    "DROP TRIGGER customers_added ON customers",
    "DROP FUNCTION tierwise_customers_emptied()",
    "DROP FUNCTION tierwise_customers_moved()",
    "DROP FUNCTION tierwise_customers_added_or_removed()",
    "DROP INDEX ix_customers_customer_id_trgm",
    "DROP INDEX ix_customers_name_trgm",
)
# the runs saved before: the latest of each policy (the one the list reads) counted now
COUNT_LATEST_RUNS = """
INSERT INTO run_class_counts (run_id, class, customers, customer_version)
SELECT a.run_id, a.class, count(c.customer_id), 0
FROM assignments a LEFT JOIN customers c ON c.customer_id = a.customer_id
WHERE a.run_id IN (
    SELECT id FROM (
        SELECT r.id, row_number() OVER (
            PARTITION BY p.name ORDER BY r.as_of DESC, r.created_at DESC, r.id DESC
        ) AS recency
        FROM runs r JOIN policies p ON p.id = r.policy_id
    ) ranked WHERE recency = 1
)
GROUP BY a.run_id, a.class
"""


def upgrade() -> None:
    op.create_table(
        "customer_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("customers", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_changes")),
    )
    op.execute("INSERT INTO customer_changes (id, version, customers) SELECT 1, 0, count(*) FROM customers")
    op.create_table(
        "run_class_counts",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("class", sa.String(length=100), nullable=False),
        sa.Column("customers", sa.BigInteger(), nullable=False),
        sa.Column("customer_version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_run_class_counts_run_id_runs")),
        sa.PrimaryKeyConstraint("run_id", "class", name=op.f("pk_run_class_counts")),
    )
    op.create_table(
        "run_scope_curves",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("customer_version", sa.BigInteger(), nullable=False),
        sa.Column("points", JSON, nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_run_scope_curves_run_id_runs")),
        sa.PrimaryKeyConstraint("run_id", "scope", name=op.f("pk_run_scope_curves")),
    )
    for statement in POSTGRES if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)
    op.execute(COUNT_LATEST_RUNS)


def downgrade() -> None:
    for statement in POSTGRES_DROP if op.get_bind().dialect.name == "postgresql" else SQLITE_DROP:
        op.execute(statement)
    op.drop_table("run_scope_curves")
    op.drop_table("run_class_counts")
    op.drop_table("customer_changes")
