"""The benchmark job, one module per contender: the full indicator table plus RFM scores and ABC classes.

Every contender reads the same canonical Parquet files (customers, transactions, receivables, visits,
complaints, surveys), computes the indicators of :mod:`tierwise.analytics.indicators` with the same
definitions, then RFM scores (R on ``recency_days``, F on ``orders``, M on ``sales_12m``: five equal-count
bins, ties by ``customer_id``, as :mod:`tierwise.analytics.classify.quantiles`) and ABC classes on
``sales_12m`` (A below 80 % cumulative share before the customer, B below 95 %, else C; zero or negative
sales C, as :mod:`tierwise.analytics.classify.abc`), and materialises the result in memory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from tierwise.analytics.indicators.window import Window

TABLES = ("customers", "transactions", "receivables", "visits", "complaints", "surveys")
TRAITS = ("name", "kind", "industry", "region", "owner", "org_level", "annual_revenue", "employees")
BINS = 5
EPSILON = 1e-9
MONEY = 6  # money sums rounded to 6 decimals, as tierwise.analytics.indicators.money.MONEY_DECIMALS
ABC_A, ABC_B = 0.8, 0.95


def cumulative_shares(bins: int = BINS) -> list[float]:
    """Upper cumulative shares of the first ``bins - 1`` bins, summed as the classifier sums them."""
    out, total = [], 0.0
    for _ in range(bins - 1):
        total += 1 / bins
        out.append(total)
    return out


@dataclass(frozen=True)
class Job:
    """Where the data is and the dates bounding the windows (every contender gets the same)."""

    folder: Path
    as_of: dt.date

    def path(self, table: str) -> str:
        """The Parquet file of ``table``."""
        return str(self.folder / f"{table}.parquet")

    @property
    def window(self) -> Window:
        """The trailing 12-month, previous 12-month and 90-day windows."""
        return Window(self.as_of, 12)


CONTENDERS = {
    "tierwise-duckdb": "bench.indicator_jobs.tierwise_job:run_duckdb",
    "tierwise-duckdb-1gb": "bench.indicator_jobs.tierwise_job:run_duckdb_1gb",
    "tierwise-spark": "bench.indicator_jobs.tierwise_job:run_spark",
    "tierwise-validated": "bench.indicator_jobs.tierwise_job:run_validated",
    "duckdb-sql": "bench.indicator_jobs.duckdb_sql:run",
    "polars": "bench.indicator_jobs.polars_job:run",
    "pandas": "bench.indicator_jobs.pandas_job:run",
}
