"""The BG/NBD model (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way").

While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase they
drop out with probability p ~ Beta(a, b). Parameters ``r, alpha, a, b``; time in the unit of the summary.

Two customers cannot pin four parameters down, and the fit says so:

>>> import warnings
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     model = BetaGeoFitter().fit([2, 0], [30.43, 0.0], [38.86, 38.86])
>>> sorted(model.params_), sorted({type(w.message).__name__ for w in caught})
(['a', 'alpha', 'b', 'r'], ['ModelWarning'])
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import betaln, digamma, gammaln

from tierwise.value.base import Arrays, PurchaseModel, x_index
from tierwise.value.singularity import bracket_over_eps


def _terms(params: np.ndarray, data: Arrays) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r, alpha, a, b = params
    x, t_x, big_t = data[:3]
    ux, inv = x_index(data)
    # the gamma-function terms depend on x alone: computed once per distinct count, then gathered
    lg_ab, lg_b = gammaln(a + b), gammaln(b)
    head = (gammaln(r + ux) - gammaln(r) + r * np.log(alpha))[inv]
    beta_t1 = (gammaln(b + ux) - gammaln(a + b + ux) - lg_b + lg_ab)[inv]
    uxs = np.maximum(ux, 1.0)  # keeps b + x - 1 > 0 where the second term is absent
    beta_t2 = (np.log(a) + gammaln(b + uxs - 1) - gammaln(a + b + uxs) - lg_b + lg_ab)[inv]
    t1 = beta_t1 - (r + x) * np.log(alpha + big_t)
    repeat = x > 0
    t2 = np.where(repeat, beta_t2 - (r + x) * np.log(alpha + t_x), -np.inf)
    return head, t1, t2, repeat


def _loglik_rows(params: np.ndarray, data: Arrays) -> np.ndarray:
    head, t1, t2, _ = _terms(params, data)
    return head + np.logaddexp(t1, t2)


def _grad_rows(params: np.ndarray, data: Arrays) -> np.ndarray:
    return _loglik_and_grad(params, data)[1]


def _loglik_and_grad(params: np.ndarray, data: Arrays) -> tuple[np.ndarray, np.ndarray]:
    r, alpha, a, b = params
    x, t_x, big_t = data[:3]
    ux, inv = x_index(data)
    head, t1, t2, repeat = _terms(params, data)
    total = np.logaddexp(t1, t2)
    w1, w2 = np.exp(t1 - total), np.exp(t2 - total)
    d_ab, d_b = digamma(a + b), digamma(b)
    d_abx = digamma(a + b + ux)[inv]
    d_rx = digamma(r + ux)[inv]
    d_bx = digamma(b + ux)[inv]
    d_bx1 = digamma(b + np.maximum(ux, 1.0) - 1)[inv]
    log_at, log_atx = np.log(alpha + big_t), np.log(alpha + t_x)
    grad = np.empty((len(x), 4))
    grad[:, 0] = d_rx - digamma(r) + np.log(alpha) - w1 * log_at - w2 * log_atx
    grad[:, 1] = r / alpha - w1 * (r + x) / (alpha + big_t) - w2 * (r + x) / (alpha + t_x)
    grad[:, 2] = w1 * (d_ab - d_abx) + w2 * (1 / a + d_ab - d_abx)
    grad[:, 3] = w1 * (d_bx - d_abx - d_b + d_ab) + np.where(repeat, w2 * (d_bx1 - d_abx - d_b + d_ab), 0.0)
    return head + total, grad


class BetaGeoFitter(PurchaseModel):
    """BG/NBD: fit to a summary, then predict purchases, P(alive) and purchase-count probabilities.

    ``penalizer_coef`` adds ``penalizer_coef * (r² + α² + a² + b²)`` to the mean negative
    log-likelihood, as lifetimes does.
    """

    PARAM_NAMES = ("r", "alpha", "a", "b")
    _loglik_rows = staticmethod(_loglik_rows)
    _grad_rows = staticmethod(_grad_rows)
    _loglik_and_grad = staticmethod(_loglik_and_grad)

    def _scaled_start(self, rate: float) -> list[float]:
        return [0.5, 0.5 / rate, 0.8, 2.5]

    def _log_ratio(self, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> np.ndarray:
        """log of a/(b+x-1) · ((α+T)/(α+t_x))^(r+x) for x > 0, -inf for x = 0."""
        r, alpha, a, b = self._params()
        repeat = x > 0
        xs = np.where(repeat, x, 1.0)
        value = np.log(a) - np.log(b + xs - 1) + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x))
        return np.where(repeat, value, -np.inf)

    def conditional_probability_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """P(alive at T | x, t_x, T) (eq. 8 of the paper)."""
        x, t_x, big_t = (np.asarray(v, dtype=float) for v in np.broadcast_arrays(frequency, recency, T))
        return np.exp(-np.logaddexp(0.0, self._log_ratio(x, t_x, big_t)))

    def conditional_expected_number_of_purchases_up_to_time(
        self, t: Any, frequency: Any, recency: Any, T: Any
    ) -> np.ndarray:
        """E[Y(t) | x, t_x, T]: expected purchases in the next ``t`` periods (eq. 10).

        The hypergeometric is Euler-transformed so that large frequencies neither overflow nor cancel, and
        at and near a = 1 the limit form of :mod:`tierwise.value.singularity` replaces the 0/0.
        """
        r, alpha, a, b = self._params()
        t, x, t_x, big_t = (np.asarray(v, dtype=float) for v in np.broadcast_arrays(t, frequency, recency, T))
        z = t / (alpha + big_t + t)
        # ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x-1; z) = (1-z)^(a-1) · 2F1(a+b-1-r, a-1; a+b+x-1; z)
        head = (a + b + x - 1) * bracket_over_eps(a, a + b - 1 - r, a + b + x - 1, z)
        return head * np.exp(-np.logaddexp(0.0, self._log_ratio(x, t_x, big_t)))

    def expected_number_of_purchases_up_to_time(self, t: Any) -> np.ndarray:
        """E[X(t)]: expected purchases of a newly acquired customer in ``t`` periods (cohort curve, eq. 9)."""
        r, alpha, a, b = self._params()
        t = np.asarray(t, dtype=float)
        z = t / (alpha + t)
        return (a + b - 1) * bracket_over_eps(a, a + b - 1 - r, a + b - 1, z)

    def probability_of_n_purchases_up_to_time(self, t: Any, n: Any) -> np.ndarray:
        """P(X(t) = n) for a newly acquired customer (eq. 8 of the paper's appendix)."""
        r, alpha, a, b = self._params()
        t, n = (np.asarray(v, dtype=float) for v in np.broadcast_arrays(t, n))
        return _probability_of_n(r, alpha, a, b, t, n, b_shift=0.0, always=False)


def _probability_of_n(
    r: float, alpha: float, a: float, b: float, t: np.ndarray, n: np.ndarray, *, b_shift: float, always: bool
) -> np.ndarray:
    """P(X(t) = n) for the BG/NBD (``b_shift`` 0) and the MBG/NBD (``b_shift`` 1, ``always`` True)."""
    log_q = np.log(alpha) - np.log(alpha + t)  # log α/(α+t)
    with np.errstate(divide="ignore"):
        log_p = np.log(t) - np.log(alpha + t)  # log t/(α+t); -inf at t = 0
    first = (
        betaln(a, b + n + b_shift)
        - betaln(a, b)
        + gammaln(r + n)
        - gammaln(r)
        - gammaln(n + 1)
        + r * log_q
        + np.where(n > 0, n * log_p, 0.0)
    )
    # Σ_{j<n} Γ(r+j)/(Γ(r) j!) p^j, vectorised over a grid of j up to the largest n
    top = int(np.max(n)) if n.size else 0
    j = np.arange(max(top, 1))[:, None]
    flat_p, flat_n = np.ravel(log_p)[None, :], np.ravel(n)[None, :]
    powers = np.where(j > 0, j * flat_p, 0.0)
    terms = np.where(j < flat_n, np.exp(gammaln(r + j) - gammaln(r) - gammaln(j + 1) + powers), 0.0)
    partial = terms.sum(axis=0).reshape(np.shape(n))
    second = np.exp(betaln(a + 1, b + n - 1 + b_shift) - betaln(a, b)) * (1 - np.exp(r * log_q) * partial)
    has_second = np.ones_like(n, dtype=bool) if always else n > 0
    return np.exp(first) + np.where(has_second, second, 0.0)
