"""A realistic synthetic data set in the input contract: the customer base of a distributor.

>>> tables = generate(customers=200, seed=1)
>>> sorted(tables)
['complaints', 'customers', 'opportunities', 'receivables', 'surveys', 'transactions', 'visits']

Customers are drawn in segments of :data:`SEGMENT_SIZE`; each segment has its own random stream
derived from the seed, so a data set is the same whether it is built at once (:func:`generate`) or
streamed segment by segment (:func:`generate_segments`, for data sets larger than memory).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from tierwise.errors import UsageError
from tierwise.i18n import Message
from tierwise.io.columns import TABLES
from tierwise.io.demo import activity, population, purchases, text
from tierwise.io.demo.localize import excel_amounts, localize
from tierwise.io.demo.population import HistorySpan
from tierwise.io.writers import DatasetWriter

SEGMENT_SIZE = 50_000
_EPOCH = date(1970, 1, 1)
_ARROW_TYPES = {
    "string": pa.string(),
    "date": pa.date32(),
    "float": pa.float64(),
    "int": pa.int64(),
    "bool": pa.bool_(),
}


def schema(table: str) -> pa.Schema:
    """The canonical Arrow schema of a contract table (column order and types of ``TABLES``)."""
    return pa.schema([pa.field(c.name, _ARROW_TYPES[c.type]) for c in TABLES[table].columns])


def window(end: date, years: int) -> HistorySpan:
    """The history window: ``years`` years ending on ``end`` (both days included)."""
    try:
        first = end.replace(year=end.year - years)
    except ValueError:  # 29 February
        first = end.replace(year=end.year - years, day=28)
    return HistorySpan(start=(first - _EPOCH).days + 1, end=(end - _EPOCH).days)


def generate_segments(
    customers: int = 2000,
    seed: int = 7,
    end: date = date(2025, 12, 31),
    years: int = 3,
    transactions_per_customer: float | None = None,
    *,
    segment_size: int = SEGMENT_SIZE,
) -> Iterator[dict[str, pa.Table]]:
    """The demo data set in pieces: for each segment of customers, all seven tables for those customers.

    Identifiers run on across segments; concatenating the pieces gives :func:`generate`'s tables
    (which uses the default ``segment_size``: another size draws other customers).
    """
    if customers < 1:
        raise UsageError(Message("the demo needs at least one customer, not %(customers)s", {"customers": customers}))
    if years < 1:
        raise UsageError(Message("the demo needs at least one year of history, not %(years)s", {"years": years}))
    if transactions_per_customer is not None and transactions_per_customer <= 0:
        raise UsageError(
            Message(
                "transactions per customer must be positive, not %(transactions_per_customer)s",
                {"transactions_per_customer": transactions_per_customer},
            )
        )
    win = window(end, years)
    digits = text.id_width(customers)
    next_row = {"transactions": 0, "receivables": 0, "opportunities": 0, "visits": 0, "complaints": 0}
    for index, first in enumerate(range(0, customers, segment_size)):
        count = min(segment_size, customers - first)
        streams = [np.random.default_rng(s) for s in np.random.SeedSequence([seed, index]).spawn(4)]
        pop = population.draw_population(streams[0], first, count, win, digits, transactions_per_customer)
        bought = purchases.draw_transactions(streams[1], pop, win, next_row["transactions"])
        complaints, complained = activity.draw_complaints(
            streams[3], pop, bought.orders_per_customer, win, next_row["complaints"]
        )
        piece = {
            "customers": population.customers_table(streams[0], pop),
            "transactions": bought.table,
            "receivables": purchases.draw_receivables(streams[1], pop, bought, win, next_row["receivables"]),
            "opportunities": activity.draw_opportunities(
                streams[2], pop, bought.orders_per_customer, win, next_row["opportunities"]
            ),
            "visits": activity.draw_visits(streams[2], pop, win, next_row["visits"]),
            "complaints": complaints,
            "surveys": activity.draw_surveys(streams[3], pop, bought.orders_per_customer, complained, win),
        }
        for name in next_row:
            next_row[name] += piece[name].num_rows
        yield {name: piece[name].cast(schema(name)) for name in TABLES}


def generate(
    customers: int = 2000,
    seed: int = 7,
    end: date = date(2025, 12, 31),
    years: int = 3,
    transactions_per_customer: float | None = None,
) -> dict[str, pa.Table]:
    """All seven contract tables of a synthetic distributor's customer base, as Arrow tables.

    ``end`` is the last day of the history and ``years`` its length; no event falls after ``end``
    (planned days — due dates, expected close dates, next visits — may). ``transactions_per_customer``
    sets the mean number of transactions per customer (default: what the purchase process gives, about
    nineteen); yearly spend per customer stays the same. Deterministic for a seed.
    """
    pieces = list(generate_segments(customers, seed, end, years, transactions_per_customer))
    return {name: pa.concat_tables([p[name] for p in pieces]).combine_chunks() for name in TABLES}


def write_demo(
    out_dir: Path,
    *,
    customers: int = 2000,
    seed: int = 7,
    end: date = date(2025, 12, 31),
    years: int = 3,
    transactions_per_customer: float | None = None,
    format: str = "csv",  # noqa: A002
    lang: str = "en",
    on_segment: Callable[[int, int], None] | None = None,
) -> dict[str, tuple[Path, int]]:
    """Generate the demo data set and write it to ``out_dir``, one segment at a time.

    ``lang="zh"``: Chinese free text (:func:`localize`), file names, headers and coded values, CSV in
    GB18030 with receivables' amounts spelled as Excel exports them (``￥1,234.50``). Memory stays at about
    two segments whatever the size: while one segment is written (in a second thread), the next is
    generated. ``on_segment(done, total)`` reports customers done.
    Returns, per table, the file written and its row count.
    """
    writer = DatasetWriter(Path(out_dir), format=format, lang=lang)
    with writer, ThreadPoolExecutor(max_workers=1) as pool:
        pending: Future | None = None
        done = 0
        for piece in generate_segments(customers, seed, end, years, transactions_per_customer):
            piece = localize(piece, lang)
            if lang == "zh" and format == "csv":
                piece = excel_amounts(piece)
            if pending is not None:
                pending.result()
            pending = pool.submit(writer.write, piece)
            done += piece["customers"].num_rows
            if on_segment is not None:
                on_segment(done, customers)
        if pending is not None:
            pending.result()
    return {name: (w.path, w.rows) for name, w in writer.writers.items()}


__all__ = ["SEGMENT_SIZE", "generate", "generate_segments", "localize", "schema", "window", "write_demo"]
