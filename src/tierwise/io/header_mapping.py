"""A loaded file's headers mapped to the canonical columns of its table, and the problems of the mapping: two
columns for one canonical column (named by their spreadsheet letters), a required column missing."""

from __future__ import annotations

from tierwise.errors import Problem
from tierwise.i18n import Message
from tierwise.io.columns import TABLES
from tierwise.io.headers import HeaderMap, Recognised, accepted_names, recognise
from tierwise.io.sources import Loaded


def column_letter(index: int) -> str:
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
            where = {"a": column_letter(columns.index(first)), "b": column_letter(position)}
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


def missing_column_problem(file: str, table: str, name: str, loaded: Loaded | None) -> Problem:
    """The problem of a required column the file lacks: the names its header may have, and the headers found
    where the header search ended without every table column."""
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
