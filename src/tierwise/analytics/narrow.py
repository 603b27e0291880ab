"""Window columns computed on a narrow projection of a per-customer table, then joined back by customer.

A window over every customer (a share of the total, a rank, a quantile position) sorts or buffers its
whole input, and an engine carries every column of that input through the window: DuckDB's ``WINDOW``
operator materialises all of them, so four windows over a 45-column indicator table sort 45 columns
four times. :func:`with_windows` computes the windows on ``customer_id`` and the few columns they read,
and joins the results back onto the wide table (one hash join by customer).

>>> import ibis
>>> t = ibis.memtable({"customer_id": ["a", "b"], "sales": [1.0, 3.0], "name": ["A", "B"]})
>>> out = with_windows(t, ["sales"], lambda n: {"share": n.sales / n.sales.sum().over(ibis.window())})
>>> out.order_by("customer_id").execute().to_dict("list")
{'customer_id': ['a', 'b'], 'sales': [1.0, 3.0], 'name': ['A', 'B'], 'share': [0.25, 0.75]}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import ibis.expr.types as ir

Build = Callable[[ir.Table], Mapping[str, ir.Value]]


def with_windows(table: ir.Table, needs: Sequence[str], build: Build) -> ir.Table:
    """``table`` (one row per ``customer_id``) plus the columns ``build`` makes from a narrow projection.

    ``build`` receives ``customer_id`` and the ``needs`` columns of ``table`` and returns new column
    expressions over that projection (windows included). Every row of ``table`` is kept, its columns
    first, then the new ones in ``build``'s order.
    """
    narrow = table.select("customer_id", *[c for c in dict.fromkeys(needs) if c != "customer_id"])
    added = dict(build(narrow))
    if not added:
        return table
    computed = narrow.select(narrow.customer_id.name("_window_customer_id"), **added)
    # a view, so the join does not extend a join chain that ``table`` ends (the narrow side would then
    # recompute that chain); as one relation read twice, the engine computes it once (a CTE)
    wide = table.view()
    joined = wide.inner_join(computed, wide.customer_id == computed._window_customer_id)
    return joined.select(*[wide[c] for c in table.columns], *[computed[c] for c in added])
