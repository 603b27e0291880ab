"""Sums of money as every engine returns them alike.

A floating-point sum depends on the order its rows are added in, and engines add in different orders
(DuckDB by thread, Spark by partition), so two customers with equal sales to the cent could differ in
the last bit and rank differently on each. Every money sum is rounded to :data:`MONEY_DECIMALS`, which
keeps any real amount exact and makes equal amounts tie.
"""

from __future__ import annotations

import ibis.expr.types as ir

MONEY_DECIMALS = 6


def money(total: ir.FloatingValue) -> ir.FloatingValue:
    """``total`` (a sum of amounts) rounded to :data:`MONEY_DECIMALS`."""
    return total.round(MONEY_DECIMALS)
