"""Shared fixtures: the ``backend`` fixture runs analytics tests on DuckDB and on Spark (local mode)."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from tierwise.analytics.engine import Engine
from tierwise.config import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (the 'spark' extra)"
    if shutil.which("java") is None:
        return "Java is not installed (Spark needs Java 17)"
    return None


@pytest.fixture(scope="session")
def duckdb_engine() -> Engine:
    """An in-memory DuckDB engine shared by the session."""
    return Engine.create("duckdb")


@pytest.fixture(scope="session")
def spark_engine() -> Engine:
    """A Spark local-mode engine shared by the session (started once; it takes a few seconds)."""
    reason = _spark_missing()
    if reason:
        pytest.skip(reason)
    return Engine.create("spark", Settings(spark_master="local[2]"))


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def backend(request: pytest.FixtureRequest) -> Engine:
    """The analytics engine under test: every analytics test runs on DuckDB and on Spark."""
    return request.getfixturevalue(f"{request.param}_engine")


@pytest.fixture(scope="session")
def cdnow_dir() -> Path:
    """The CDNOW reference data (``../shared/data/cdnow``)."""
    path = SHARED_DATA / "cdnow"
    if not path.exists():
        pytest.skip(f"reference data not found at {path}")
    return path


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say which groups of tests were skipped and why, in one short table."""
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        terminalreporter.write_line("skipped groups: none (every test ran)")
        return
    reasons = Counter()
    for rep in skipped:
        reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    terminalreporter.write_sep("-", "skipped groups")
    for reason, n in reasons.most_common():
        terminalreporter.write_line(f"{n:5d} skipped: {reason}")
