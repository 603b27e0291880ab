"""Use case: classify the customers of a data set by a policy, and the Pareto analysis of a data set.

data set → canonical tables on the chosen engine → indicators (plus the value-model indicators when the
policy reads them, or the prospect table for ``input: prospects``) → classify → assignment table.

Indicators whose input table the data set lacks are NULL columns (a :class:`MissingTable` finding
says so): a rule on them does not fire, and a criterion that needs them leaves the customer
``unclassified`` with the reason.

Example: ``classify_dataset(ctx, open_source("demo"), PolicyRef.shipped("china-post"), lang="zh")
.assignments`` is the Arrow assignment table; ``.summary`` holds the customers and 12-month sales per
class (:class:`ClassSummary`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from tierwise.analytics.classify.assign import classify
from tierwise.analytics.classify.criterion import UNCLASSIFIED_LABEL
from tierwise.analytics.classify.migration import apply_grace, movers
from tierwise.analytics.classify.policy import UNCLASSIFIED, Policy, TriagePolicyInfo, load_policy
from tierwise.analytics.classify.prospects import prospect_indicators
from tierwise.analytics.engine import Engine
from tierwise.analytics.indicators import compute_indicators, resolve_as_of
from tierwise.analytics.pareto import ParetoSummary, pareto_curve, pareto_summary
from tierwise.analytics.registry import INDICATORS
from tierwise.errors import DataValidationError, Problem, UsageError, check_language
from tierwise.i18n import N_, Language, Message, translate
from tierwise.io.dataset import Dataset
from tierwise.io.source import DataSource
from tierwise.policy_files import PolicyRef
from tierwise.services.access import require_action
from tierwise.services.context import ServiceContext
from tierwise.services.report_sections import class_distribution
from tierwise.services.sources import open_dataset

log = logging.getLogger(__name__)

SALES = "sales_12m"
PROFIT = "profit_12m"


MISSING_TABLE = N_("%(name)s: the data set has no %(table)s table; treated as missing")


@dataclass(frozen=True)
class MissingTable:
    """A finding: an indicator the policy reads comes from a table the data set lacks (it is NULL)."""

    indicator: str
    table: str

    @property
    def message(self) -> Message:
        """The finding as a translatable message."""
        return Message(MISSING_TABLE, {"name": self.indicator, "table": self.table})


@dataclass(frozen=True)
class ClassSummary:
    """One class of a classification: customers and their share, 12-month sales and their share."""

    code: str
    label: str
    customers: int
    customer_share: float
    sales: float | None  # None when the data set has no transactions
    sales_share: float | None


@dataclass
class ClassificationResult:
    """A classification of one data set by one policy as of one date (nothing saved)."""

    policy: Policy
    as_of: dt.date
    engine: str
    assignments: pa.Table  # the DESIGN.md output contract, ordered by rank
    summary: list[ClassSummary] = field(default_factory=list)  # policy order, then ``unclassified``
    findings: list[MissingTable] = field(default_factory=list)  # what the data lacked
    # 12-month sales and profit per customer (``customer_id, sales, profit``), in the assignments' order;
    # None when the data set has no transactions
    values: pa.Table | None = None


def resolve_policy(policy: str | Path | PolicyRef | Policy) -> Policy:
    """A classification policy from a reference or a model; a triage policy is a usage error."""
    loaded = policy if isinstance(policy, (Policy, TriagePolicyInfo)) else load_policy(policy)
    if isinstance(loaded, TriagePolicyInfo):
        raise UsageError(
            Message(
                "policy %(policy)s routes walk-in customers (method: triage); it does not classify",
                {"policy": repr(loaded.name)},
            )
        )
    return loaded


def _null_column(name: str) -> ir.Value:
    unit = INDICATORS[name].unit
    return ibis.null("string" if unit in ("label",) else "boolean" if unit == "flag" else "float64")


def policy_input(
    tables: dict[str, ir.Table], policy: Policy, as_of: dt.date, engine: Engine, findings: list[MissingTable]
) -> tuple[ir.Table, ir.Table | None]:
    """The table a policy classifies (indicators or prospects) and the 12-month sales per customer."""
    with_sales = "transactions" in tables
    if policy.input == "prospects":
        if "opportunities" not in tables:
            raise DataValidationError(
                [
                    Problem(
                        "opportunities",
                        None,
                        None,
                        None,
                        Message(
                            "policy %(policy)s grades prospects from the opportunities table, which the data set lacks",
                            {"policy": repr(policy.name)},
                        ),
                    )
                ]
            )
        sales = (
            compute_indicators(tables, as_of, names=[SALES, PROFIT]).select("customer_id", sales=SALES, profit=PROFIT)
            if with_sales
            else None
        )
        return prospect_indicators(tables["opportunities"], as_of), sales
    needed = [n for n in policy.indicators() if INDICATORS[n].group != "value"]
    present = [n for n in needed if INDICATORS[n].source in tables]
    from_transactions = [n for n in needed if INDICATORS[n].source == "transactions" and n not in present]
    if from_transactions or (not with_sales and any(INDICATORS[n].group == "value" for n in policy.indicators())):
        names = ", ".join(from_transactions) or "the value models"
        raise DataValidationError(
            [
                Problem(
                    "transactions",
                    None,
                    None,
                    None,
                    Message(
                        "no transactions table: policy %(policy)s classifies by %(names)s, computed from the "
                        "purchases; add a transactions.csv (or 交易.xlsx …) file to the data set",
                        {"policy": repr(policy.name), "names": names},
                    ),
                )
            ]
        )
    for name in needed:
        if name not in present:
            findings.append(MissingTable(name, INDICATORS[name].source))
    extra = [n for n in (SALES, PROFIT) if n not in present] if with_sales else []
    table = compute_indicators(tables, as_of, names=present + extra)
    sales = table.select("customer_id", sales=SALES, profit=PROFIT) if with_sales else None
    if extra:
        table = table.drop(*extra)
    absent = {n: _null_column(n) for n in needed if n not in present}
    if absent:
        table = table.mutate(**absent)
    value_names = [n for n in policy.indicators() if INDICATORS[n].group == "value"]
    if value_names:
        table = _with_value_indicators(table, tables, value_names, as_of, engine)
    return table, sales


def _with_value_indicators(
    table: ir.Table, tables: dict[str, ir.Table], names: list[str], as_of: dt.date, engine: Engine
) -> ir.Table:
    from tierwise.value.clv import customer_value  # the value models load scipy; only when a policy asks

    frame = customer_value(tables["transactions"], as_of)
    values = engine.scratch(
        "value_indicators", pa.Table.from_pandas(frame[["customer_id", *names]], preserve_index=False)
    )
    values = values.rename({f"__v_{n}": n for n in names}).rename(vid="customer_id")
    joined = table.left_join(values, table.customer_id == values.vid)
    return joined.select(*[c for c in table.columns], **{n: joined[f"__v_{n}"] for n in names})


def classify_dataset(
    ctx: ServiceContext,
    data: DataSource | Dataset,
    policy: str | Path | PolicyRef | Policy,
    *,
    as_of: dt.date | None = None,
    lang: Language | None = None,
    history: Sequence[pa.Table] = (),
) -> ClassificationResult:
    """Classify every customer of ``data`` (a source, or a data set already opened) by ``policy``.

    ``lang`` defaults to the settings' language; the engine is the context's. ``history``: the earlier
    saved runs of the same policy, oldest first; with a policy's ``grace_runs`` they hold back
    downgrades (:func:`~tierwise.analytics.classify.migration.apply_grace`) and the result gains a
    ``computed_class`` column.
    """
    lang = lang or ctx.settings.lang
    check_language(lang)
    chosen = resolve_policy(policy)
    dataset = open_dataset(data, ctx.settings, notes=ctx.notes)
    eng = Engine.for_dataset(dataset, ctx.engine, ctx.settings)
    tables = eng.tables(dataset)
    day = resolve_as_of(tables, as_of)
    findings: list[MissingTable] = []
    table, sales = policy_input(tables, chosen, day, eng, findings)
    assigned = classify(table, chosen, day, lang)
    if history and chosen.grace_runs > 1:
        earlier = [eng.scratch("earlier_run", run) for run in history]
        assigned = apply_grace(assigned, earlier, chosen, lang)
    if sales is not None:
        joined = assigned.left_join(sales, assigned.customer_id == sales.customer_id)
        assigned = joined.select(*assigned.columns, _sales=joined.sales, _profit=joined.profit)
    result = eng.to_pyarrow(assigned.order_by("rank"))
    values = None
    if "_sales" in result.column_names:
        values = pa.table(
            {"customer_id": result.column("customer_id"), "sales": result["_sales"], "profit": result["_profit"]}
        )
        result = result.drop_columns(["_sales", "_profit"])
    for finding in findings:
        log.warning(finding.message.msgid, finding.message.params)
    sales_col = values.column("sales") if values is not None else None
    summary = class_summary(result, sales_col, chosen, lang)
    return ClassificationResult(chosen, day, ctx.engine, result, summary, findings, values)


def what_if_dataset(
    ctx: ServiceContext,
    data: DataSource | Dataset,
    policy: str | Path | PolicyRef | Policy,
    edited: str | Path | PolicyRef | Policy,
    *,
    as_of: dt.date | None = None,
    lang: Language | None = None,
) -> tuple[pa.Table, dt.date]:
    """Who would move if ``edited`` replaced ``policy`` on this data set (nothing is saved), and the date.

    Editing policies is the analyst's (``policies.write``), who sees every customer.
    """
    require_action(ctx, "policies.write")
    lang = lang or ctx.settings.lang
    check_language(lang)
    before, after = resolve_policy(policy), resolve_policy(edited)
    if before.input != after.input:
        raise UsageError(
            Message(
                "policies %(before)s and %(after)s read different inputs; compare like with like",
                {"before": repr(before.name), "after": repr(after.name)},
            )
        )
    dataset = open_dataset(data, ctx.settings, notes=ctx.notes)
    eng = Engine.for_dataset(dataset, ctx.engine, ctx.settings)
    tables = eng.tables(dataset)
    day = resolve_as_of(tables, as_of)
    merged = before.model_copy(update={"criteria": [*before.criteria, *after.criteria]})
    table, _ = policy_input(tables, merged, day, eng, [])
    moved = movers(classify(table, before, day, lang), classify(table, after, day, lang), after, lang)
    return eng.to_pyarrow(moved), day


def class_summary(
    assignments: pa.Table, sales: pa.ChunkedArray | None, policy: Policy, lang: Language
) -> list[ClassSummary]:
    """Per class (policy order, then ``unclassified``): customers, their share, 12-month sales and share.

    The same figures as the report's class table (:func:`tierwise.services.report_sections.class_distribution`).
    """
    columns = {"customer_id": assignments.column("customer_id")}
    if sales is not None:
        columns["sales_12m"] = pc.fill_null(sales, 0.0)
    dist = class_distribution(assignments, policy, pa.table(columns), lang, with_profit=False)
    rows = [(r.code, r.label, r.customers, r.customer_share, r.sales, r.sales_share) for r in dist.rows]
    if dist.unclassified:
        n = assignments.num_rows
        label = translate(Message(UNCLASSIFIED_LABEL), lang)
        rows.append((UNCLASSIFIED, label, dist.unclassified, dist.unclassified / n, *dist.unclassified_sales))
    return [
        ClassSummary(
            code=code,
            label=label,
            customers=customers,
            customer_share=share,
            sales=amount if sales is not None else None,
            sales_share=amount_share if sales is not None else None,
        )
        for code, label, customers, share, amount, amount_share in rows
    ]


def pareto_dataset(
    ctx: ServiceContext, data: DataSource | Dataset, *, as_of: dt.date | None = None, points: int = 100
) -> tuple[ParetoSummary, pa.Table, dt.date]:
    """The Pareto figures and curve of a data set's 12-month sales and profit, and the as-of date used."""
    dataset = open_dataset(data, ctx.settings, needs=("transactions",), command="tierwise pareto", notes=ctx.notes)
    eng = Engine.for_dataset(dataset, ctx.engine, ctx.settings)
    tables = eng.tables(dataset)
    day = resolve_as_of(tables, as_of)
    indicators = compute_indicators(tables, day, names=[SALES, "profit_12m"])
    return pareto_summary(indicators), eng.to_pyarrow(pareto_curve(indicators, points=points)), day
