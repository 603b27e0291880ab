"""The at-risk list: customers in a high class whose probability of still being a customer has fallen.

This is the "up-or-out" review: each listed customer is worth a call before they are gone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tierwise.errors import ModelError, UsageError
from tierwise.i18n import Message

AT_RISK_COLUMNS = (
    "customer_id",
    "class",
    "label",
    "p_alive",
    "last_purchase",
    "days_since_last_purchase",
    "expected_purchases_12m",
    "clv_12m",
    "value_if_alive",
    "value_at_risk",
)


def _frame(table: Any) -> pd.DataFrame:
    return table if isinstance(table, pd.DataFrame) else table.to_pandas()


def at_risk(
    assignments: Any,
    values: Any,
    p_alive_below: float = 0.5,
    *,
    classes: Sequence[str] | None = None,
    as_of: dt.date | None = None,
    period_days: float = 7.0,
) -> pd.DataFrame:
    """Customers of ``classes`` (default: the best class present in ``assignments``) with
    ``p_alive < p_alive_below``, worst loss first.

    ``assignments``: a policy's assignment table (``customer_id, class`` and optionally ``label``);
    ``values``: :func:`tierwise.value.clv.customer_value` output (pandas or Ibis). ``value_if_alive`` is
    ``clv_12m / p_alive`` (the models' expected value factors into P(alive) × value if alive), and
    ``value_at_risk = value_if_alive - clv_12m``: what churn is expected to cost. The last purchase is
    taken from a ``last_purchase`` column of either table when there is one, else derived from
    ``T - recency`` (in units of ``period_days`` days) before ``as_of``; without either it is left empty.
    """
    if not 0 < p_alive_below <= 1:
        raise UsageError(
            Message("p_alive_below must be in (0, 1], not %(p_alive_below)s", {"p_alive_below": p_alive_below})
        )
    assigned, value = _frame(assignments), _frame(values)
    for name, frame, needed in (
        ("assignments", assigned, ("customer_id", "class")),
        ("values", value, ("customer_id", "p_alive", "expected_purchases_12m", "clv_12m")),
    ):
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise ModelError(
                Message("the %(name)s table lacks column(s) %(missing)s", {"name": name, "missing": ", ".join(missing)})
            )
    if classes is None:
        ranked = assigned.sort_values("rank") if "rank" in assigned else assigned
        classes = ranked["class"].iloc[:1].tolist()
    keep = [c for c in ("customer_id", "class", "label", "last_purchase") if c in assigned]
    merged = assigned.loc[assigned["class"].isin(list(classes)), keep].merge(
        value, on="customer_id", how="inner", suffixes=("", "_value")
    )
    merged = merged[merged["p_alive"] < p_alive_below].copy()
    if "label" not in merged:
        merged["label"] = merged["class"]
    if "last_purchase" in merged:
        last = pd.to_datetime(merged["last_purchase"])
        merged["days_since_last_purchase"] = (pd.Timestamp(as_of) - last).dt.days if as_of else np.nan
        merged["last_purchase"] = last.dt.date
    elif {"T", "recency"} <= set(merged.columns):
        days = np.round((merged["T"] - merged["recency"]).to_numpy(float) * period_days)
        merged["days_since_last_purchase"] = days
        merged["last_purchase"] = (pd.Timestamp(as_of) - pd.to_timedelta(days, unit="D")).date if as_of else None
    else:
        merged["days_since_last_purchase"] = np.nan
        merged["last_purchase"] = None
    alive = np.maximum(merged["p_alive"].to_numpy(float), 1e-12)
    merged["value_if_alive"] = merged["clv_12m"].to_numpy(float) / alive
    merged["value_at_risk"] = merged["value_if_alive"] - merged["clv_12m"]
    merged = merged.sort_values(["value_at_risk", "customer_id"], ascending=[False, True])
    return merged[list(AT_RISK_COLUMNS)].reset_index(drop=True)
