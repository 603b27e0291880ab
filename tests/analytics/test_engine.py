"""The engine choice: what tierwise configures on each engine."""

from __future__ import annotations

import pytest

from tierwise.analytics.engine import Engine
from tierwise.config import Settings


@pytest.mark.spark
def test_the_local_spark_driver_gets_the_configured_heap(spark_engine: Engine) -> None:
    # Spark's own 1g default ran out of memory collecting the indicators of 400,000 customers
    conf = spark_engine.backend._session.sparkContext.getConf()
    assert conf.get("spark.driver.memory") == Settings().spark_driver_memory == "4g"


def test_duckdb_takes_threads_and_memory_limit_from_the_settings() -> None:
    engine = Engine.create("duckdb", Settings(duckdb_threads=1, duckdb_memory_limit="512MB"))
    threads, limit = engine.backend.con.sql(
        "select current_setting('threads'), current_setting('memory_limit')"
    ).fetchone()
    assert (threads, limit) == (1, "488.2 MiB")
