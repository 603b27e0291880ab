"""Indicator weights for scorecards: AHP (Saaty), the entropy-weight method, and TOPSIS closeness.

All work on small numpy arrays (one row per customer, one column per indicator) pulled once at ``fit``.

>>> w, lam, ci, cr = ahp_weights([[1, 3], [1 / 3, 1]])
>>> [round(float(x), 2) for x in w], round(cr, 2)
([0.75, 0.25], 0.0)
"""

from __future__ import annotations

import numpy as np

from tierwise.errors import PolicyError
from tierwise.i18n import Message

# Saaty's random consistency index RI for n = 1..10 (Saaty, The Analytic Hierarchy Process, 1980, table 1.7).
RANDOM_INDEX = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)
CR_LIMIT = 0.10


def ahp_weights(pairwise, names: list[str] | None = None) -> tuple[np.ndarray, float, float, float]:
    """Weights from an AHP pairwise-comparison matrix: the principal eigenvector, normalised to sum 1.

    Returns ``(weights, lambda_max, CI, CR)`` with ``CI = (λmax − n)/(n − 1)`` and ``CR = CI / RI(n)``.
    The matrix must be positive and reciprocal (``a[j][i] = 1 / a[i][j]``, ones on the diagonal); a
    consistency ratio of 0.10 or more is an error naming CR.
    """
    a = np.asarray(pairwise, dtype=float)
    n = a.shape[0]
    names = names or [str(i + 1) for i in range(n)]
    if a.shape != (n, n) or n > len(RANDOM_INDEX):
        raise PolicyError(
            Message(
                "pairwise: AHP needs a square matrix of at most %(random_index)s rows, got %(shape)s",
                {"random_index": len(RANDOM_INDEX), "shape": a.shape},
            )
        )
    if (a <= 0).any():
        raise PolicyError(Message("pairwise: every AHP comparison must be a positive number"))
    for i in range(n):
        for j in range(n):
            if not np.isclose(a[i, j] * a[j, i], 1.0, rtol=1e-3):
                raise PolicyError(
                    Message(
                        "pairwise: the matrix is not reciprocal at row %(row)s, column %(column)s (%(row_name)s vs "
                        "%(column_name)s): %(a_ij)s × %(a_ji)s ≠ 1",
                        {
                            "row": i + 1,
                            "column": j + 1,
                            "row_name": names[i],
                            "column_name": names[j],
                            "a_ij": format(a[i, j], "g"),
                            "a_ji": format(a[j, i], "g"),
                        },
                    )
                )
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    lambda_max = float(values[k].real)
    vector = np.abs(vectors[:, k].real)
    weights = vector / vector.sum()
    ci = (lambda_max - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX[n - 1]
    cr = ci / ri if ri > 0 else 0.0
    if cr >= CR_LIMIT:
        raise PolicyError(
            Message(
                "pairwise: the AHP comparisons are inconsistent: consistency ratio CR = %(cr)s ≥ %(cr_limit)s (λmax "
                "= %(lambda_max)s, CI = %(ci)s, RI = %(ri)s); revise the judgements",
                {
                    "cr": format(cr, ".3f"),
                    "cr_limit": format(CR_LIMIT, ".2f"),
                    "lambda_max": format(lambda_max, ".3f"),
                    "ci": format(ci, ".3f"),
                    "ri": format(ri, ".2f"),
                },
            )
        )
    return weights, lambda_max, ci, cr


def entropy_weights(matrix) -> np.ndarray:
    """Entropy-weight method: indicators whose values vary more across customers weigh more.

    ``matrix`` (customers × indicators) must be non-negative, larger meaning better (normalise cost
    indicators first). ``p = x / Σx`` per column, ``e = −Σ p ln p / ln m``, weights ``(1 − e) / Σ(1 − e)``.
    """
    x = np.asarray(matrix, dtype=float)
    m = x.shape[0]
    if m < 2:
        raise PolicyError(Message("weights: entropy needs at least two customers with every indicator"))
    if (x < 0).any():
        raise PolicyError(Message("weights: entropy needs non-negative values"))
    sums = x.sum(axis=0)
    p = np.divide(x, sums, out=np.full_like(x, 1.0 / m), where=sums > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    entropy = -plogp.sum(axis=0) / np.log(m)
    divergence = 1.0 - entropy
    if divergence.sum() <= 0:
        return np.full(x.shape[1], 1.0 / x.shape[1])
    return divergence / divergence.sum()


def minmax(matrix, benefit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Min–max normalised matrix (benefit: ``(x−min)/(max−min)``, cost: ``(max−x)/(max−min)``), mins, maxs.

    A column with one value everywhere normalises to 1.
    """
    x = np.asarray(matrix, dtype=float)
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    up = (x - lo) / span
    z = np.where(np.asarray(benefit), up, 1.0 - up)
    z[:, hi == lo] = 1.0
    return z, lo, hi


def topsis(matrix, weights, benefit) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """TOPSIS closeness (Hwang & Yoon 1981) with vector normalisation.

    Returns ``(closeness, norms, ideal, anti_ideal)``: ``v = w · x / ‖x‖`` per column, the ideal takes the
    best ``v`` per column (max for benefit, min for cost), and closeness is ``D− / (D+ + D−)``.
    """
    x = np.asarray(matrix, dtype=float)
    w = np.asarray(weights, dtype=float)
    b = np.asarray(benefit, dtype=bool)
    norms = np.sqrt((x**2).sum(axis=0))
    norms = np.where(norms > 0, norms, 1.0)
    v = x / norms * w
    ideal = np.where(b, v.max(axis=0), v.min(axis=0))
    anti = np.where(b, v.min(axis=0), v.max(axis=0))
    d_plus = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - anti) ** 2).sum(axis=1))
    total = d_plus + d_minus
    closeness = np.divide(d_minus, total, out=np.zeros_like(total), where=total > 0)
    return closeness, norms, ideal, anti
