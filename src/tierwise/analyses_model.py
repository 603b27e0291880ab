"""What the analyses of customer segments hold (分析: loyalty, profit, product mix, cross-sell, promotion
response, future value), as plain data the web UI and the reports share. A *segment* is a class of a
saved run (or of the report's first policy) or an account manager (owner)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class SegmentFigures:
    """One segment's figures: loyalty, the year's sales and profit, and the value models' future value."""

    code: str
    label: str
    customers: int  # with a purchase by the as-of date
    repeat_customers: int
    repeat_rate: float | None
    sales: float | None  # the year up to the as-of date
    profit: float | None
    margin: float | None
    valued: int  # customers the value models valued
    p_alive: float | None  # mean
    expected_purchases_12m: float | None
    clv_12m: float | None


@dataclass(frozen=True)
class CohortRow:
    """One first-purchase quarter: its customers and the share active 0, 1, 2… quarters later."""

    segment: str | None  # None: every segment together
    cohort: dt.date  # the quarter's first day
    customers: int
    retention: tuple[float, ...]  # offset 0 first, up to the as-of quarter


@dataclass(frozen=True)
class CategoryShare:
    """A category's net sales in a segment over the year, and its share of the segment's sales."""

    segment: str
    category: str
    sales: float
    share: float


@dataclass(frozen=True)
class CrossSellGap:
    """A category a customer's peers bought and it never did (rank 1: bought by most of them)."""

    customer_id: str
    name: str | None
    peer_group: str
    category: str
    peer_share: float
    rank: int


@dataclass(frozen=True)
class PromotionResponse:
    """A segment's sales in a promotion window against its customers' own baselines."""

    promotion: str
    start: dt.date
    end: dt.date
    segment: str
    customers: int
    window_sales: float
    expected_sales: float
    uplift: float
    uplift_ratio: float | None


@dataclass(frozen=True)
class SegmentAnalyses:
    """The analyses of the viewer's customers, per class of a run or per owner, as of a date."""

    by: str  # "class" or "owner"
    as_of: dt.date
    policy: str | None
    run_id: int | None
    segments: tuple[SegmentFigures, ...]
    cohorts: tuple[CohortRow, ...]
    mix: tuple[CategoryShare, ...]
    gaps: tuple[CrossSellGap, ...]
    promotions: tuple[PromotionResponse, ...]
    peers: str = "class"  # what makes customers similar for the gaps: "class" or "industry"
    policies: tuple[str, ...] = ()  # every policy with a saved run, for the selector

    def label(self, code: str) -> str:
        """The readable name of segment ``code``."""
        return next((s.label for s in self.segments if s.code == code), code)
