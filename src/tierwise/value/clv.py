"""Customer lifetime value: per-customer P(alive), expected purchases and discounted expected value.

:func:`customer_value` is the entry point the classification and the reports use: it pulls the
one-row-per-customer summary once, fits a purchase model and the Gamma-Gamma spend model, and predicts
for every customer in vectorised numpy.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import warnings
from dataclasses import dataclass
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from tierwise.analytics.summary import PERIOD_DAYS, summary
from tierwise.errors import ModelError, UsageError
from tierwise.i18n import Message
from tierwise.value.bgnbd import BetaGeoFitter
from tierwise.value.gammagamma import GammaGammaFitter
from tierwise.value.mbgnbd import ModifiedBetaGeoFitter
from tierwise.value.paretonbd import ParetoNBDFitter

log = logging.getLogger(__name__)

MONTH_DAYS = 30.436875  # the mean Gregorian month: the discounting period
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


def discounted_value(
    model: Any,
    spend: Any,
    frequency: Any,
    recency: Any,
    T: Any,
    *,
    horizon_days: float = 365.0,
    discount_rate: float = 0.01,
    period_days: float = 7.0,
) -> np.ndarray:
    """Σ over months m of spend · (E[Y(m)] - E[Y(m-1)]) / (1 + discount_rate)^m (discounted cash flow).

    Months are 30.436875 days; a horizon that is not a whole number of months ends with a part month,
    discounted by its fractional exponent. ``period_days`` is the length of the summary's time unit
    (7 for weeks). Vectorised over customers and months at once.
    """
    if horizon_days <= 0:
        raise UsageError(
            Message("the horizon must be positive, not %(horizon_days)s days", {"horizon_days": horizon_days})
        )
    if discount_rate <= -1:
        raise UsageError(
            Message(
                "the monthly discount rate must be above -1, not %(discount_rate)s", {"discount_rate": discount_rate}
            )
        )
    months = max(1, math.ceil(horizon_days / MONTH_DAYS - 1e-9))
    ends_days = np.minimum(np.arange(1, months + 1) * MONTH_DAYS, horizon_days)
    scalar = np.ndim(frequency) == np.ndim(recency) == np.ndim(T) == np.ndim(spend) == 0
    x, t_x, big_t, spend = (
        np.atleast_1d(np.asarray(v, dtype=float)) for v in np.broadcast_arrays(frequency, recency, T, spend)
    )
    cumulative = model.conditional_expected_number_of_purchases_up_to_time(
        (ends_days / period_days)[:, None], x[None, :], t_x[None, :], big_t[None, :]
    )
    increments = np.diff(cumulative, axis=0, prepend=0.0)
    factors = (1.0 + discount_rate) ** (ends_days / MONTH_DAYS)
    value = spend * (increments / factors[:, None]).sum(axis=0)
    return value[0] if scalar else value


@dataclass
class ValueFit:
    """The fitted models and the per-customer predictions of :func:`fit_value`."""

    purchases: Any
    spend: GammaGammaFitter | None
    mean_spend: float
    predictions: pd.DataFrame


def fit_value(
    frame: pd.DataFrame,
    *,
    model: str = "bgnbd",
    horizon_days: float = 365.0,
    discount_rate: float = 0.01,
    period_days: float = 7.0,
    penalizer_coef: float = 0.0,
) -> ValueFit:
    """Fit a purchase model and Gamma-Gamma to a summary frame and predict every customer's value.

    Spend per purchase is Gamma-Gamma's conditional expectation; for customers without a repeat
    purchase that is the population mean spend p·v/(q-1). Gamma-Gamma is fitted on repeat buyers with
    a positive mean spend; if it cannot be (fewer than 2 such buyers, or q ≤ 1 so the mean does not
    exist), every customer gets the plain mean of the repeat buyers' spend and a warning says so.
    """
    purchases = purchase_model(model, penalizer_coef).fit(frame)
    x = frame["frequency"].to_numpy(float)
    m = frame["monetary_value"].to_numpy(float) if "monetary_value" in frame else np.zeros(len(x))
    usable = (x > 0) & (m > 0)
    spend_model: GammaGammaFitter | None = None
    try:
        spend_model = GammaGammaFitter(penalizer_coef).fit(x[usable], m[usable])
        mean_spend = spend_model.population_mean_spend()
        spend = spend_model.conditional_expected_average_profit(x, np.maximum(m, 0.0))
    except ModelError as exc:
        mean_spend = float(m[usable].mean()) if usable.any() else 0.0
        warnings.warn(
            f"spend model not used ({exc}); every customer gets the mean spend {mean_spend:.2f}",
            UserWarning,
            stacklevel=2,
        )
        spend_model, spend = None, np.full(len(x), mean_spend)
    t_x, big_t = frame["recency"].to_numpy(float), frame["T"].to_numpy(float)
    out = frame[[c for c in ("customer_id", "frequency", "recency", "T", "monetary_value") if c in frame]].copy()
    out["p_alive"] = purchases.conditional_probability_alive(x, t_x, big_t)
    out["expected_purchases_12m"] = purchases.conditional_expected_number_of_purchases_up_to_time(
        horizon_days / period_days, x, t_x, big_t
    )
    out["clv_12m"] = discounted_value(
        purchases, spend, x, t_x, big_t, horizon_days=horizon_days, discount_rate=discount_rate, period_days=period_days
    )
    return ValueFit(purchases, spend_model, mean_spend, out.reset_index(drop=True))


def customer_value(
    transactions: ir.Table,
    as_of: dt.date | None = None,
    *,
    model: Literal["bgnbd", "mbgnbd", "pareto"] = "bgnbd",
    horizon_days: float = 365.0,
    discount_rate: float = 0.01,
    freq: Literal["D", "W", "M"] = "W",
) -> pd.DataFrame:
    """Per-customer value as of ``as_of`` (default: the last transaction date), one row per customer:
    ``customer_id, frequency, recency, T, monetary_value, p_alive, expected_purchases_12m, clv_12m``.

    Only transactions on or before ``as_of`` are read. ``p_alive`` is P(still a customer at ``as_of``);
    ``expected_purchases_12m`` and ``clv_12m`` cover the next ``horizon_days`` (the indicator names keep
    "12m", the horizon decides what they cover), ``clv_12m`` discounted monthly at ``discount_rate``.
    ``frequency, recency, T`` are in ``freq`` units (see :func:`tierwise.analytics.summary.summary`).
    Customers with a single purchase get the population mean spend (see :func:`fit_value`).
    """
    if as_of is not None:
        transactions = transactions.filter(transactions.date <= ibis.date(as_of))
    frame = summary(transactions, observation_end=as_of, freq=freq).to_pandas()
    if frame.empty:
        raise ModelError(Message("no transactions on or before the as-of date: nothing to fit"))
    fitted = fit_value(
        frame, model=model, horizon_days=horizon_days, discount_rate=discount_rate, period_days=PERIOD_DAYS[freq]
    )
    log.info("value model %s fitted: %s", model, fitted.purchases)
    return fitted.predictions[list(VALUE_COLUMNS)]
