"""the lines of a multi-line order keyed ``ln:<id>:<n>`` instead of ``id:<id>:<n>``

An order of several lines (rows sharing a transaction id, or visits sharing a visit id) had each line keyed
``id:<id>:<n>``, the key ``id:<id>`` of a one-line order whose id is literally ``<id>:<n>``: importing both
failed on the unique row key. Line keys now start with ``ln:``, which no id makes. A row whose key starts
with ``id:`` but is not ``'id:' || <its id>`` is a line key and becomes ``'ln:' || substr(row_key, 4)``; the
downgrade turns every ``ln:`` key back (it fails on a store that since holds both an order's line and the
one-line order of the same key: the collision this migration ends). One UPDATE per table on both databases.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# the tables whose rows of a shared id are keyed per line, with the id the key is made from
LINE_KEYED = (("transactions", "transaction_id"), ("visits", "visit_id"))


def upgrade() -> None:
    for table, own_id in LINE_KEYED:
        op.execute(
            f"UPDATE {table} SET row_key = 'ln:' || substr(row_key, 4) "
            f"WHERE substr(row_key, 1, 3) = 'id:' AND {own_id} IS NOT NULL AND row_key <> 'id:' || {own_id}"
        )


def downgrade() -> None:
    for table, _own_id in LINE_KEYED:
        op.execute(f"UPDATE {table} SET row_key = 'id:' || substr(row_key, 4) WHERE substr(row_key, 1, 3) = 'ln:'")
