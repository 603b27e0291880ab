"""The indicator engine: one row per customer, every registered indicator the data allows, as of a date.

Functions here take canonical Ibis tables (see :func:`tierwise.analytics.engine.canonical_schema`) and
return an Ibis table; the same expressions run on DuckDB and Spark. Each input table is scanned once
(conditional aggregates), and the results are joined onto the customer list. Exact definitions are in
the group modules: :mod:`.trade`, :mod:`.finance`, :mod:`.engagement`, :mod:`.traits`.

>>> import datetime as dt, ibis
>>> from tierwise.analytics.engine import Engine, canonical_schema
>>> eng = Engine.create("duckdb")
>>> schema = canonical_schema("transactions")
>>> rows = {"customer_id": ["a", "a", "b"], "date": [dt.date(2024, 1, 5)] * 3, "amount": [100.0, -20.0, 50.0]}
>>> rows |= {c: [None] * 3 for c in schema if c not in rows}
>>> tx = eng.load("transactions", ibis.memtable(rows, schema=schema))
>>> out = compute_indicators({"transactions": tx}, names=["sales_12m", "sales_rank"])
>>> eng.execute(out.order_by("customer_id")).to_dict("list")
{'customer_id': ['a', 'b'], 'sales_12m': [80.0, 50.0], 'sales_rank': [1, 2]}
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence

import ibis
import ibis.expr.types as ir

from tierwise.analytics.indicators import engagement, finance, trade, traits
from tierwise.analytics.indicators.window import Window, months_before
from tierwise.analytics.narrow import with_windows
from tierwise.analytics.registry import INDICATORS, indicator
from tierwise.errors import IndicatorError, UsageError
from tierwise.i18n import N_, Message

log = logging.getLogger(__name__)

__all__ = ["DEPENDS", "Window", "compute_indicators", "computable", "months_before", "resolve_as_of"]

# indicators computed over the whole customer list from another indicator column
DEPENDS: dict[str, tuple[str, ...]] = {"sales_share": ("sales_12m",), "sales_rank": ("sales_12m",)}

# the date column that places a row of each table in time
_DATE_COLUMN = {
    "transactions": "date",
    "receivables": "invoice_date",
    "visits": "date",
    "complaints": "date",
    "surveys": "date",
}


def resolve_as_of(tables: Mapping[str, ir.Table], as_of: dt.date | None = None, *, check: bool = True) -> dt.date:
    """The as-of date: ``as_of`` when given, else the latest transaction date.

    Without a transactions table (or with an empty one), the latest date of the other dated tables
    (invoice, visit, complaint, survey dates); an error when there is no date at all. With ``check``, an
    ``as_of`` before the first dated row is an error (there is nothing to assess), and one more than
    :data:`AS_OF_GAP_DAYS` after the last dated row gets a warning that says by how many days.
    """
    order = ["transactions"] + [t for t in _DATE_COLUMN if t != "transactions"]
    if as_of is not None:
        as_of = as_of.date() if isinstance(as_of, dt.datetime) else as_of
        if check:
            _check_as_of(tables, as_of, order)
        return as_of
    for names in (order[:1], order[1:]):
        latest = [tables[t][_DATE_COLUMN[t]].max().to_pyarrow().as_py() for t in names if t in tables]
        latest = [d for d in latest if d is not None]
        if latest:
            return max(latest)
    raise IndicatorError(Message("the data holds no dated rows; give an as-of date (--as-of YYYY-MM-DD)"))


AS_OF_GAP_DAYS = 92  # an as-of date further than this after the last data is most likely a typo


def _check_as_of(tables: Mapping[str, ir.Table], as_of: dt.date, order: list[str]) -> None:
    for names in (order[:1], order[1:]):
        spans = []
        for t in (t for t in names if t in tables):
            column = tables[t][_DATE_COLUMN[t]]
            row = tables[t].aggregate(first=column.min(), last=column.max()).to_pyarrow().to_pylist()[0]
            if row["first"] is not None:
                spans.append((row["first"], row["last"], t))
        if not spans:
            continue
        first, table = min((s[0], s[2]) for s in spans)
        last = max(s[1] for s in spans)
        first, last = (d.date() if isinstance(d, dt.datetime) else d for d in (first, last))
        if as_of < first:
            raise IndicatorError(
                Message(
                    "--as-of %(as_of)s is before the first %(table)s date (%(first)s): there is nothing to assess; "
                    "give a date from %(first)s to %(last)s",
                    {"as_of": str(as_of), "table": table, "first": str(first), "last": str(last)},
                )
            )
        gap = (as_of - last).days
        if gap > AS_OF_GAP_DAYS:
            log.warning(
                Message(
                    N_(
                        "--as-of %(as_of)s is %(days)s days after the last %(table)s date (%(last)s): every recency "
                        "grows by that much and sales in the trailing windows shrink; check the date"
                    ),
                    {"as_of": str(as_of), "days": f"{gap:,}", "table": table, "last": str(last)},
                )
            )
        return


def computable(tables: Mapping[str, ir.Table]) -> list[str]:
    """Names of the indicators computable from ``tables``, in registry order (value models excluded)."""
    return [i.name for i in INDICATORS.values() if i.group != "value" and i.source in tables]


def _wanted(tables: Mapping[str, ir.Table], names: Sequence[str] | None) -> list[str]:
    if names is None:
        return computable(tables)
    asked: set[str] = set()
    for name in names:
        ind = indicator(name)
        if ind.group == "value":
            raise IndicatorError(
                Message(
                    "indicator %(name)s comes from the value models (tierwise.value), not from the indicator engine",
                    {"name": repr(name)},
                )
            )
        if ind.source not in tables:
            raise IndicatorError(
                Message(
                    "indicator %(name)s needs the %(source)s table, which the data set lacks",
                    {"name": repr(name), "source": ind.source},
                )
            )
        asked.add(name)
        asked.update(DEPENDS.get(name, ()))
    return [n for n in INDICATORS if n in asked]


def _customer_list(tables: Mapping[str, ir.Table], window: Window) -> ir.Table:
    if "customers" in tables:
        return traits.customer_list(tables["customers"])
    sources = ["transactions"] if "transactions" in tables else [t for t in _DATE_COLUMN if t in tables]
    if not sources:
        raise IndicatorError(Message("no table names the customers: give a customers or a transactions table"))
    ids = [tables[t].filter(tables[t][_DATE_COLUMN[t]] <= window.as_of).select("customer_id") for t in sources]
    out = ids[0]
    for more in ids[1:]:
        out = out.union(more)
    return out.distinct()


def _attach(base: ir.Table, parts: Sequence[tuple[ir.Table, Sequence[str], Mapping[str, object]]]) -> ir.Table:
    """Left-join every ``(aggregate, columns, fill)`` onto ``base`` by customer in one join chain.

    A customer absent from an aggregate gets its ``fill`` value (the other columns stay null).
    """
    parts = [p for p in parts if p[1]]
    joined = base
    for agg, _, _ in parts:
        joined = joined.left_join(agg, base.customer_id == agg.customer_id)
    added = []
    for agg, columns, fill in parts:
        absent = agg.customer_id.isnull()
        added += [ibis.ifelse(absent, fill[c], agg[c]).name(c) if c in fill else agg[c] for c in columns]
    return joined.select(*[base[c] for c in base.columns], *added) if parts else base


def compute_indicators(
    tables: Mapping[str, ir.Table],
    as_of: dt.date | None = None,
    *,
    months: int = 12,
    names: Sequence[str] | None = None,
) -> ir.Table:
    """The indicator table: ``customer_id`` then one column per indicator, one row per customer.

    ``tables`` maps table names ("customers", "transactions", "receivables", "visits", "complaints",
    "surveys"; any may be missing) to canonical Ibis tables. Customers are those of the customers table,
    or, without one, every ``customer_id`` with a transaction up to ``as_of``. ``as_of=None`` means the
    latest transaction date (:func:`resolve_as_of`); ``months`` is the trailing window of the ``*_12m``
    and 12-month indicators. Columns are every registry indicator computable from ``tables`` (value
    models excluded), or only ``names`` plus what they need (:data:`DEPENDS`), in registry order. An
    unknown name, or one whose table is missing, raises :class:`~tierwise.errors.IndicatorError`.
    """
    if months < 1:
        raise UsageError(Message("months must be a whole number of at least 1, not %(months)s", {"months": months}))
    wanted = _wanted(tables, names)
    window = Window(resolve_as_of(tables, as_of, check=False), months)
    out = _customer_list(tables, window)
    if "customers" in tables:
        out = out.select("customer_id", *[c for c in traits.COLUMNS if c in wanted])

    parts = []
    if "transactions" in tables:
        cols = [n for n in wanted if INDICATORS[n].source == "transactions" and n not in trade.RANKED]
        parts.append((trade.aggregate(tables["transactions"], window), cols, trade.FILL))
    if "receivables" in tables:
        cols = [n for n in wanted if INDICATORS[n].source == "receivables"]
        parts.append((finance.aggregate(tables["receivables"], window), cols, finance.FILL))
    for table, group in engagement.GROUPS.items():
        if table in tables:
            cols = [n for n in wanted if INDICATORS[n].source == table]
            parts.append((group(tables[table], window), cols, engagement.FILL))
    out = _attach(out, parts)
    ranked = [k for k in trade.RANKED if k in wanted] if "transactions" in tables else []
    if ranked:
        out = with_windows(
            out, ["sales_12m"], lambda n: {k: v for k, v in trade.rank_columns(n).items() if k in ranked}
        )
    return out.select("customer_id", *wanted)
