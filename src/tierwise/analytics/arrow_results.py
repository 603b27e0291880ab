"""Ibis's DuckDB result converter, without the pandas import it makes at start-up.

``ibis.backends.duckdb.converter`` imports pandas (through ``ibis.formats.pandas``) the first time a result
is fetched, even as Arrow: about a second of every command's start-up. :func:`install` registers an
equivalent module whose Arrow converter needs only PyArrow and whose pandas converter (``execute``) is
built, with its pandas import, the first time it is asked for.
"""

from __future__ import annotations

import sys
import types
from typing import Any

MODULE = "ibis.backends.duckdb.converter"


def _arrow_converter() -> type:
    import pyarrow as pa
    from ibis.formats.pyarrow import PyArrowData

    class DuckDBPyArrowData(PyArrowData):  # as in Ibis: a NULL-typed column is all NULLs
        @classmethod
        def convert_scalar(cls, scalar: Any, dtype: Any) -> Any:
            return pa.scalar(None) if dtype.is_null() else super().convert_scalar(scalar, dtype)

        @classmethod
        def convert_column(cls, column: Any, dtype: Any) -> Any:
            return pa.nulls(len(column)) if dtype.is_null() else super().convert_column(column, dtype)

    return DuckDBPyArrowData


def _pandas_converter() -> type:
    from ibis.formats.pandas import PandasData

    class DuckDBPandasData(PandasData):  # as in Ibis: NaN in an array is NULL
        @staticmethod
        def convert_Array(s: Any, dtype: Any, pandas_type: Any) -> Any:  # noqa: N802 (the name Ibis calls)
            return s.replace(float("nan"), None)

    return DuckDBPandasData


def install() -> None:
    """Register the light converter module, unless Ibis's own is already imported."""
    if MODULE in sys.modules:
        return
    module = types.ModuleType(MODULE, __doc__)
    module.DuckDBPyArrowData = _arrow_converter()  # type: ignore[attr-defined]

    def __getattr__(name: str) -> Any:  # noqa: N807 (a module-level __getattr__, PEP 562)
        if name == "DuckDBPandasData":
            module.DuckDBPandasData = _pandas_converter()  # type: ignore[attr-defined]
            return module.DuckDBPandasData  # type: ignore[attr-defined]
        raise AttributeError(name)

    module.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[MODULE] = module
