"""Commands: demo — generate the synthetic demo data set and write it as files."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tierwise.cli.application import LangOption, _, app, console, formats, language, service_context
from tierwise.services.demo import write_demo_data


class Format(str, Enum):
    """File formats the demo can be written in."""

    csv = "csv"
    parquet = "parquet"
    xlsx = "xlsx"


@app.command()
def demo(
    out: Path = typer.Option(Path("out/demo"), "--out", help="Folder to write the tables into."),
    customers: int = typer.Option(2000, "--customers", min=1, help="Number of customers."),
    seed: int = typer.Option(7, "--seed", help="Random seed: the same seed gives the same data."),
    format: Format = typer.Option(Format.csv, "--format", help="File format."),  # noqa: A002
    lang: LangOption = None,
    end: dt.datetime = typer.Option("2025-12-31", "--end", formats=["%Y-%m-%d"], help="Last day of the history."),
    years: int = typer.Option(3, "--years", min=1, help="Years of history."),
    transactions_per_customer: float = typer.Option(
        None, "--transactions-per-customer", min=0.01, help="Mean transactions per customer (default: about 19)."
    ),
) -> None:
    """Generate a realistic demo data set (customers, transactions, receivables, opportunities, visits,
    complaints, surveys) and write it to a folder."""
    lang = language()  # en: English names, UTF-8; zh: Chinese names, headers and messages, GBK CSV
    with Progress(
        TextColumn(_("generating customers")),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("demo", total=customers)
        written = write_demo_data(
            service_context(),
            out,
            customers=customers,
            seed=seed,
            end=end.date(),
            years=years,
            transactions_per_customer=transactions_per_customer,
            format=format.value,
            lang=lang,
            on_segment=lambda done, total: progress.update(task, completed=done),
        )
    summary = Table(title=_("demo data set in %(path)s", path=out))
    summary.add_column(_("table"))
    summary.add_column(_("file"))
    summary.add_column(_("rows"), justify="right")
    for name, (path, rows) in written.items():
        summary.add_row(name, path.name, formats().number(rows))
    console.print(summary)
