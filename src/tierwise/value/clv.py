"""Customer lifetime value: per-customer P(alive), expected purchases and discounted expected value.

:func:`customer_value` is the entry point the classification and the reports use: it pulls the
one-row-per-customer summary once, fits a purchase model and the Gamma-Gamma spend model, and predicts
for every customer in vectorised numpy.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from tierwise.analytics.summary import summary
from tierwise.errors import ModelError, ModelWarning, UsageError
from tierwise.i18n import Message
from tierwise.value.bgnbd import BetaGeoFitter
from tierwise.value.discounting import discounted_value
from tierwise.value.gammagamma import GammaGammaFitter
from tierwise.value.mbgnbd import ModifiedBetaGeoFitter
from tierwise.value.paretonbd import ParetoNBDFitter
from tierwise.value.timescale import TimeScale

log = logging.getLogger(__name__)

MODELS = {"bgnbd": BetaGeoFitter, "mbgnbd": ModifiedBetaGeoFitter, "pareto": ParetoNBDFitter}
VALUE_COLUMNS = (
    "customer_id",
    "frequency",
    "recency",
    "T",
    "monetary_value",
    "p_alive",
    "expected_purchases_12m",
    "clv_12m",
)


def purchase_model(name: str, penalizer_coef: float = 0.0) -> Any:
    """A new, unfitted purchase model by name: ``bgnbd``, ``mbgnbd`` or ``pareto``."""
    try:
        return MODELS[name](penalizer_coef=penalizer_coef)
    except KeyError:
        raise UsageError(
            Message(
                "unknown model %(name)s; choose one of %(models)s", {"name": repr(name), "models": ", ".join(MODELS)}
            )
        ) from None


@dataclass
class ValueFit:
    """The fitted models and the per-customer predictions of :func:`fit_value`.

    ``warnings`` lists, for the user, everything that makes the result doubtful: a fit that did not
    converge, ended on a bound or has undefined standard errors, and customers whose spend could not be
    used (each also issued as a :class:`~tierwise.errors.ModelWarning` when it arose).
    """

    purchases: Any
    spend: GammaGammaFitter | None
    mean_spend: float
    predictions: pd.DataFrame
    warnings: list[Message] = field(default_factory=list)


def fit_warnings_of(model: Any) -> list[Message]:
    """A fitted model's warnings, each prefixed with the model's name."""
    name = type(model).__name__
    return [Message("%(name)s: %(problem)s", {"name": name, "problem": w}) for w in model.fit_info_.warnings]


def _spend_problem(x: np.ndarray, m: np.ndarray, usable: np.ndarray) -> Message | None:
    """What happened to repeat buyers whose spend is zero, negative or missing, or None if there are none."""
    unusable = (x > 0) & ~usable
    if not unusable.any():
        return None
    missing = int((unusable & ~np.isfinite(m)).sum())
    zero = int((unusable & (m == 0)).sum())
    return Message(
        "%(n)s repeat buyer(s) have no usable spend (%(zero)s zero, %(negative)s negative, %(missing)s missing): "
        "they are left out of the spend fit and valued at the mean spend per purchase",
        {"n": int(unusable.sum()), "zero": zero, "negative": int(unusable.sum()) - zero - missing, "missing": missing},
    )


def _warn(message: Message, found: list[Message]) -> None:
    found.append(message)
    warnings.warn(ModelWarning(message), stacklevel=3)


def fit_value(
    frame: pd.DataFrame,
    *,
    model: str = "bgnbd",
    horizon_days: float = 365.0,
    discount_rate: float = 0.01,
    unit_days: float = 7.0,
    penalizer_coef: float = 0.0,
) -> ValueFit:
    """Fit a purchase model and Gamma-Gamma to a summary frame and predict every customer's value.

    ``unit_days`` is the length in days of the summary's time unit (7 when recency and T are in weeks).
    Spend per purchase is Gamma-Gamma's conditional expectation; for customers without a repeat
    purchase that is the population mean spend p·v/(q-1). Gamma-Gamma is fitted on repeat buyers with
    a positive spend; repeat buyers whose spend is zero, negative or missing are left out of it, valued
    at the population mean spend, and counted in a warning. If Gamma-Gamma cannot be fitted (fewer than
    2 usable buyers, or q ≤ 1 so the mean does not exist), every customer gets the plain mean of the
    usable spend and a warning says so.
    """
    purchases = purchase_model(model, penalizer_coef).fit(frame)
    found = fit_warnings_of(purchases)
    x = frame["frequency"].to_numpy(float)
    m = frame["monetary_value"].to_numpy(float) if "monetary_value" in frame else np.full(len(x), np.nan)
    with np.errstate(invalid="ignore"):
        usable = (x > 0) & np.isfinite(m) & (m > 0)
    problem = _spend_problem(x, m, usable)
    if problem is not None:
        _warn(problem, found)
    spend_model: GammaGammaFitter | None = None
    try:
        spend_model = GammaGammaFitter(penalizer_coef).fit(x[usable], m[usable])
        found += fit_warnings_of(spend_model)
        mean_spend = spend_model.population_mean_spend()
        spend = spend_model.conditional_expected_average_profit(np.where(usable, x, 0.0), np.where(usable, m, 0.0))
    except ModelError as exc:
        mean_spend = float(m[usable].mean()) if usable.any() else 0.0
        _warn(
            Message(
                "spend model not used (%(reason)s); every customer gets the mean spend %(mean)s",
                {"reason": exc.text, "mean": f"{mean_spend:.2f}"},
            ),
            found,
        )
        spend_model, spend = None, np.full(len(x), mean_spend)
    t_x, big_t = frame["recency"].to_numpy(float), frame["T"].to_numpy(float)
    out = frame[[c for c in ("customer_id", "frequency", "recency", "T", "monetary_value") if c in frame]].copy()
    out["p_alive"] = purchases.conditional_probability_alive(x, t_x, big_t)
    out["expected_purchases_12m"] = purchases.conditional_expected_number_of_purchases_up_to_time(
        horizon_days / unit_days, x, t_x, big_t
    )
    out["clv_12m"] = discounted_value(
        purchases, spend, x, t_x, big_t, horizon_days=horizon_days, discount_rate=discount_rate, unit_days=unit_days
    )
    return ValueFit(purchases, spend_model, mean_spend, out.reset_index(drop=True), found)


def customer_value(
    transactions: ir.Table,
    as_of: dt.date | None = None,
    *,
    model: Literal["bgnbd", "mbgnbd", "pareto"] = "bgnbd",
    horizon_days: float = 365.0,
    discount_rate: float = 0.01,
    period: str = "D",
    unit: str = "weeks",
) -> pd.DataFrame:
    """Per-customer value as of ``as_of`` (default: the last transaction date), one row per customer:
    ``customer_id, frequency, recency, T, monetary_value, p_alive, expected_purchases_12m, clv_12m``.

    Only transactions on or before ``as_of`` are read. ``p_alive`` is P(still a customer at ``as_of``);
    ``expected_purchases_12m`` and ``clv_12m`` cover the next ``horizon_days`` (the indicator names keep
    "12m", the horizon decides what they cover), ``clv_12m`` discounted monthly at ``discount_rate``.
    Purchases are counted one per ``period`` (default one per day, as the literature does) and
    ``frequency, recency, T`` are in ``unit`` (default weeks): see :mod:`tierwise.value.timescale`.
    Customers with a single purchase get the population mean spend (see :func:`fit_value`).
    """
    scale = TimeScale(period, unit)
    if as_of is not None:
        transactions = transactions.filter(transactions.date <= ibis.date(as_of))
    frame = summary(
        transactions, observation_end=as_of, freq=scale.period, freq_multiplier=scale.freq_multiplier
    ).to_pandas()
    if frame.empty:
        raise ModelError(Message("no transactions on or before the as-of date: nothing to fit"))
    fitted = fit_value(
        frame, model=model, horizon_days=horizon_days, discount_rate=discount_rate, unit_days=scale.unit_days
    )
    log.info("value model %s fitted: %s", model, fitted.purchases)
    return fitted.predictions[list(VALUE_COLUMNS)]
