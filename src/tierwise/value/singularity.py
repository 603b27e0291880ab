"""The BG/NBD and MBG/NBD expectations at and near a = 1, where their closed forms divide 0 by 0.

Both models' expected purchases have the shape ``k/(a-1) · [1 - (1-z)^(a-1) · 2F1(c0, a-1; c; z)]``. At
a = 1 the bracket vanishes with ``a - 1``; near it the subtraction cancels the leading digits (at
a = 1 + 1e-12 twelve of them). With ε = a - 1, L = log(1-z) and 2F1(c0, ε; c; z) = 1 + ε·G(ε),

    [1 - (1-z)^ε · 2F1(c0, ε; c; z)] / ε = -expm1(ε·L)/ε - (1-z)^ε · G(ε),
    G(ε) = Σ_{n≥1} (c0)_n (ε+1)_{n-1} / ((c)_n n!) · z^n,

which is finite at ε = 0 (there -expm1(εL)/ε = -L) and loses nothing near it. The same subtraction also
cancels for small z (short horizons), whatever a is. :func:`bracket_over_eps` therefore uses this form for
|ε| < :data:`NEAR` and for z < :data:`SMALL_Z` (where the series converges within a few dozen terms),
and the closed form elsewhere, where the cancellation costs at most two digits.
"""

from __future__ import annotations

import numpy as np
from scipy.special import hyp2f1

#: |a - 1| below which the limit form is used
NEAR = 1e-2
#: z below which the limit form is used for any a
SMALL_Z = 0.5
MAX_TERMS = 200_000
_TOLERANCE = 1e-17


def _series(eps: float, c0: np.ndarray, c: np.ndarray, z: np.ndarray) -> np.ndarray:
    """G(ε), term by term for all rows at once; a row stops when its remaining tail is below 1e-17 of it.

    The tail after term n is bounded by term_n · ρ/(1-ρ) with ρ the current term ratio (the ratios rise
    towards z < 1), so rows with z close to 1 run longer, not less accurately.
    """
    c0, c, z = (np.asarray(v, dtype=float).ravel().copy() for v in np.broadcast_arrays(c0, c, z))
    term = c0 * z / c  # n = 1
    total = term.copy()
    out = np.empty_like(total)
    active = np.arange(len(z))
    for n in range(1, MAX_TERMS):
        ratio = (c0 + n) * (eps + n) * z / ((c + n) * (n + 1))
        term = term * ratio
        total += term
        if n % 16 == 0:
            with np.errstate(divide="ignore", invalid="ignore"):
                rest = np.abs(term) * np.abs(ratio) / np.maximum(1.0 - np.abs(ratio), 1e-300)
            done = (rest <= _TOLERANCE * np.abs(total)) | (term == 0) | ~np.isfinite(total)
            if done.any():
                out[active[done]] = total[done]
                keep = ~done
                active, term, total, c0, c, z = active[keep], term[keep], total[keep], c0[keep], c[keep], z[keep]
                if not len(active):
                    return out
    out[active] = total
    return out


def _tail(eps: float, c0: np.ndarray, c: np.ndarray, z: np.ndarray, log_rest: np.ndarray) -> np.ndarray:
    """(1-z)^ε · 2F1(c0, ε; c; z), in the form that is finite.

    This form keeps large frequencies from overflowing; with a and b in the millions (a fit running along
    the ridge of a homogeneous drop-out probability) its power underflows while its 2F1 overflows. There
    Euler's transformation back, (1-z)^(c-c0) · 2F1(c-c0, c-ε; c; z), is finite.
    """
    with np.errstate(all="ignore"):
        tail = np.exp(eps * log_rest) * hyp2f1(c0, eps, c, z)
        bad = ~np.isfinite(tail)
        if bad.any():
            k = c[bad] - c0[bad]
            tail[bad] = np.exp(k * log_rest[bad]) * hyp2f1(k, c[bad] - eps, c[bad], z[bad])
    return tail


def bracket_over_eps(a: float, c0: np.ndarray, c: np.ndarray, z: np.ndarray) -> np.ndarray:
    """[1 - (1-z)^(a-1) · 2F1(c0, a-1; c; z)] / (a-1) for 0 <= z < 1, finite and accurate at a = 1."""
    c0, c, z = (np.asarray(v, dtype=float) for v in np.broadcast_arrays(c0, c, z))
    eps = a - 1.0
    log_rest = np.log1p(-z)
    limit = np.full(z.shape, True) if abs(eps) < NEAR else z < SMALL_Z
    out = np.full(z.shape, np.nan)
    if limit.any():
        first = -log_rest[limit] if eps == 0 else -np.expm1(eps * log_rest[limit]) / eps
        with np.errstate(all="ignore"):
            g = _series(eps, c0[limit], c[limit], z[limit])
            out[limit] = first - np.exp(eps * log_rest[limit]) * g
    # where the series overflows (parameters in the millions), the closed form serves: a is far from 1 there
    rest = ~np.isfinite(out) & (eps != 0)
    if rest.any():
        out[rest] = (1.0 - _tail(eps, c0[rest], c[rest], z[rest], log_rest[rest])) / eps
    return out
