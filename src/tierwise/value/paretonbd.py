"""The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987; likelihood as in Fader & Hardie 2005,
"A Note on Deriving the Pareto/NBD Model and Related Expressions").

While alive a customer buys with rate λ ~ Gamma(r, α) and has an exponential lifetime with rate
μ ~ Gamma(s, β). Parameters ``r, alpha, s, beta``.

The likelihood is

    L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^-(r+x) (β+T)^-s + s (I(t_x) - I(T)) ],
    I(t) = ∫_t^∞ (α+τ)^-(r+x) (β+τ)^-(s+1) dτ = (c+t)^-k · 2F1(k, m; k+1; z) / k,

with k = r+s+x and, for α ≥ β, c = α, m = s+1, z = (α-β)/(α+t); otherwise c = β, m = r+x,
z = (β-α)/(β+t). Everything is kept in logs, and the hypergeometric is Euler-transformed to
(1-z)^(1-m) · 2F1(1, k+1-m; k+1; z), whose value lies in [1, 1/(1-z)]: nothing overflows or
underflows for counts in the thousands. The parameter derivatives of 2F1 have no closed form, so the
gradient is taken by central differences of this vectorised likelihood (on the compressed rows).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import gammaln, hyp2f1

from tierwise.value.base import Arrays, PurchaseModel, with_x_index, x_index


def _log_tail_integral(r: float, alpha: float, s: float, beta: float, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """log I(t), see the module docstring."""
    k = r + s + x
    if alpha >= beta:
        c, m, diff = alpha, s + 1.0, alpha - beta
    else:
        c, m, diff = beta, r + x, beta - alpha
    z = diff / (c + t)
    log_f = (1.0 - m) * np.log1p(-z) + np.log(hyp2f1(1.0, k + 1.0 - m, k + 1.0, z))
    return -k * np.log(c + t) + log_f - np.log(k)


def _log_parts(params: np.ndarray, data: Arrays) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(log of the constant, log of the 'alive at T' term, log of the 'died in (t_x, T]' term)."""
    r, alpha, s, beta = params
    x, t_x, big_t = data[:3]
    ux, inv = x_index(data)
    head = (gammaln(r + ux) - gammaln(r) + r * np.log(alpha) + s * np.log(beta))[inv]
    alive = -(r + x) * np.log(alpha + big_t) - s * np.log(beta + big_t)
    log_i_tx = _log_tail_integral(r, alpha, s, beta, x, t_x)
    log_i_t = _log_tail_integral(r, alpha, s, beta, x, big_t)
    with np.errstate(divide="ignore"):
        died = np.log(s) + log_i_tx + np.log1p(-np.exp(np.minimum(log_i_t - log_i_tx, 0.0)))
    return head, alive, died


def _loglik_rows(params: np.ndarray, data: Arrays) -> np.ndarray:
    head, alive, died = _log_parts(params, data)
    return head + np.logaddexp(alive, died)


class ParetoNBDFitter(PurchaseModel):
    """Pareto/NBD: fit to a summary, then predict purchases and P(alive)."""

    PARAM_NAMES = ("r", "alpha", "s", "beta")
    _loglik_rows = staticmethod(_loglik_rows)
    _grad_rows = None

    def _scaled_start(self, rate: float) -> list[float]:
        return [0.5, 0.5 / rate, 0.5, 10.0]

    def conditional_probability_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:  # noqa: N803
        """P(alive at T | x, t_x, T): the share of the likelihood from 'still alive at T'."""
        data = tuple(np.asarray(v, dtype=float) for v in np.broadcast_arrays(frequency, recency, T))
        _, alive, died = _log_parts(np.array(self._params()), with_x_index(data))
        return np.exp(alive - np.logaddexp(alive, died))

    def conditional_expected_number_of_purchases_up_to_time(self, t: Any, frequency: Any, recency: Any, T: Any) -> np.ndarray:  # noqa: N803
        """E[Y(t) | x, t_x, T] = (r+x)(β+T)/((α+T)(s-1)) · [1 - ((β+T)/(β+T+t))^(s-1)] · P(alive)."""
        r, alpha, s, beta = self._params()
        t, x, t_x, big_t = (np.asarray(v, dtype=float) for v in np.broadcast_arrays(t, frequency, recency, T))
        rate = (r + x) / (alpha + big_t) * (beta + big_t)
        return rate * _lifetime_factor(s, np.log1p(t / (beta + big_t))) * self.conditional_probability_alive(x, t_x, big_t)

    def expected_number_of_purchases_up_to_time(self, t: Any) -> np.ndarray:
        """E[X(t)] for a newly acquired customer: rβ/(α(s-1)) · [1 - (β/(β+t))^(s-1)]."""
        r, alpha, s, beta = self._params()
        t = np.asarray(t, dtype=float)
        return r * beta / alpha * _lifetime_factor(s, np.log1p(t / beta))


def _lifetime_factor(s: float, log_ratio: np.ndarray) -> np.ndarray:
    """[1 - exp(-(s-1)·L)] / (s-1), which tends to L as s → 1 (L = log((β+T+t)/(β+T)))."""
    if abs(s - 1.0) < 1e-9:
        return log_ratio
    return -np.expm1(-(s - 1.0) * log_ratio) / (s - 1.0)
