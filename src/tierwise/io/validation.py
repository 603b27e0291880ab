"""From a loaded file to a canonical table: header mapping, typed columns, and every problem found.

All checks are SQL queries in DuckDB (one scan each), never Python loops over rows. Each check returns the
first offending rows (up to ``LIMIT``) and how many there are in all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from tierwise.errors import Problem
from tierwise.i18n import Message
from tierwise.io.columns import TABLES, VALUE_MAPS, Column, canonical_column
from tierwise.io.parsing import SQL_TYPES, is_blank, quote_ident, typed_expr
from tierwise.io.sources import ROW

LIMIT = 50
TYPED = "__typed_"  # prefix of parsed columns (and suffix of the relation holding them)

# dates that record something that already happened: none may lie after the as-of date
EVENT_DATES = {
    "customers": ("created_at",),
    "transactions": ("date",),
    "receivables": ("invoice_date", "paid_date"),
    "visits": ("date",),
    "complaints": ("date", "resolved_date"),
    "surveys": ("date",),
}
RANGES = {("surveys", "csat"): (1, 5), ("surveys", "nps"): (0, 10)}
MUST_HAVE_ROWS = ("customers", "transactions")

_NATIVE = {  # DuckDB types that need no parsing for a canonical type
    "float": (
        "DOUBLE",
        "FLOAT",
        "INTEGER",
        "BIGINT",
        "SMALLINT",
        "TINYINT",
        "HUGEINT",
        "DECIMAL",
        "UBIGINT",
        "UINTEGER",
    ),
    "int": ("INTEGER", "BIGINT", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT"),
    "date": ("DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"),
    "bool": ("BOOLEAN",),
}

_TYPE_REASONS = {
    "float": Message("not a number"),
    "int": Message("not a whole number"),
    "date": Message("not a date (write e.g. 2024-01-31)"),
    "bool": Message("not yes/no (write e.g. yes, no, 是, 否)"),
}


@dataclass
class Checked:
    """The outcome of checking one loaded file."""

    table: str
    file: str
    select_sql: str | None  # SELECT producing the canonical table, None when the table cannot be built
    present: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    def add(self, problems: list[Problem], count: int | None = None) -> None:
        """Record problems (``count``: how many exist in all, when more than listed)."""
        self.problems.extend(problems)
        self.problem_count += len(problems) if count is None else count


def map_headers(table: str, headers: list[str], file: str) -> tuple[dict[str, str], list[str], list[Problem]]:
    """Canonical column → header, the unknown headers, and problems (two headers for one column)."""
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    problems: list[Problem] = []
    for header in headers:
        name = canonical_column(table, header)
        if name is None:
            unknown.append(header)
        elif name in mapping:
            problems.append(
                Problem(
                    file,
                    1,
                    header,
                    None,
                    Message(
                        "a second column for %(name)s (first: %(first)s)", {"name": name, "first": repr(mapping[name])}
                    ),
                )
            )
        else:
            mapping[name] = header
    return mapping, unknown, problems


def _column_expr(col: Column, header: str | None, duck_type: str | None, table: str) -> str:
    if header is None:
        return f"CAST(NULL AS {SQL_TYPES[col.type]})"
    ident = quote_ident(header)
    if duck_type and col.type in _NATIVE and duck_type.split("(")[0] in _NATIVE[col.type]:
        return f"CAST({ident} AS {SQL_TYPES[col.type]})"
    return typed_expr(col.type, ident, VALUE_MAPS.get((table, col.name)))


def check_file(
    con: duckdb.DuckDBPyConnection,
    table: str,
    view: str,
    file: str,
    as_of: dt.date | None = None,
    materialize: bool = True,
) -> Checked:
    """Map, parse and check one loaded file (view ``view``); returns its canonical SELECT and problems.

    The parsed values are computed once into ``<view>__typed`` (a table, or a view when ``materialize`` is
    false, as for typed Parquet files), next to the raw text; every check is then a cheap scan of it.
    """
    spec = TABLES[table]
    described = con.execute(f"DESCRIBE {quote_ident(view)}").fetchall()
    types = {row[0]: row[1] for row in described if row[0] != ROW}
    mapping, unknown, problems = map_headers(table, list(types), file)
    result = Checked(table, file, None, present=list(mapping), unknown=unknown)
    result.add(problems)
    missing = [c for c in spec.required if c not in mapping]
    for name in missing:
        col = spec.column(name)
        result.add(
            [
                Problem(
                    file,
                    None,
                    f"{name} ({col.zh})",
                    None,
                    Message(
                        "required column missing (accepted headers: %(headers)s)",
                        {"headers": ", ".join((name, col.zh, *col.aliases))},
                    ),
                )
            ]
        )
    if missing or problems:
        return result
    exprs = {
        c.name: _column_expr(c, mapping.get(c.name), types.get(mapping.get(c.name, "")), table) for c in spec.columns
    }
    rows = con.execute(f"SELECT count(*) FROM {quote_ident(view)}").fetchone()[0]
    if rows == 0 and table in MUST_HAVE_ROWS:
        result.add([Problem(file, None, None, None, Message("the file has a header but no data rows"))])
        return result
    typed = view + TYPED
    parsed = ", ".join(f"{expr} AS {quote_ident(TYPED + name)}" for name, expr in exprs.items())
    # a Parquet file's canonical table stays a view over this one: not TEMP, so every cursor sees it
    con.execute(
        f"CREATE {'TEMP TABLE' if materialize else 'VIEW'} {quote_ident(typed)} AS "
        f"SELECT *, {parsed} FROM {quote_ident(view)}"
    )
    for col in spec.columns:
        header = mapping.get(col.name)
        if header is None:
            continue
        raw = f"CAST({quote_ident(header)} AS VARCHAR)"
        value = quote_ident(TYPED + col.name)
        blank = is_blank(raw)
        checks: list[tuple[str, Message]] = []
        if col.required:
            checks.append((blank, Message("required value is empty")))
        if col.type != "string" or (table, col.name) in VALUE_MAPS:
            reason = _TYPE_REASONS.get(col.type)
            if reason is None:
                allowed = sorted(set(VALUE_MAPS[(table, col.name)].values()))
                zh_words = [k for k in VALUE_MAPS[(table, col.name)] if not k.isascii()]
                reason = Message("not one of: %(choices)s", {"choices": ", ".join(allowed + zh_words)})
            checks.append((f"NOT ({blank}) AND {value} IS NULL", reason))
        if (table, col.name) in RANGES:
            lo, hi = RANGES[(table, col.name)]
            checks.append(
                (f"{value} NOT BETWEEN {lo} AND {hi}", Message("out of range %(lo)s–%(hi)s", {"lo": lo, "hi": hi}))
            )
        if as_of is not None and col.name in EVENT_DATES.get(table, ()):
            checks.append(
                (
                    f"{value} > DATE '{as_of.isoformat()}'",
                    Message("date after the as-of date %(as_of)s", {"as_of": as_of.isoformat()}),
                )
            )
        for condition, reason in checks:
            _collect(con, result, typed, header, raw, condition, reason)
    if spec.key and spec.key in mapping:
        _check_duplicates(con, result, typed, mapping[spec.key], quote_ident(TYPED + spec.key))
    others = ", ".join(quote_ident(h) for h in unknown)
    result.select_sql = (
        "SELECT "
        + ", ".join(f"{quote_ident(TYPED + name)} AS {quote_ident(name)}" for name in exprs)
        + (", " + others if others else "")
        + f", {ROW} FROM {quote_ident(typed)}"
    )
    return result


def _collect(
    con: duckdb.DuckDBPyConnection,
    result: Checked,
    view: str,
    header: str,
    raw: str,
    condition: str,
    reason: Message,
) -> None:
    rows = con.execute(
        f"SELECT {ROW}, {raw}, count(*) OVER () FROM {quote_ident(view)} WHERE {condition} ORDER BY {ROW} LIMIT {LIMIT}"
    ).fetchall()
    if rows:
        result.add(
            [Problem(result.file, r[0], header, r[1] if r[1] is not None else "", reason) for r in rows],
            rows[0][2],
        )


def _check_duplicates(con: duckdb.DuckDBPyConnection, result: Checked, view: str, header: str, key: str) -> None:
    rows = con.execute(
        f"SELECT {ROW}, k, first_row, count(*) OVER () FROM ("
        f"  SELECT {ROW}, {key} AS k, min({ROW}) OVER (PARTITION BY {key}) AS first_row"
        f"  FROM {quote_ident(view)} WHERE {key} IS NOT NULL"
        f") WHERE {ROW} > first_row ORDER BY {ROW} LIMIT {LIMIT}"
    ).fetchall()
    if rows:
        result.add(
            [
                Problem(
                    result.file,
                    r[0],
                    header,
                    r[1],
                    Message("duplicate id (first at row %(first)s)", {"first": r[2]}),
                )
                for r in rows
            ],
            rows[0][3],
        )


def check_customer_references(
    con: duckdb.DuckDBPyConnection, checked: dict[str, Checked], headers: dict[str, str]
) -> None:
    """Every ``customer_id`` in another table must exist in the customers table (when one is given)."""
    if "customers" not in checked or checked["customers"].select_sql is None:
        return
    for table, result in checked.items():
        if table == "customers" or result.select_sql is None:
            continue
        rows = con.execute(
            f"SELECT t.{ROW}, t.customer_id, count(*) OVER () FROM ({result.select_sql}) t "
            f"ANTI JOIN ({checked['customers'].select_sql}) c ON t.customer_id = c.customer_id "
            f"WHERE t.customer_id IS NOT NULL ORDER BY t.{ROW} LIMIT {LIMIT}"
        ).fetchall()
        if rows:
            result.add(
                [
                    Problem(
                        result.file,
                        r[0],
                        headers[table],
                        r[1],
                        Message("unknown customer (not in %(file)s)", {"file": checked["customers"].file}),
                    )
                    for r in rows
                ],
                rows[0][2],
            )


__all__ = ["Checked", "check_file", "check_customer_references", "map_headers"]
