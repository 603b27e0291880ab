"""Commands: report — the HTML or Excel report of a data set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

import typer

from tierwise.cli.application import (
    LangOption,
    _,
    app,
    console,
    language,
    policy_ref,
    print_warning,
    service_context,
)
from tierwise.cli.reading import MapOption, data_source
from tierwise.i18n import translate
from tierwise.reports import check_report_path, write_report
from tierwise.reports.sections import TITLES as SECTION_TITLES
from tierwise.services.report import DEFAULT_POLICIES, build_report_data
from tierwise.services.report_analyses import promotion_windows

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
    lang: LangOption = None,
    engine: Annotated[Literal["duckdb", "spark"] | None, typer.Option("--engine", help="Analytics engine.")] = None,
    header_map: MapOption = None,
    model: Annotated[
        Literal["bgnbd", "pareto", "mbgnbd"], typer.Option("--model", help="Customer-value model.")
    ] = "bgnbd",
    horizon: Annotated[int, typer.Option("--horizon", min=1, help="Customer-value horizon in days.")] = 365,
    promotions: Annotated[
        Path | None,
        typer.Option("--promotions", help="A YAML list of promotion windows (name, start, end) to measure."),
    ] = None,
) -> None:
    """Write the report of a data set: 80/20 curve, classes, key accounts, value and risk, as HTML or Excel.

    Example: tierwise report demo --lang zh --out report.html
    """
    check_report_path(out)
    lang = language()
    policies = [policy_ref(p) for p in policy] if policy is not None else list(DEFAULT_POLICIES)
    ctx = service_context(engine)
    with console.status(_("computing the report…")):
        report = build_report_data(
            ctx,
            data_source(data, header_map),
            policies=policies,
            as_of=as_of.date() if as_of else None,
            compare=compare.date() if compare else None,
            lang=lang,
            dataset_name=Path(data).name if data != "demo" else "demo",
            value_model=model,
            horizon_days=horizon,
            promotions=promotion_windows(promotions) if promotions else (),
        )
    with console.status(_("writing %(path)s…", path=out.name)):
        path = write_report(report, out)
    shown = [
        s
        for s in ("summary", "pareto", "rfm", "key_accounts", "prospects", "clv", "at_risk", "migration")
        if report.present(s)
    ]
    console.print(
        "[green]"
        + _("wrote")
        + "[/] "
        + _(
            "%(path)s · as of %(as_of)s · %(policies)s policy(ies) · sections: %(sections)s",
            path=path,
            as_of=str(report.as_of),
            policies=len(report.classes),
            sections=_(", ").join(_(SECTION_TITLES[s]) for s in shown) or "—",
        )
    )
    for doubt in report.clv.warnings if report.clv else []:
        print_warning(doubt)
    for section, reasons in report.missing.items():
        for reason in reasons:
            title = _(SECTION_TITLES[section])
            console.print("  [dim]" + title + _(": ") + translate(reason, lang) + "[/]", highlight=False)
