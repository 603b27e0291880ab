"""CLV and P(alive) of the store's customers, from the value models (BG/NBD and Gamma-Gamma) as of a date.

The models are fitted on every customer's transactions (a population model: one customer's history says
little alone), read from the store by DuckDB (:class:`tierwise.store.source.StoreSource`) in one scan.
That is far too much for one customer card, so the facts are kept per store and date, in this process,
for as long as the store's fingerprint (the imports in force and the last audited change) is the same: a
card then reads them in microseconds, and a store without transactions is answered without copying it.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import TYPE_CHECKING

import pyarrow as pa

from tierwise.errors import ModelError
from tierwise.services.context import ServiceContext

if TYPE_CHECKING:
    from tierwise.store.source import StoreSource

VALUE_FACTS = ("customer_id", "p_alive", "expected_purchases_12m", "clv_12m")
KEPT = 4  # stores × dates kept: a server has one store, and cards ask for today (a test, for a few dates)
_KEPT: dict[tuple[str, dt.date], tuple[str, pa.Table | None]] = {}
_FITTING = threading.Lock()  # one fit at a time: cards opened together wait for the first one's answer


def value_facts(ctx: ServiceContext, as_of: dt.date) -> pa.Table | None:
    """``customer_id, p_alive, expected_purchases_12m, clv_12m`` of every customer with a purchase by
    ``as_of``; ``None`` when the store holds no transactions or too few to fit the models."""
    from tierwise.services.runs import store_engine
    from tierwise.store.source import StoreSource

    url = ctx.settings.database_url
    # the context's engine and its pool: a card must not open (and check) a connection of its own
    source = StoreSource(url, engine=store_engine(ctx))
    if not source.holds_rows("transactions"):
        return None
    fingerprint = source.fingerprint()
    with _FITTING:
        kept = _KEPT.get((url, as_of))
        if kept is not None and kept[0] == fingerprint:
            return kept[1]
        facts = _fitted(ctx, source, as_of)
        while len(_KEPT) >= KEPT:
            _KEPT.pop(next(iter(_KEPT)))
        _KEPT[(url, as_of)] = (fingerprint, facts)
        return facts


def _fitted(ctx: ServiceContext, source: StoreSource, as_of: dt.date) -> pa.Table | None:
    from tierwise.analytics.engine import Engine
    from tierwise.value.clv import customer_value

    dataset = source.open(ctx.settings)
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
