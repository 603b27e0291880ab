"""Commands: report — the HTML or Excel report of a data set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

import typer

from tierwise.cli.application import app, console, pick_language, policy_ref, service_context
from tierwise.reports import check_report_path, write_report
from tierwise.services.report import DEFAULT_POLICIES, build_report_data
from tierwise.services.sources import open_source

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
    lang: Annotated[Literal["en", "zh"] | None, typer.Option("--lang", help="Report language.")] = None,
    engine: Annotated[Literal["duckdb", "spark"] | None, typer.Option("--engine", help="Analytics engine.")] = None,
) -> None:
    """Write the report of a data set: 80/20 curve, classes, key accounts, value and risk, as HTML or Excel.

    Example: tierwise report demo --lang zh --out report.html
    """
    check_report_path(out)
    policies = [policy_ref(p) for p in policy] if policy is not None else list(DEFAULT_POLICIES)
    ctx = service_context(engine)
    lang = pick_language(lang)
    with console.status("reading the data set and computing the report…"):
        report = build_report_data(
            ctx,
            open_source(data),
            policies=policies,
            as_of=as_of.date() if as_of else None,
            compare=compare.date() if compare else None,
            lang=lang,
            dataset_name=Path(data).name if data != "demo" else "demo",
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
