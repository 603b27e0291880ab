"""Commands: indicators — the indicator table (one row per customer) of a data set, as of a date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import typer
from rich.table import Table

from tierwise.analytics.engine import ENGINES, Engine
from tierwise.analytics.indicators import compute_indicators, resolve_as_of
from tierwise.analytics.registry import INDICATORS
from tierwise.cli.application import LangOption, _, app, console, formats, language
from tierwise.cli.reading import MapOption, open_for_command
from tierwise.config import Settings
from tierwise.errors import UsageError
from tierwise.i18n import Formats, Message
from tierwise.io.columns import TABLES
from tierwise.io.writers import write_table

OUT_SUFFIXES = (".csv", ".parquet", ".xlsx")
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


def headers(columns: list[str], lang: str) -> dict[str, str]:
    """Column name → header in ``lang``: the registry's labels (``zh``) or the names themselves (``en``)."""
    if lang != "zh":
        return {c: c for c in columns}
    zh = {c: INDICATORS[c].label("zh") for c in columns if c in INDICATORS}
    return {c: zh.get(c, TABLES["customers"].column("customer_id").zh if c == "customer_id" else c) for c in columns}


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
        grid.add_row(
            *[_cell(record[c], INDICATORS[c].unit if c in INDICATORS else "label", f) for c in result.column_names]
        )
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
    engine: Annotated[str, typer.Option("--engine", help="Analytics engine: duckdb or spark.")] = "duckdb",
    months: Annotated[int, typer.Option("--months", help="Length of the trailing window in months.")] = 12,
    out: Annotated[Path | None, typer.Option("--out", help="Write the table to FILE.csv, .parquet or .xlsx.")] = None,
    lang: LangOption = None,
    rows: Annotated[int, typer.Option("--rows", help="Rows to show when not writing a file.")] = 20,
    header_map: MapOption = None,
) -> None:
    """Compute the indicator table: one row per customer with sales, profit, orders, recency, receivables,
    traits and engagement, as of a date. Prints the top rows, or writes every row with --out."""
    if engine not in ENGINES:
        raise UsageError(
            Message(
                "unknown engine %(engine)s: choose one of %(engines)s",
                {"engine": repr(engine), "engines": ", ".join(ENGINES)},
            )
        )
    lang = language()
    if out is not None and out.suffix.lower() not in OUT_SUFFIXES:
        raise UsageError(
            Message(
                "--out %(out)s: the file must end in %(out_suffixes)s",
                {"out": out, "out_suffixes": ", ".join(OUT_SUFFIXES)},
            )
        )
    settings = Settings(engine=engine, lang=lang)
    with console.status(_("reading the data set…")) as status:
        dataset = open_for_command(data, settings, header_map, needs=("transactions",), command="tierwise indicators")
        status.update(_("starting the %(engine)s engine…", engine=engine))
        eng = Engine.for_dataset(dataset, engine, settings)
        tables = eng.tables(dataset)
        day = resolve_as_of(tables, as_of.date() if as_of else None)
        status.update(_("computing indicators as of %(as_of)s on %(engine)s…", as_of=str(day), engine=engine))
        table = compute_indicators(tables, day, months=months)
        table = table.order_by("sales_rank" if "sales_rank" in table.columns else "customer_id")
        result = eng.to_pyarrow(table)
        if out is not None:
            status.update(_("writing %(path)s…", path=out))
            encoding = "gb18030" if lang == "zh" and out.suffix.lower() == ".csv" else "utf-8"
            write_table(result, out, headers=headers(result.column_names, lang), encoding=encoding)
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
