"""What a Parquet file's own statistics prove about its columns, so that a check needs no scan.

Each row group of a Parquet file records, per column, how many values are NULL and the least and greatest
value. A check that these numbers already answer (no NULL in a required column, every date between
1900 and 2100, none after the as-of date, no id that is blank) is left out of the pass over the rows.
Anything the statistics do not say for every row group proves nothing, and the check runs as before.

>>> ColumnStats(0, "2023-01-01", "2025-12-31").dates_within("1900-01-01", "2100-12-31")
True
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from tierwise.io.parsing import quote_literal


@dataclass(frozen=True)
class ColumnStats:
    """A column over the whole file: NULL values (``None``: unknown), least and greatest value as text."""

    null_count: int | None
    least: str | None
    greatest: str | None

    @property
    def no_nulls(self) -> bool:
        """Whether the file holds no NULL in the column."""
        return self.null_count == 0

    def dates_within(self, low: str, high: str) -> bool:
        """Whether every (ISO) date of the column lies between ``low`` and ``high``, both included."""
        return _iso(self.least) and _iso(self.greatest) and low <= self.least and self.greatest <= high  # type: ignore[operator]

    @property
    def no_blank_text(self) -> bool:
        """Whether no text of the column is NULL, empty or starts with a space (ASCII or wide)."""
        return (
            self.no_nulls
            and self.least is not None
            and self.greatest is not None
            and self.least >= "!"  # '', ' ', tab, line breaks sort before '!'
            and self.greatest < "\u00a0"  # the no-break and the full-width space sort from here on
        )


def _iso(text: str | None) -> bool:
    """Whether ``text`` is an ISO date (YYYY-MM-DD), which sorts as text as the dates do."""
    return text is not None and len(text) == 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit()


def column_stats(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, ColumnStats]:
    """The statistics of each top-level column of the Parquet file at ``path``, over all its row groups."""
    try:
        rows = con.execute(
            "SELECT path_in_schema, "
            "CASE WHEN bool_and(stats_null_count IS NOT NULL) THEN sum(stats_null_count) END, "
            "CASE WHEN bool_and(stats_min_value IS NOT NULL) THEN min(stats_min_value) END, "
            "CASE WHEN bool_and(stats_max_value IS NOT NULL) THEN max(stats_max_value) END "
            f"FROM parquet_metadata({quote_literal(str(path))}) GROUP BY path_in_schema"
        ).fetchall()
    except duckdb.Error:
        return {}
    return {name: ColumnStats(None if nulls is None else int(nulls), low, high) for name, nulls, low, high in rows}
