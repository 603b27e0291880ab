"""Discounted expected value: a purchase model's expected purchases month by month, times spend, discounted."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tierwise.errors import UsageError
from tierwise.i18n import Message
from tierwise.value.timescale import MONTH_DAYS


def discounted_value(
    model: Any,
    spend: Any,
    frequency: Any,
    recency: Any,
    T: Any,
    *,
    horizon_days: float = 365.0,
    discount_rate: float = 0.01,
    unit_days: float = 7.0,
) -> np.ndarray:
    """Σ over months m of spend · (E[Y(m)] - E[Y(m-1)]) / (1 + discount_rate)^m (discounted cash flow).

    Months are :data:`~tierwise.value.timescale.MONTH_DAYS` days; a horizon that is not a whole number of
    months ends with a part month, discounted by its fractional exponent. ``unit_days`` is the length of
    the summary's time unit (7 for weeks). Vectorised over customers and months at once.
    """
    if horizon_days <= 0:
        raise UsageError(
            Message("the horizon must be positive, not %(horizon_days)s days", {"horizon_days": horizon_days})
        )
    if discount_rate <= -1:
        raise UsageError(
            Message(
                "the monthly discount rate must be above -1, not %(discount_rate)s", {"discount_rate": discount_rate}
            )
        )
    months = max(1, math.ceil(horizon_days / MONTH_DAYS - 1e-9))
    ends_days = np.minimum(np.arange(1, months + 1) * MONTH_DAYS, horizon_days)
    scalar = np.ndim(frequency) == np.ndim(recency) == np.ndim(T) == np.ndim(spend) == 0
    x, t_x, big_t, spend = (
        np.atleast_1d(np.asarray(v, dtype=float)) for v in np.broadcast_arrays(frequency, recency, T, spend)
    )
    cumulative = model.conditional_expected_number_of_purchases_up_to_time(
        (ends_days / unit_days)[:, None], x[None, :], t_x[None, :], big_t[None, :]
    )
    increments = np.diff(cumulative, axis=0, prepend=0.0)
    factors = (1.0 + discount_rate) ** (ends_days / MONTH_DAYS)
    value = spend * (increments / factors[:, None]).sum(axis=0)
    return value[0] if scalar else value
