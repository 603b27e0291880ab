"""Summaries simulated from the models' own stories, for parameter-recovery tests and benchmarks.

Each function draws one row per customer (``frequency, recency, T`` and, for spend, ``monetary_value``)
with numpy only, vectorised, from a seeded generator. Times are whole days expressed in weeks (days / 7),
as in a summary built from dated transactions: ``T`` is drawn in whole days, the last purchase time is
rounded to the nearest day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _observation_lengths(n: int, rng: np.random.Generator, t_min: float, t_max: float) -> np.ndarray:
    """Whole days in weeks, as a summary built from dates has them (days / 7)."""
    return np.floor(rng.uniform(t_min, t_max, n) * 7) / 7


def _to_days(weeks: np.ndarray) -> np.ndarray:
    """To the nearest whole day: as unbiased as the difference of two purchase days in real data."""
    return np.round(weeks * 7) / 7


def simulate_bgnbd(
    n: int, r: float, alpha: float, a: float, b: float, *, seed: int = 0, t_min: float = 20.0, t_max: float = 80.0
) -> pd.DataFrame:
    """BG/NBD summary: λ ~ Gamma(r, α), p ~ Beta(a, b); after each repeat purchase the customer
    drops out with probability p. ``T`` is uniform on [t_min, t_max].
    """
    rng = np.random.default_rng(seed)
    big_t = _observation_lengths(n, rng, t_min, t_max)
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    arrivals = rng.poisson(lam * big_t)  # purchases a never-dying customer would make in (0, T]
    last_one = rng.geometric(p)  # the repeat purchase after which the customer drops out
    x = np.minimum(arrivals, last_one)
    # the x-th of `arrivals` uniform arrival times in (0, T] is Beta(x, arrivals - x + 1) · T
    safe_x, safe_n = np.maximum(x, 1), np.maximum(arrivals, 1)
    t_x = np.where(x > 0, _to_days(big_t * rng.beta(safe_x, safe_n - safe_x + 1)), 0.0)
    return pd.DataFrame({"frequency": x.astype(np.int64), "recency": t_x, "T": big_t})


def simulate_paretonbd(
    n: int, r: float, alpha: float, s: float, beta: float, *, seed: int = 0, t_min: float = 20.0, t_max: float = 80.0
) -> pd.DataFrame:
    """Pareto/NBD summary: λ ~ Gamma(r, α), μ ~ Gamma(s, β), lifetime ~ Exponential(μ)."""
    rng = np.random.default_rng(seed)
    big_t = _observation_lengths(n, rng, t_min, t_max)
    lam = rng.gamma(r, 1.0 / alpha, n)
    mu = rng.gamma(s, 1.0 / beta, n)
    active = np.minimum(rng.exponential(1.0 / mu), big_t)
    x = rng.poisson(lam * active)
    t_x = np.where(x > 0, _to_days(active * rng.beta(np.maximum(x, 1), 1.0)), 0.0)  # the largest of x uniforms
    return pd.DataFrame({"frequency": x.astype(np.int64), "recency": t_x, "T": big_t})


def simulate_spend(frequency: np.ndarray, p: float, q: float, v: float, *, seed: int = 0) -> np.ndarray:
    """Gamma-Gamma mean spend of each customer's ``frequency`` repeat purchases (0 where there are none):
    ν ~ Gamma(q, v) per customer, each purchase ~ Gamma(p, ν), so the mean of x is Gamma(px, xν).
    """
    rng = np.random.default_rng(seed)
    x = np.asarray(frequency, dtype=float)
    nu = rng.gamma(q, 1.0 / v, len(x))
    shape = np.where(x > 0, p * x, 1.0)
    return np.where(x > 0, rng.gamma(shape, 1.0 / (nu * np.maximum(x, 1.0))), 0.0)
