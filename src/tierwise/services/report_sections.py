"""Report sections from assignment and indicator tables (Arrow, one row per customer).

Each builder takes an assignment table of the DESIGN.md output contract (``customer_id, policy,
policy_version, as_of, class, label, score, rank, reasons``), the policy that produced it and the
indicator table, and returns the plain-data section the renderers draw. Grouping happens in Arrow;
Python loops only over classes and over the rows a list shows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tierwise.analytics.classify.policy import UNCLASSIFIED, Policy
from tierwise.report_model import (
    Account,
    AtRisk,
    AtRiskAccount,
    ClassDistribution,
    ClassRow,
    Finding,
    KeyAccounts,
    ProspectGrade,
    Prospects,
    RfmCell,
    RfmMap,
)

LIST_LIMIT = 100  # rows a list shows in the HTML report (the workbook's customer list has every customer)


def _sum(table: pa.Table, column: str) -> float:
    return float(pc.sum(table.column(column)).as_py() or 0.0) if column in table.column_names else 0.0


def with_columns(assignments: pa.Table, indicators: pa.Table, columns: list[str]) -> pa.Table:
    """The assignments with the indicator ``columns`` the indicator table has (left join on customer_id)."""
    have = [c for c in columns if c in indicators.column_names and c not in assignments.column_names]
    # a lookup by position, not an Acero join: joins cannot carry the list-typed ``reasons`` column
    rows = pc.index_in(assignments.column("customer_id"), value_set=indicators.column("customer_id"))
    for c in have:
        assignments = assignments.append_column(c, indicators.column(c).take(rows))
    return assignments


def class_distribution(
    assignments: pa.Table, policy: Policy, indicators: pa.Table, lang: str, *, with_profit: bool
) -> ClassDistribution:
    """Customers, 12-month sales and profit per class, in the policy's class order, and the unclassified."""
    t = with_columns(assignments, indicators, ["sales_12m", "profit_12m"])
    metrics = [("customer_id", "count")] + [(c, "sum") for c in ("sales_12m", "profit_12m") if c in t.column_names]
    grouped = {r["class"]: r for r in t.group_by("class").aggregate(metrics).to_pylist()}
    n, sales, profit = t.num_rows, _sum(t, "sales_12m"), _sum(t, "profit_12m")
    rows = []
    for spec in policy.classes:
        g = grouped.get(spec.code, {})
        count, s, p = g.get("customer_id_count", 0), g.get("sales_12m_sum") or 0.0, g.get("profit_12m_sum") or 0.0
        rows.append(
            ClassRow(
                code=spec.code,
                label=spec.label[lang],
                customers=int(count),
                customer_share=count / n if n else 0.0,
                sales=float(s),
                sales_share=s / sales if sales else 0.0,
                profit=float(p) if with_profit else None,
                profit_share=(p / profit if profit else 0.0) if with_profit else None,
            )
        )
    unclassified = t.filter(pc.equal(t.column("class"), UNCLASSIFIED))
    reasons: list[Finding] = []
    if unclassified.num_rows:
        text = pc.binary_join(pc.cast(unclassified.column("reasons"), pa.list_(pa.string())), "; ")
        counts = pc.value_counts(text).to_pylist()
        counts.sort(key=lambda c: (-c["counts"], c["values"] or ""))
        # the reasons are already in the report's language (the engine wrote them)
        reasons = [Finding(c["values"] or "–", c["counts"], "warning") for c in counts[:5]]
    lost = _sum(unclassified, "sales_12m")
    return ClassDistribution(
        policy=policy.name,
        version=str(policy.version),
        title=policy.description[lang],
        rows=rows,
        unclassified=unclassified.num_rows,
        unclassified_reasons=reasons,
        unclassified_sales=(lost, lost / sales if sales else 0.0),
    )


def class_columns(customers: pa.Table, assignments: pa.Table, policy: str) -> pa.Table:
    """``customers`` with ``class_<policy>`` and ``label_<policy>`` columns (left join on customer_id)."""
    rows = pc.index_in(customers.column("customer_id"), value_set=assignments.column("customer_id"))
    customers = customers.append_column(f"class_{policy}", assignments.column("class").take(rows))
    return customers.append_column(f"label_{policy}", assignments.column("label").take(rows))


def _accounts(t: pa.Table, limit: int) -> list[Account]:
    rows = t.slice(0, limit).to_pylist()
    return [
        Account(
            customer_id=r["customer_id"],
            name=r.get("name") or r["customer_id"],
            class_code=r["class"],
            class_label=r["label"],
            sales_12m=r.get("sales_12m"),
            profit_12m=r.get("profit_12m"),
            reasons=list(r.get("reasons") or []),
            owner=r.get("owner"),
        )
        for r in rows
    ]


def key_accounts(
    assignments: pa.Table, policy: Policy, indicators: pa.Table, *, limit: int = LIST_LIMIT
) -> KeyAccounts:
    """Customers in the policy's best class (largest 12-month sales first) and their share of sales."""
    t = with_columns(assignments, indicators, ["name", "owner", "sales_12m", "profit_12m"])
    total_sales = _sum(t, "sales_12m")
    key = t.filter(pc.equal(t.column("class"), policy.class_codes[0]))
    if "sales_12m" in key.column_names:
        key = key.sort_by([("sales_12m", "descending"), ("customer_id", "ascending")])
    share = _sum(key, "sales_12m") / total_sales if total_sales else 0.0
    return KeyAccounts(policy=policy.name, accounts=_accounts(key, limit), total=key.num_rows, sales_share=share)


def rfm_map(assignments: pa.Table, indicators: pa.Table) -> RfmMap:
    """The recency × frequency map (score ``100·R + 10·F + M``) with mean 12-month sales, and segment sizes."""
    t = with_columns(assignments.filter(pc.is_valid(assignments.column("score"))), indicators, ["sales_12m"])
    score = np.asarray(t.column("score").to_numpy(zero_copy_only=False), dtype=np.int64)
    scored = pa.table(
        {
            "r": score // 100,
            "f": (score // 10) % 10,
            "sales": t.column("sales_12m") if "sales_12m" in t.column_names else pa.nulls(t.num_rows, pa.float64()),
        }
    )
    cells = scored.group_by(["r", "f"]).aggregate([([], "count_all"), ("sales", "mean")])
    cells = cells.sort_by([("r", "descending"), ("f", "ascending")]).to_pylist()
    sizes = assignments.group_by(["class", "label"]).aggregate([("customer_id", "count")]).to_pylist()
    sizes.sort(key=lambda s: (-s["customer_id_count"], s["class"]))
    return RfmMap(
        cells=[RfmCell(int(c["r"]), int(c["f"]), int(c["count_all"]), float(c["sales_mean"] or 0.0)) for c in cells],
        segments=[(s["class"], s["label"], int(s["customer_id_count"])) for s in sizes],
    )


def prospect_grades(assignments: pa.Table, policy: Policy, lang: str) -> Prospects:
    """Prospects per grade with the policy's monthly time allocation (and groups with no grade, e.g. new accounts)."""
    counts = {
        r["class"]: r["customer_id_count"]
        for r in assignments.group_by("class").aggregate([("customer_id", "count")]).to_pylist()
    }
    codes = set(policy.class_codes)
    grades = []
    for alloc in policy.time_allocation or []:
        spec = policy.class_spec(alloc.group) if alloc.group in codes else None
        cadence = spec.cadence.text[lang] if spec is not None and spec.cadence is not None else None
        grades.append(
            ProspectGrade(
                code=alloc.group,
                label=spec.label[lang] if spec else alloc.label[lang],
                prospects=int(counts.get(alloc.group, 0)) if spec else None,
                accounts_per_rep=alloc.accounts,
                days_per_month=float(alloc.days_per_month),
                cadence=cadence,
            )
        )
    allocated = {g.code for g in grades}
    for spec in policy.classes:  # grades the allocation does not mention still show their count
        if spec.code not in allocated and counts.get(spec.code):
            cadence = spec.cadence.text[lang] if spec.cadence is not None else None
            grades.append(ProspectGrade(spec.code, spec.label[lang], int(counts[spec.code]), None, None, cadence))
    return Prospects(policy=policy.name, grades=grades)


def at_risk_list(frame: Any, indicators: pa.Table, threshold: float, *, limit: int = LIST_LIMIT) -> AtRisk:
    """The at-risk section from :func:`tierwise.value.atrisk.at_risk` output (worst loss first)."""
    t = pa.Table.from_pandas(frame, preserve_index=False)
    t = t.set_column(t.column_names.index("customer_id"), "customer_id", pc.cast(t.column("customer_id"), pa.string()))
    t = with_columns(t, indicators, ["name"]).sort_by([("value_at_risk", "descending"), ("customer_id", "ascending")])
    rows = t.slice(0, limit).to_pylist()
    accounts = [
        AtRiskAccount(
            customer_id=r["customer_id"],
            name=r.get("name") or r["customer_id"],
            class_label=r["label"],
            p_alive=float(r["p_alive"]),
            last_purchase=as_date(r.get("last_purchase")),
            expected_purchases=float(r["expected_purchases_12m"]),
            clv=float(r["clv_12m"]),
            value_at_risk=float(r["value_at_risk"]),
        )
        for r in rows
    ]
    return AtRisk(threshold=threshold, accounts=accounts, total=t.num_rows, value_at_risk=_sum(t, "value_at_risk"))


def as_date(value: Any) -> dt.date | None:
    """A date from what a table or a frame holds (a date, a datetime, a pandas Timestamp, None or NaT)."""
    if value is None or value != value:  # None or NaT
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if hasattr(value, "date") and not isinstance(value, dt.date):
        return value.date()
    return value
