"""DuckDB connections configured for offline use (extensions shipped in PyPI wheels), threads and memory.

DuckDB cannot download extensions here. The ``duckdb-extension-*`` wheels install each extension's file
as ``duckdb_extension_<package>/extensions/v<version>/<package>.duckdb_extension``; DuckDB looks for
``<directory>/v<version>/<platform>/<extension>.duckdb_extension`` (``sqlite_scanner``,
``postgres_scanner``, …). :func:`extension_directory` links the shipped files into that layout once, in a
cache folder, so that ``ATTACH … (TYPE sqlite)`` and ``LOAD postgres`` autoload without a download. This
is the one place that knows the layout.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import uuid
from pathlib import Path

import duckdb

from tierwise.config import Settings

# package name of each shipped extension wheel → the extension's name inside DuckDB
SHIPPED_EXTENSIONS = {"sqlite": "sqlite_scanner", "postgres": "postgres_scanner", "encodings": "encodings"}


def _default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tierwise" / "duckdb-extensions"


def shipped_extension_files() -> dict[str, Path]:
    """DuckDB extension name → the file its installed wheel ships for this DuckDB version."""
    version = f"v{duckdb.__version__}"
    found = {}
    for package, name in SHIPPED_EXTENSIONS.items():
        spec = importlib.util.find_spec(f"duckdb_extension_{package}")
        if spec is None or not spec.submodule_search_locations:
            continue
        path = (
            Path(next(iter(spec.submodule_search_locations))) / "extensions" / version / f"{package}.duckdb_extension"
        )
        if path.is_file():
            found[name] = path
    return found


@functools.cache
def extension_directory(root: Path | None = None) -> str | None:
    """A DuckDB extension directory holding the shipped extensions (linked), or None when none is installed.

    ``root`` defaults to ``$XDG_CACHE_HOME/tierwise/duckdb-extensions``. The links are made once and
    replaced atomically, so concurrent processes see either the old or the new link.
    """
    files = shipped_extension_files()
    if not files:
        return None
    root = root or _default_cache()
    platform = duckdb.connect(":memory:").execute("PRAGMA platform").fetchone()[0]
    folder = root / f"v{duckdb.__version__}" / platform
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in files.items():
        link = folder / f"{name}.duckdb_extension"
        if link.is_symlink() and link.resolve() == path.resolve():
            continue
        fresh = folder / f".{name}.{uuid.uuid4().hex}"
        fresh.symlink_to(path)
        os.replace(fresh, link)
    return str(root)


def duckdb_connection(settings: Settings | None = None, database: str | None = None) -> duckdb.DuckDBPyConnection:
    """A new DuckDB connection with the shipped extension directory, threads and memory limit applied.

    >>> con = duckdb_connection()
    >>> con.sql("select 1").fetchone()
    (1,)
    """
    settings = settings or Settings.model_construct()  # the field defaults; the environment is read at start-up
    config: dict[str, str | int | bool] = {"autoinstall_known_extensions": False, "autoload_known_extensions": True}
    ext = extension_directory(settings.duckdb_extension_directory)
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
