"""The report's customer-value section: the value model fitted on the transactions (its doubts kept with the
figures, not let out as warnings), CLV tiers and the P(alive) histogram."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tierwise.errors import ModelError, ModelWarning
from tierwise.i18n import N_, Message, gettext_for
from tierwise.report_model import Clv, ClvTier, ReportData
from tierwise.value.clv import customer_value

NO_REPEAT_BUYERS = N_("the value model could not be fitted: %(reason)s")
#: CLV tiers: (code, English label, share of customers), highest expected value first
#: value model → the name the report shows
MODEL_NAMES = {"bgnbd": "BG/NBD", "pareto": "Pareto/NBD", "mbgnbd": "MBG/NBD"}
CLV_TIERS = (("high", N_("high value"), 0.2), ("medium", N_("medium value"), 0.3), ("low", N_("low value"), 0.5))
P_ALIVE_BINS = 10


def value_section(
    report: ReportData, transactions: ibis.Table, as_of: dt.date, model: str, horizon_days: int
) -> pa.Table | None:
    """Fit the value model; fill the CLV section and return ``customer_id, p_alive, …, clv_12m``."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ModelWarning)
            frame = customer_value(transactions, as_of, model=model, horizon_days=horizon_days)
    except ModelError as exc:
        report.mark_missing("clv", Message(NO_REPEAT_BUYERS, {"reason": str(exc)}))
        return None
    doubts: dict[str, Message] = {}  # each once, in the order the model gave them
    for w in caught:
        if isinstance(w.message, ModelWarning):
            text = w.message.text
            doubts.setdefault(str(w.message), text if isinstance(text, Message) else Message(text))
        else:  # not ours to hold: let it out as it came
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    values = pa.Table.from_pandas(
        frame[["customer_id", "p_alive", "expected_purchases_12m", "clv_12m"]], preserve_index=False
    )
    values = values.set_column(0, "customer_id", pc.cast(values.column("customer_id"), pa.string()))
    report.clv = clv_section(values, report.lang, model=model, horizon_days=horizon_days, doubts=list(doubts.values()))
    return values


def clv_section(
    values: pa.Table,
    lang: str,
    *,
    model: str = "bgnbd",
    horizon_days: int = 365,
    doubts: Sequence[Message] = (),
) -> Clv:
    """CLV tiers (top 20 % / next 30 % / other 50 % of customers by expected value) and the P(alive) histogram,
    with ``doubts``: the fit's warnings.

    Tier sizes are cumulative customer shares rounded half up; ties in value go to the lower customer id.
    """
    _ = gettext_for(lang)
    clv = np.nan_to_num(np.asarray(values.column("clv_12m").to_numpy(zero_copy_only=False), dtype=float))
    ids = np.asarray(values.column("customer_id").to_numpy(zero_copy_only=False)).astype(str)
    order = np.lexsort((ids, -clv))
    n, total = len(clv), float(clv.sum())
    bounds = np.floor(np.cumsum([share for _c, _l, share in CLV_TIERS]) * n + 0.5).astype(int)
    tiers, start = [], 0
    for (code, label, _share), end in zip(CLV_TIERS, bounds, strict=True):
        part = clv[order[start:end]]
        tiers.append(
            ClvTier(code, _(label), int(part.size), float(part.sum()), float(part.sum() / total) if total else 0.0)
        )
        start = end
    p_alive = np.asarray(values.column("p_alive").to_numpy(zero_copy_only=False), dtype=float)
    counts, edges = np.histogram(p_alive[~np.isnan(p_alive)], bins=P_ALIVE_BINS, range=(0.0, 1.0))
    return Clv(
        model=MODEL_NAMES.get(model, model),
        horizon_days=horizon_days,
        tiers=tiers,
        total_clv=total,
        p_alive_edges=[round(float(e), 10) for e in edges],
        p_alive_counts=[int(c) for c in counts],
        warnings=list(doubts),
    )
