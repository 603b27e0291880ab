"""The analyses of customer segments computed on an engine: the shared step of the analyses page
(:mod:`tierwise.services.analyses`, on the store) and the report (:mod:`tierwise.services.report`).

Every figure is one engine query (:mod:`tierwise.analytics.loyalty`, ``product_mix``, ``promotions``,
``segment_value``); only the per-segment results — a few rows per segment — and the ranked gap list are
read back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from tierwise.analyses_model import CategoryShare, CohortRow, CrossSellGap, PromotionResponse, SegmentFigures
from tierwise.analytics.engine import Engine
from tierwise.analytics.loyalty import cohort_retention, repeat_rate
from tierwise.analytics.product_mix import cross_sell_gaps, product_mix
from tierwise.analytics.promotions import BASELINE_DAYS, PromotionWindow, segment_uplift, windows_table
from tierwise.analytics.segment_value import segment_future_value, segment_profit

GAP_ROWS = 200
ALL = "__every_segment__"  # the segment of "every segment together" in the cohort query


def quarters_between(first: dt.date, last: dt.date) -> int:
    """How many quarters from the quarter of ``first`` to that of ``last`` (0 when the same)."""
    return (last.year * 4 + (last.month - 1) // 3) - (first.year * 4 + (first.month - 1) // 3)


def segment_figures(
    eng: Engine,
    transactions: ir.Table,
    segments: ir.Table,
    as_of: dt.date,
    labels: Mapping[str, str],
    values: pa.Table | None = None,
) -> tuple[SegmentFigures, ...]:
    """Loyalty, the year's profit and the future value of each segment (``labels`` orders and names them;
    segments not in ``labels`` follow, by code)."""
    found: dict[str, dict] = {}
    for expr in (repeat_rate(transactions, segments, as_of), segment_profit(transactions, segments, as_of)):
        for row in eng.to_pyarrow(expr).to_pylist():
            found.setdefault(row["segment"], {}).update(row)
    if values is not None and values.num_rows:
        for row in eng.to_pyarrow(segment_future_value(eng.scratch("values", values), segments)).to_pylist():
            found.setdefault(row["segment"], {}).update(row)
    order = [c for c in labels if c in found] + sorted(set(found) - set(labels))
    out = []
    for code in order:
        r = found[code]
        out.append(
            SegmentFigures(
                code,
                labels.get(code, code),
                int(r.get("customers") or 0),
                int(r.get("repeat_customers") or 0),
                r.get("repeat_rate"),
                r.get("sales"),
                r.get("profit"),
                r.get("margin"),
                int(r.get("valued") or 0),
                r.get("p_alive"),
                r.get("expected_purchases_12m"),
                r.get("clv_12m"),
            )  # fmt: skip
        )
    return tuple(out)


def cohorts(eng: Engine, transactions: ir.Table, segments: ir.Table, as_of: dt.date) -> tuple[CohortRow, ...]:
    """The first-purchase cohorts of every segment together (``segment`` None), then of each segment."""
    together = segments.mutate(segment=ibis.literal(ALL))
    rows = eng.to_pyarrow(cohort_retention(transactions, together, as_of).union(
        cohort_retention(transactions, segments, as_of))).to_pylist()  # fmt: skip
    cells: dict[tuple[str, dt.date], dict[int, float]] = {}
    sizes: dict[tuple[str, dt.date], int] = {}
    for r in rows:  # one row per segment, cohort and quarter: a few hundred at most
        key = (r["segment"], r["cohort"])
        cells.setdefault(key, {})[int(r["offset"])] = float(r["retention"])
        sizes[key] = int(r["cohort_customers"])
    out = []
    for (segment, cohort), by_offset in sorted(cells.items(), key=lambda kv: (kv[0][0] != ALL, kv[0])):
        span = quarters_between(cohort, as_of) + 1
        out.append(
            CohortRow(
                None if segment == ALL else segment,
                cohort,
                sizes[(segment, cohort)],
                tuple(by_offset.get(k, 0.0) for k in range(span)),
            )  # fmt: skip
        )
    return tuple(out)


def category_mix(eng: Engine, transactions: ir.Table, segments: ir.Table, as_of: dt.date) -> tuple[CategoryShare, ...]:
    """Each segment's sales per category over the year, largest first."""
    expr = product_mix(transactions, segments, as_of).order_by(["segment", ibis.desc("sales"), "category"])
    return tuple(
        CategoryShare(r["segment"], r["category"], float(r["sales"]), float(r["share"]))
        for r in eng.to_pyarrow(expr).to_pylist()
    )


def gaps(
    eng: Engine, transactions: ir.Table, peers: ir.Table, shown: ir.Table, as_of: dt.date, names: ir.Table | None
) -> tuple[CrossSellGap, ...]:
    """The cross-sell gaps of the customers in ``shown`` (``customer_id``), their peers being every customer
    of ``peers``; the most shared gaps first, at most :data:`GAP_ROWS`."""
    found = cross_sell_gaps(transactions, peers, as_of).semi_join(shown, "customer_id")
    if names is not None:
        found = found.left_join(names, "customer_id").drop("customer_id_right")
    else:
        found = found.mutate(name=ibis.null("string"))
    found = found.order_by([ibis.desc("peer_share"), "customer_id", "rank"]).limit(GAP_ROWS)
    return tuple(
        CrossSellGap(
            r["customer_id"], r["name"], r["peer_group"], r["category"], float(r["peer_share"]), int(r["rank"])
        )
        for r in eng.to_pyarrow(found).to_pylist()
    )


def promotion_response(
    eng: Engine,
    transactions: ir.Table,
    segments: ir.Table,
    windows: tuple[PromotionWindow, ...],
    baseline_days: int = BASELINE_DAYS,
) -> tuple[PromotionResponse, ...]:
    """Each segment's uplift in each promotion window, windows in the order given."""
    if not windows:
        return ()
    table = eng.scratch("promotions", windows_table(windows, baseline_days))
    rows = eng.to_pyarrow(segment_uplift(transactions, table, segments)).to_pylist()
    order = {w.name: i for i, w in enumerate(windows)}
    rows.sort(key=lambda r: (order.get(r["promotion"], len(order)), r["segment"]))
    return tuple(
        PromotionResponse(
            r["promotion"],
            r["start"],
            r["end"],
            r["segment"],
            int(r["customers"]),
            float(r["window_sales"]),
            float(r["expected_sales"]),
            float(r["uplift"]),
            r["uplift_ratio"],
        )  # fmt: skip
        for r in rows
    )
