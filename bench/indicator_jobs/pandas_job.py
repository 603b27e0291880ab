"""Hand-written pandas: masked helper columns, one named group-by aggregation per table, then joins."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bench.indicator_jobs import ABC_A, ABC_B, EPSILON, MONEY, TRAITS, Job, cumulative_shares


def read(job: Job, table: str, columns: list[str]) -> pd.DataFrame:
    """A Parquet table with dates as datetime64 (what an analyst would load)."""
    return pq.read_table(job.path(table), columns=columns).to_pandas(date_as_object=False)


def score(position: np.ndarray, n: float) -> np.ndarray:
    """5 (best) to 1 from 1-based positions among ``n`` (equal-count bins)."""
    k = np.zeros(len(position), dtype=np.int64)
    for share in cumulative_shares():
        k += position > n * share + EPSILON
    return 5 - k


def trade(job: Job) -> pd.DataFrame:
    w = job.window
    as_of, start, prev = (pd.Timestamp(d) for d in (job.as_of, w.start, w.prev_start))
    t = read(job, "transactions", ["customer_id", "date", "amount", "transaction_id", "cost", "profit", "category"])
    t = t[t["date"] <= as_of]
    win, pos = t["date"] > start, t["amount"] > 0
    wp = win & pos
    row_profit = t["profit"].fillna(t["amount"] - t["cost"])
    no_id = t["transaction_id"].isna()
    t = t.assign(
        w=win,
        a_w=t["amount"].where(win),
        a_prev=t["amount"].where((t["date"] > prev) & ~win),
        rp=row_profit,
        rp_w=row_profit.where(win),
        gross=t["amount"].where(wp),
        ret=t["amount"].where(win & (t["amount"] < 0)),
        oid_w=t["transaction_id"].where(wp),
        oid=t["transaction_id"].where(pos),
        noid_w=wp & no_id,
        noid=pos & no_id,
        day_w=t["date"].where(wp),
        pdate=t["date"].where(pos),
        cat_w=t["category"].where(wp),
    )
    g = t.groupby("customer_id", sort=False).agg(
        rows_12m=("w", "sum"),
        rows_profit=("rp", "count"),
        rows_profit_12m=("rp_w", "count"),
        sales=("amount", "sum"),
        sales_12m=("a_w", "sum"),
        sales_prev_12m=("a_prev", "sum"),
        profit_all=("rp", "sum"),
        profit_w=("rp_w", "sum"),
        gross_12m=("gross", "sum"),
        oid_w=("oid_w", "nunique"),
        noid_w=("noid_w", "sum"),
        oid=("oid", "nunique"),
        noid=("noid", "sum"),
        purchase_days=("day_w", "nunique"),
        largest_order=("gross", "max"),
        ret=("ret", "sum"),
        first_purchase=("pdate", "min"),
        last_purchase=("pdate", "max"),
        categories=("cat_w", "nunique"),
    )
    money = ["sales", "sales_12m", "sales_prev_12m", "profit_all", "profit_w", "gross_12m", "ret"]
    g[money] = g[money].round(MONEY)
    g["orders"] = g.pop("oid_w") + g.pop("noid_w")
    g["orders_lifetime"] = g.pop("oid") + g.pop("noid")
    g["returns_amount"] = -g.pop("ret")
    g["has_purchases"] = g["first_purchase"].notna()
    g["sales_growth"] = ((g["sales_12m"] - g["sales_prev_12m"]) / g["sales_prev_12m"]).where(g["sales_prev_12m"] > 0)
    g["profit"] = g["profit_all"].where(g["rows_profit"] > 0)
    g["profit_12m"] = g["profit_w"].where(g["rows_profit_12m"] > 0).mask(g["rows_12m"] == 0, 0.0)
    g["gross_margin"] = (g["profit_w"] / g["sales_12m"]).where((g["sales_12m"] > 0) & (g["rows_profit_12m"] > 0))
    g["avg_order_value"] = (g["gross_12m"] / g["orders"]).where(g["orders"] > 0)
    g["return_rate"] = (g["returns_amount"] / g["gross_12m"]).where(g["gross_12m"] > 0)
    g["recency_days"] = (as_of - g["last_purchase"]).dt.days.astype("Int64")
    g["tenure_days"] = (as_of - g["first_purchase"]).dt.days.astype("Int64")
    g["_t"] = True
    return g.drop(columns=["rows_12m", "rows_profit", "rows_profit_12m", "profit_all", "profit_w", "gross_12m"])


def finance(job: Job) -> pd.DataFrame:
    as_of = pd.Timestamp(job.as_of)
    r = read(job, "receivables", ["customer_id", "invoice_date", "due_date", "amount", "paid_date", "paid_amount"])
    r = r[r["invoice_date"] <= as_of]
    paid_by = r["paid_date"].notna() & (r["paid_date"] <= as_of)
    paid = r["paid_amount"].fillna(r["amount"]).where(paid_by, 0.0)
    unpaid = (r["amount"] - paid).clip(lower=0)
    past_due, due = r["due_date"] < as_of, r["due_date"] <= as_of
    open_late = ((as_of - r["due_date"]).dt.days).where(past_due & (unpaid > 0), 0)
    paid_late = ((r["paid_date"] - r["due_date"]).dt.days).where(paid_by & (r["paid_date"] > r["due_date"]), 0)
    r = r.assign(
        weighted=(paid * (r["paid_date"] - r["invoice_date"]).dt.days).where(paid_by),
        paid=paid.where(paid_by),
        overdue=unpaid.where(past_due),
        late=np.maximum(open_late, paid_late),
        on_time=due & paid_by & (r["paid_date"] <= r["due_date"]) & (paid >= r["amount"]),
        due=due,
        unpaid=unpaid,
    )
    g = r.groupby("customer_id", sort=False).agg(
        weighted=("weighted", "sum"),
        paid=("paid", "sum"),
        overdue_amount=("overdue", "sum"),
        max_days_overdue=("late", "max"),
        on_time=("on_time", "sum"),
        due=("due", "sum"),
        open_receivables=("unpaid", "sum"),
    )
    g["collection_days"] = (g["weighted"] / g["paid"]).where(g["paid"] > 0)
    g["on_time_share"] = (g["on_time"] / g["due"]).where(g["due"] > 0)
    return g.drop(columns=["weighted", "paid", "on_time", "due"])


def engagement(job: Job) -> list[pd.DataFrame]:
    as_of, recent = pd.Timestamp(job.as_of), pd.Timestamp(job.window.recent_start)
    v = read(job, "visits", ["customer_id", "date"])
    v = v[v["date"] <= as_of]
    visits = (v["date"] > recent).groupby(v["customer_id"]).sum().rename("visits_90d").to_frame()
    k = read(job, "complaints", ["customer_id", "date", "status", "resolved_date"])
    k = k[k["date"] <= as_of]
    still_open = (
        k["status"].eq("open") | (k["resolved_date"] > as_of) | (k["status"].isna() & k["resolved_date"].isna())
    )
    complaints = (
        pd.DataFrame(
            {"complaints_90d": k["date"] > recent, "open_complaints": still_open, "customer_id": k["customer_id"]}
        )
        .groupby("customer_id")
        .sum()
    )
    s = read(job, "surveys", ["customer_id", "date", "csat", "nps"])
    s = s[s["date"] <= as_of]
    last = []
    for col in ("csat", "nps"):
        part = s[s[col].notna()].sort_values(["date", col])
        last.append(part.groupby("customer_id")[col].last().rename(f"last_{col}"))
    return [visits, complaints, pd.concat(last, axis=1)]


def run() -> Callable[[Job], pa.Table]:
    """Each run reads, aggregates, joins and scores in pandas (one core)."""

    def job_fn(job: Job) -> pa.Table:
        out = read(job, "customers", ["customer_id", *TRAITS]).set_index("customer_id")
        out = out.join(trade(job)).join(finance(job))
        for part in engagement(job):
            out = out.join(part)
        absent = out.pop("_t").isna()
        out["has_purchases"] = out["has_purchases"].fillna(False).astype(bool)
        out.loc[absent, ["profit", "profit_12m"]] = 0.0
        zero = [
            "sales",
            "sales_12m",
            "sales_prev_12m",
            "orders",
            "orders_lifetime",
            "purchase_days",
            "returns_amount",
            "categories",
            "overdue_amount",
            "max_days_overdue",
            "open_receivables",
            "visits_90d",
            "complaints_90d",
            "open_complaints",
        ]
        out[zero] = out[zero].fillna(0)
        out = out.reset_index()
        total = out["sales_12m"].sum()
        out = out.sort_values(["sales_12m", "customer_id"], ascending=[False, True], ignore_index=True)
        n = len(out)
        rank = np.arange(1, n + 1)
        out["sales_share"] = out["sales_12m"] / total if total > 0 else np.nan
        out["sales_rank"] = rank
        out["m_score"] = score(rank, n)
        positive = out["sales_12m"].clip(lower=0)
        before = positive.cumsum() - positive
        share = before / positive.sum() if positive.sum() > 0 else before * 0
        out["abc_class"] = np.select([out["sales_12m"] <= 0, share < ABC_A, share < ABC_B], ["C", "A", "B"], "C")
        out = out.sort_values(["orders", "customer_id"], ascending=[False, True], ignore_index=True)
        out["f_score"] = score(rank, n)
        out = out.sort_values(["recency_days", "customer_id"], na_position="last", ignore_index=True)
        out["r_score"] = score(rank, out["recency_days"].count())
        return pa.Table.from_pandas(out, preserve_index=False)

    return job_fn
