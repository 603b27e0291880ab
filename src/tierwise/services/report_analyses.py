"""The report's analyses (the Excel "Analyses" sheet): loyalty, profit, product mix, cross-sell gaps,
promotion response and future value per class of the report's first policy and per account manager, on
the report's own engine and data set (:mod:`tierwise.services.segment_figures`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from tierwise.analyses_model import SegmentAnalyses
from tierwise.analytics.classify.policy import Policy
from tierwise.analytics.engine import Engine
from tierwise.analytics.promotions import BASELINE_DAYS, PromotionWindow, load_windows
from tierwise.i18n import gettext_for
from tierwise.services.analyses import NO_INDUSTRY, NO_OWNER
from tierwise.services.segment_figures import category_mix, cohorts, gaps, promotion_response, segment_figures


def promotion_windows(path: str | Path) -> tuple[PromotionWindow, ...]:
    """The promotion windows of a YAML file (a list of ``name, start, end``) for :func:`report_analyses`."""
    return load_windows(path)


def report_analyses(
    eng: Engine,
    tables: dict[str, ir.Table],
    policy: Policy,
    assignments: pa.Table,
    values: pa.Table | None,
    as_of: dt.date,
    lang: str,
    windows: tuple[PromotionWindow, ...] = (),
    baseline_days: int = BASELINE_DAYS,
) -> tuple[SegmentAnalyses, ...]:
    """Per class of ``policy`` (its ``assignments``) and, when customers have owners, per owner."""
    _ = gettext_for(lang)
    t = tables["transactions"]
    c = tables.get("customers")
    names = c.select("customer_id", "name") if c is not None else None
    classes = eng.scratch("report_classes", assignments.select(["customer_id", "class"])).rename(segment="class")
    labels = {k.code: k.label[lang] for k in policy.classes}
    out = [_analyses(eng, t, "class", classes, classes.rename(peer_group="segment"), labels, values, as_of,
                     windows, baseline_days, policy.name, names)]  # fmt: skip
    if c is not None:
        owners = c.select("customer_id", segment=c.owner.fill_null(ibis.literal(_(NO_OWNER))))
        industries = c.select("customer_id", peer_group=c.industry.fill_null(ibis.literal(_(NO_INDUSTRY))))
        if eng.to_pyarrow(c.filter(c.owner.notnull()).limit(1)).num_rows:
            out.append(_analyses(eng, t, "owner", owners, industries, {}, values, as_of, windows, baseline_days,
                                 None, names))  # fmt: skip
    return tuple(out)


def _analyses(
    eng: Engine,
    t: ir.Table,
    by: str,
    segments: ir.Table,
    peers: ir.Table,
    labels: dict[str, str],
    values: pa.Table | None,
    as_of: dt.date,
    windows: tuple[PromotionWindow, ...],
    baseline_days: int,
    policy: str | None,
    names: ir.Table | None,
) -> SegmentAnalyses:
    return SegmentAnalyses(
        by,
        as_of,
        policy,
        None,
        segment_figures(eng, t, segments, as_of, labels, values),
        cohorts(eng, t, segments, as_of),
        category_mix(eng, t, segments, as_of),
        gaps(eng, t, peers, segments.select("customer_id"), as_of, names),
        promotion_response(eng, t, segments, windows, baseline_days),
        "class" if by == "class" else "industry",
    )
