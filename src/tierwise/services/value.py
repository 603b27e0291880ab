"""Use case: fit a customer-value model on a data set and predict every customer's value.

A purchase model (BG/NBD, Pareto/NBD or MBG/NBD) and Gamma-Gamma spend are fitted on the
one-row-per-customer summary as of a date; with a calibration end, a second fit up to that date is
tested on what follows (holdout by frequency and cohort tracking). Purchases are counted one per day
and times are in weeks unless the caller picks another period and unit (:mod:`tierwise.value.timescale`):
the literature's convention, so the CDNOW data give the published fit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ibis
import pandas as pd

from tierwise.analytics.engine import Engine
from tierwise.analytics.summary import summary
from tierwise.errors import ModelError, UsageError
from tierwise.i18n import Message
from tierwise.io.dataset import Dataset
from tierwise.io.source import DataSource
from tierwise.services.context import ServiceContext
from tierwise.services.sources import open_dataset
from tierwise.value.clv import MODELS, ValueFit, fit_value, fit_warnings_of, purchase_model
from tierwise.value.timescale import TimeScale
from tierwise.value.validation import HoldoutReport, Tracking, holdout_report, tracking

#: what the fit is doing, for a progress display: step → parameters (``engine``, ``as_of``, ``customers``…)
Progress = Callable[[str, dict[str, Any]], None]
VALUE_MODELS = tuple(MODELS)


@dataclass(frozen=True)
class Holdout:
    """The calibration fit up to ``calibration_end`` and how it predicted the holdout period."""

    calibration_end: dt.date
    model: Any
    report: HoldoutReport
    tracking: Tracking

    @property
    def warnings(self) -> list[Message]:
        """What makes the calibration fit doubtful (empty when nothing does), each naming that fit."""
        return [
            Message("calibration fit to %(date)s: %(problem)s", {"date": self.calibration_end, "problem": w})
            for w in fit_warnings_of(self.model)
        ]


@dataclass(frozen=True)
class ValueResult:
    """A fitted value model: the fit (purchase and spend models, predictions) as of a date."""

    model: str
    as_of: dt.date
    engine: str
    scale: TimeScale
    horizon_days: float
    discount_rate: float
    fit: ValueFit
    holdout: Holdout | None

    @property
    def predictions(self) -> pd.DataFrame:
        """One row per customer: frequency, recency, T, P(alive), expected purchases, CLV."""
        return self.fit.predictions

    @property
    def warnings(self) -> list[Message]:
        """Everything that makes the result doubtful, the fit's then the holdout's, for the user to read."""
        return self.fit.warnings + (self.holdout.warnings if self.holdout else [])


def check_value_options(model: str, period: str = "D", unit: str = "weeks") -> TimeScale:
    """The time scale of ``period`` and ``unit``; a usage error unless they and ``model`` are known."""
    if model not in MODELS:
        raise UsageError(
            Message(
                "unknown model %(model)s: choose one of %(models)s", {"model": repr(model), "models": ", ".join(MODELS)}
            )
        )
    return TimeScale(period, unit)


def fit_customer_value(
    ctx: ServiceContext,
    data: DataSource | Dataset,
    *,
    model: str = "bgnbd",
    horizon_days: float = 365,
    discount_rate: float = 0.01,
    calibration_end: dt.date | None = None,
    as_of: dt.date | None = None,
    period: str = "D",
    unit: str = "weeks",
    progress: Progress | None = None,
) -> ValueResult:
    """Fit ``model`` and Gamma-Gamma on the transactions up to ``as_of`` (default: the last one).

    Purchases are counted one per ``period`` (``D``, ``W``, ``M``), times are in ``unit`` (``days``,
    ``weeks``, ``months``). An as-of date or calibration end before the first transaction, or a
    calibration end not before the as-of date, is a :class:`ModelError`: there would be nothing to fit or
    no holdout to test on. ``progress(step, params)`` hears each step: ``reading``, ``engine``,
    ``summary``, ``fitting``, ``holdout``.
    """
    scale = check_value_options(model, period, unit)
    say = progress or (lambda step, params: None)
    say("reading", {})
    dataset = open_dataset(data, ctx.settings, needs=("transactions",), command="tierwise value", notes=ctx.notes)
    say("engine", {"engine": ctx.engine})
    eng = Engine.for_dataset(dataset, ctx.engine, ctx.settings)
    tx = eng.tables(dataset)["transactions"]
    first, last = (_as_date(v) for v in eng.execute(tx.aggregate(first=tx.date.min(), last=tx.date.max())).iloc[0])
    day = as_of or last
    _check_dates(first, day, calibration_end)
    tx = tx.filter(tx.date <= ibis.date(day))
    say("summary", {"as_of": day})
    multiplier = scale.freq_multiplier
    frame = eng.execute(summary(tx, observation_end=day, freq=scale.period, freq_multiplier=multiplier))
    say("fitting", {"model": model, "customers": len(frame)})
    fitted = fit_value(
        frame, model=model, horizon_days=horizon_days, discount_rate=discount_rate, unit_days=scale.unit_days
    )
    holdout = None
    if calibration_end is not None:
        say("holdout", {"date": calibration_end})
        cal_frame = eng.execute(summary(tx, calibration_end, day, freq=scale.period, freq_multiplier=multiplier))
        cal_model = purchase_model(model).fit(cal_frame)
        holdout = Holdout(
            calibration_end,
            cal_model,
            holdout_report(cal_model, cal_frame),
            tracking(cal_model, tx, calibration_end, day, freq=scale.period, unit_days=scale.unit_days),
        )
    return ValueResult(model, day, ctx.engine, scale, horizon_days, discount_rate, fitted, holdout)


def _as_date(value: Any) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _check_dates(first: dt.date | None, as_of: dt.date | None, calibration_end: dt.date | None) -> None:
    """A model error when the dates leave nothing to fit or no holdout to test on."""
    if first is None or as_of is None:
        raise ModelError(Message("the data set has no transactions: nothing to fit"))
    if as_of < first:
        raise ModelError(
            Message(
                "the as-of date %(as_of)s precedes the first transaction (%(first)s): nothing to fit",
                {"as_of": as_of, "first": first},
            )
        )
    if calibration_end is None:
        return
    if calibration_end < first:
        raise ModelError(
            Message(
                "the calibration end %(calibration_end)s precedes the first transaction (%(first)s): nothing to fit",
                {"calibration_end": calibration_end, "first": first},
            )
        )
    if calibration_end >= as_of:
        raise ModelError(
            Message(
                "the holdout ends on %(as_of)s, not after the calibration end %(calibration_end)s: there is no "
                "holdout period to test on",
                {"as_of": as_of, "calibration_end": calibration_end},
            )
        )
