"""The one place that chooses the analytics engine: DuckDB (embedded default) or Apache Spark.

Everything else in :mod:`tierwise.analytics` takes and returns Ibis tables and never connects.

>>> from tierwise.analytics.engine import Engine
>>> eng = Engine.create("duckdb")
>>> eng.backend.name
'duckdb'
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from tierwise.analytics import arrow_results
from tierwise.config import Settings
from tierwise.errors import ConfigurationError
from tierwise.i18n import Message
from tierwise.io.columns import TABLES
from tierwise.io.connection import duckdb_connection
from tierwise.io.dataset import Dataset

log = logging.getLogger(__name__)

ENGINES = ("duckdb", "spark")

_IBIS_TYPES = {"string": dt.string, "date": dt.date, "float": dt.float64, "int": dt.int64, "bool": dt.boolean}


def canonical_schema(table: str) -> ibis.Schema:
    """The Ibis schema of a canonical table (see :mod:`tierwise.io.columns`)."""
    return ibis.schema({c.name: _IBIS_TYPES[c.type] for c in TABLES[table].columns})


@dataclass
class Engine:
    """An Ibis backend plus the knowledge of how to put a :class:`Dataset` on it."""

    name: str
    backend: Any
    dataset: Dataset | None = field(default=None, repr=False)  # the data set whose tables the backend holds

    @classmethod
    def create(cls, name: str = "duckdb", settings: Settings | None = None) -> Engine:
        """Connect the named engine (``duckdb`` or ``spark``) as the settings say (no settings: the defaults)."""
        settings = settings or Settings.model_construct()  # the field defaults; the environment is read at start-up
        if name == "duckdb":
            arrow_results.install()
            return cls("duckdb", ibis.duckdb.from_connection(duckdb_connection(settings)))
        if name == "spark":
            return cls("spark", ibis.pyspark.connect(spark_session(settings)))
        raise ConfigurationError(
            Message(
                "unknown engine %(name)s; choose one of %(engines)s",
                {"name": repr(name), "engines": ", ".join(ENGINES)},
            )
        )

    @classmethod
    def for_dataset(cls, dataset: Dataset, name: str = "duckdb", settings: Settings | None = None) -> Engine:
        """The engine to compute on ``dataset``: on DuckDB, a cursor of the data set's own connection (no copy).

        Each call gets its own cursor, so requests computing on one data set at once do not share a
        connection; their scratch tables (:meth:`scratch`) are temporary tables of that cursor.
        """
        if name == "duckdb":
            arrow_results.install()
            return cls("duckdb", ibis.duckdb.from_connection(dataset.con.cursor()), dataset)
        return cls.create(name, settings)

    def tables(self, dataset: Dataset) -> dict[str, ir.Table]:
        """Every table of ``dataset`` as an Ibis table on this engine (canonical columns only)."""
        out: dict[str, ir.Table] = {}
        for table in dataset.tables:
            cols = [c.name for c in TABLES[table].columns]
            if self.name == "duckdb" and self.dataset is dataset:
                out[table] = self.backend.table(table).select(*cols)
            else:
                out[table] = self.scratch(
                    table, dataset.relation(table).select(*[f'"{c}"' for c in cols]).to_arrow_table()
                )
        return out

    def scratch(self, prefix: str, data: Any) -> ir.Table:
        """Put in-memory data on this engine under a name no other call uses (``prefix`` + a random part).

        On DuckDB a temporary table of this engine's connection; on Spark a temporary view. Services
        use this, never a fixed name, so two requests on one engine never see each other's tables.
        """
        name = f"{prefix}_{uuid.uuid4().hex[:16]}"
        if self.name == "spark":
            return self.backend.create_view(name, ibis.memtable(data))
        return self.backend.create_table(name, data, temp=True)

    def load(self, name: str, data: Any) -> ir.Table:
        """Put in-memory data (Arrow, pandas) on this engine as a table called ``name`` (replacing one).

        For tests and benchmarks that want a known name; services use :meth:`scratch`.
        """
        if self.name == "spark":
            # a temporary view writes nothing to spark-warehouse/, so a rerun never meets a stale table folder
            return self.backend.create_view(name, ibis.memtable(data), overwrite=True)
        return self.backend.create_table(name, data, overwrite=True)

    def execute(self, expr: ir.Expr, **kwargs: Any) -> Any:
        """Run an expression and return pandas."""
        return self.backend.execute(expr, **kwargs)

    def to_pyarrow(self, expr: ir.Table) -> Any:
        """Run an expression and return Arrow."""
        return self.backend.to_pyarrow(expr)


def spark_session(settings: Settings) -> Any:
    """A Spark session: Spark Connect when ``spark_remote`` is set, else the configured master."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ConfigurationError(
            Message("the spark engine needs the 'spark' extra: pip install 'tierwise[spark]'")
        ) from exc
    builder = SparkSession.builder.appName("tierwise")
    if settings.spark_remote:
        builder = builder.remote(settings.spark_remote)
    else:
        builder = (
            builder.master(settings.spark_master)
            .config("spark.driver.memory", settings.spark_driver_memory)  # read when the JVM starts
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        )
    session = builder.getOrCreate()
    log.info("spark session %s", settings.spark_remote or settings.spark_master)
    return session
