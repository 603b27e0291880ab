"""Commands: value — fit a purchase model and Gamma-Gamma, show the fit, write per-customer value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pyarrow as pa
import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from tierwise.cli.application import app, check_out, console, service_context
from tierwise.errors import UsageError
from tierwise.services.output import write_result
from tierwise.services.sources import open_source
from tierwise.services.value import FREQUENCIES, VALUE_MODELS, fit_customer_value

STEPS = {
    "reading": "reading the data set…",
    "engine": "starting the {engine} engine…",
    "summary": "summarising customers as of {as_of}…",
    "fitting": "fitting {model} and Gamma-Gamma on {customers:,} customers…",
    "holdout": "holdout validation: calibration to {calibration_end}…",
}


def _parameter_table(title: str, model: Any) -> Table:
    grid = Table(title=title, title_justify="left")
    for column in ("parameter", "estimate", "std. error"):
        grid.add_column(column, justify="right" if column != "parameter" else "left")
    for name, value in model.params_.items():
        grid.add_row(name, f"{value:.4f}", f"{model.stderr_[name]:.4f}")
    return grid


def _fit_line(model: Any) -> str:
    info = model.fit_info_
    state = "converged" if info.converged else f"[red]not converged[/] ({info.message})"
    return (
        f"log-likelihood {model.loglik_:,.2f} · {state} in {info.iterations} iterations · "
        f"{info.n_rows:,} customers ({info.n_unique:,} distinct rows) · {len(info.starts)} starts"
    )


@app.command()
def value(
    data: Annotated[str, typer.Argument(help="A data set folder, one table file, or 'demo'.")],
    model: Annotated[str, typer.Option("--model", help="Purchase model: bgnbd, pareto or mbgnbd.")] = "bgnbd",
    horizon: Annotated[float, typer.Option("--horizon", help="Forecast horizon in days.")] = 365,
    discount: Annotated[float, typer.Option("--discount", help="Monthly discount rate, e.g. 0.01.")] = 0.01,
    calibration_end: Annotated[
        dt.datetime | None,
        typer.Option(
            "--calibration-end", formats=["%Y-%m-%d"], help="Also fit up to this date and test on what follows."
        ),
    ] = None,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(
            "--as-of", formats=["%Y-%m-%d"], help="As-of date, YYYY-MM-DD (default: the latest transaction date)."
        ),
    ] = None,
    freq: Annotated[str, typer.Option("--freq", help="Time unit and purchase period: D, W or M.")] = "W",
    engine: Annotated[str | None, typer.Option("--engine", help="Analytics engine: duckdb or spark.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write per-customer predictions to FILE.csv, .parquet or .xlsx.")
    ] = None,
    charts: Annotated[
        Path | None, typer.Option("--charts", help="With --calibration-end: write the holdout charts (PNG) here.")
    ] = None,
    rows: Annotated[int, typer.Option("--rows", help="Customers to show when not writing a file.")] = 10,
) -> None:
    """Fit a customer-value model (BG/NBD, Pareto/NBD or MBG/NBD with Gamma-Gamma spend): parameters with
    standard errors, fit quality, holdout validation with --calibration-end, and per-customer P(alive),
    expected purchases and discounted value over the horizon."""
    if model not in VALUE_MODELS:
        raise UsageError(f"unknown model {model!r}: choose one of {', '.join(VALUE_MODELS)}")
    if freq not in FREQUENCIES:
        raise UsageError(f"unknown --freq {freq!r}: choose D, W or M")
    check_out(out)
    ctx = service_context(engine)
    unit = {"D": "days", "W": "weeks", "M": "months"}[freq]
    columns = [TextColumn("{task.description}"), SpinnerColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(STEPS["reading"], total=None)
        result = fit_customer_value(
            ctx,
            open_source(data),
            model=model,
            horizon_days=horizon,
            discount_rate=discount,
            calibration_end=calibration_end.date() if calibration_end else None,
            as_of=as_of.date() if as_of else None,
            freq=freq,
            progress=lambda step, params: progress.update(task, description=STEPS[step].format(**params)),
        )
        fitted, day, predictions = result.fit, result.as_of, result.predictions
        holdout = result.holdout
        if out is not None:
            progress.update(task, description=f"writing {out}…")
            write_result(pa.Table.from_pandas(predictions, preserve_index=False), out)

    console.print(_parameter_table(f"{model} as of {day} (time in {unit})", fitted.purchases))
    console.print(_fit_line(fitted.purchases))
    if fitted.spend is not None:
        console.print(_parameter_table("Gamma-Gamma spend (repeat buyers)", fitted.spend))
        console.print(
            _fit_line(fitted.spend) + " · frequency–spend correlation "
            f"{fitted.spend.frequency_monetary_correlation_:.2f}"
        )
    console.print(
        f"mean spend per purchase {fitted.mean_spend:,.2f} · horizon {horizon:g} days · monthly discount {discount:.2%}"
    )
    if holdout is not None:
        _print_holdout(holdout.calibration_end, holdout.model, holdout.report, holdout.tracking)
    if out is not None:
        console.print(f"{len(predictions):,} customers → {out}")
    else:
        top = predictions.sort_values("clv_12m", ascending=False).head(rows)
        grid = Table(title=f"top {len(top)} customers by expected value", title_justify="left")
        for column in ("customer_id", "frequency", "p_alive", "expected_purchases_12m", "clv_12m"):
            grid.add_column(column, justify="left" if column == "customer_id" else "right")
        for r in top.itertuples(index=False):
            grid.add_row(
                str(r.customer_id),
                f"{r.frequency:,}",
                f"{r.p_alive:.1%}",
                f"{r.expected_purchases_12m:,.2f}",
                f"{r.clv_12m:,.2f}",
            )
        console.print(grid)
    if charts is not None and holdout is not None:
        report, curve = holdout.report, holdout.tracking
        paths = [report.plot(charts / "holdout_by_frequency.png"), curve.plot(charts / "tracking.png")]
        console.print("charts → " + ", ".join(str(p) for p in paths))


def _print_holdout(cal: dt.date, model: Any, report: Any, curve: Any) -> None:
    console.print(_parameter_table(f"calibration fit to {cal}", model))
    console.print(_fit_line(model))
    grid = Table(title="holdout repeat purchases per customer, by calibration frequency", title_justify="left")
    for column in ("frequency", "customers", "actual", "predicted"):
        grid.add_column(column, justify="right")
    for label, n, a, p in zip(report.labels, report.customers, report.actual, report.predicted, strict=True):
        grid.add_row(label, f"{n:,}", f"{a:.3f}", f"{p:.3f}")
    console.print(grid)
    console.print(
        f"holdout total: actual {report.actual_total:,.0f}, predicted {report.predicted_total:,.1f} "
        f"({report.error:+.1%}); customer-level correlation {report.correlation:.3f}; "
        f"mean absolute error {report.mean_absolute_error:.3f}"
    )
    console.print(
        f"cohort tracking: holdout {curve.holdout_actual:,.0f} actual vs {curve.holdout_predicted:,.1f} forecast "
        f"({curve.holdout_error:+.1%}); cumulative at the end {curve.actual[-1]:,.0f} vs "
        f"{curve.predicted[-1]:,.1f} ({curve.cumulative_error:+.1%})"
    )
    if not np.isfinite(report.correlation):
        console.print("[yellow]no variation in the holdout: the correlation is undefined[/]")
