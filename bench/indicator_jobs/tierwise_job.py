"""tierwise: :func:`compute_indicators` on DuckDB or Spark, then RFM scores and ABC classes in Ibis."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from bench.indicator_jobs import ABC_A, ABC_B, BINS, TABLES, Job
from tierwise.analytics.classify.rfm import score as rfm_score
from tierwise.analytics.engine import Engine
from tierwise.analytics.indicators import compute_indicators
from tierwise.analytics.narrow import with_windows
from tierwise.config import Settings


def abc_class(t: ir.Table) -> ir.StringValue:
    """ABC on ``sales_12m`` as :mod:`tierwise.analytics.classify.abc` decides it (no reasons)."""
    value = t.sales_12m
    positive = ibis.ifelse(value > 0, value, 0.0)
    order = [value.isnull(), value.desc(), t.customer_id]  # as classify.abc orders
    before = positive.sum().over(ibis.window(order_by=order, rows=(None, -1))).fill_null(0)
    total = positive.sum().over(ibis.window())
    share = ibis.ifelse(total > 0, before / total, 0.0)
    return ibis.cases((value <= 0, "C"), (share < ABC_A, "A"), (share < ABC_B, "B"), else_="C")


def scores(t: ir.Table) -> dict[str, ir.Value]:
    """The RFM scores and the ABC class over ``t`` (customer_id, recency_days, orders, sales_12m)."""
    return {
        "r_score": rfm_score(t, t.recency_days, BINS, True),
        "f_score": rfm_score(t, t.orders, BINS, False),
        "m_score": rfm_score(t, t.sales_12m, BINS, False),
        "abc_class": abc_class(t),
    }


def scored(ind: ir.Table) -> ir.Table:
    """The indicator table with the RFM scores and the ABC class added (windows on a narrow projection)."""
    return with_windows(ind, ["recency_days", "orders", "sales_12m"], scores)


def job_on(engine: Engine) -> Callable[[Job], pa.Table]:
    """The job on ``engine``: Parquet in, indicators + RFM + ABC out as Arrow."""
    importlib.import_module(f"ibis.backends.{engine.backend.name}.converter")  # its import of pandas is set-up

    def run(job: Job) -> pa.Table:
        tables = {name: engine.backend.read_parquet(job.path(name), table_name=name) for name in TABLES}
        return engine.to_pyarrow(scored(compute_indicators(tables, job.as_of)))

    return run


def run_duckdb() -> Callable[[Job], pa.Table]:
    """tierwise on DuckDB (in memory, all cores)."""
    return job_on(Engine.create("duckdb"))


def run_duckdb_1gb() -> Callable[[Job], pa.Table]:
    """tierwise on DuckDB held to 1 GB (TIERWISE_DUCKDB_MEMORY_LIMIT=1GB): it spills to disk beyond."""
    return job_on(Engine.create("duckdb", Settings(duckdb_memory_limit="1GB")))


def run_spark() -> Callable[[Job], pa.Table]:
    """tierwise on Spark in local mode (the session is started before timing)."""
    return job_on(Engine.create("spark", Settings(spark_master="local[*]")))


def run_validated() -> Callable[[Job], pa.Table]:
    """tierwise as the CLI runs it: read and validate the folder (read_dataset), then the job on DuckDB."""
    from tierwise.io.readers import read_dataset

    def run(job: Job) -> pa.Table:
        dataset = read_dataset(job.folder)
        engine = Engine.for_dataset(dataset, "duckdb")
        return engine.to_pyarrow(scored(compute_indicators(engine.tables(dataset), job.as_of)))

    return run
