"""Recognising headers as exports write them: units in the header, a user's own names, the header row.

ERP and Excel exports put a title and blank rows above the header, split it over two merged rows, add a
unit (``金额(元)``, ``成本（万元）``) and use the ERP's own names. This module finds the row that holds the
header (the first of the first :data:`SCAN_ROWS` rows where the known names match best), which table a
file holds when its name does not say, and the canonical column of each header.

>>> recognise("transactions", "成本(万元)")
Recognised(column='cost', unit='万元', scale=10000)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tierwise.io.columns import TABLES, canonical_column, normalize_header

SCAN_ROWS = 30  # rows searched for the header
# money units a header may carry, and what they multiply the values by
UNITS = {
    "元": 1,
    "人民币元": 1,
    "rmb": 1,
    "cny": 1,
    "¥": 1,
    "￥": 1,
    "千元": 1_000,
    "万元": 10_000,
    "百万元": 1_000_000,
}
_UNIT = re.compile(r"^(?P<base>.*?)\s*[(（\[【]\s*(?P<unit>[^()（）\[\]【】]*?)\s*[)）\]】]\s*$")

# header → canonical column, per table, from a user's mapping file (``--map``); headers normalised
HeaderMap = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class Recognised:
    """What a header stands for: the canonical column, and the unit its values are in (with its factor)."""

    column: str
    unit: str | None = None
    scale: int = 1


def recognise(table: str, header: str, mapping: HeaderMap | None = None) -> Recognised | None:
    """The canonical column behind ``header`` in ``table``: the user's mapping first, then the aliases.

    A trailing unit in brackets is set aside (``金额(元)`` is ``amount``; ``数量(件)`` is ``quantity``); a
    money unit other than 元 scales the values (``万元``: × 10,000).
    """
    key = normalize_header(header)
    users = (mapping or {}).get(table, {})
    if key in users:
        return Recognised(users[key])
    name = canonical_column(table, header)
    if name is not None:
        return Recognised(name)
    found = _UNIT.match(str(header).strip())
    if not found or not found.group("base"):
        return None
    base = found.group("base")
    name = users.get(normalize_header(base)) or canonical_column(table, base)
    if name is None:
        return None
    unit = found.group("unit")
    scale = UNITS.get(unit.lower())
    return Recognised(name, unit if scale and scale != 1 else None, scale or 1)


def matched_columns(table: str, headers: Sequence[str], mapping: HeaderMap | None = None) -> set[str]:
    """The canonical columns of ``table`` that ``headers`` name."""
    return {r.column for h in headers if h and (r := recognise(table, h, mapping)) is not None}


@dataclass(frozen=True)
class HeaderRow:
    """Where a file's header is: the table it fits, the header texts and the rows they take.

    ``first`` is the 0-based index of the header's first row among the rows scanned; a two-row merged
    header takes ``rows == 2`` (a blank cell of the lower row takes the text of the cell above it).
    """

    table: str | None
    first: int
    rows: int
    headers: list[str]
    complete: bool  # every required column of ``table`` is named

    @property
    def data_start(self) -> int:
        """0-based index of the first data row."""
        return self.first + self.rows


def _merge(upper: Sequence[str], lower: Sequence[str]) -> list[str]:
    width = max(len(upper), len(lower))
    padded = [(upper[i] if i < len(upper) else "", lower[i] if i < len(lower) else "") for i in range(width)]
    return [lo if lo.strip() else up for up, lo in padded]


def _fit(table: str, headers: Sequence[str], mapping: HeaderMap | None) -> tuple[bool, int]:
    found = matched_columns(table, headers, mapping)
    return all(c in found for c in TABLES[table].required), len(found)


def find_header(rows: Sequence[Sequence[str]], tables: Sequence[str], mapping: HeaderMap | None = None) -> HeaderRow:
    """The header row of ``rows`` (the first rows of a file, as text) for one of ``tables``.

    The first row (or merged pair of rows) naming every required column of a table wins; among tables,
    the one whose names match most columns. Without such a row, the row that names most known columns
    (the first row when none does), marked incomplete so that the reader can say what is missing.
    """
    best: tuple[tuple[bool, int], HeaderRow] | None = None
    for i, row in enumerate(rows[:SCAN_ROWS]):
        cells = [str(c).strip() for c in row]
        candidates: list[tuple] = [(cells, 1)]
        if i + 1 < len(rows) and any(cells):  # a merged header: the lower row alone must not do as well
            lower = [str(c).strip() for c in rows[i + 1]]
            candidates.append((_merge(cells, lower), 2, lower))
        for headers, height, *alone in candidates:
            for table in tables:
                score = _fit(table, headers, mapping)
                if score[1] == 0 or (alone and score <= _fit(table, alone[0], mapping)):
                    continue
                if best is None or score > best[0]:
                    best = (score, HeaderRow(table, i, height, headers, score[0]))
        if best is not None and best[0][0]:
            return best[1]
    if best is None:
        first = [str(c).strip() for c in rows[0]] if rows else []
        return HeaderRow(tables[0] if len(tables) == 1 else None, 0, 1, first, False)
    return best[1]


def ambiguous_tables(headers: Sequence[str], mapping: HeaderMap | None = None) -> list[str]:
    """Every table whose required columns ``headers`` name and that matches as many columns as the best."""
    fits = {t: _fit(t, headers, mapping) for t in TABLES}
    complete = {t: n for t, (ok, n) in fits.items() if ok}
    if not complete:
        return []
    top = max(complete.values())
    return [t for t, n in complete.items() if n == top]


def accepted_names(table: str, column: str) -> list[str]:
    """Every header accepted for a column, canonical name first, then the Chinese name and the aliases."""
    col = TABLES[table].column(column)
    return list(dict.fromkeys((col.name, col.zh, *col.aliases)))
