"""Use case: generate the synthetic demo data set and write it as files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from tierwise.io.demo import write_demo
from tierwise.services.context import ServiceContext

DEMO_FORMATS = ("csv", "parquet", "xlsx")


def write_demo_data(
    ctx: ServiceContext,
    out: Path,
    *,
    customers: int = 2000,
    seed: int = 7,
    end: dt.date = dt.date(2025, 12, 31),
    years: int = 3,
    transactions_per_customer: float | None = None,
    format: str = "csv",  # noqa: A002
    lang: str | None = None,
    on_segment: Callable[[int, int], None] | None = None,
) -> dict[str, tuple[Path, int]]:
    """Write the demo data set to ``out`` (see :func:`tierwise.io.demo.write_demo`); per table, the file
    written and its rows. ``lang`` defaults to the settings' language."""
    return write_demo(
        out,
        customers=customers,
        seed=seed,
        end=end,
        years=years,
        transactions_per_customer=transactions_per_customer,
        format=format,
        lang=lang or ctx.settings.lang,
        on_segment=on_segment,
    )
