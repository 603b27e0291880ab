"""From a loaded file to a canonical table: header mapping, typed columns, and every problem found.

All checks are SQL queries in DuckDB (one scan each), never Python loops over rows. Each check returns the
first offending rows (up to ``LIMIT``) and how many there are in all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from tierwise.config import Settings
from tierwise.errors import Problem
from tierwise.i18n import N_, Message
from tierwise.io.columns import TABLES, VALUE_MAPS, Column
from tierwise.io.headers import HeaderMap, Recognised, accepted_names, recognise
from tierwise.io.parsing import SQL_TYPES, is_blank, quote_ident, quote_literal, short_year, typed_expr
from tierwise.io.sources import ROW, Loaded
from tierwise.io.workbooks import ERROR_COLUMN

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
# tables whose rows may share an id: the lines of one order share its number (orders are counted as
# distinct transaction ids), as ERP exports of order lines write them
SHARED_KEYS = frozenset({"transactions"})

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
    "float": Message(N_("not a number (write e.g. 1234.50)")),
    "int": Message(N_("not a whole number (write e.g. 12)")),
    "date": Message(N_("not a date (write e.g. 2024-01-31)")),
    "bool": Message(N_("not yes/no (write e.g. yes, no, 是, 否)")),
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
    notes: list[Message] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # canonical column → the file's column

    def add(self, problems: list[Problem], count: int | None = None) -> None:
        """Record problems (``count``: how many exist in all, when more than listed)."""
        self.problems.extend(problems)
        self.problem_count += len(problems) if count is None else count


@dataclass(frozen=True)
class _Check:
    condition: str
    header: str
    raw: str
    reason: Message


def _letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def map_headers(
    table: str,
    columns: list[str],
    file: str,
    written: dict[str, str] | None = None,
    user_map: HeaderMap | None = None,
) -> tuple[dict[str, str], dict[str, Recognised], list[str], list[Problem]]:
    """Canonical column → view column, what each was recognised as, the unknown columns, and problems.

    ``written`` gives each view column's header as the file wrote it (a repeated ``金额`` is loaded as
    ``金额_2``); two columns for one canonical column are an error that names both.
    """
    written = written or {}
    mapping: dict[str, str] = {}
    found: dict[str, Recognised] = {}
    unknown: list[str] = []
    problems: list[Problem] = []
    for position, column in enumerate(columns):
        header = written.get(column, column)
        got = recognise(table, header, user_map)
        if got is None:
            unknown.append(column)
        elif got.column in mapping:
            first = mapping[got.column]
            first_header = written.get(first, first)
            where = {"a": _letter(columns.index(first)), "b": _letter(position)}
            if first_header == header:
                reason = Message(
                    "two columns are headed %(header)s (columns %(a)s and %(b)s); delete one or rename it",
                    {"header": repr(header), **where},
                )
            else:
                reason = Message(
                    "a second column for %(name)s (columns %(a)s and %(b)s; first: %(first)s); keep one",
                    {"name": got.column, "first": repr(first_header), **where},
                )
            problems.append(Problem(file, 1, header, None, reason))
        else:
            mapping[got.column] = column
            found[got.column] = got
    return mapping, found, unknown, problems


def _column_expr(col: Column, header: str | None, duck_type: str | None, table: str, scale: int) -> str:
    if header is None:
        return f"CAST(NULL AS {SQL_TYPES[col.type]})"
    ident = quote_ident(header)
    if _is_native(col, duck_type):
        expr = f"CAST({ident} AS {SQL_TYPES[col.type]})"
    else:
        expr = typed_expr(col.type, ident, VALUE_MAPS.get((table, col.name)))
    return f"({expr}) * {scale}" if scale != 1 and col.type == "float" else expr


def _is_native(col: Column, duck_type: str | None) -> bool:
    return bool(duck_type) and col.type in _NATIVE and duck_type.split("(")[0] in _NATIVE[col.type]


def _missing_problem(file: str, table: str, name: str, loaded: Loaded | None) -> Problem:
    col = TABLES[table].column(name)
    names = ", ".join(accepted_names(table, name))
    if loaded is not None and not loaded.complete:
        reason = Message(
            "required column missing; name its header one of: %(names)s (or map yours with --map); headers "
            "found in row %(row)s: %(found)s",
            {"names": names, "row": loaded.header_row, "found": ", ".join(h for h in loaded.headers if h) or "none"},
        )
    else:
        reason = Message(
            "required column missing; name its header one of: %(names)s (or map yours with --map)", {"names": names}
        )
    return Problem(file, None, f"{name} ({col.zh})", None, reason)


def check_file(
    con: duckdb.DuckDBPyConnection,
    table: str,
    view: str,
    file: str,
    as_of: dt.date | None = None,
    materialize: bool = True,
    *,
    loaded: Loaded | None = None,
    user_map: HeaderMap | None = None,
    settings: Settings | None = None,
) -> Checked:
    """Map, parse and check one loaded file (view ``view``); returns its canonical SELECT and problems.

    The parsed values are computed once into ``<view>__typed`` (a table, or a view when ``materialize`` is
    false, as for typed Parquet files), next to the raw text, with blank and totals rows marked (they are
    left out and counted in the notes); every check then runs in one aggregate pass over it, and only the
    checks that fail fetch their first offending rows.
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
    result.add([_missing_problem(file, table, name, loaded) for name in missing])
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
    exprs = {
        c.name: _column_expr(
            c,
            mapping.get(c.name),
            types.get(mapping.get(c.name, "")),
            table,
            found[c.name].scale if c.name in found else 1,
        )
        for c in spec.columns
    }
    text_file = materialize
    skip = _skip_columns(list(types), mapping) if text_file else {}
    typed = view + TYPED
    parsed = ", ".join(f"{expr} AS {quote_ident(TYPED + name)}" for name, expr in exprs.items())
    marks = "".join(f", {expr} AS {name}" for name, expr in skip.items())
    # a Parquet file's canonical table stays a view over this one: not TEMP, so every cursor sees it
    con.execute(
        f"CREATE {'TEMP TABLE' if materialize else 'VIEW'} {quote_ident(typed)} AS "
        f"SELECT *, {parsed}{marks} FROM {quote_ident(view)}"
    )
    kept = "NOT __blank AND NOT __totals" if skip else "TRUE"
    checks = _checks(table, mapping, types, as_of, settings, has_errors=ERROR_COLUMN in {r[0] for r in described})
    unique = spec.key and spec.key in mapping and table not in SHARED_KEYS
    key = quote_ident(TYPED + spec.key) if unique else None
    aggregates = [f"count(*) FILTER (WHERE {kept})"]
    aggregates += [f"count(*) FILTER (WHERE {kept} AND ({c.condition}))" for c in checks]
    if skip:
        aggregates += ["count(*) FILTER (WHERE __blank)", f"list({ROW} ORDER BY {ROW}) FILTER (WHERE __totals)"]
    if key:
        aggregates += [f"count({key}) FILTER (WHERE {kept})", f"count(DISTINCT {key}) FILTER (WHERE {kept})"]
    counts = list(con.execute(f"SELECT {', '.join(aggregates)} FROM {quote_ident(typed)}").fetchone())
    rows = counts.pop(0)
    failing = [(check, counts.pop(0)) for check in checks]
    if skip:
        blank, totals = counts.pop(0), counts.pop(0) or []
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
    result.select_sql = (
        "SELECT "
        + ", ".join(f"{quote_ident(TYPED + name)} AS {quote_ident(name)}" for name in exprs)
        + (", " + others if others else "")
        + f", {ROW} FROM {quote_ident(typed)}"
        + (f" WHERE {kept}" if skip else "")
    )
    return result


TOTALS_WORDS = ("合计", "总计", "小计", "共计", "总合计", "累计", "total", "totals", "grandtotal", "subtotal", "sum")


def _skip_columns(columns: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """SQL marking blank rows (every cell blank) and totals rows (合计, Total … in a leading or id column)."""
    blank = " AND ".join(is_blank(quote_ident(c)) for c in columns) or "FALSE"
    words = ", ".join(quote_literal(w) for w in TOTALS_WORDS)
    where = dict.fromkeys([*columns[:2], *(mapping[c] for c in ("customer_id", "name") if c in mapping)])
    totals = " OR ".join(
        f"lower(rtrim(replace(replace(trim({quote_ident(c)}), ' ', ''), '\u3000', ''), ':：')) IN ({words})"
        for c in where
    )
    return {"__blank": f"({blank})", "__totals": f"coalesce({totals or 'FALSE'}, FALSE)"}


def _checks(
    table: str,
    mapping: dict[str, str],
    types: dict[str, str],
    as_of: dt.date | None,
    settings: Settings,
    has_errors: bool,
) -> list[_Check]:
    """Every condition a row must not meet, per mapped column, with its reason."""
    spec = TABLES[table]
    checks: list[_Check] = []
    no_error = f" AND {ERROR_COLUMN} IS NULL" if has_errors else ""  # a row's error cell is its one problem
    if has_errors:
        checks.append(
            _Check(
                f"{ERROR_COLUMN} IS NOT NULL",
                "",
                ERROR_COLUMN,
                Message("an Excel error cell; fix the formula or type the value in"),
            )
        )
    lo, hi = settings.first_plausible_date, settings.last_plausible_date
    for col in spec.columns:
        header = mapping.get(col.name)
        if header is None:
            continue
        ident = quote_ident(header)
        native = _is_native(col, types.get(header))
        raw = f"CAST({ident} AS VARCHAR)"
        value = quote_ident(TYPED + col.name)
        blank = f"{ident} IS NULL" if native else is_blank(raw)

        def add(condition: str, reason: Message, header: str = header, raw: str = raw) -> None:
            checks.append(_Check(f"({condition}){no_error}", header, raw, reason))

        if col.required:
            add(blank, Message("required value is empty; fill it in"))
        if col.type == "date" and not native:
            add(short_year(raw), Message("a two-digit year is ambiguous; write the year in full (e.g. 2024-07-22)"))
        if not native and (col.type != "string" or (table, col.name) in VALUE_MAPS):
            reason = _TYPE_REASONS.get(col.type)
            if reason is None:
                allowed = sorted(set(VALUE_MAPS[(table, col.name)].values()))
                words = list(VALUE_MAPS[(table, col.name)])
                reason = Message(
                    "not one of: %(allowed)s (or: %(words)s)",
                    {"allowed": ", ".join(allowed), "words": ", ".join(w for w in words if w not in allowed)},
                )
            extra = f" AND NOT {short_year(raw)}" if col.type == "date" else ""
            add(f"NOT ({blank}) AND {value} IS NULL{extra}", reason)
        if col.type == "date":
            add(
                f"{value} NOT BETWEEN DATE '{lo.isoformat()}' AND DATE '{hi.isoformat()}'",
                Message("date outside %(lo)s–%(hi)s; check the year", {"lo": lo.year, "hi": hi.year}),
            )
        if (table, col.name) in RANGES:
            low, high = RANGES[(table, col.name)]
            add(f"{value} NOT BETWEEN {low} AND {high}", Message("out of range %(lo)s–%(hi)s", {"lo": low, "hi": high}))
        if as_of is not None and col.name in EVENT_DATES.get(table, ()):
            add(
                f"{value} > DATE '{as_of.isoformat()}'",
                Message("date after the as-of date %(as_of)s", {"as_of": as_of.isoformat()}),
            )
    return checks


def _collect(con: duckdb.DuckDBPyConnection, result: Checked, view: str, check: _Check, kept: str, count: int) -> None:
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
