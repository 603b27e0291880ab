"""Use case: the indicator table of a data set (one row per customer) as of a date, and its headers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa

from tierwise.analytics.engine import Engine
from tierwise.analytics.indicators import compute_indicators, resolve_as_of
from tierwise.analytics.registry import INDICATORS
from tierwise.io.columns import TABLES
from tierwise.io.dataset import Dataset
from tierwise.io.source import DataSource
from tierwise.services.context import ServiceContext
from tierwise.services.sources import open_dataset


@dataclass(frozen=True)
class IndicatorResult:
    """The indicator table (largest 12-month sales first) as of a date, computed on an engine."""

    table: pa.Table
    as_of: dt.date
    engine: str


def indicator_table(
    ctx: ServiceContext, data: DataSource | Dataset, *, as_of: dt.date | None = None, months: int = 12
) -> IndicatorResult:
    """Every indicator for every customer of ``data`` as of ``as_of`` (default: the last transaction)."""
    dataset = open_dataset(data, ctx.settings)
    eng = Engine.for_dataset(dataset, ctx.engine, ctx.settings)
    tables = eng.tables(dataset)
    day = resolve_as_of(tables, as_of)
    table = compute_indicators(tables, day, months=months)
    table = table.order_by("sales_rank" if "sales_rank" in table.columns else "customer_id")
    return IndicatorResult(eng.to_pyarrow(table), day, ctx.engine)


def indicator_headers(columns: list[str], lang: str) -> dict[str, str]:
    """Column name → header in ``lang``: the registry's labels (``zh``) or the names themselves (``en``)."""
    if lang != "zh":
        return {c: c for c in columns}
    zh = {c: INDICATORS[c].label("zh") for c in columns if c in INDICATORS}
    return {c: zh.get(c, TABLES["customers"].column("customer_id").zh if c == "customer_id" else c) for c in columns}


def indicator_unit(name: str) -> str:
    """The unit of an indicator column (``money``, ``ratio``, ``label`` …); ``label`` for other columns."""
    return INDICATORS[name].unit if name in INDICATORS else "label"
