"""Shared fixtures: the ``backend`` fixture runs analytics tests on DuckDB and on Spark (local mode)."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from tierwise.analytics.engine import Engine
from tierwise.config import Settings

ROOT = Path(__file__).resolve().parents[1]
CDNOW_DIR = ROOT / "tests" / "data" / "cdnow"  # the published sample; its source and licence in README.md


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
    """The CDNOW sample shipped with the tests (``tests/data/cdnow``)."""
    return CDNOW_DIR


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


@pytest.fixture(scope="session", autouse=True)
def secret_key_for_the_run():
    """A personal-data key made for this test run (none is committed), in ``TIERWISE_SECRET_KEY`` unless the
    environment already has one: imports seal id numbers, phones and e-mail addresses with it."""
    import os

    from tierwise.security.pii import new_key_entry

    if os.environ.get("TIERWISE_SECRET_KEY"):
        yield os.environ["TIERWISE_SECRET_KEY"]
        return
    os.environ["TIERWISE_SECRET_KEY"] = new_key_entry("test")
    yield os.environ["TIERWISE_SECRET_KEY"]
    del os.environ["TIERWISE_SECRET_KEY"]


# --- the store: every test that touches it runs on SQLite and on PostgreSQL ----------------------------------

STORE_BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def sqlite_files(tmp_path_factory: pytest.TempPathFactory):
    """Makes fresh SQLite store files for this test run."""
    from store_databases import SqliteFiles

    return SqliteFiles(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_databases():
    """Makes PostgreSQL databases for this test run and drops them all at its end (skips when unreachable)."""
    import os

    from store_databases import PostgresDatabases, postgres_unreachable

    reason = postgres_unreachable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: PostgreSQL must be there)")
        pytest.skip(reason)
    databases = PostgresDatabases()
    yield databases
    databases.drop_all()


def _fresh_store(request: pytest.FixtureRequest, tmp_path: Path, migrated: bool):
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_files").create(tmp_path, migrated)
        return
    databases = request.getfixturevalue("postgres_databases")
    url = databases.create(migrated)
    yield url
    databases.drop(url)


@pytest.fixture(params=STORE_BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path):
    """The URL of a fresh store with the current tables and no rows: SQLite, then PostgreSQL."""
    yield from _fresh_store(request, tmp_path, migrated=True)


@pytest.fixture(params=STORE_BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path):
    """The URL of an empty database (no tables at all): SQLite, then PostgreSQL."""
    yield from _fresh_store(request, tmp_path, migrated=False)
