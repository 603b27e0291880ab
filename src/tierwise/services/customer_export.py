"""Export of the filtered customer list to CSV or xlsx: the filters of :func:`list_customers`, the
customers the acting person sees (an account manager: their own), personal data masked, audited as
``customers.export`` with the filters and the number of rows.

A CSV file is UTF-8 with a byte-order mark, so Excel opens the Chinese names as they are. An export holds
at most :data:`MAX_EXPORT` rows; a larger list is refused with a request to narrow the filters.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from xlsxwriter.workbook import Workbook

from tierwise.errors import UsageError
from tierwise.i18n import N_, Message, gettext_for
from tierwise.services.access import require_action
from tierwise.services.archive_records import record_change
from tierwise.services.context import ServiceContext
from tierwise.services.customer_list import CustomerRow, list_customers
from tierwise.services.paging import MAX_PAGE

ExportFormat = Literal["csv", "xlsx"]
FORMATS: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_EXPORT = 100_000
TOO_MANY = N_("%(n)s customers match: an export holds at most %(most)s; narrow the filters")
UNKNOWN_FORMAT = N_("unknown export format %(format)s (formats: csv, xlsx)")

COLUMNS: tuple[tuple[str, str], ...] = (
    ("customer_id", N_("Customer id")),
    ("name", N_("Name")),
    ("label", N_("Class")),
    ("owner", N_("Account manager")),
    ("team", N_("Team")),
    ("region", N_("Region")),
    ("industry", N_("Industry")),
    ("kind", N_("Kind")),
    ("phone", N_("Phone")),
    ("email", N_("Email")),
    ("id_number", N_("ID number")),
)


@dataclass(frozen=True)
class ListFilters:
    """The filters of the customer list (each ``None``: any), its search and sort."""

    policy: str | None = None
    class_: str | None = None
    owner: str | None = None
    region: str | None = None
    industry: str | None = None
    kind: str | None = None
    q: str | None = None
    sort: str = "customer_id"
    descending: bool = False

    def given(self) -> dict[str, object]:
        """The filters set, as the audit entry records them."""
        return {k: v for k, v in self.__dict__.items() if v not in (None, False) and k != "sort"}


@dataclass(frozen=True)
class ExportFile:
    """An export ready to send: file name, media type, content and how many customers it holds."""

    filename: str
    media_type: str
    content: bytes
    rows: int


def _rows(ctx: ServiceContext, where: ListFilters) -> Iterator[CustomerRow]:
    offset = 0
    while True:
        page = list_customers(ctx, **where.__dict__, offset=offset, limit=MAX_PAGE)
        if offset == 0 and page.total > MAX_EXPORT:
            raise UsageError(Message(TOO_MANY, {"n": page.total, "most": MAX_EXPORT}))
        yield from page.rows
        offset += len(page.rows)
        if len(page.rows) < MAX_PAGE or offset >= page.total:
            return


def _table(rows: list[CustomerRow], lang: str) -> tuple[list[str], list[list[str]]]:
    _ = gettext_for(lang)
    header = [_(label) for _name, label in COLUMNS]
    body = [[getattr(r, name) or "" for name, _label in COLUMNS] for r in rows]
    return header, body


def _csv(header: list[str], body: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(body)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(header: list[str], body: list[list[str]], sheet: str) -> bytes:
    out = io.BytesIO()
    book = Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True, "bg_color": "#EEF2F7", "bottom": 1})
    ws.write_row(0, 0, header, bold)
    for i, row in enumerate(body, start=1):
        ws.write_row(i, 0, row)  # write_string: a cell that starts with "=" stays text, never a formula
    widths = [max([len(h) * 2, *(len(str(r[j])) for r in body[:200])]) + 2 for j, h in enumerate(header)]
    for j, width in enumerate(widths):
        ws.set_column(j, j, min(width, 40))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(body), 1), len(header) - 1)
    book.close()
    return out.getvalue()


def export_customers(ctx: ServiceContext, where: ListFilters, fmt: str, *, lang: str = "en") -> ExportFile:
    """The customers of the list ``where`` as a CSV or xlsx file (masked), audited as an export."""
    require_action(ctx, "customers.export")
    if fmt not in FORMATS:
        raise UsageError(Message(UNKNOWN_FORMAT, {"format": repr(fmt)}))
    rows = list(_rows(ctx, where))
    header, body = _table(rows, lang)
    _ = gettext_for(lang)
    content = _csv(header, body) if fmt == "csv" else _xlsx(header, body, _("Customers"))
    stamp = ctx.now().strftime("%Y%m%d-%H%M")
    with ctx.store() as session, session.begin():
        after = {"format": fmt, "rows": len(rows), "filters": where.given()}
        record_change(session, ctx, action="customers.export", target_type="customer_list", target_id=fmt, after=after)
    return ExportFile(f"customers-{stamp}.{fmt}", FORMATS[fmt], content, len(rows))
