"""A validated data set: canonical tables held in a DuckDB connection, plus what was read and from where."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from tierwise.i18n import Message
from tierwise.io.columns import TABLES


@dataclass
class Dataset:
    """Canonical tables of one data set.

    Each present table is a relation named after the table (``customers``, ``transactions`` …) in
    ``con``, holding every canonical column of its :class:`~tierwise.io.columns.TableSpec` in order and
    with its canonical type (columns the file did not have are NULL), followed by the unknown columns
    kept under their original headers. ``present_columns`` says which canonical columns the source had.
    """

    con: duckdb.DuckDBPyConnection
    tables: list[str]
    sources: dict[str, str] = field(default_factory=dict)
    present_columns: dict[str, list[str]] = field(default_factory=dict)
    unknown_columns: dict[str, list[str]] = field(default_factory=dict)
    notes: list[Message] = field(default_factory=list)  # what reading did: tables recognised, rows skipped, units

    def __contains__(self, table: str) -> bool:
        return table in self.tables

    def relation(self, table: str) -> duckdb.DuckDBPyRelation:
        """The canonical table as a DuckDB relation."""
        if table not in self.tables:
            raise KeyError(f"the data set has no {table} table ({TABLES[table].zh})")
        return self.con.table(table)

    def arrow(self, table: str) -> pa.Table:
        """The canonical table as an Arrow table (columnar; no Python object per row)."""
        return self.relation(table).to_arrow_table()

    def has_column(self, table: str, column: str) -> bool:
        """Whether the source of ``table`` had the canonical ``column`` (not just a NULL fill)."""
        return table in self.tables and column in self.present_columns.get(table, [])

    def row_count(self, table: str) -> int:
        """Number of rows of a table."""
        return self.con.sql(f'select count(*) from "{table}"').fetchone()[0]


def require_tables(dataset: Dataset, needs: tuple[str, ...], command: str, label: str) -> None:
    """Refuse a data set that lacks a table ``command`` needs, saying which file to add."""
    from tierwise.errors import DataValidationError, Problem

    missing = [t for t in needs if t not in dataset.tables]
    if missing:
        raise DataValidationError(
            [
                Problem(
                    label,
                    None,
                    None,
                    None,
                    Message(
                        "no %(table)s table: %(command)s needs it; add a %(table)s.csv (or %(zh)s.xlsx …) file to "
                        "the data set",
                        {"table": t, "command": command, "zh": TABLES[t].zh},
                    ),
                )
                for t in missing
            ]
        )


MAIN_DATE = {
    "transactions": "date",
    "receivables": "invoice_date",
    "opportunities": "expected_close_date",
    "visits": "date",
    "complaints": "date",
    "surveys": "date",
    "customers": "created_at",
}


def describe(dataset: Dataset) -> list[dict[str, object]]:
    """Per table: file, rows, distinct customers, date range of its main date, unknown columns."""
    out = []
    for table in dataset.tables:
        date_col = MAIN_DATE[table]
        rows, customers, first, last = dataset.con.execute(
            f'SELECT count(*), count(DISTINCT customer_id), min("{date_col}"), max("{date_col}") FROM "{table}"'
        ).fetchone()
        out.append(
            {
                "table": table,
                "file": dataset.sources.get(table, ""),
                "rows": rows,
                "customers": customers,
                "date_column": date_col,
                "first_date": first.isoformat() if first else None,
                "last_date": last.isoformat() if last else None,
                "unknown_columns": dataset.unknown_columns.get(table, []),
            }
        )
    return out
