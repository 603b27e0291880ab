"""The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves for
Customer Base Analysis"; Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value").

A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ). It is fitted on repeat buyers
(``frequency > 0``) with ``monetary_value`` the mean of their repeat purchases. Parameters ``p, q, v``
(``v`` is the papers' γ, named as in lifetimes). The model assumes spend is independent of purchase
frequency: :attr:`GammaGammaFitter.frequency_monetary_correlation_` reports the Pearson correlation on
the fitted rows, and a warning is raised above 0.3.

The fit runs on spend divided by its mean and is scaled back (γ times the mean; p, q and the shape of the
likelihood do not change), so amounts in the millions fit as well as amounts in cents: the search bound
on the parameters never meets γ. ``penalizer_coef`` therefore applies to the parameters of that rescaled
fit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import digamma, gammaln

from tierwise.errors import ModelError
from tierwise.i18n import Message
from tierwise.value.base import Estimator
from tierwise.value.discounting import discounted_value
from tierwise.value.fitting import compress
from tierwise.value.timescale import MONTH_DAYS

CORRELATION_WARNING = 0.3


def _prepared(data: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """(x, m) followed by log m, log x, the distinct x and each row's index into them (computed once)."""
    if len(data) > 2:
        return data
    x, m = data
    ux, inv = np.unique(x, return_inverse=True)
    return x, m, np.log(m), np.log(x), ux, inv.ravel()


def _loglik_and_grad(params: np.ndarray, data: tuple[np.ndarray, ...], *, grad: bool = True):
    p, q, v = params
    x, m, log_m, log_x, ux, inv = _prepared(data)
    pux = p * ux
    px = p * x
    log_vmx = np.log(v + m * x)
    ll = (
        (gammaln(pux + q) - gammaln(pux))[inv]
        - gammaln(q)
        + q * np.log(v)
        + (px - 1) * log_m
        + px * log_x
        - (px + q) * log_vmx
    )
    if not grad:
        return ll, None
    d_pxq = digamma(pux + q)[inv]
    g = np.column_stack(
        [
            x * (d_pxq - digamma(pux)[inv] + log_m + log_x - log_vmx),
            d_pxq - digamma(q) + np.log(v) - log_vmx,
            q / v - (px + q) / (v + m * x),
        ]
    )
    return ll, g


def _loglik_rows(params: np.ndarray, data: tuple[np.ndarray, ...]) -> np.ndarray:
    return _loglik_and_grad(params, data, grad=False)[0]


def _grad_rows(params: np.ndarray, data: tuple[np.ndarray, ...]) -> np.ndarray:
    return _loglik_and_grad(params, data)[1]


class GammaGammaFitter(Estimator):
    """Gamma-Gamma: fit on repeat buyers' mean spend, predict each customer's expected average spend."""

    PARAM_NAMES = ("p", "q", "v")
    _loglik_rows = staticmethod(_loglik_rows)
    _grad_rows = staticmethod(_grad_rows)
    _loglik_and_grad = staticmethod(_loglik_and_grad)

    def fit(self, frequency: Any, monetary_value: Any = None):
        """Fit to repeat buyers; ``frequency`` may be a summary frame. Rows with frequency 0 are skipped."""
        if monetary_value is None:
            if not hasattr(frequency, "columns") or not {"frequency", "monetary_value"} <= set(frequency.columns):
                raise ModelError(Message("pass a summary frame with frequency and monetary_value, or the two arrays"))
            frequency, monetary_value = frequency["frequency"], frequency["monetary_value"]
        x = np.asarray(frequency, dtype=float).ravel()
        m = np.asarray(monetary_value, dtype=float).ravel()
        if len(x) != len(m):
            raise ModelError(
                Message("frequency and monetary_value differ in length: %(x)s, %(m)s", {"x": len(x), "m": len(m)})
            )
        repeat = x > 0
        bad = repeat & ~(np.isfinite(m) & (m > 0))
        if bad.any():
            rows = np.flatnonzero(bad)
            raise ModelError(
                Message(
                    "monetary_value must be a positive number for repeat buyers: %(rows)s row(s) break it, first at "
                    "position(s) %(first)s",
                    {"rows": len(rows), "first": rows[:5].tolist()},
                )
            )
        x, m = x[repeat], m[repeat]
        if len(x) < 2:
            raise ModelError(Message("the Gamma-Gamma model needs at least 2 repeat buyers, got %(x)s", {"x": len(x)}))
        correlation = float(np.corrcoef(x, m)[0, 1]) if np.ptp(x) and np.ptp(m) else 0.0
        self.frequency_monetary_correlation_ = correlation
        scale = float(m.mean())
        unique, weights = compress(x, m / scale)
        unique = _prepared(unique)
        params, stderr, loglik, info = self._estimate(unique, weights, [[1.0, 1.0, 1.0], [2.0, 3.0, 1.0]], len(x))
        # back to the currency: γ scales with the amounts; the density of m gains 1/scale per customer
        params, stderr = params * [1.0, 1.0, scale], stderr * [1.0, 1.0, scale]
        loglik -= len(x) * np.log(scale)
        if abs(correlation) > CORRELATION_WARNING:
            info.warnings.append(
                Message(
                    "frequency and monetary value are correlated (%(correlation)s); the Gamma-Gamma model assumes "
                    "they are independent",
                    {"correlation": f"{correlation:.2f}"},
                )
            )
        self._set_fit(params, stderr, float(loglik), info)
        return self

    def population_mean_spend(self) -> float:
        """E[Z] = p·v/(q-1), the mean spend per transaction across customers (needs q > 1)."""
        p, q, v = self._params()
        if q <= 1:
            raise ModelError(Message("the mean spend does not exist for q = %(q)s ≤ 1", {"q": format(q, ".4g")}))
        return p * v / (q - 1)

    def conditional_expected_average_profit(self, frequency: Any, monetary_value: Any) -> np.ndarray:
        """E[Z | x, m] = (q-1)/(px+q-1) · pv/(q-1) + px/(px+q-1) · m: a weighted mean of the population
        mean and the customer's own mean. A customer with no repeat purchase gets the population mean.
        """
        p, q, v = self._params()
        x, m = (np.asarray(a, dtype=float) for a in np.broadcast_arrays(frequency, monetary_value))
        m = np.where(x > 0, m, 0.0)
        return p * (v + m * x) / (p * x + q - 1)

    def customer_lifetime_value(
        self,
        transaction_prediction_model: Any,
        frequency: Any,
        recency: Any,
        T: Any,
        monetary_value: Any,
        time: float = 12,
        discount_rate: float = 0.01,
        unit_days: float = 7.0,
    ) -> np.ndarray:
        """Discounted expected value over ``time`` months, as lifetimes names it; see
        :func:`tierwise.value.discounting.discounted_value` (``unit_days``: days in one time unit of the summary).
        """
        spend = self.conditional_expected_average_profit(frequency, monetary_value)
        return discounted_value(
            transaction_prediction_model,
            spend,
            frequency,
            recency,
            T,
            horizon_days=time * MONTH_DAYS,
            discount_rate=discount_rate,
            unit_days=unit_days,
        )
