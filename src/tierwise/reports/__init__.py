"""HTML and Excel reports rendered from a plain-data :class:`~tierwise.report_model.ReportData`."""

from __future__ import annotations

from pathlib import Path

from tierwise.errors import UsageError
from tierwise.i18n import Message
from tierwise.report_model import ReportData

FORMATS = (".html", ".xlsx")


def check_report_path(path: str | Path) -> Path:
    """``path`` if it names a report file (``.html`` / ``.htm`` or ``.xlsx``), else a usage error."""
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm", ".xlsx"):
        raise UsageError(
            Message("cannot write a report to %(path)s: the file must end in .html or .xlsx", {"path": repr(path.name)})
        )
    return path


def write_report(report: ReportData, path: str | Path) -> Path:
    """Write ``report`` as HTML or Excel, chosen by the file suffix (``.html`` / ``.htm`` or ``.xlsx``)."""
    path = check_report_path(path)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        from tierwise.reports.html import write_html

        return write_html(report, path)
    from tierwise.reports.excel import write_excel

    return write_excel(report, path)


__all__ = ["FORMATS", "ReportData", "check_report_path", "write_report"]
