"""CLV and P(alive) of the store's customers, from the value models (BG/NBD and Gamma-Gamma) as of a date.

The models are fitted on every customer's transactions (a population model: one customer's history says
little alone), read from the store by DuckDB (:class:`tierwise.store.source.StoreSource`) in one scan.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from tierwise.errors import ModelError
from tierwise.services.context import ServiceContext

VALUE_FACTS = ("customer_id", "p_alive", "expected_purchases_12m", "clv_12m")


def value_facts(ctx: ServiceContext, as_of: dt.date) -> pa.Table | None:
    """``customer_id, p_alive, expected_purchases_12m, clv_12m`` of every customer with a purchase by
    ``as_of``; ``None`` when the store holds no transactions or too few to fit the models."""
    from tierwise.analytics.engine import Engine
    from tierwise.store.source import StoreSource
    from tierwise.value.clv import customer_value

    source = StoreSource(ctx.settings.database_url)
    dataset = source.open(ctx.settings)
    if source.engine is not None:
        source.engine.dispose()
    try:
        if "transactions" not in dataset.tables:
            return None
        engine = Engine.for_dataset(dataset, "duckdb", ctx.settings)
        try:
            frame = customer_value(engine.tables(dataset)["transactions"], as_of)
        except ModelError:
            return None
        table = pa.Table.from_pandas(frame[list(VALUE_FACTS)], preserve_index=False)
        return table.set_column(0, "customer_id", table["customer_id"].cast(pa.string()))
    finally:
        dataset.con.close()
