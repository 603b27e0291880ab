"""The concentration curves of the dashboard: the Pareto curve of sales and the whale curve of profit."""

from __future__ import annotations

import numpy as np

CURVE_POINTS = 200  # a curve keeps this many points (and its peak): enough to draw, small to store


def concentration_curve(values: np.ndarray, points: int = CURVE_POINTS) -> list[list[float]]:
    """The cumulative share of the total against the share of customers, largest first.

    Missing values count as 0. On sales it is the Pareto curve (the 80/20 point is where it crosses
    0.8); on profit the whale curve, which rises above 1 while the profitable customers add up and falls
    back to 1 as the loss-makers are added (its peak is kept exactly). Empty when the total is not positive.

    >>> concentration_curve(np.array([50.0, 30.0, 20.0]), points=3)
    [[0.0, 0.0], [0.333333, 0.5], [0.666667, 0.8], [1.0, 1.0]]
    """
    values = np.nan_to_num(values, nan=0.0)
    total = float(values.sum())
    if values.size == 0 or total <= 0:
        return []
    cumulative = np.concatenate([[0.0], np.cumsum(np.sort(values)[::-1]) / total])
    shares = np.arange(values.size + 1) / values.size
    keep = np.unique(
        np.concatenate([np.linspace(0, values.size, points + 1).round().astype(int), [cumulative.argmax()]])
    )
    return [[round(float(x), 6), round(float(y), 6)] for x, y in zip(shares[keep], cumulative[keep], strict=True)]
