"""From a loaded file to a canonical table: typed columns and every problem found (the header mapping is
:mod:`tierwise.io.header_mapping`).

All checks are SQL queries in DuckDB (one scan each), never Python loops over rows. Each check returns the
first offending rows (up to ``LIMIT``) and how many there are in all. The conditions themselves are in
:mod:`tierwise.io.row_checks`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from tierwise.config import Settings
from tierwise.errors import Problem
from tierwise.i18n import N_, Message
from tierwise.io.columns import TABLES, VALUE_MAPS, Column
from tierwise.io.header_mapping import map_headers, missing_column_problem
from tierwise.io.headers import HeaderMap
from tierwise.io.parquet_stats import column_stats
from tierwise.io.parsing import SQL_TYPES, quote_ident, typed_expr
from tierwise.io.row_checks import FLOATING, NATIVE, TYPED, RowCheck, is_native, row_checks, skip_columns
from tierwise.io.sources import ROW, Loaded
from tierwise.io.workbooks import ERROR_COLUMN

LIMIT = 50

MUST_HAVE_ROWS = ("customers", "transactions")
# tables whose rows may share an id: the lines of one order share its number (orders are counted as
# distinct transaction ids), as ERP exports of order lines write them
SHARED_KEYS = frozenset({"transactions"})


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
    notes: list[Message] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # canonical column → the file's column
    canonical_sql: str | None = None  # SELECT of the canonical table (no row numbers)
    materialized: bool = False  # the parsed values are a temporary table (``<view>__typed_``), not a view
    plain: bool = False  # the canonical SELECT only renames and casts: a view over the loaded rows will do
    failed: set[str] = field(default_factory=set)  # the file's columns some check found a problem in

    def add(self, problems: list[Problem], count: int | None = None) -> None:
        """Record problems (``count``: how many exist in all, when more than listed)."""
        self.problems.extend(problems)
        self.problem_count += len(problems) if count is None else count


def _column_expr(col: Column, header: str | None, duck_type: str | None, table: str, scale: int) -> str:
    if header is None:
        return f"CAST(NULL AS {SQL_TYPES[col.type]})"
    ident = quote_ident(header)
    if is_native(col, duck_type):
        expr = _native_expr(col, ident, duck_type or "")
    else:
        expr = typed_expr(col.type, ident, VALUE_MAPS.get((table, col.name)))
    return f"({expr}) * {scale}" if scale != 1 and col.type == "float" else expr


def _native_expr(col: Column, ident: str, duck_type: str) -> str:
    """The canonical value of a column the reader typed: infinities and fractions of whole numbers are NULL."""
    base = duck_type.split("(")[0]
    if col.type == "float" and base in FLOATING:
        return f"CASE WHEN isfinite({ident}) THEN CAST({ident} AS DOUBLE) END"
    if col.type == "int" and base not in NATIVE["int"]:
        return (
            f"CASE WHEN isfinite({ident}) AND {ident} = round({ident}) AND abs({ident}) < 9e18 "
            f"THEN CAST({ident} AS BIGINT) END"
        )
    return f"CAST({ident} AS {SQL_TYPES[col.type]})"


def _plain(col: Column, ident: str, duck_type: str) -> str:
    """The canonical value of a typed column whose checks all passed: the column itself, cast."""
    return f"CAST({ident} AS {SQL_TYPES[col.type]})" if duck_type.split("(")[0] != SQL_TYPES[col.type] else ident


def check_file(
    con: duckdb.DuckDBPyConnection,
    table: str,
    view: str,
    file: str,
    as_of: dt.date | None = None,
    *,
    base: str | None = None,
    text_file: bool = True,
    loaded: Loaded | None = None,
    user_map: HeaderMap | None = None,
    settings: Settings | None = None,
) -> Checked:
    """Map, parse and check one loaded file (view ``view``); returns its canonical SELECT and problems.

    Every check runs in one aggregate pass (``count(*) FILTER (…)``), and only the checks that fail fetch
    their first offending rows. A column the reader typed (Parquet, Excel cells, a CSV column read with its
    canonical type) is only checked for NULL, range and finiteness; a text column is parsed leniently (¥,
    1,234.50, 2024年1月31日 …), and then the parsed values are computed once into ``<view>__typed_``, a
    temporary table next to the text. In a text file (``text_file``) blank and totals rows are marked, left
    out and counted in the notes. When nothing needs parsing, the canonical SELECT reads ``base`` (the rows
    without their row numbers) directly, and is a plain projection when no value needs trimming
    (:attr:`Checked.plain`).
    """
    settings = settings or Settings()
    spec = TABLES[table]
    described = con.execute(f"DESCRIBE {quote_ident(view)}").fetchall()
    types = {row[0]: row[1] for row in described if row[0] not in (ROW, ERROR_COLUMN)}
    written = dict(zip(loaded.columns, loaded.headers)) if loaded is not None else {}
    mapping, found, unknown, problems = map_headers(table, list(types), file, written, user_map)
    result = Checked(table, file, None, present=list(mapping), unknown=unknown, headers=dict(mapping))
    result.add(problems)
    missing = [c for c in spec.required if c not in mapping]
    result.add([missing_column_problem(file, table, name, loaded) for name in missing])
    if missing or problems:
        return result
    for name, got in found.items():
        if got.unit:
            result.notes.append(
                Message(
                    N_("%(file)s: %(header)s is in %(unit)s: values multiplied by %(scale)s"),
                    {
                        "file": file,
                        "header": written.get(mapping[name], mapping[name]),
                        "unit": got.unit,
                        "scale": f"{got.scale:,}",
                    },
                )
            )
    scales = {name: got.scale for name, got in found.items()}
    exprs = {
        c.name: _column_expr(c, mapping.get(c.name), types.get(mapping.get(c.name, "")), table, scales.get(c.name, 1))
        for c in spec.columns
    }
    # text that must be parsed leniently: its parsed values are materialised once, not parsed per check
    lenient = any(
        c.type != "string" and not is_native(c, types.get(mapping[c.name])) for c in spec.columns if c.name in mapping
    )
    text = [  # free text the reader did not trim
        c for c in spec.columns if c.name in mapping and c.type == "string" and (table, c.name) not in VALUE_MAPS
    ]
    # ids and required text are trimmed only where one needs it (the analytics join and group on them);
    # optional free text (names, notes, categories) is trimmed in the canonical view, when it is read
    trimmed = [c.name for c in text if c.required or c.name in (spec.key, "customer_id")]
    lazily = {c.name for c in text if c.name not in trimmed}
    skip = skip_columns(types, mapping) if text_file else {}
    typed = view + TYPED
    result.materialized = lenient
    parsed = ", ".join(f"{expr} AS {quote_ident(TYPED + name)}" for name, expr in exprs.items())
    marks = "".join(f", {expr} AS {name}" for name, expr in skip.items())
    # without lenient parsing, a view (not TEMP, so every cursor sees it): the checks read the rows once
    con.execute(
        f"CREATE {'TEMP TABLE' if lenient else 'VIEW'} {quote_ident(typed)} AS "
        f"SELECT *, {parsed}{marks} FROM {quote_ident(view)}"
    )
    kept = "NOT __blank AND NOT __totals" if skip else "TRUE"
    stats = column_stats(con, loaded.source.path) if loaded is not None and loaded.source.kind == "parquet" else {}
    checks = row_checks(
        table, mapping, types, as_of, settings, has_errors=ERROR_COLUMN in {r[0] for r in described}, stats=stats
    )
    unique = spec.key and spec.key in mapping and table not in SHARED_KEYS
    key = quote_ident(TYPED + spec.key) if unique else None
    aggregates = [f"count(*) FILTER (WHERE {kept})"]
    aggregates += [f"count(*) FILTER (WHERE {kept} AND ({c.condition}))" for c in checks]
    if trimmed:  # one test for all the free text: which column needs trimming is asked only when one does
        any_untrimmed = " OR ".join(_untrimmed(quote_ident(mapping[n])) for n in trimmed)
        aggregates.append(f"count(*) FILTER (WHERE {kept} AND ({any_untrimmed}))")
    if skip:
        aggregates += ["count(*) FILTER (WHERE __blank)", f"list({ROW} ORDER BY {ROW}) FILTER (WHERE __totals)"]
    if key:  # distinct hashes are distinct ids; equal hashes are told apart by the exact search for duplicates
        aggregates += [
            f"count({key}) FILTER (WHERE {kept})",
            f"count(DISTINCT hash({key})) FILTER (WHERE {kept} AND {key} IS NOT NULL)",
        ]
    counts = list(con.execute(f"SELECT {', '.join(aggregates)} FROM {quote_ident(typed)}").fetchone())
    rows = counts.pop(0)
    failing = [(check, counts.pop(0)) for check in checks]
    untrimmed = _untrimmed_columns(con, typed, kept, mapping, trimmed) if trimmed and counts.pop(0) else set()
    result.failed = {check.header for check, count in failing if count}
    skipped = False
    if skip:
        blank, totals = counts.pop(0), counts.pop(0) or []
        skipped = bool(blank or totals)
        if blank:
            result.notes.append(Message(N_("%(file)s: %(n)s blank row(s) skipped"), {"file": file, "n": f"{blank:,}"}))
        for row in totals[:LIMIT]:
            result.notes.append(
                Message(N_("%(file)s: row %(row)s is a totals row: not loaded"), {"file": file, "row": row})
            )
        if len(totals) > LIMIT:
            result.notes.append(
                Message(
                    N_("%(file)s: … and %(n)s more totals rows: not loaded"),
                    {"file": file, "n": f"{len(totals) - LIMIT:,}"},
                )
            )
    if rows == 0 and table in MUST_HAVE_ROWS:
        result.add(
            [
                Problem(
                    file,
                    None,
                    None,
                    None,
                    Message("the file has a header but no data rows; add the rows below the header"),
                )
            ]
        )
        return result
    for check, count in failing:
        if count:
            _collect(con, result, typed, check, kept, count)
    if key and counts[0] != counts[1]:
        _check_duplicates(con, result, typed, mapping[spec.key], key, kept)
    others = ", ".join(quote_ident(h) for h in unknown)
    tail = ", " + others if others else ""
    result.select_sql = (
        "SELECT "
        + ", ".join(f"{quote_ident(TYPED + name)} AS {quote_ident(name)}" for name in exprs)
        + f"{tail}, {ROW} FROM {quote_ident(typed)}"
        + (f" WHERE {kept}" if skip else "")
    )
    if lenient or base is None:
        result.canonical_sql = f"SELECT * EXCLUDE ({ROW}) FROM ({result.select_sql})"
        return result
    # nothing to parse: the canonical table reads the loaded rows themselves, each column as it is
    final = {}
    for c in spec.columns:
        header = mapping.get(c.name)
        if header is None or (c.type != "string" and (c.name not in scales or scales[c.name] == 1)):
            final[c.name] = _plain(c, quote_ident(header), types[header]) if header else exprs[c.name]
        elif c.type == "string" and c.name in trimmed and c.name not in untrimmed:
            final[c.name] = quote_ident(header)
        else:
            final[c.name] = exprs[c.name]
    result.plain = not skipped and all(
        expr.startswith(("CAST(", '"')) or name in lazily for name, expr in final.items()
    )  # renames, casts and the trimming of free text only: a view costs the analytics (almost) nothing
    where = f" WHERE NOT {skip['__blank']} AND NOT {skip['__totals']}" if skipped else ""
    result.canonical_sql = (
        "SELECT "
        + ", ".join(f"{expr} AS {quote_ident(name)}" for name, expr in final.items())
        + f"{tail} FROM {quote_ident(base)}{where}"
    )
    return result


def _untrimmed(ident: str) -> str:
    """Whether the text has a space at either end or is empty (its canonical value differs from it)."""
    return f"({ident} = '' OR ord({ident}) = 32 OR ends_with({ident}, ' '))"


def _untrimmed_columns(
    con: duckdb.DuckDBPyConnection, typed: str, kept: str, mapping: dict[str, str], trimmed: list[str]
) -> set[str]:
    """The canonical text columns some value of which has a space at either end or is empty."""
    counts = con.execute(
        "SELECT "
        + ", ".join(f"count(*) FILTER (WHERE {kept} AND {_untrimmed(quote_ident(mapping[n]))})" for n in trimmed)
        + f" FROM {quote_ident(typed)}"
    ).fetchone()
    return {name for name, count in zip(trimmed, counts or ()) if count}


def _collect(
    con: duckdb.DuckDBPyConnection, result: Checked, view: str, check: RowCheck, kept: str, count: int
) -> None:
    rows = con.execute(
        f"SELECT {ROW}, {check.raw} FROM {quote_ident(view)} WHERE {kept} AND ({check.condition}) "
        f"ORDER BY {ROW} LIMIT {LIMIT}"
    ).fetchall()
    problems = []
    for row, raw in rows:
        header, value = check.header, raw if raw is not None else ""
        if not header:  # an Excel error cell: 'header: #N/A'
            header, _, value = str(raw).rpartition(": ")
        problems.append(Problem(result.file, row, header, value, check.reason))
    result.add(problems, count)


def _check_duplicates(
    con: duckdb.DuckDBPyConnection, result: Checked, view: str, header: str, key: str, kept: str
) -> None:
    rows = con.execute(
        f"SELECT {ROW}, k, first_row, count(*) OVER () FROM ("
        f"  SELECT {ROW}, {key} AS k, min({ROW}) OVER (PARTITION BY {key}) AS first_row"
        f"  FROM {quote_ident(view)} WHERE {key} IS NOT NULL AND {kept}"
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
                    Message("duplicate id (first at row %(first)s); give each row its own id", {"first": r[2]}),
                )
                for r in rows
            ],
            rows[0][3],
        )


def check_customer_references(
    con: duckdb.DuckDBPyConnection, checked: dict[str, Checked], headers: dict[str, str], built: dict[str, str]
) -> None:
    """Every ``customer_id`` in another table must exist in the customers table (when one is given).

    ``built``: table → the canonical relation made of it; the count runs on them, and only a table with
    unknown customers fetches its first rows (with their row numbers) from its checked rows.
    """
    if "customers" not in built:
        return
    customers = quote_ident(built["customers"])
    for table, result in checked.items():
        if table == "customers" or table not in built or result.select_sql is None:
            continue
        (count,) = con.execute(
            f"SELECT count(*) FROM {quote_ident(built[table])} t ANTI JOIN {customers} c "
            f"ON t.customer_id = c.customer_id WHERE t.customer_id IS NOT NULL"
        ).fetchall()[0]
        if not count:
            continue
        rows = con.execute(
            f"SELECT t.{ROW}, t.customer_id FROM ({result.select_sql}) t "
            f"ANTI JOIN {customers} c ON t.customer_id = c.customer_id "
            f"WHERE t.customer_id IS NOT NULL ORDER BY t.{ROW} LIMIT {LIMIT}"
        ).fetchall()
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
            count,
        )


__all__ = ["Checked", "check_file", "check_customer_references", "map_headers"]
