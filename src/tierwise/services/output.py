"""Writing a service's table result to a file the user named (CSV, Parquet or Excel), all or nothing."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from tierwise.errors import UsageError
from tierwise.i18n import Message
from tierwise.io.writers import write_table

OUT_SUFFIXES = (".csv", ".parquet", ".xlsx")


def check_output_path(path: Path) -> Path:
    """``path`` if its suffix names a table format we write, else a usage error."""
    if path.suffix.lower() not in OUT_SUFFIXES:
        raise UsageError(
            Message(
                "%(path)s: the file must end in %(suffixes)s", {"path": str(path), "suffixes": ", ".join(OUT_SUFFIXES)}
            )
        )
    return path


def write_result(table: pa.Table, path: Path, *, lang: str = "en", headers: dict[str, str] | None = None) -> Path:
    """Write ``table`` to ``path``; a Chinese CSV is GB18030 (what Excel in China opens), others UTF-8."""
    check_output_path(path)
    encoding = "gb18030" if lang == "zh" and path.suffix.lower() == ".csv" else "utf-8"
    return write_table(table, path, headers=headers, encoding=encoding)
