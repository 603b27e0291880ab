"""Commands: indicators — the indicator table (one row per customer) of a data set, as of a date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import typer
from rich.table import Table

from tierwise.cli.application import LangOption, _, app, check_out, console, formats, language, service_context
from tierwise.i18n import Formats
from tierwise.services.indicators import indicator_headers, indicator_table, indicator_unit
from tierwise.services.output import write_result
from tierwise.services.sources import open_source

headers = indicator_headers
# the columns shown on screen (those present); --out writes them all
PREVIEW = (
    "customer_id",
    "name",
    "sales_rank",
    "sales_12m",
    "sales_share",
    "gross_margin",
    "orders",
    "recency_days",
    "overdue_amount",
)


def _cell(value: object, unit: str, f: Formats) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "·"
    if unit == "ratio":
        return f.percent(value)
    if isinstance(value, float):
        return f.number(value, 0 if abs(value) >= 100 else 2)
    if isinstance(value, int):
        return f.number(value)
    return str(value)


def preview(result: pa.Table, names: dict[str, str], rows: int, title: str) -> Table:
    """The first ``rows`` rows of the :data:`PREVIEW` columns of ``result`` as a Rich table."""
    grid = Table(title=title, title_justify="left")
    result = result.select([c for c in PREVIEW if c in result.column_names])
    for column in result.column_names:
        numeric = pa.types.is_integer(result.schema.field(column).type) or pa.types.is_floating(
            result.schema.field(column).type
        )
        grid.add_column(names[column], justify="right" if numeric else "left", overflow="fold")
    f = formats()
    for record in result.slice(0, rows).to_pylist():
        grid.add_row(*[_cell(record[c], indicator_unit(c), f) for c in result.column_names])
    return grid


@app.command()
def indicators(
    data: Annotated[str, typer.Argument(help="A data set folder, one table file, or 'demo'.")],
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(
            "--as-of", formats=["%Y-%m-%d"], help="As-of date, YYYY-MM-DD (default: the latest transaction date)."
        ),
    ] = None,
    engine: Annotated[str | None, typer.Option("--engine", help="Analytics engine: duckdb or spark.")] = None,
    months: Annotated[int, typer.Option("--months", help="Length of the trailing window in months.")] = 12,
    out: Annotated[Path | None, typer.Option("--out", help="Write the table to FILE.csv, .parquet or .xlsx.")] = None,
    lang: LangOption = None,
    rows: Annotated[int, typer.Option("--rows", help="Rows to show when not writing a file.")] = 20,
) -> None:
    """Compute the indicator table: one row per customer with sales, profit, orders, recency, receivables,
    traits and engagement, as of a date. Prints the top rows, or writes every row with --out."""
    ctx = service_context(engine)
    lang = language()
    check_out(out)
    with console.status(_("computing indicators on %(engine)s…", engine=ctx.engine)) as status:
        computed = indicator_table(ctx, open_source(data), as_of=as_of.date() if as_of else None, months=months)
        result, day, engine = computed.table, computed.as_of, computed.engine
        if out is not None:
            status.update(_("writing %(path)s…", path=out))
            write_result(result, out, lang=lang, headers=headers(result.column_names, lang))
    summary = _(
        "%(customers)s customers × %(indicators)s indicators as of %(as_of)s (%(engine)s)",
        customers=formats().number(result.num_rows),
        indicators=result.num_columns - 1,
        as_of=str(day),
        engine=engine,
    )
    if out is not None:
        console.print(f"{summary} → {out}")
        return
    console.print(preview(result, headers(result.column_names, lang), rows, summary))
    if result.num_rows > rows or result.num_columns > len(PREVIEW):
        console.print(
            _(
                "%(rows)s rows and the main columns shown; write every row and column with --out FILE.csv",
                rows=formats().number(min(rows, result.num_rows)),
            )
        )
