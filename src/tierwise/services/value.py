"""Use case: fit a customer-value model on a data set and predict every customer's value.

A purchase model (BG/NBD, Pareto/NBD or MBG/NBD) and Gamma-Gamma spend are fitted on the
one-row-per-customer summary as of a date; with a calibration end, a second fit up to that date is
tested on what follows (holdout by frequency and cohort tracking).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ibis
import pandas as pd

from tierwise.analytics.engine import Engine
from tierwise.analytics.summary import PERIOD_DAYS, summary
from tierwise.errors import ModelError, UsageError
from tierwise.i18n import Message
from tierwise.io.dataset import Dataset
from tierwise.io.source import DataSource
from tierwise.services.context import ServiceContext
from tierwise.services.sources import open_dataset
from tierwise.value.clv import MODELS, ValueFit, fit_value, purchase_model
from tierwise.value.validation import HoldoutReport, Tracking, holdout_report, tracking

#: what the fit is doing, for a progress display: step → parameters (``engine``, ``as_of``, ``customers``…)
Progress = Callable[[str, dict[str, Any]], None]
VALUE_MODELS = tuple(MODELS)
FREQUENCIES = tuple(PERIOD_DAYS)


@dataclass(frozen=True)
class Holdout:
    """The calibration fit up to ``calibration_end`` and how it predicted the holdout period."""

    calibration_end: dt.date
    model: Any
    report: HoldoutReport
    tracking: Tracking


@dataclass(frozen=True)
class ValueResult:
    """A fitted value model: the fit (purchase and spend models, predictions) as of a date."""

    model: str
    as_of: dt.date
    engine: str
    freq: str
    horizon_days: float
    discount_rate: float
    fit: ValueFit
    holdout: Holdout | None

    @property
    def predictions(self) -> pd.DataFrame:
        """One row per customer: frequency, recency, T, P(alive), expected purchases, CLV."""
        return self.fit.predictions


def check_value_options(model: str, freq: str) -> None:
    """A usage error unless ``model`` and ``freq`` are ones the value models know."""
    if model not in MODELS:
        raise UsageError(
            Message(
                "unknown model %(model)s: choose one of %(models)s", {"model": repr(model), "models": ", ".join(MODELS)}
            )
        )
    if freq not in PERIOD_DAYS:
        raise UsageError(Message("unknown --freq %(freq)s: choose D, W or M", {"freq": repr(freq)}))


def fit_customer_value(
    ctx: ServiceContext,
    data: DataSource | Dataset,
    *,
    model: str = "bgnbd",
    horizon_days: float = 365,
    discount_rate: float = 0.01,
    calibration_end: dt.date | None = None,
    as_of: dt.date | None = None,
    freq: str = "W",
    progress: Progress | None = None,
) -> ValueResult:
    """Fit ``model`` and Gamma-Gamma on the transactions up to ``as_of`` (default: the last one).

    ``progress(step, params)`` hears each step: ``reading``, ``engine``, ``summary``, ``fitting``, ``holdout``.
    """
    check_value_options(model, freq)
    say = progress or (lambda step, params: None)
    say("reading", {})
    dataset = open_dataset(data, ctx.settings)
    if "transactions" not in dataset.tables:
        raise ModelError(Message("the data set has no transactions table: the value models need purchases"))
    say("engine", {"engine": ctx.engine})
    eng = Engine.for_dataset(dataset, ctx.engine, ctx.settings)
    tx = eng.tables(dataset)["transactions"]
    day = as_of or eng.execute(tx.date.max())
    day = day.date() if isinstance(day, dt.datetime) else day
    tx = tx.filter(tx.date <= ibis.date(day))
    say("summary", {"as_of": day})
    frame = eng.execute(summary(tx, observation_end=day, freq=freq))
    say("fitting", {"model": model, "customers": len(frame)})
    fitted = fit_value(
        frame, model=model, horizon_days=horizon_days, discount_rate=discount_rate, period_days=PERIOD_DAYS[freq]
    )
    holdout = None
    if calibration_end is not None:
        say("holdout", {"date": calibration_end})
        cal_frame = eng.execute(summary(tx, calibration_end, day, freq=freq))
        cal_model = purchase_model(model).fit(cal_frame)
        holdout = Holdout(
            calibration_end,
            cal_model,
            holdout_report(cal_model, cal_frame),
            tracking(cal_model, tx, calibration_end, day, freq=freq, unit_days=PERIOD_DAYS[freq]),
        )
    return ValueResult(model, day, ctx.engine, freq, horizon_days, discount_rate, fitted, holdout)
