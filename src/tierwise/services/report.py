"""Gather everything a report shows into a :class:`~tierwise.report_model.ReportData`.

The figures come from the analytics and value layers; this module only calls them, pulls their small
results (one row per customer at most) and shapes them for the renderers. A section whose inputs the
data set lacks is left out with the reason, in words the reader sees in the report.

>>> from tierwise.config import Settings
>>> ctx = ServiceContext.system(Settings())
>>> data = build_report_data(ctx, open_source("demo"), policies=[])  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tierwise.analytics.classify.migration import GONE, NEW, migration_matrix
from tierwise.analytics.classify.policy import UNCLASSIFIED, Policy
from tierwise.analytics.engine import Engine
from tierwise.analytics.indicators import compute_indicators, months_before, resolve_as_of
from tierwise.analytics.pareto import pareto_curve, pareto_summary
from tierwise.analytics.promotions import PromotionWindow
from tierwise.analytics.registry import INDICATORS
from tierwise.errors import check_language
from tierwise.i18n import N_, Message, gettext_for
from tierwise.io.dataset import Dataset
from tierwise.io.source import DataSource
from tierwise.policy_files import PolicyRef
from tierwise.report_model import (
    Finding,
    Migration,
    Pareto,
    ReportData,
    Summary,
)
from tierwise.services import report_sections as build
from tierwise.services.classification import classify_dataset, resolve_policy
from tierwise.services.context import ServiceContext
from tierwise.services.report_analyses import report_analyses
from tierwise.services.report_clv import value_section
from tierwise.services.sources import open_dataset
from tierwise.value.atrisk import at_risk

log = logging.getLogger(__name__)

#: indicator columns of the customer list, in order (those the data set has)
CUSTOMER_COLUMNS = (
    "customer_id",
    "name",
    "owner",
    "region",
    "industry",
    "sales_12m",
    "profit_12m",
    "gross_margin",
    "orders",
    "avg_order_value",
    "last_purchase",
    "recency_days",
    "sales_rank",
    "overdue_amount",
)

NO_TRANSACTIONS = Message(N_("no transactions table: sales, Pareto, RFM and value not assessed"))
NO_RECEIVABLES = Message(N_("no receivables table: financial credit not assessed"))
NO_OPPORTUNITIES = Message(N_("no opportunities table: prospects not graded"))
NO_PROFIT = Message(N_("the transactions have neither profit nor cost: profit figures not shown"))
NO_COMPARE = Message(N_("give a second as-of date (--compare DATE) to see moves between classes"))
NOT_SELECTED = N_("the %(policy)s policy was not selected (--policy %(policy)s)")
NOT_AVAILABLE = Message(N_("nothing to show for this data set and these policies"))
NO_SALES = Message(N_("no customer bought or made a profit in the 12 months to the report date"))
NEEDS_VALUES = Message(N_("needs the value model (see customer lifetime value)"))
NO_CLASS_TO_COMPARE = Message(N_("no class to compare: select a policy (--policy NAME)"))
NEEDS_TABLE = N_("the %(policy)s policy needs %(what)s, which the data set lacks")
#: the policies a report shows when none are named
DEFAULT_POLICIES = tuple(PolicyRef.shipped(n) for n in ("abc", "china-post", "rfm", "key-account", "prospect-grade"))
AT_RISK_BELOW = 0.5  # P(alive) under which a customer of the best class is listed as at risk


def build_report_data(
    ctx: ServiceContext,
    data: DataSource | Dataset,
    *,
    policies: Sequence[str | PolicyRef] = (),
    as_of: dt.date | None = None,
    compare: dt.date | None = None,
    lang: str | None = None,
    title: str | None = None,
    dataset_name: str | None = None,
    value_model: str = "bgnbd",
    horizon_days: int = 365,
    promotions: tuple[PromotionWindow, ...] = (),
) -> ReportData:
    """The report of ``data`` as of ``as_of`` (default: the last transaction date).

    ``policies`` names the classification policies to show (shipped names or references); ``compare``
    adds the class migration from that date. The context's engine computes the indicators; ``lang``
    defaults to the settings' language; ``value_model`` (bgnbd, pareto, mbgnbd) and ``horizon_days`` the
    customer-value model and its horizon. A policy that says ``key_accounts: true`` gives the key-account
    list. ``promotions`` are the promotion windows whose response the analyses show.
    """
    lang = lang or ctx.settings.lang
    check_language(lang)
    _ = gettext_for(lang)
    engine, settings = ctx.engine, ctx.settings
    dataset = open_dataset(data, settings, needs=("transactions",), command="tierwise report", notes=ctx.notes)
    if dataset_name is None and not isinstance(data, Dataset):
        dataset_name = data.label
    policies = [p if isinstance(p, PolicyRef) else PolicyRef.shipped(p) for p in policies]
    eng = Engine.for_dataset(dataset, engine, settings)
    tables = eng.tables(dataset)
    as_of = resolve_as_of(tables, as_of)
    report = ReportData(
        title=title or _("Customer value report"),
        dataset=dataset_name or ", ".join(sorted(set(dataset.sources.values()))) or "–",
        as_of=as_of,
        lang=lang,
        compare=compare,
        engine=engine,
        policies=[p.source for p in policies],
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None),
    )
    indicators = eng.to_pyarrow(compute_indicators(tables, as_of))
    with_profit = dataset.has_column("transactions", "profit") or dataset.has_column("transactions", "cost")
    if "transactions" in tables:
        report.summary = summary(eng, tables["transactions"], indicators, as_of, with_profit=with_profit)
        if not with_profit:
            report.summary.findings.append(Finding(NO_PROFIT, 0, "warning"))
    else:
        for section in ("summary", "pareto", "rfm", "clv", "at_risk"):
            report.mark_missing(section, NO_TRANSACTIONS)
    values = None
    if "transactions" in tables:
        values = value_section(report, tables["transactions"], as_of, value_model, horizon_days)
    report.customers = customer_list(indicators, with_profit=with_profit, values=values)
    if "transactions" in tables:
        ind_expr = compute_indicators(tables, as_of, names=["sales_12m", "profit_12m"])
        report.pareto = pareto_section(ind_expr, eng, with_profit=with_profit)
    first: tuple[Policy, pa.Table] | None = None
    for name in policies:
        policy = resolve_policy(name)
        if policy.input == "prospects" and "opportunities" not in tables:
            report.mark_missing("prospects", NO_OPPORTUNITIES)
            continue
        result = classify_dataset(ctx, dataset, policy, as_of=as_of, lang=lang)
        _note_lacking(report, policy, tables)
        _add_policy(report, policy, result.assignments, indicators, lang, with_profit)
        if not _is_rfm(policy) and policy.input == "indicators":
            report.customers = build.class_columns(report.customers, result.assignments, policy.name)
            first = first or (policy, result.assignments)
    if first is not None and values is not None:
        assigned = build.with_columns(
            first[1].select(["customer_id", "class", "label", "rank"]), indicators, ["last_purchase"]
        )
        frame = at_risk(assigned, values.to_pandas(), AT_RISK_BELOW, as_of=as_of)
        report.at_risk = build.at_risk_list(frame, indicators, AT_RISK_BELOW)
    if first is not None and "transactions" in tables:
        report.analyses = report_analyses(eng, tables, first[0], first[1], values, as_of, lang, promotions)
    if compare is not None and first is not None:
        before = classify_dataset(ctx, dataset, first[0], as_of=compare, lang=lang)
        report.migration = migration_section(eng, first[0], before.assignments, first[1], compare, as_of, lang)
    _mark_not_computed(report, policies, tables, compare)
    return report


def _note_lacking(report: ReportData, policy: Policy, tables: dict) -> None:
    """Say which criteria a policy could not assess because a table is missing (their indicators are null)."""
    lacking = sorted(
        {INDICATORS[n].source for n in policy.indicators() if n in INDICATORS and INDICATORS[n].group != "value"}
        - set(tables)
    )
    if not lacking or report.summary is None:
        return
    message = (
        NO_RECEIVABLES
        if lacking == ["receivables"]
        else Message(NEEDS_TABLE, {"policy": policy.name, "what": ", ".join(lacking)})
    )
    if message not in [f.message for f in report.summary.findings]:
        report.summary.findings.append(Finding(message, 0, "warning"))


def pareto_section(indicators: ibis.Table, eng: Engine, *, with_profit: bool) -> Pareto | None:
    """The Pareto curve and its figures (:mod:`tierwise.analytics.pareto`) over active customers.

    Sales accumulate with customers sorted by sales; profit with customers sorted by profit (the whale
    curve), so its peak is the profit-maximising cut.
    """
    profit = "profit_12m" if with_profit else None
    figures = pareto_summary(indicators, profit=profit)
    if figures.customers == 0:
        return None
    curve = eng.to_pyarrow(pareto_curve(indicators, profit=profit, points=200))
    share = [0.0, *curve.column("customer_share").to_pylist()]
    sales = [0.0, *[v or 0.0 for v in curve.column("sales_share").to_pylist()]]
    whale = [0.0, *[v or 0.0 for v in curve.column("whale_profit_share").to_pylist()]] if with_profit else None
    total_profit = figures.total_profit
    return Pareto(
        customer_share=share,
        sales_share=sales,
        profit_share=whale,
        gini=figures.gini,
        top20_sales_share=figures.top20_sales_share,
        customers_for_80=figures.point_80_20,
        top20_profit_share=figures.top20_profit_share,
        profit_peak_customer_share=figures.profit_peak_at,
        profit_peak_share=figures.profit_peak_share,
        bottom30_profit_share=(
            figures.bottom30_profit / total_profit if figures.bottom30_profit is not None and total_profit else None
        ),
    )


def migration_section(
    eng: Engine, policy: Policy, before: pa.Table, after: pa.Table, from_date: dt.date, to_date: dt.date, lang: str
) -> Migration:
    """Moves between the classes of ``policy`` from one run to the next (``(new)`` / ``(gone)`` kept)."""
    _ = gettext_for(lang)
    keep = ["customer_id", "class", "reasons"]
    matrix = eng.execute(
        migration_matrix(
            eng.scratch("report_before", before.select(keep)), eng.scratch("report_after", after.select(keep))
        )
    )
    labels = {c.code: c.label[lang] for c in policy.classes}
    labels |= {UNCLASSIFIED: _("unclassified"), NEW: _("new customer"), GONE: _("no longer a customer")}
    present = set(matrix.from_class) | set(matrix.to_class)
    order = [c for c in [*policy.class_codes, UNCLASSIFIED, NEW, GONE] if c in present or c in policy.class_codes]
    index = {c: i for i, c in enumerate(order)}
    counts = np.zeros((len(order), len(order)), dtype=np.int64)
    np.add.at(
        counts,
        (matrix.from_class.map(index).to_numpy(int), matrix.to_class.map(index).to_numpy(int)),
        matrix.customers.to_numpy(np.int64),
    )
    ranked = len(policy.class_codes)  # moves among real classes: a lower index is a better class
    real = counts[:ranked, :ranked]
    return Migration(
        policy=policy.name,
        from_date=from_date,
        to_date=to_date,
        classes=[(c, labels[c]) for c in order],
        counts=counts.tolist(),
        upgrades=int(np.tril(real, -1).sum()),
        downgrades=int(np.triu(real, 1).sum()),
        unchanged=int(np.trace(counts)),
    )


def _add_policy(
    report: ReportData, policy: Policy, assignments: pa.Table, indicators: pa.Table, lang: str, with_profit: bool
) -> None:
    """Fill the sections ``policy`` feeds: its class table, and the RFM map, key accounts or prospects."""
    if _is_rfm(policy):
        report.rfm = build.rfm_map(assignments, indicators)
    elif policy.input == "prospects":
        report.prospects = build.prospect_grades(assignments, policy, lang)
    else:
        report.classes.append(build.class_distribution(assignments, policy, indicators, lang, with_profit=with_profit))
        if policy.key_accounts and report.key_accounts is None:
            report.key_accounts = build.key_accounts(assignments, policy, indicators)


def _is_rfm(policy: object) -> bool:
    """An RFM policy (one ``method: rfm`` criterion): shown as the RFM map rather than a class table."""
    return isinstance(policy, Policy) and policy.summary_method == "rfm"


def _mark_not_computed(
    report: ReportData, policies: Sequence[PolicyRef], tables: dict, compare: dt.date | None
) -> None:
    """Record why each section without data is absent."""
    if not report.classes and "classes" not in report.missing:
        report.mark_missing("classes", Message(N_("no policy selected (--policy NAME)")))
    if report.rfm is None and "transactions" in tables and not any(_is_rfm(resolve_policy(p)) for p in policies):
        report.mark_missing("rfm", Message(NOT_SELECTED, {"policy": "rfm"}))
    if report.at_risk is None and report.clv is not None and not report.classes:
        report.mark_missing("at_risk", Message(N_("no class to review: select a policy (--policy NAME)")))
    if report.key_accounts is None and "key_accounts" not in report.missing:
        if not any(getattr(resolve_policy(p), "key_accounts", False) for p in policies):
            report.mark_missing("key_accounts", Message(NOT_SELECTED, {"policy": "key-account"}))
        else:
            report.mark_missing("key_accounts", NOT_AVAILABLE)
    if report.prospects is None and "prospects" not in report.missing:
        if "opportunities" not in tables:
            report.mark_missing("prospects", NO_OPPORTUNITIES)
        elif not any(getattr(resolve_policy(p), "input", None) == "prospects" for p in policies):
            report.mark_missing("prospects", Message(NOT_SELECTED, {"policy": "prospect-grade"}))
        else:
            report.mark_missing("prospects", NOT_AVAILABLE)
    if report.migration is None:
        report.mark_missing("migration", NO_COMPARE if compare is None else NO_CLASS_TO_COMPARE)
    if "transactions" in tables and report.pareto is None and "pareto" not in report.missing:
        report.mark_missing("pareto", NO_SALES)
    if report.at_risk is None and report.clv is None and "at_risk" not in report.missing:
        report.mark_missing("at_risk", NEEDS_VALUES)
    if "transactions" in tables:
        for section in ("pareto", "rfm", "clv", "at_risk"):
            if not report.present(section) and section not in report.missing:
                report.mark_missing(section, NOT_AVAILABLE)


def summary(
    eng: Engine, transactions: ibis.Table, indicators: pa.Table, as_of: dt.date, *, with_profit: bool
) -> Summary:
    """Headline figures: customers, 12-month sales and profit, transaction count and dates, findings."""
    tx = transactions.filter(transactions.date <= as_of)
    window_start = months_before(as_of, 12)
    stats = eng.execute(
        tx.aggregate(
            transactions=tx.count(),
            first=tx.date.min(),
            last=tx.date.max(),
            returns=(tx.amount < 0).ifelse(1, 0).sum(),
            returns_12m=((tx.amount < 0) & (tx.date > window_start)).ifelse(1, 0).sum(),
        )
    ).iloc[0]
    sales = _column(indicators, "sales_12m")
    orders = _column(indicators, "orders")
    findings = []
    never = int(np.count_nonzero(~_column(indicators, "has_purchases", bool)))
    if never:
        findings.append(Finding(Message(N_("customers without any purchase up to the report date")), never))
    lapsed = int(np.count_nonzero(_column(indicators, "has_purchases", bool) & (orders == 0)))
    if lapsed:
        findings.append(Finding(Message(N_("customers with no purchase in the last 12 months")), lapsed))
    if int(stats["returns_12m"] or 0):
        findings.append(
            Finding(Message(N_("returns (negative amounts) in the last 12 months")), int(stats["returns_12m"]))
        )
    return Summary(
        customers=indicators.num_rows,
        active_customers=int(np.count_nonzero(orders > 0)),
        sales_12m=float(sales.sum()),
        profit_12m=float(_column(indicators, "profit_12m").sum()) if with_profit else None,
        transactions=int(stats["transactions"]),
        first_date=build.as_date(stats["first"]),
        last_date=build.as_date(stats["last"]),
        findings=findings,
    )


def customer_list(indicators: pa.Table, *, with_profit: bool, values: pa.Table | None = None) -> pa.Table:
    """The customer list of the workbook: identity, trade and value columns, largest 12-month sales first."""
    keep = [
        c
        for c in CUSTOMER_COLUMNS
        if c in indicators.column_names and (with_profit or c not in ("profit_12m", "gross_margin"))
    ]
    table = indicators.select(keep)
    if values is not None:
        table = table.join(values, "customer_id", join_type="left outer")
    if "sales_12m" in keep:
        table = table.sort_by([("sales_12m", "descending"), ("customer_id", "ascending")])
    return table


def _column(table: pa.Table, name: str, dtype: type = float) -> np.ndarray:
    """A column as numpy (nulls as 0 / False)."""
    if name not in table.column_names:
        return np.zeros(table.num_rows, dtype=dtype)
    col = pc.fill_null(table.column(name), False if dtype is bool else 0)
    return np.asarray(col.to_numpy(), dtype=dtype)
