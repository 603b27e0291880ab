"""Commands on a data set as a whole: ``tierwise check``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tierwise.cli.application import LangOption, _, app, console, formats, language, service_context
from tierwise.errors import DataValidationError
from tierwise.i18n import translate
from tierwise.services.checking import check_data
from tierwise.services.sources import open_source

DataArg = Annotated[str, typer.Argument(help="A data set folder, one table file, or 'demo'.")]
AsOfOption = Annotated[
    dt.datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="As-of date, YYYY-MM-DD.")
]


@app.command()
def check(
    data: DataArg,
    as_of: AsOfOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    lang: LangOption = None,
) -> None:
    """Validate a data set: rows, customers, date range and unknown columns per table, or every bad row."""
    as_of_date = as_of.date() if as_of else None
    try:
        described = check_data(service_context(), open_source(data), refuse_after=as_of_date)
    except DataValidationError as exc:
        if not as_json:
            raise
        typer.echo(
            json.dumps(
                {
                    "valid": False,
                    "problem_count": exc.total,
                    "problems": [
                        {**p.__dict__, "reason": translate(p.reason, language()), "reason_en": p.reason.english()}
                        for p in exc.problems[: exc.shown]
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        raise typer.Exit(1) from exc
    tables = [
        t.__dict__
        | {
            "first_date": t.first_date.isoformat() if t.first_date else None,
            "last_date": t.last_date.isoformat() if t.last_date else None,
        }
        for t in described
    ]
    if as_json:
        typer.echo(json.dumps({"valid": True, "tables": tables}, ensure_ascii=False, indent=2))
        return
    grid = Table(title=_("%(data)s: valid", data=Path(data).name), title_justify="left")
    for header, right in (
        (_("table"), False),
        (_("file"), False),
        (_("rows"), True),
        (_("customers"), True),
        (_("date range"), False),
        (_("unknown columns"), False),
    ):
        grid.add_column(header, justify="right" if right else "left")
    f = formats()
    for t in tables:
        span = f"{t['first_date']} … {t['last_date']}" if t["first_date"] else "—"
        grid.add_row(
            t["table"],
            Path(str(t["file"])).name,
            f.number(t["rows"]),
            f.number(t["customers"]),
            span,
            ", ".join(t["unknown_columns"]) or "—",
        )
    console.print(grid)
