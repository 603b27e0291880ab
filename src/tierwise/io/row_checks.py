"""The conditions a row of a loaded file must not meet: per column (required, parsed, in range, not after
the as-of date), and which rows are blank or totals rows.

Each condition is SQL over the loaded rows and their parsed values (``__typed_<column>``); the validator
counts every condition in one pass. A condition that a Parquet file's statistics prove no row meets is
left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tierwise.config import Settings
from tierwise.i18n import N_, Message
from tierwise.io.columns import TABLES, VALUE_MAPS, Column
from tierwise.io.parquet_stats import ColumnStats
from tierwise.io.parsing import is_blank, quote_ident, quote_literal, short_year
from tierwise.io.workbooks import ERROR_COLUMN

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

NATIVE = {  # DuckDB types that need no parsing for a canonical type
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

FLOATING = ("DOUBLE", "FLOAT", "DECIMAL")  # a whole-number column read as one of these is checked for fractions

TYPE_REASONS = {
    "float": Message(N_("not a number (write e.g. 1234.50)")),
    "int": Message(N_("not a whole number (write e.g. 12)")),
    "date": Message(N_("not a date (write e.g. 2024-01-31)")),
    "bool": Message(N_("not yes/no (write e.g. yes, no, 是, 否)")),
}


@dataclass(frozen=True)
class RowCheck:
    """A condition a row must not meet: SQL over the loaded row, the header it is about, the SQL giving the
    value as written, and the reason shown for a row that meets it."""

    condition: str
    header: str
    raw: str
    reason: Message


def is_native(col: Column, duck_type: str | None) -> bool:
    """Whether a column the reader typed as ``duck_type`` needs no parsing for ``col``'s canonical type."""
    if not duck_type or col.type not in NATIVE:
        return False
    base = duck_type.split("(")[0]
    return base in NATIVE[col.type] or (col.type == "int" and base in FLOATING)


TOTALS_WORDS = ("合计", "总计", "小计", "共计", "总合计", "累计", "total", "totals", "grandtotal", "subtotal", "sum")

# the first character of a totals cell: a space or the first letter of a word; the exact test runs only there
_TOTALS_STARTS = ", ".join(
    str(ord(c)) for c in sorted({" ", "\u3000", *(w[0] for w in TOTALS_WORDS)} | {w[0].upper() for w in TOTALS_WORDS})
)


def skip_columns(types: dict[str, str], mapping: dict[str, str]) -> dict[str, str]:
    """SQL marking blank rows (every cell blank) and totals rows (合计, Total … in a leading or id column)."""
    columns = list(types)
    terms = [is_blank(quote_ident(c)) if types[c] == "VARCHAR" else f"{quote_ident(c)} IS NULL" for c in columns]
    # the other cells are looked at only where the first is blank (CASE evaluates a branch on its rows only)
    blank = f"CASE WHEN {terms[0]} THEN {' AND '.join(terms[1:]) or 'TRUE'} ELSE FALSE END" if terms else "FALSE"
    words = ", ".join(quote_literal(w) for w in TOTALS_WORDS)
    where = dict.fromkeys([*columns[:2], *(mapping[c] for c in ("customer_id", "name") if c in mapping)])
    totals = " OR ".join(  # list_contains, not IN: DuckDB makes a long IN list a join over every row
        f"CASE WHEN list_contains([{_TOTALS_STARTS}], ord({quote_ident(c)})) THEN list_contains([{words}], "
        f"lower(rtrim(replace(replace(trim({quote_ident(c)}), ' ', ''), '\u3000', ''), ':：'))) ELSE FALSE END"
        for c in where
        if types[c] == "VARCHAR"  # a typed cell holds no word
    )
    return {"__blank": f"({blank})", "__totals": f"coalesce({totals or 'FALSE'}, FALSE)"}


def row_checks(
    table: str,
    mapping: dict[str, str],
    types: dict[str, str],
    as_of: dt.date | None,
    settings: Settings,
    has_errors: bool,
    stats: dict[str, ColumnStats] | None = None,
) -> list[RowCheck]:
    """Every condition a row must not meet, per mapped column, with its reason.

    A condition that the file's own statistics (``stats``, Parquet) prove no row meets is left out.
    """
    stats = stats or {}
    spec = TABLES[table]
    checks: list[RowCheck] = []
    no_error = f" AND {ERROR_COLUMN} IS NULL" if has_errors else ""  # a row's error cell is its one problem
    if has_errors:
        checks.append(
            RowCheck(
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
        native = is_native(col, types.get(header))
        raw = f"CAST({ident} AS VARCHAR)"
        value = quote_ident(TYPED + col.name)
        blank = f"{ident} IS NULL" if native else is_blank(raw)

        known = stats.get(header)

        def add(condition: str, reason: Message, header: str = header, raw: str = raw, proven: bool = False) -> None:
            if not proven:
                checks.append(RowCheck(f"({condition}){no_error}", header, raw, reason))

        typed_date = types.get(header) == "DATE"
        if col.required:
            filled = known is not None and (known.no_nulls if native else known.no_blank_text)
            add(blank, Message("required value is empty; fill it in"), proven=filled)
        if col.type == "date" and not native:
            add(short_year(raw), Message("a two-digit year is ambiguous; write the year in full (e.g. 2024-07-22)"))
        if not native and (col.type != "string" or (table, col.name) in VALUE_MAPS):
            reason = TYPE_REASONS.get(col.type)
            if reason is None:
                allowed = sorted(set(VALUE_MAPS[(table, col.name)].values()))
                words = list(VALUE_MAPS[(table, col.name)])
                reason = Message(
                    "not one of: %(allowed)s (or: %(words)s)",
                    {"allowed": ", ".join(allowed), "words": ", ".join(w for w in words if w not in allowed)},
                )
            extra = f" AND NOT {short_year(raw)}" if col.type == "date" else ""
            add(f"NOT ({blank}) AND {value} IS NULL{extra}", reason)
        elif native and col.type in ("float", "int"):  # an infinity, or a fraction where a whole number goes
            whole = (types.get(header) or "").split("(")[0] in NATIVE["int"]  # an integer type holds neither
            add(f"{ident} IS NOT NULL AND {value} IS NULL", TYPE_REASONS[col.type], proven=whole)
        if col.type == "date":
            add(
                f"{value} NOT BETWEEN DATE '{lo.isoformat()}' AND DATE '{hi.isoformat()}'",
                Message("date outside %(lo)s–%(hi)s; check the year", {"lo": lo.year, "hi": hi.year}),
                proven=typed_date and known is not None and known.dates_within(lo.isoformat(), hi.isoformat()),
            )
        if (table, col.name) in RANGES:
            low, high = RANGES[(table, col.name)]
            add(f"{value} NOT BETWEEN {low} AND {high}", Message("out of range %(lo)s–%(hi)s", {"lo": low, "hi": high}))
        if as_of is not None and col.name in EVENT_DATES.get(table, ()):
            add(
                f"{value} > DATE '{as_of.isoformat()}'",
                Message("date after the as-of date %(as_of)s", {"as_of": as_of.isoformat()}),
                proven=typed_date and known is not None and known.dates_within("0001-01-01", as_of.isoformat()),
            )
    return checks
