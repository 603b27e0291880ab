"""Commands: value — fit a purchase model and Gamma-Gamma, show the fit, write per-customer value."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pyarrow as pa
import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from tierwise.cli.application import (
    LangOption,
    _,
    app,
    check_out,
    console,
    formats,
    print_warning,
    service_context,
)
from tierwise.cli.reading import MapOption, data_source
from tierwise.errors import TierwiseWarning, UsageError
from tierwise.i18n import N_, Message
from tierwise.services.output import write_result
from tierwise.services.value import VALUE_MODELS, fit_customer_value

#: the purchase periods and time units, as the title names them
PERIOD_NAMES = {"D": N_("day"), "W": N_("week"), "M": N_("month")}
PERIODS = tuple(PERIOD_NAMES)
UNIT_NAMES = {"days": N_("days"), "weeks": N_("weeks"), "months": N_("months")}

#: what the progress line says at each step of the fit
STEPS = {
    "reading": N_("reading the data set…"),
    "engine": N_("starting the %(engine)s engine…"),
    "summary": N_("summarising customers as of %(as_of)s…"),
    "fitting": N_("fitting %(model)s and Gamma-Gamma on %(customers)s customers…"),
    "holdout": N_("holdout validation: calibration to %(date)s…"),
}


def _parameter_table(title: str, model: Any) -> Table:
    grid = Table(title=title, title_justify="left")
    grid.add_column(_("parameter"))
    for column in (_("estimate"), _("std. error")):
        grid.add_column(column, justify="right")
    f = formats()
    for name, value in model.params_.items():
        grid.add_row(name, f.number(value, 4), f.number(model.stderr_[name], 4))
    return grid


def _fit_line(model: Any) -> str:
    info = model.fit_info_
    f = formats()
    state = _("converged") if info.converged else "[red]" + _("not converged") + f"[/] ({info.message})"
    return _(
        "log-likelihood %(loglik)s · %(state)s in %(iterations)s iterations · "
        "%(customers)s customers (%(unique)s distinct rows) · %(starts)s starts",
        loglik=f.number(model.loglik_, 2),
        state=state,
        iterations=info.iterations,
        customers=f.number(info.n_rows),
        unique=f.number(info.n_unique),
        starts=len(info.starts),
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
    period: Annotated[
        str,
        typer.Option("--period", help="Purchase period: D, W or M; purchases in one period count as one."),
    ] = "D",
    unit: Annotated[
        str, typer.Option("--unit", help="Time unit of recency, T and the parameters: days, weeks or months.")
    ] = "weeks",
    engine: Annotated[str | None, typer.Option("--engine", help="Analytics engine: duckdb or spark.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write per-customer predictions to FILE.csv, .parquet or .xlsx.")
    ] = None,
    charts: Annotated[
        Path | None, typer.Option("--charts", help="With --calibration-end: write the holdout charts (PNG) here.")
    ] = None,
    rows: Annotated[int, typer.Option("--rows", help="Customers to show when not writing a file.")] = 10,
    header_map: MapOption = None,
    lang: LangOption = None,
) -> None:
    """Fit a customer-value model (BG/NBD, Pareto/NBD or MBG/NBD with Gamma-Gamma spend): parameters with
    standard errors, fit quality, holdout validation with --calibration-end, and per-customer P(alive),
    expected purchases and discounted value over the horizon. By default purchases are counted one per
    day and times are in weeks, as in the literature (the CDNOW data give the published fit)."""
    if model not in VALUE_MODELS:
        raise UsageError(
            Message(
                "unknown model %(model)s: choose one of %(models)s",
                {"model": repr(model), "models": ", ".join(VALUE_MODELS)},
            )
        )
    if period not in PERIODS:
        raise UsageError(Message("unknown --period %(period)s: choose D, W or M", {"period": repr(period)}))
    if unit not in UNIT_NAMES:
        raise UsageError(Message("unknown --unit %(unit)s: choose days, weeks or months", {"unit": repr(unit)}))
    check_out(out)
    ctx = service_context(engine)
    f = formats()

    def step(name: str, params: dict) -> None:
        shown = {k: f.number(v) if k == "customers" else str(v) for k, v in params.items()}
        progress.update(task, description=_(STEPS[name], **shown))

    columns = [TextColumn("{task.description}"), SpinnerColumn(), TimeElapsedColumn()]
    # the doubtful points of the fit come back in the result and are printed below, in the user's language
    with Progress(*columns, console=console, transient=True) as progress, warnings.catch_warnings():
        warnings.simplefilter("ignore", TierwiseWarning)
        first = STEPS["reading"]
        task = progress.add_task(_(first), total=None)
        result = fit_customer_value(
            ctx,
            data_source(data, header_map),
            model=model,
            horizon_days=horizon,
            discount_rate=discount,
            calibration_end=calibration_end.date() if calibration_end else None,
            as_of=as_of.date() if as_of else None,
            period=period,
            unit=unit,
            progress=step,
        )
        fitted, day, predictions, holdout = result.fit, result.as_of, result.predictions, result.holdout
        if out is not None:
            progress.update(task, description=_("writing %(path)s…", path=out))
            write_result(pa.Table.from_pandas(predictions, preserve_index=False), out)

    title = _(
        "%(model)s as of %(as_of)s (time in %(unit)s, purchases counted per %(period)s)",
        model=model,
        as_of=str(day),
        unit=_(UNIT_NAMES[unit]),
        period=_(PERIOD_NAMES[period]),
    )
    console.print(_parameter_table(title, fitted.purchases))
    console.print(_fit_line(fitted.purchases))
    if fitted.spend is not None:
        console.print(_parameter_table(_("Gamma-Gamma spend (repeat buyers)"), fitted.spend))
        correlation = f.number(fitted.spend.frequency_monetary_correlation_, 2)
        console.print(_fit_line(fitted.spend) + _(" · frequency–spend correlation %(r)s", r=correlation))
    console.print(
        _(
            "mean spend per purchase %(spend)s · horizon %(horizon)s days · monthly discount %(discount)s",
            spend=f.money(fitted.mean_spend),
            horizon=f"{horizon:g}",
            discount=f.percent(discount, 2),
        )
    )
    if holdout is not None:
        _print_holdout(holdout.calibration_end, holdout.model, holdout.report, holdout.tracking)
    for problem in result.warnings:
        print_warning(problem)
    if out is not None:
        console.print(_("%(customers)s customers → %(path)s", customers=f.number(len(predictions)), path=out))
    else:
        top = predictions.sort_values("clv_12m", ascending=False).head(rows)
        grid = Table(title=_("top %(n)s customers by expected value", n=len(top)), title_justify="left")
        grid.add_column(_("customer"))
        for column in (_("frequency"), _("P(alive)"), _("expected purchases"), _("expected value")):
            grid.add_column(column, justify="right")
        for r in top.itertuples(index=False):
            grid.add_row(
                str(r.customer_id),
                f.number(r.frequency),
                f.percent(r.p_alive),
                f.number(r.expected_purchases_12m, 2),
                f.money(r.clv_12m),
            )
        console.print(grid)
    if charts is not None and holdout is not None:
        report, curve = holdout.report, holdout.tracking
        paths = [report.plot(charts / "holdout_by_frequency.png"), curve.plot(charts / "tracking.png")]
        console.print(_("charts → %(paths)s", paths=", ".join(str(p) for p in paths)))


def _print_holdout(cal: dt.date, model: Any, report: Any, curve: Any) -> None:
    f = formats()
    console.print(_parameter_table(_("calibration fit to %(date)s", date=str(cal)), model))
    console.print(_fit_line(model))
    grid = Table(title=_("holdout repeat purchases per customer, by calibration frequency"), title_justify="left")
    for column in (_("frequency"), _("customers"), _("actual"), _("predicted")):
        grid.add_column(column, justify="right")
    for label, n, a, p in zip(report.labels, report.customers, report.actual, report.predicted, strict=True):
        grid.add_row(label, f.number(n), f.number(a, 3), f.number(p, 3))
    console.print(grid)
    console.print(
        _(
            "holdout total: actual %(actual)s, predicted %(predicted)s (%(error)s); "
            "customer-level correlation %(correlation)s; mean absolute error %(mae)s",
            actual=f.number(report.actual_total),
            predicted=f.number(report.predicted_total, 1),
            error=f"{report.error:+.1%}",
            correlation=f.number(report.correlation, 3),
            mae=f.number(report.mean_absolute_error, 3),
        )
    )
    console.print(
        _(
            "cohort tracking: holdout %(actual)s actual vs %(predicted)s forecast (%(error)s); "
            "cumulative at the end %(cum_actual)s vs %(cum_predicted)s (%(cum_error)s)",
            actual=f.number(curve.holdout_actual),
            predicted=f.number(curve.holdout_predicted, 1),
            error=f"{curve.holdout_error:+.1%}",
            cum_actual=f.number(curve.actual[-1]),
            cum_predicted=f.number(curve.predicted[-1], 1),
            cum_error=f"{curve.cumulative_error:+.1%}",
        )
    )
    if not np.isfinite(report.correlation):
        console.print("[yellow]" + _("no variation in the holdout: the correlation is undefined") + "[/]")
