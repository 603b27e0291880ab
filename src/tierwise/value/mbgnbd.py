"""The MBG/NBD model (Batislam, Denizel & Filiztekin 2007, "Empirical validation and comparison of models
for customer base analysis").

As BG/NBD, but a customer may also drop out right after the first purchase, so a customer with no
repeat purchase is not certainly alive. Parameters ``r, alpha, a, b``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import digamma, gammaln

from tierwise.value.base import Arrays, PurchaseModel, x_index
from tierwise.value.bgnbd import _probability_of_n
from tierwise.value.singularity import bracket_over_eps


def _terms(params: np.ndarray, data: Arrays) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r, alpha, a, b = params
    x, t_x, big_t = data[:3]
    ux, inv = x_index(data)
    lg_ab, lg_b = gammaln(a + b), gammaln(b)
    head = (gammaln(r + ux) - gammaln(r) + r * np.log(alpha))[inv]
    lg_abx1 = gammaln(a + b + ux + 1)
    beta_t1 = (gammaln(b + ux + 1) - lg_abx1 - lg_b + lg_ab)[inv]  # log B(a, b+x+1) - log B(a, b)
    beta_t2 = (np.log(a) + gammaln(b + ux) - lg_abx1 - lg_b + lg_ab)[inv]  # log B(a+1, b+x) - log B(a, b)
    t1 = beta_t1 - (r + x) * np.log(alpha + big_t)
    t2 = beta_t2 - (r + x) * np.log(alpha + t_x)
    return head, t1, t2


def _loglik_rows(params: np.ndarray, data: Arrays) -> np.ndarray:
    head, t1, t2 = _terms(params, data)
    return head + np.logaddexp(t1, t2)


def _grad_rows(params: np.ndarray, data: Arrays) -> np.ndarray:
    return _loglik_and_grad(params, data)[1]


def _loglik_and_grad(params: np.ndarray, data: Arrays) -> tuple[np.ndarray, np.ndarray]:
    r, alpha, a, b = params
    x, t_x, big_t = data[:3]
    ux, inv = x_index(data)
    head, t1, t2 = _terms(params, data)
    total = np.logaddexp(t1, t2)
    w1, w2 = np.exp(t1 - total), np.exp(t2 - total)
    d_ab, d_b = digamma(a + b), digamma(b)
    d_abx1 = digamma(a + b + ux + 1)[inv]
    d_rx = digamma(r + ux)[inv]
    d_bx1 = digamma(b + ux + 1)[inv]
    d_bx = digamma(b + ux)[inv]
    grad = np.empty((len(x), 4))
    grad[:, 0] = d_rx - digamma(r) + np.log(alpha) - w1 * np.log(alpha + big_t) - w2 * np.log(alpha + t_x)
    grad[:, 1] = r / alpha - w1 * (r + x) / (alpha + big_t) - w2 * (r + x) / (alpha + t_x)
    grad[:, 2] = w1 * (d_ab - d_abx1) + w2 * (1 / a + d_ab - d_abx1)
    grad[:, 3] = w1 * (d_bx1 - d_abx1 - d_b + d_ab) + w2 * (d_bx - d_abx1 - d_b + d_ab)
    return head + total, grad


class ModifiedBetaGeoFitter(PurchaseModel):
    """MBG/NBD with the same interface as :class:`~tierwise.value.bgnbd.BetaGeoFitter`."""

    PARAM_NAMES = ("r", "alpha", "a", "b")
    _loglik_rows = staticmethod(_loglik_rows)
    _grad_rows = staticmethod(_grad_rows)
    _loglik_and_grad = staticmethod(_loglik_and_grad)

    def _scaled_start(self, rate: float) -> list[float]:
        return [0.5, 0.5 / rate, 0.8, 2.5]

    def _log_ratio(self, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> np.ndarray:
        r, alpha, a, b = self._params()
        return np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x))

    def conditional_probability_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """P(alive at T | x, t_x, T) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x))."""
        x, t_x, big_t = (np.asarray(v, dtype=float) for v in np.broadcast_arrays(frequency, recency, T))
        return np.exp(-np.logaddexp(0.0, self._log_ratio(x, t_x, big_t)))

    def conditional_expected_number_of_purchases_up_to_time(
        self, t: Any, frequency: Any, recency: Any, T: Any
    ) -> np.ndarray:
        """E[Y(t) | x, t_x, T] (Euler-transformed hypergeometric, no overflow for large x)."""
        r, alpha, a, b = self._params()
        t, x, t_x, big_t = (np.asarray(v, dtype=float) for v in np.broadcast_arrays(t, frequency, recency, T))
        z = t / (alpha + big_t + t)
        # ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x+1; a+b+x; z) = (1-z)^(a-1) · 2F1(a+b-r, a-1; a+b+x; z)
        head = (a + b + x) * bracket_over_eps(a, a + b - r, a + b + x, z)  # finite at a = 1
        return head * np.exp(-np.logaddexp(0.0, self._log_ratio(x, t_x, big_t)))

    def expected_number_of_purchases_up_to_time(self, t: Any) -> np.ndarray:
        """E[X(t)] for a newly acquired customer: b/(a-1) · [1 - (α/(α+t))^r · 2F1(r, b+1; a+b; t/(α+t))]."""
        r, alpha, a, b = self._params()
        t = np.asarray(t, dtype=float)
        z = t / (alpha + t)
        return b * bracket_over_eps(a, a + b - r, a + b, z)

    def probability_of_n_purchases_up_to_time(self, t: Any, n: Any) -> np.ndarray:
        """P(X(t) = n) for a newly acquired customer."""
        r, alpha, a, b = self._params()
        t, n = (np.asarray(v, dtype=float) for v in np.broadcast_arrays(t, n))
        return _probability_of_n(r, alpha, a, b, t, n, b_shift=1.0, always=True)
