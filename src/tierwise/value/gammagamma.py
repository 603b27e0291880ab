"""The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves for
Customer Base Analysis"; Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value").

A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ). It is fitted on repeat buyers
(``frequency > 0``) with ``monetary_value`` the mean of their repeat purchases. Parameters ``p, q, v``
(``v`` is the papers' γ, named as in lifetimes). The model assumes spend is independent of purchase
frequency: :attr:`GammaGammaFitter.frequency_monetary_correlation_` reports the Pearson correlation on
the fitted rows, and a warning is raised above 0.3.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from scipy.special import digamma, gammaln

from tierwise.errors import ModelError
from tierwise.i18n import Message
from tierwise.value.fitting import FitInfo, compress, maximize, standard_errors

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


class GammaGammaFitter:
    """Gamma-Gamma: fit on repeat buyers' mean spend, predict each customer's expected average spend."""

    PARAM_NAMES = ("p", "q", "v")

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = penalizer_coef

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
        self.frequency_monetary_correlation_ = float(np.corrcoef(x, m)[0, 1]) if np.ptp(x) and np.ptp(m) else 0.0
        if abs(self.frequency_monetary_correlation_) > CORRELATION_WARNING:
            warnings.warn(
                f"frequency and monetary value are correlated ({self.frequency_monetary_correlation_:.2f}); "
                "the Gamma-Gamma model assumes they are independent",
                UserWarning,
                stacklevel=2,
            )
        unique, weights = compress(x, m)
        unique = _prepared(unique)
        mean_m = float(weights @ unique[1] / weights.sum())
        starts = [[1.0, 1.0, 1.0], [2.0, 3.0, mean_m]]
        try:
            params, loglik, info = maximize(
                _loglik_rows,
                _grad_rows,
                unique,
                weights,
                starts,
                self.penalizer_coef,
                n_rows=len(x),
                loglik_and_grad=_loglik_and_grad,
            )
        except FloatingPointError as exc:
            raise ModelError(Message("GammaGammaFitter cannot be fitted to this data: %(exc)s", {"exc": exc})) from None
        stderr, info.hessian_ok = standard_errors(
            _loglik_rows, _grad_rows, params, unique, weights, self.penalizer_coef
        )
        self.params_ = dict(zip(self.PARAM_NAMES, map(float, params), strict=True))
        self.stderr_ = dict(zip(self.PARAM_NAMES, map(float, stderr), strict=True))
        self.loglik_ = loglik
        self.fit_info_: FitInfo = info
        return self

    def _params(self) -> tuple[float, float, float]:
        if not hasattr(self, "params_"):
            raise ModelError(Message("GammaGammaFitter is not fitted yet: call fit() first"))
        return self.params_["p"], self.params_["q"], self.params_["v"]

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
        period_days: float = 7.0,
    ) -> np.ndarray:
        """Discounted expected value over ``time`` months, as lifetimes names it; see
        :func:`tierwise.value.clv.discounted_value` (``period_days``: days in one time unit of the summary).
        """
        from tierwise.value.clv import discounted_value

        spend = self.conditional_expected_average_profit(frequency, monetary_value)
        return discounted_value(
            transaction_prediction_model,
            spend,
            frequency,
            recency,
            T,
            horizon_days=time * 30.436875,
            discount_rate=discount_rate,
            period_days=period_days,
        )
