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
underflows for counts in the thousands. That series, Σ_n Π_{j<n} (B+j)/(C+j) z^n with B < C, shrinks at
least like z^n; it is summed with its derivatives in B, C and z term by term, which gives the analytic
gradient. Rows with z > 0.98 (one of α, β dwarfing the other) would need thousands of terms: there the
value comes from scipy's ``hyp2f1`` and the gradient from central differences.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import digamma, gammaln, hyp2f1

from tierwise.value.base import Arrays, PurchaseModel, with_x_index, x_index
from tierwise.value.fitting import numeric_row_gradient

SERIES_MAX_Z = 0.98
SERIES_TERMS = 2000  # 0.98^2000 < 1e-17


def hyp2f1_series(b: np.ndarray, c: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """2F1(1, b; c; z) for 0 <= z <= 0.98 and 0 < b < c, with its derivatives in b, c and z.

    Terms are summed for all rows at once; rows drop out as their terms fall below 1e-17 of the sum.
    """
    n_rows = len(z)
    value, d_b, d_c, d_z = np.ones(n_rows), np.zeros(n_rows), np.zeros(n_rows), np.zeros(n_rows)
    term, s_b, s_c = np.ones(n_rows), np.zeros(n_rows), np.zeros(n_rows)
    active = np.arange(n_rows)
    tb, tc, tz = b.copy(), c.copy(), z.copy()
    for n in range(SERIES_TERMS):
        s_b += 1.0 / (tb + n)
        s_c += 1.0 / (tc + n)
        term *= (tb + n) / (tc + n) * tz
        value[active] += term
        d_b[active] += term * s_b
        d_c[active] -= term * s_c
        d_z[active] += (n + 1) * term
        if n % 8 == 7:
            going = term > 1e-17 * value[active]
            if not going.all():
                active, term, s_b, s_c = active[going], term[going], s_b[going], s_c[going]
                tb, tc, tz = tb[going], tc[going], tz[going]
                if not len(active):
                    break
    with np.errstate(divide="ignore", invalid="ignore"):
        d_z = np.where(z > 0, d_z / z, b / c)  # Σ n t_n / z; at z = 0 the first term's slope b/c
    return value, d_b, d_c, d_z


def _branch(r: float, alpha: float, s: float, beta: float, x: np.ndarray) -> tuple[float, np.ndarray, float]:
    if alpha >= beta:
        return alpha, np.full_like(x, s + 1.0), alpha - beta
    return beta, r + x, beta - alpha


def _log_tail_integral(r: float, alpha: float, s: float, beta: float, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """log I(t), see the module docstring."""
    k = r + s + x
    c, m, diff = _branch(r, alpha, s, beta, x)
    z = diff / (c + t)
    b, cc = k + 1.0 - m, k + 1.0
    series = z <= SERIES_MAX_Z
    f = np.empty_like(z)
    f[series] = hyp2f1_series(b[series], cc[series], z[series])[0]
    f[~series] = hyp2f1(1.0, b[~series], cc[~series], z[~series])
    return -k * np.log(c + t) + (1.0 - m) * np.log1p(-z) + np.log(f) - np.log(k)


def _log_tail_integral_grad(
    r: float, alpha: float, s: float, beta: float, x: np.ndarray, t: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """log I(t) and its gradient in (r, α, s, β), shape (rows, 4), from the series (z <= 0.98 rows)."""
    k = r + s + x
    c, m, diff = _branch(r, alpha, s, beta, x)
    ct = c + t
    z = diff / ct
    f, f_b, f_c, f_z = hyp2f1_series(k + 1.0 - m, k + 1.0, z)
    log_i = -k * np.log(ct) + (1.0 - m) * np.log1p(-z) + np.log(f) - np.log(k)
    common = -np.log(ct) + f_c / f - 1.0 / k  # from k and C = k + 1, shared by r and s
    d_m = -np.log1p(-z)  # from the exponent 1 - m
    zeta = (1.0 - m) * (-1.0 / (1.0 - z)) + f_z / f  # d log I / dz through both z terms
    grad = np.empty((len(x), 4))
    if alpha >= beta:  # c = α, m = s+1, B = r+x
        grad[:, 0] = common + f_b / f
        grad[:, 2] = common + d_m  # B = k + 1 - m does not move with s
        z_a, z_b = (beta + t) / ct**2, -1.0 / ct
        grad[:, 1] = -k / ct + zeta * z_a
        grad[:, 3] = zeta * z_b
    else:  # c = β, m = r+x, B = s+1
        grad[:, 0] = common + d_m  # B = s + 1 does not move with r
        grad[:, 2] = common + f_b / f
        z_b, z_a = (alpha + t) / ct**2, -1.0 / ct
        grad[:, 3] = -k / ct + zeta * z_b
        grad[:, 1] = zeta * z_a
    return log_i, grad


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


def _grad_rows(params: np.ndarray, data: Arrays) -> np.ndarray:
    return _loglik_and_grad(params, data)[1]


def _loglik_and_grad(params: np.ndarray, data: Arrays) -> tuple[np.ndarray, np.ndarray]:
    r, alpha, s, beta = params
    x, t_x, big_t = data[:3]
    ux, inv = x_index(data)
    c, _, diff = _branch(r, alpha, s, beta, x)
    series = diff / (c + t_x) <= SERIES_MAX_Z  # z is largest at t_x (t_x <= T)
    grad, ll = np.empty((len(x), 4)), np.empty(len(x))
    if not series.all():
        rest = ~series
        rest_data = (x[rest], t_x[rest], big_t[rest])
        grad[rest] = numeric_row_gradient(_loglik_rows, params, rest_data)
        ll[rest] = _loglik_rows(params, rest_data)
    if not series.any():
        return ll, grad
    x, t_x, big_t = x[series], t_x[series], big_t[series]
    log_tx, g_tx = _log_tail_integral_grad(r, alpha, s, beta, x, t_x)
    log_t, g_t = _log_tail_integral_grad(r, alpha, s, beta, x, big_t)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.exp(np.minimum(log_t - log_tx, 0.0))  # I(T) / I(t_x)
        died = np.log(s) + log_tx + np.log1p(-ratio)
        g_died = (g_tx - ratio[:, None] * g_t) / (1.0 - ratio)[:, None]
    g_died[:, 2] += 1.0 / s
    alive = -(r + x) * np.log(alpha + big_t) - s * np.log(beta + big_t)
    g_alive = np.column_stack(
        [
            -np.log(alpha + big_t),
            -(r + x) / (alpha + big_t),
            -np.log(beta + big_t),
            np.full_like(x, -s) / (beta + big_t),
        ]
    )
    total = np.logaddexp(alive, died)
    w_alive, w_died = np.exp(alive - total), np.exp(died - total)
    g_died = np.where(w_died[:, None] > 0, g_died, 0.0)
    head = np.column_stack(
        [
            (digamma(r + ux) - digamma(r) + np.log(alpha))[inv][series],
            np.full_like(x, r / alpha),
            np.full_like(x, np.log(beta)),
            np.full_like(x, s / beta),
        ]
    )
    grad[series] = head + w_alive[:, None] * g_alive + w_died[:, None] * g_died
    ll[series] = (gammaln(r + ux) - gammaln(r) + r * np.log(alpha) + s * np.log(beta))[inv][series] + total
    return ll, grad


class ParetoNBDFitter(PurchaseModel):
    """Pareto/NBD: fit to a summary, then predict purchases and P(alive)."""

    PARAM_NAMES = ("r", "alpha", "s", "beta")
    _loglik_rows = staticmethod(_loglik_rows)
    _grad_rows = staticmethod(_grad_rows)
    _loglik_and_grad = staticmethod(_loglik_and_grad)

    def _scaled_start(self, rate: float) -> list[float]:
        return [0.5, 0.5 / rate, 0.5, 10.0]

    def conditional_probability_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """P(alive at T | x, t_x, T): the share of the likelihood from 'still alive at T'."""
        data = tuple(np.asarray(v, dtype=float) for v in np.broadcast_arrays(frequency, recency, T))
        _, alive, died = _log_parts(np.array(self._params()), with_x_index(data))
        return np.exp(alive - np.logaddexp(alive, died))

    def conditional_expected_number_of_purchases_up_to_time(
        self, t: Any, frequency: Any, recency: Any, T: Any
    ) -> np.ndarray:
        """E[Y(t) | x, t_x, T] = (r+x)(β+T)/((α+T)(s-1)) · [1 - ((β+T)/(β+T+t))^(s-1)] · P(alive)."""
        r, alpha, s, beta = self._params()
        t, x, t_x, big_t = (np.asarray(v, dtype=float) for v in np.broadcast_arrays(t, frequency, recency, T))
        rate = (r + x) / (alpha + big_t) * (beta + big_t)
        return (
            rate * _lifetime_factor(s, np.log1p(t / (beta + big_t))) * self.conditional_probability_alive(x, t_x, big_t)
        )

    def probability_of_n_purchases_up_to_time(self, t: Any, n: Any) -> np.ndarray:
        """P(X(t) = n) for a newly acquired customer. The closed form sums n + 1 hypergeometric terms per
        (t, n) pair, so it is evaluated pair by pair (meant for charts of a few dozen values, not for
        every customer)."""
        r, alpha, s, beta = self._params()
        t, n = np.broadcast_arrays(np.asarray(t, dtype=float), np.asarray(n, dtype=int))
        flat = [
            _probability_of_n(r, alpha, s, beta, float(a), int(b)) for a, b in zip(t.ravel(), n.ravel(), strict=True)
        ]
        return np.asarray(flat).reshape(t.shape)

    def expected_number_of_purchases_up_to_time(self, t: Any) -> np.ndarray:
        """E[X(t)] for a newly acquired customer: rβ/(α(s-1)) · [1 - (β/(β+t))^(s-1)]."""
        r, alpha, s, beta = self._params()
        t = np.asarray(t, dtype=float)
        return r * beta / alpha * _lifetime_factor(s, np.log1p(t / beta))


def _probability_of_n(r: float, alpha: float, s: float, beta: float, t: float, n: int) -> float:
    """P(X(t) = n) for a newly acquired customer (Fader & Hardie 2006, "Deriving an Expression for
    P(X(t) = x) Under the Pareto/NBD Model"), for one t and one n."""
    from scipy.special import betaln

    rs = r + s
    if t <= 0:
        return float(n == 0)
    alive = (
        gammaln(r + n)
        - gammaln(r)
        - gammaln(n + 1)
        + r * (np.log(alpha) - np.log(alpha + t))
        + n * (np.log(t) - np.log(alpha + t))
        + s * (np.log(beta) - np.log(beta + t))
    )
    if alpha >= beta:
        c, m, diff = alpha, s + 1.0, alpha - beta
    else:
        c, m, diff = beta, r + n, beta - alpha
    log_b1 = np.log(hyp2f1(rs, m, rs + n + 1, diff / c)) - rs * np.log(c)
    i = np.arange(n + 1 if t > 0 else 1)
    log_terms = (
        gammaln(rs + i)
        - gammaln(rs)
        - gammaln(i + 1)
        + i * np.log(t if t > 0 else 1.0)
        + np.log(hyp2f1(rs + i, m, rs + n + 1, diff / (c + t)))
        - (rs + i) * np.log(c + t)
    )
    # B1 - Σ terms, relative to B1: both are of one size, so the difference is formed as 1 - Σ e^(term - B1)
    rest = -np.expm1(np.logaddexp.reduce(log_terms) - log_b1)
    died = np.exp(r * np.log(alpha) + s * np.log(beta) + betaln(r + n, s + 1) - betaln(r, s) + log_b1) * max(rest, 0.0)
    return float(np.exp(alive) + died)


def _lifetime_factor(s: float, log_ratio: np.ndarray) -> np.ndarray:
    """[1 - exp(-(s-1)·L)] / (s-1), which tends to L as s → 1 (L = log((β+T+t)/(β+T)))."""
    if abs(s - 1.0) < 1e-9:
        return log_ratio
    return -np.expm1(-(s - 1.0) * log_ratio) / (s - 1.0)
