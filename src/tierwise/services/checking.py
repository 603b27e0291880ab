"""Use case: validate a data set and describe what it holds (``tierwise check``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from tierwise.io.dataset import Dataset, describe
from tierwise.io.source import DataSource, FileSource
from tierwise.services.context import ServiceContext
from tierwise.services.sources import open_dataset


@dataclass(frozen=True)
class TableDescription:
    """One table of a valid data set: where it came from, rows, customers, date range, unknown columns."""

    table: str
    file: str
    rows: int
    customers: int
    date_column: str
    first_date: dt.date | None
    last_date: dt.date | None
    unknown_columns: list[str]


def check_data(
    ctx: ServiceContext, data: DataSource | Dataset, *, refuse_after: dt.date | None = None
) -> list[TableDescription]:
    """Validate ``data`` (an invalid data set raises :class:`~tierwise.errors.DataValidationError`
    listing every problem) and describe each table. ``refuse_after``: an event date after it is a
    problem (files only).
    """
    if refuse_after is not None and isinstance(data, FileSource):
        data = replace(data, refuse_after=refuse_after)
    dataset = open_dataset(data, ctx.settings)
    try:
        return [
            TableDescription(
                table=str(t["table"]),
                file=str(t["file"]),
                rows=int(t["rows"]),  # type: ignore[call-overload]
                customers=int(t["customers"]),  # type: ignore[call-overload]
                date_column=str(t["date_column"]),
                first_date=dt.date.fromisoformat(str(t["first_date"])) if t["first_date"] else None,
                last_date=dt.date.fromisoformat(str(t["last_date"])) if t["last_date"] else None,
                unknown_columns=list(t["unknown_columns"]),  # type: ignore[call-overload]
            )
            for t in describe(dataset)
        ]
    finally:
        if not isinstance(data, Dataset):
            dataset.con.close()
