"""Calibration/holdout validation of a fitted purchase model, as in Fader, Hardie & Lee (2005).

- :func:`holdout_report`: predicted vs actual holdout repeat purchases by calibration frequency
  (0, 1, …, 7+), the total and its relative error, and the customer-level correlation.
- :func:`tracking`: cumulative repeat purchases period by period over calibration and holdout, actual vs
  the model's cohort forecast (each customer contributes E[X(t - first purchase)]).

Both return plain data (:meth:`chart_data`: lists the web UI can draw) and write PNG charts with
matplotlib's Agg canvas (no display, no global backend switch).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from tierwise.analytics.summary import period_start
from tierwise.errors import ModelError
from tierwise.extras import CHARTS, require
from tierwise.i18n import Message


@dataclass
class HoldoutReport:
    """Holdout fit: per calibration-frequency group and in total (counts are repeat purchases)."""

    labels: list[str]
    customers: list[int]
    actual: list[float]  # mean holdout purchases per customer of the group
    predicted: list[float]
    actual_total: float
    predicted_total: float
    error: float  # (predicted - actual) / actual
    correlation: float  # Pearson, customer level
    mean_absolute_error: float  # per customer

    def chart_data(self) -> dict[str, Any]:
        """The report as plain lists and numbers."""
        return asdict(self)

    def plot(self, path: str | Path, title: str = "Holdout purchases by calibration frequency") -> Path:
        """Write a grouped bar chart (actual vs predicted mean per group) as PNG."""
        fig, ax = _figure()
        pos = np.arange(len(self.labels))
        ax.bar(pos - 0.2, self.actual, width=0.4, label="actual", color="#4c72b0")
        ax.bar(pos + 0.2, self.predicted, width=0.4, label="predicted", color="#dd8452")
        ax.set_xticks(pos, self.labels)
        ax.set_xlabel("repeat purchases in the calibration period")
        ax.set_ylabel("mean repeat purchases in the holdout")
        ax.set_title(title)
        ax.legend()
        return _save(fig, path)


def holdout_report(model: Any, frame: pd.DataFrame, max_frequency: int = 7) -> HoldoutReport:
    """Compare ``model``'s conditional expectations with the holdout columns of a summary frame
    (``frequency, recency, T, frequency_holdout, duration_holdout``).
    """
    missing = [c for c in ("frequency", "recency", "T", "frequency_holdout", "duration_holdout") if c not in frame]
    if missing:
        raise ModelError(
            Message(
                "the holdout report needs a summary with a calibration end; missing %(missing)s",
                {"missing": ", ".join(missing)},
            )
        )
    if frame.empty:
        raise ModelError(
            Message("the holdout summary has no customers: no one bought on or before the calibration end")
        )
    x = frame["frequency"].to_numpy(float)
    actual = frame["frequency_holdout"].to_numpy(float)
    predicted = model.conditional_expected_number_of_purchases_up_to_time(
        frame["duration_holdout"].to_numpy(float), x, frame["recency"].to_numpy(float), frame["T"].to_numpy(float)
    )
    group = np.minimum(x, max_frequency).astype(int)
    counts = np.bincount(group, minlength=max_frequency + 1)
    with np.errstate(invalid="ignore"):
        mean_actual = np.bincount(group, actual, max_frequency + 1) / counts
        mean_predicted = np.bincount(group, predicted, max_frequency + 1) / counts
    labels = [str(i) for i in range(max_frequency)] + [f"{max_frequency}+"]
    total_a, total_p = float(actual.sum()), float(predicted.sum())
    corr = float(np.corrcoef(actual, predicted)[0, 1]) if np.ptp(actual) and np.ptp(predicted) else float("nan")
    return HoldoutReport(
        labels=labels,
        customers=counts.tolist(),
        actual=np.nan_to_num(mean_actual).tolist(),
        predicted=np.nan_to_num(mean_predicted).tolist(),
        actual_total=total_a,
        predicted_total=total_p,
        error=(total_p - total_a) / total_a if total_a else float("nan"),
        correlation=corr,
        mean_absolute_error=float(np.abs(predicted - actual).mean()),
    )


@dataclass
class Tracking:
    """Cumulative repeat purchases at the end of each tracking period (1, 2, …), actual vs forecast."""

    periods: list[int]
    actual: list[float]
    predicted: list[float]
    calibration_period: int  # the last period of the calibration
    period_days: int
    holdout_actual: float  # repeat purchases after the calibration end, up to the observation end
    holdout_predicted: float
    holdout_error: float
    cumulative_error: float  # at the observation end, calibration and holdout together (the papers' figure)

    def chart_data(self) -> dict[str, Any]:
        """The tracking curves as plain lists and numbers."""
        return asdict(self)

    def plot(self, path: str | Path, title: str = "Cumulative repeat purchases") -> Path:
        """Write the tracking plot as PNG, with a line at the end of the calibration."""
        fig, ax = _figure()
        ax.plot(self.periods, self.actual, label="actual", color="#4c72b0")
        ax.plot(self.periods, self.predicted, label="model", color="#dd8452", linestyle="--")
        ax.axvline(self.calibration_period, color="grey", linewidth=0.8)
        ax.set_xlabel(f"period ({self.period_days} days)")
        ax.set_ylabel("cumulative repeat purchases")
        ax.set_title(title)
        ax.legend()
        return _save(fig, path)


def tracking(
    model: Any,
    transactions: ir.Table,
    calibration_end: dt.date,
    observation_end: dt.date,
    *,
    freq: str = "D",
    unit_days: float = 7.0,
    period_days: int = 7,
    customer_id_col: str = "customer_id",
    datetime_col: str = "date",
) -> Tracking:
    """Cumulative repeat purchases, actual and forecast, from the first purchase date to ``observation_end``.

    The cohort is the customers whose first purchase is on or before ``calibration_end`` (the ones the
    model was fitted on). Purchases are counted as in the summary (one per ``freq`` period); ``unit_days``
    is the model's time unit in days (7 for the CDNOW weeks); the curve has one point per
    ``period_days``. The forecast at a point is the cohort's expectation at the *end* of its period:
    a customer who first bought on day d of the curve (day 0 the first purchase of all) has been a
    customer for ``k · period_days - d`` days at the end of period k, as BTYD and lifetimes measure it.
    The engine does the counting; only per-day counts come back.
    """
    if calibration_end >= observation_end:
        raise ModelError(
            Message(
                "calibration end %(calibration_end)s must be before observation end %(observation_end)s",
                {"calibration_end": calibration_end, "observation_end": observation_end},
            )
        )
    day = transactions[datetime_col]
    day = day.date() if day.type().is_timestamp() else day
    purchases = transactions.select(cid=transactions[customer_id_col], period=period_start(day, freq)).distinct()
    purchases = purchases.mutate(first=purchases.period.min().over(group_by=purchases.cid))
    purchases = purchases.filter(
        (purchases.first <= ibis.date(calibration_end)) & (purchases.period <= ibis.date(observation_end))
    )
    births = purchases.filter(purchases.period == purchases.first).group_by("first").agg(n=ibis._.count()).to_pandas()
    repeats = purchases.filter(purchases.period > purchases.first).group_by("period").agg(n=ibis._.count()).to_pandas()
    first_day = transactions.aggregate(first=day.min()).to_pandas()["first"].iloc[0]
    if first_day is not None and not pd.isna(first_day) and observation_end < pd.Timestamp(first_day).date():
        raise ModelError(
            Message(
                "the observation end %(observation_end)s precedes the first transaction (%(first)s): there is no "
                "holdout to compare with",
                {"observation_end": observation_end, "first": pd.Timestamp(first_day).date()},
            )
        )
    if births.empty:
        raise ModelError(
            Message(
                "no customer made a first purchase on or before %(calibration_end)s",
                {"calibration_end": calibration_end},
            )
        )
    start = pd.Timestamp(min(births["first"])).date()
    birth_day = (pd.to_datetime(births["first"]) - pd.Timestamp(start)).dt.days.to_numpy(float)
    birth_n = births["n"].to_numpy(float)
    repeat_day = (pd.to_datetime(repeats["period"]) - pd.Timestamp(start)).dt.days.to_numpy(float)
    repeat_n = repeats["n"].to_numpy(float)

    def cohort_forecast(days_since_start: np.ndarray) -> np.ndarray:
        """Σ over birth days of customers · E[X(elapsed)], for each elapsed-day count given."""
        elapsed = np.maximum(days_since_start[:, None] - birth_day[None, :], 0.0) / unit_days
        return model.expected_number_of_purchases_up_to_time(elapsed) @ birth_n

    end_day = (observation_end - start).days
    cal_day = (calibration_end - start).days
    n_periods = int(np.ceil((end_day + 1) / period_days))
    bounds = np.minimum(np.arange(1, n_periods + 1) * period_days, end_day + 1)  # exclusive day bounds
    order = np.argsort(repeat_day)
    cumulative = np.concatenate([[0.0], np.cumsum(repeat_n[order])])
    actual = cumulative[np.searchsorted(repeat_day[order], bounds, side="left")]
    predicted = cohort_forecast(bounds.astype(float))  # elapsed time to the end of each period
    hold_a = float(repeat_n[repeat_day > cal_day].sum())
    hold_p = float(np.diff(cohort_forecast(np.array([cal_day, end_day], dtype=float)))[0])
    return Tracking(
        periods=list(range(1, n_periods + 1)),
        actual=actual.astype(float).tolist(),
        predicted=predicted.tolist(),
        calibration_period=int(np.ceil((cal_day + 1) / period_days)),
        period_days=period_days,
        holdout_actual=hold_a,
        holdout_predicted=hold_p,
        holdout_error=(hold_p - hold_a) / hold_a if hold_a else float("nan"),
        cumulative_error=float((predicted[-1] - actual[-1]) / actual[-1]) if actual[-1] else float("nan"),
    )


def _figure() -> tuple[Any, Any]:
    figure = require("matplotlib.figure", extra="charts", feature=CHARTS)
    agg = require("matplotlib.backends.backend_agg", extra="charts", feature=CHARTS)
    fig = figure.Figure(figsize=(7, 4), dpi=100)
    agg.FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _save(fig: Any, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path
