"""SQL expressions that turn the text users type into typed values, run inside DuckDB.

Each builder takes a quoted SQL expression holding the raw text (VARCHAR) and returns an expression that is
the typed value, or NULL when the text cannot be read (the validator then names the cell). Everything runs
as one vectorised query; no Python code touches a row.
"""

from __future__ import annotations

from tierwise.io.columns import FALSE_WORDS, TRUE_WORDS, ColumnType

# full-width digits and punctuation, the Unicode minus and the spaces that exports put inside numbers
# (no-break, thin, narrow no-break, ideographic), each as a person reads it
FULL_WIDTH = "０１２３４５６７８９，．－＋／：　\u2212\u00a0\u2007\u2009\u202f"
HALF_WIDTH = "0123456789,.-+/: -    "
SHORT_DATE = "[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{1,2}"  # 24-7-22: which part is the year is a guess

DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d",
    "%Y年%m月%d日",
    "%Y.%m.%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
)
EXCEL_EPOCH = "DATE '1899-12-30'"


def quote_ident(name: str) -> str:
    """A SQL identifier in double quotes, safe for any header text."""
    return '"' + str(name).replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


SPACES = " \t\r\n\u3000\u00a0"  # what a blank cell may hold


def is_blank(raw: str) -> str:
    """Whether the text is NULL or only spaces (including the full-width and no-break spaces).

    Only a text that starts with a space is trimmed (``ord`` of the first character is cheap, trimming
    every value is not).
    """
    # list_contains, not IN: DuckDB makes an IN list a join over every row
    starts = ", ".join(str(ord(c)) for c in SPACES)
    return (
        f"CASE WHEN {raw} IS NULL OR {raw} = '' THEN TRUE WHEN list_contains([{starts}], ord({raw})) "
        f"THEN trim({raw}, '{SPACES}') = '' ELSE FALSE END"
    )


def short_year(raw: str) -> str:
    """Whether the text is a date with a two-digit year (``24-7-22``), which no reader can take for sure."""
    return f"regexp_full_match(trim({raw}), '{SHORT_DATE}')"


def clean_text(raw: str) -> str:
    """Trimmed text with full-width digits and punctuation made half-width; blank becomes NULL."""
    # translate() is slow on multi-byte text: only run it where a full-width character is present
    widened = (
        f"CASE WHEN regexp_matches({raw}, '[{FULL_WIDTH}]') "
        f"THEN translate({raw}, '{FULL_WIDTH}', '{HALF_WIDTH}') ELSE {raw} END"
    )
    return f"nullif(trim({widened}), '')"


def _let(value: str, name: str, body: str) -> str:
    """``body`` with ``name`` bound to ``value``, evaluated once (a DuckDB lambda over a one-item list).

    DuckDB repeats a repeated subexpression instead of sharing it; binding it once makes the slow
    parsing paths an order of magnitude faster.
    """
    return f"list_transform([{value}], {name} -> {body})[1]"


def number_expr(raw: str) -> str:
    """A DOUBLE from text such as ``1,234.50``, ``¥1,234``, ``￥1,234``, ``1234元``, ``(1,234)``, ``1.234,5``.

    A comma is a thousands separator, except in the European form (``1.234,50``, ``12,5``) where it is
    the decimal mark.
    """
    text = f"regexp_replace({clean_text(raw)}, '\\s|¥|￥|\\$|元|RMB|CNY', '', 'g')"
    european = "'\\(?-?[0-9]{1,3}(\\.[0-9]{3})+(,[0-9]+)?\\)?|\\(?-?[0-9]+,[0-9]{1,2}\\)?'"
    plain = (
        f"CASE WHEN regexp_full_match(s, {european}) THEN replace(replace(s, '.', ''), ',', '.') "
        "ELSE replace(s, ',', '') END"
    )
    signed = "CASE WHEN starts_with(p, '(') AND ends_with(p, ')') THEN '-' || trim(p, '()') ELSE p END"
    number = f"try_cast({signed} AS DOUBLE)"
    slow = _let(_let(text, "s", plain), "p", f"CASE WHEN isfinite({number}) THEN {number} END")
    # plain numbers take the fast path: CASE evaluates the slow branch only for the rows that reach it
    fast = f"try_cast({raw} AS DOUBLE)"
    return f"CASE WHEN isfinite({fast}) THEN {fast} WHEN {fast} IS NOT NULL THEN NULL ELSE {slow} END"


def integer_expr(raw: str) -> str:
    """A BIGINT from text holding a whole number (``5``, ``5.0``, ``１０``); ``4.5`` is not one."""
    num = number_expr(raw)
    return f"CASE WHEN {num} = round({num}) THEN CAST({num} AS BIGINT) END"


def date_expr(raw: str) -> str:
    """A DATE from ``2024-01-31``, ``2024/1/31``, ``20240131``, ``2024年1月31日``, datetimes, Excel serials."""
    formats = "[" + ", ".join(quote_literal(f) for f in DATE_FORMATS) + "]"
    serial = (
        "CASE WHEN regexp_full_match(t, '[0-9]{4,5}(\\.[0-9]+)?') "
        "AND try_cast(t AS DOUBLE) BETWEEN 367 AND 109574 "  # 1901-01-01 .. 2199-12-31
        f"THEN CAST({EXCEL_EPOCH} + CAST(floor(try_cast(t AS DOUBLE)) AS INTEGER) AS DATE) END"
    )
    slow = _let(clean_text(raw), "t", f"coalesce(CAST(try_strptime(t, {formats}) AS DATE), {serial})")
    fast = f"try_cast({raw} AS DATE)"
    return f"CASE WHEN {short_year(raw)} THEN NULL WHEN {fast} IS NOT NULL THEN {fast} ELSE {slow} END"


def bool_expr(raw: str) -> str:
    """A BOOLEAN from yes/no words in English or Chinese (是/否, 已开始/未开始, true/false, 1/0)."""
    text = f"lower({clean_text(raw)})"
    trues = ", ".join(quote_literal(w) for w in TRUE_WORDS)
    falses = ", ".join(quote_literal(w) for w in FALSE_WORDS if w)
    return f"CASE WHEN {text} IN ({trues}) THEN TRUE WHEN {text} IN ({falses}) THEN FALSE END"


def string_expr(raw: str, value_map: dict[str, str] | None = None) -> str:
    """Trimmed text (blank → NULL); with a vocabulary, the canonical code for a known spelling, else NULL."""
    text = f"nullif(trim(CAST({raw} AS VARCHAR)), '')"
    if not value_map:
        return text
    cases = " ".join(f"WHEN {quote_literal(k.lower())} THEN {quote_literal(v)}" for k, v in value_map.items())
    return f"CASE lower({text}) {cases} END"


def typed_expr(col_type: ColumnType, raw: str, value_map: dict[str, str] | None = None) -> str:
    """The parsing expression for a canonical column type."""
    if col_type == "string":
        return string_expr(raw, value_map)
    builder = {"float": number_expr, "int": integer_expr, "date": date_expr, "bool": bool_expr}[col_type]
    return builder(f"CAST({raw} AS VARCHAR)")


SQL_TYPES = {"string": "VARCHAR", "float": "DOUBLE", "int": "BIGINT", "date": "DATE", "bool": "BOOLEAN"}
