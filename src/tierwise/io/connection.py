"""DuckDB connections configured for offline use (extensions shipped in PyPI wheels), threads and memory."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb

from tierwise.config import Settings


def extension_directory() -> str | None:
    """Where the ``duckdb-ext-*`` wheels put DuckDB's extensions, so autoload works without a download."""
    spec = importlib.util.find_spec("duckdb_ext")
    if spec is None or not spec.submodule_search_locations:
        return None
    return str(Path(next(iter(spec.submodule_search_locations))) / "extensions")


def duckdb_connection(settings: Settings | None = None, database: str | None = None) -> duckdb.DuckDBPyConnection:
    """A new DuckDB connection with the shipped extension directory, threads and memory limit applied.

    >>> con = duckdb_connection()
    >>> con.sql("select 1").fetchone()
    (1,)
    """
    settings = settings or Settings.model_construct()  # the field defaults; the environment is read at start-up
    config: dict[str, str | int] = {}
    ext = extension_directory()
    if ext:
        config["extension_directory"] = ext
    if settings.duckdb_threads:
        config["threads"] = settings.duckdb_threads
    if settings.duckdb_memory_limit:
        config["memory_limit"] = settings.duckdb_memory_limit
    if settings.duckdb_temp_directory:
        config["temp_directory"] = str(settings.duckdb_temp_directory)
    con = duckdb.connect(database or settings.duckdb_database, config=config)
    con.execute("SET enable_progress_bar = false")
    return con
