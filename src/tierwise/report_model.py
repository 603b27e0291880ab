"""The plain-data model of a report: every figure the HTML and Excel renderers show, and nothing else.

The gathering service (:mod:`tierwise.services.report`) fills a :class:`ReportData` from the analytics
and value layers; the renderers (:mod:`tierwise.reports.html`, :mod:`tierwise.reports.excel`) only read
it. Every section is optional: when its inputs are missing the section is ``None`` and
:attr:`ReportData.missing` holds the reason, which the report shows in its place.

Texts that the report shows in the reader's language (absence reasons, findings) are
:class:`Message` objects: an English message id from the catalogue plus its parameters, translated at
render time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pyarrow as pa

from tierwise.analyses_model import SegmentAnalyses
from tierwise.i18n import Message

#: Section keys, in the order the report shows them.
SECTIONS = (
    "summary",
    "classes",
    "pareto",
    "rfm",
    "key_accounts",
    "prospects",
    "clv",
    "at_risk",
    "migration",
)


@dataclass(frozen=True)
class Finding:
    """One data-quality finding: what was found and how many customers or rows it concerns.

    ``message`` is a :class:`Message`, or a text already in the report's language (a reason).
    """

    message: Message | str
    count: int
    severity: str = "info"  # info | warning


@dataclass(frozen=True)
class Summary:
    """Headline figures of the data set as of the report date."""

    customers: int
    active_customers: int  # customers with at least one purchase in the 12 months to as_of
    sales_12m: float
    profit_12m: float | None  # None when the transactions carry neither profit nor cost
    transactions: int
    first_date: dt.date | None
    last_date: dt.date | None
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class ClassRow:
    """One class of a policy: how many customers, and their share of customers, sales and profit."""

    code: str
    label: str
    customers: int
    customer_share: float
    sales: float
    sales_share: float
    profit: float | None = None
    profit_share: float | None = None


@dataclass(frozen=True)
class ClassDistribution:
    """The class table of one policy applied as of the report date."""

    policy: str
    version: str
    title: str  # the policy's description in the report's language
    rows: list[ClassRow]
    unclassified: int = 0
    unclassified_reasons: list[Finding] = field(default_factory=list)
    unclassified_sales: tuple[float, float] = (0.0, 0.0)  # their 12-month sales and share of sales


@dataclass(frozen=True)
class Pareto:
    """The whale curve: cumulative share of customers (sorted by sales, descending) vs sales and profit.

    ``customer_share``, ``sales_share`` and ``profit_share`` are equally long and start at 0; they are
    already thinned to a few hundred points for drawing. Profit shares may exceed 1 (the profit peak)
    and end at exactly 1.
    """

    customer_share: list[float]
    sales_share: list[float]
    profit_share: list[float] | None
    gini: float
    top20_sales_share: float  # share of sales from the top 20 % of customers
    customers_for_80: float  # share of customers that bring 80 % of sales
    top20_profit_share: float | None = None
    profit_peak_customer_share: float | None = None  # where cumulative profit peaks
    profit_peak_share: float | None = None  # cumulative profit at the peak, as a share of total profit
    bottom30_profit_share: float | None = None  # profit of the bottom 30 % (negative: lost)


@dataclass(frozen=True)
class RfmCell:
    """One cell of the RFM map: recency score × frequency score, with count and average monetary value."""

    recency: int  # 1..5, 5 = most recent
    frequency: int  # 1..5, 5 = most frequent
    customers: int
    monetary_mean: float


@dataclass(frozen=True)
class RfmMap:
    """The RFM segment map and the customers per named segment."""

    cells: list[RfmCell]
    segments: list[tuple[str, str, int]]  # (code, label, customers), largest first


@dataclass(frozen=True)
class Account:
    """One customer in a list (key accounts, at-risk) with the figures and reasons the list shows."""

    customer_id: str
    name: str
    class_code: str
    class_label: str
    sales_12m: float | None = None
    profit_12m: float | None = None
    reasons: list[str] = field(default_factory=list)
    owner: str | None = None


@dataclass(frozen=True)
class KeyAccounts:
    """The key-account list (largest 12-month sales first) and the share of sales it holds."""

    policy: str
    accounts: list[Account]
    total: int  # key accounts in all (the list may be cut for display)
    sales_share: float


@dataclass(frozen=True)
class ProspectGrade:
    """One prospect grade with its count and the salesperson's recommended monthly time allocation."""

    code: str
    label: str
    prospects: int | None  # None for an allocation group that is no grade (new-account development)
    accounts_per_rep: int | None  # recommended number of accounts a salesperson carries in this grade
    days_per_month: float | None  # recommended days a month for them
    cadence: str | None = None  # contact cadence in words


@dataclass(frozen=True)
class Prospects:
    """Prospect grades with the monthly time allocation of the policy."""

    policy: str
    grades: list[ProspectGrade]


@dataclass(frozen=True)
class ClvTier:
    """One CLV tier: customers and their expected 12-month value."""

    code: str
    label: str
    customers: int
    clv: float
    clv_share: float


@dataclass(frozen=True)
class Clv:
    """Customer lifetime value: tiers, the P(alive) histogram, and the model that produced them."""

    model: str
    horizon_days: int
    tiers: list[ClvTier]
    total_clv: float
    p_alive_edges: list[float]  # histogram bin edges, len(counts) + 1, from 0 to 1
    p_alive_counts: list[int]
    #: what makes the fit doubtful (the model's warnings), shown beside its figures
    warnings: list[Message] = field(default_factory=list)


@dataclass(frozen=True)
class AtRiskAccount:
    """A high-value customer whose probability of being alive fell under the bound."""

    customer_id: str
    name: str
    class_label: str
    p_alive: float
    last_purchase: dt.date | None
    expected_purchases: float
    clv: float
    value_at_risk: float


@dataclass(frozen=True)
class AtRisk:
    """The at-risk list ("up or out" review): largest value at risk first."""

    threshold: float
    accounts: list[AtRiskAccount]
    total: int
    value_at_risk: float


@dataclass(frozen=True)
class Migration:
    """Moves between classes of one policy from the compare date to the report date."""

    policy: str
    from_date: dt.date
    to_date: dt.date
    classes: list[tuple[str, str]]  # (code, label), highest class first; rows and columns of the matrix
    counts: list[list[int]]  # counts[i][j]: customers from classes[i] to classes[j]
    upgrades: int
    downgrades: int
    unchanged: int

    def links(self) -> list[tuple[int, int, int]]:
        """Sankey links ``(from index, to index, customers)`` for every non-empty cell."""
        return [(i, j, n) for i, row in enumerate(self.counts) for j, n in enumerate(row) if n]


@dataclass
class ReportData:
    """Everything one report shows. Sections absent from the data are ``None`` with a reason in ``missing``."""

    title: str
    dataset: str
    as_of: dt.date
    lang: str = "en"
    compare: dt.date | None = None
    engine: str = "duckdb"
    policies: list[str] = field(default_factory=list)
    generated_at: dt.datetime | None = None
    summary: Summary | None = None
    classes: list[ClassDistribution] = field(default_factory=list)
    pareto: Pareto | None = None
    rfm: RfmMap | None = None
    key_accounts: KeyAccounts | None = None
    prospects: Prospects | None = None
    clv: Clv | None = None
    at_risk: AtRisk | None = None
    migration: Migration | None = None
    #: the analyses per class of the first policy and per account manager (the Excel "Analyses" sheet)
    analyses: tuple[SegmentAnalyses, ...] = ()
    #: the customer list (one row per customer, Arrow), written in full to Excel and cut in HTML
    customers: pa.Table | None = None
    #: why a section is absent: section key → reasons
    missing: dict[str, list[Message]] = field(default_factory=dict)

    def mark_missing(self, section: str, message: Message) -> None:
        """Record why ``section`` is not shown."""
        if section not in SECTIONS:
            raise ValueError(f"unknown report section {section!r}; known: {', '.join(SECTIONS)}")
        self.missing.setdefault(section, []).append(message)

    def present(self, section: str) -> bool:
        """Whether ``section`` has data to show."""
        value = getattr(self, section)
        return bool(value) if isinstance(value, list) else value is not None
