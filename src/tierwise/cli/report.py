"""Commands: report — the HTML or Excel report of a data set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

import typer

from tierwise.cli.application import app, console
from tierwise.cli.reading import MapOption, open_for_command
from tierwise.config import Settings
from tierwise.reports import check_report_path, write_report
from tierwise.services.report import DEFAULT_POLICIES, build_report_data

DateOption = dt.datetime | None


@app.command("report")
def report_command(
    data: Annotated[str, typer.Argument(help="A data set folder, one table file, or 'demo'.")],
    out: Annotated[Path, typer.Option("--out", help="report.html (one self-contained page) or report.xlsx.")],
    policy: Annotated[
        list[str] | None,
        typer.Option("--policy", help="A policy to show (repeat for several): a shipped name or a YAML file."),
    ] = None,
    as_of: Annotated[
        DateOption,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="As-of date, YYYY-MM-DD (default: the last transaction)."),
    ] = None,
    compare: Annotated[
        DateOption,
        typer.Option("--compare", formats=["%Y-%m-%d"], help="An earlier as-of date: show class moves since then."),
    ] = None,
    lang: Annotated[Literal["en", "zh"], typer.Option("--lang", help="Report language.")] = "en",
    engine: Annotated[Literal["duckdb", "spark"], typer.Option("--engine", help="Analytics engine.")] = "duckdb",
    header_map: MapOption = None,
) -> None:
    """Write the report of a data set: 80/20 curve, classes, key accounts, value and risk, as HTML or Excel.

    Example: tierwise report demo --lang zh --out report.html
    """
    check_report_path(out)
    policies = policy if policy is not None else list(DEFAULT_POLICIES)
    settings = Settings(engine=engine, lang=lang)
    with console.status("reading the data set…"):
        dataset = open_for_command(data, settings, header_map, needs=("transactions",), command="tierwise report")
    with console.status("computing the report…"):
        report = build_report_data(
            dataset,
            policies=policies,
            as_of=as_of.date() if as_of else None,
            compare=compare.date() if compare else None,
            engine=engine,
            lang=lang,
            dataset_name=Path(data).name if data != "demo" else "demo",
            settings=settings,
        )
    with console.status(f"writing {out.name}…"):
        path = write_report(report, out)
    shown = [
        s
        for s in ("summary", "pareto", "rfm", "key_accounts", "prospects", "clv", "at_risk", "migration")
        if report.present(s)
    ]
    console.print(
        f"[green]wrote[/] {path} · as of {report.as_of.isoformat()} · "
        f"{len(report.classes)} polic{'y' if len(report.classes) == 1 else 'ies'} · "
        f"sections: {', '.join(shown) or '—'}"
    )
    for section, reasons in report.missing.items():
        for reason in reasons:
            console.print(f"  [dim]{section}: {reason.msgid % reason.params}[/]", highlight=False)
