"""Ibis's SQL compilers loaded one at a time, when first used.

Importing ``ibis.backends.sql.compilers`` imports the compiler of every SQL engine Ibis knows (Athena,
BigQuery, Trino … twenty of them), and each builds its SQL dialect's tokenizer tables: a few hundred
milliseconds of every command's start-up, though tierwise compiles for DuckDB (and Spark) only. The
finder below hands Python that package without running its ``__init__``: a compiler module is imported
when it, or one of its ``…Compiler`` classes, is first asked for, so ``sc.duckdb`` and
``from ibis.backends.sql.compilers import PostgresCompiler`` work as before.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import types
from collections.abc import Sequence
from typing import Any

PACKAGE = "ibis.backends.sql.compilers"


class _LazyCompilers(types.ModuleType):
    """The compilers package: each submodule and ``…Compiler`` class imported on first access."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        module = name[: -len("Compiler")].lower() if name.endswith("Compiler") else name
        try:
            imported = importlib.import_module(f"{PACKAGE}.{module}")
        except ModuleNotFoundError as exc:
            raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}") from exc
        return imported if module == name else getattr(imported, name)


class _Loader:  # the protocol of importlib.abc.Loader (importing that module costs more than all this)
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _LazyCompilers(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        return None


class _Finder:  # the protocol of importlib.abc.MetaPathFinder
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != PACKAGE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.submodule_search_locations is None:
            return None
        loader: Any = _Loader()  # an importlib.abc.Loader by protocol
        lazy = importlib.machinery.ModuleSpec(fullname, loader, origin=spec.origin, is_package=True)
        lazy.submodule_search_locations = list(spec.submodule_search_locations)
        return lazy


def install() -> None:
    """Load Ibis's compilers lazily from now on (once; nothing changes if Ibis has loaded them already)."""
    if PACKAGE in sys.modules or any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder())
