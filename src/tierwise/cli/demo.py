"""Commands: demo — generate the synthetic demo data set and write it as files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tierwise.cli.app import app, console
from tierwise.errors import UsageError
from tierwise.io.demo import write_demo
from tierwise.io.writers import FORMATS


@app.command()
def demo(
    out: Path = typer.Option(Path("out/demo"), "--out", help="Folder to write the tables into."),
    customers: int = typer.Option(2000, "--customers", help="Number of customers."),
    seed: int = typer.Option(7, "--seed", help="Random seed: the same seed gives the same data."),
    format: str = typer.Option("csv", "--format", help="File format: csv, parquet or xlsx."),  # noqa: A002
    lang: str = typer.Option("en", "--lang", help="en: English names, UTF-8; zh: Chinese names and headers, GBK CSV."),
    end: dt.datetime = typer.Option("2025-12-31", "--end", formats=["%Y-%m-%d"], help="Last day of the history."),
    years: int = typer.Option(3, "--years", help="Years of history."),
    transactions_per_customer: float = typer.Option(
        None, "--transactions-per-customer", help="Mean transactions per customer (default: about 18)."),
) -> None:
    """Generate a realistic demo data set (customers, transactions, receivables, opportunities, visits,
    complaints, surveys) and write it to a folder."""
    if format not in FORMATS:
        raise UsageError(f"unknown format {format!r}: choose one of {', '.join(FORMATS)}")
    if lang not in ("en", "zh"):
        raise UsageError(f"unknown language {lang!r}: choose en or zh")
    with Progress(TextColumn("generating customers"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("demo", total=customers)
        written = write_demo(out, customers=customers, seed=seed, end=end.date(), years=years,
                             transactions_per_customer=transactions_per_customer, format=format, lang=lang,
                             on_segment=lambda done, total: progress.update(task, completed=done))
    summary = Table(title=f"demo data set in {out}")
    summary.add_column("table")
    summary.add_column("file")
    summary.add_column("rows", justify="right")
    for name, (path, rows) in written.items():
        summary.add_row(name, path.name, f"{rows:,}")
    console.print(summary)
