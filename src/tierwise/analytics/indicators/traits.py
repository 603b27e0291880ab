"""Customer traits: columns of the customers table carried into the indicator table as they are."""

from __future__ import annotations

import ibis.expr.types as ir

COLUMNS = ("name", "kind", "industry", "region", "owner", "org_level", "annual_revenue", "employees")


def customer_list(customers: ir.Table) -> ir.Table:
    """The customers table reduced to ``customer_id`` and the trait columns, one row per customer."""
    return customers.select("customer_id", *COLUMNS)
