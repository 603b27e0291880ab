"""Hand-written polars (lazy): the same definitions as group-by aggregates with filters, then joins."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import pyarrow as pa

from bench.indicator_jobs import ABC_A, ABC_B, EPSILON, MONEY, TRAITS, Job, cumulative_shares

c = pl.col


def score(pos: pl.Expr, n: pl.Expr) -> pl.Expr:
    """5 (best) to 1 from a 1-based position among ``n`` (equal-count bins)."""
    expr = pl.lit(1, pl.Int64)
    for k, share in reversed(list(enumerate(cumulative_shares()))):
        expr = pl.when(pos <= n * share + EPSILON).then(pl.lit(5 - k, pl.Int64)).otherwise(expr)
    return expr


def trade(job: Job) -> pl.LazyFrame:
    w = job.window
    t = (
        pl.scan_parquet(job.path("transactions"))
        .filter(c("date") <= job.as_of)
        .with_columns(
            row_profit=pl.coalesce(c("profit"), c("amount") - c("cost")), w=c("date") > w.start, p=c("amount") > 0
        )
    )
    wp = c("w") & c("p")
    no_id = c("transaction_id").is_null()
    return (
        t.group_by("customer_id")
        .agg(
            rows_12m=c("w").sum(),
            rows_profit=c("row_profit").count(),
            rows_profit_12m=c("row_profit").filter(c("w")).count(),
            sales=c("amount").sum().round(MONEY),
            sales_12m=c("amount").filter(c("w")).sum().round(MONEY),
            sales_prev_12m=c("amount").filter((c("date") > w.prev_start) & ~c("w")).sum().round(MONEY),
            profit_all=c("row_profit").sum().round(MONEY),
            profit_w=c("row_profit").filter(c("w")).sum().round(MONEY),
            gross_12m=c("amount").filter(wp).sum().round(MONEY),
            orders=c("transaction_id").filter(wp & ~no_id).n_unique() + (wp & no_id).sum(),
            orders_lifetime=c("transaction_id").filter(c("p") & ~no_id).n_unique() + (c("p") & no_id).sum(),
            purchase_days=c("date").filter(wp).n_unique(),
            largest_order=c("amount").filter(wp).max(),
            returns_amount=(-c("amount").filter(c("w") & (c("amount") < 0)).sum()).round(MONEY),
            first_purchase=c("date").filter(c("p")).min(),
            last_purchase=c("date").filter(c("p")).max(),
            categories=c("category").filter(wp & c("category").is_not_null()).n_unique(),
        )
        .with_columns(
            has_purchases=c("first_purchase").is_not_null(),
            sales_growth=pl.when(c("sales_prev_12m") > 0).then(
                (c("sales_12m") - c("sales_prev_12m")) / c("sales_prev_12m")
            ),
            profit=pl.when(c("rows_profit") > 0).then(c("profit_all")),
            profit_12m=pl.when(c("rows_12m") == 0).then(0.0).when(c("rows_profit_12m") > 0).then(c("profit_w")),
            gross_margin=pl.when((c("sales_12m") > 0) & (c("rows_profit_12m") > 0)).then(
                c("profit_w") / c("sales_12m")
            ),
            avg_order_value=pl.when(c("orders") > 0).then(c("gross_12m") / c("orders")),
            return_rate=pl.when(c("gross_12m") > 0).then(c("returns_amount") / c("gross_12m")),
            recency_days=(pl.lit(job.as_of) - c("last_purchase")).dt.total_days(),
            tenure_days=(pl.lit(job.as_of) - c("first_purchase")).dt.total_days(),
        )
    )


def finance(job: Job) -> pl.LazyFrame:
    as_of = pl.lit(job.as_of)
    r = pl.scan_parquet(job.path("receivables")).filter(c("invoice_date") <= job.as_of)
    paid_by = c("paid_date").is_not_null() & (c("paid_date") <= job.as_of)
    r = r.with_columns(
        paid_by=paid_by, paid=pl.when(paid_by).then(pl.coalesce(c("paid_amount"), c("amount"))).otherwise(0.0)
    )
    r = r.with_columns(unpaid=pl.max_horizontal(c("amount") - c("paid"), 0.0))
    late = pl.max_horizontal(
        pl.when((c("due_date") < job.as_of) & (c("unpaid") > 0))
        .then((as_of - c("due_date")).dt.total_days())
        .otherwise(0),
        pl.when(c("paid_by") & (c("paid_date") > c("due_date")))
        .then((c("paid_date") - c("due_date")).dt.total_days())
        .otherwise(0),
    )
    due = c("due_date") <= job.as_of
    on_time = due & c("paid_by") & (c("paid_date") <= c("due_date")) & (c("paid") >= c("amount"))
    paid_days = c("paid") * (c("paid_date") - c("invoice_date")).dt.total_days()
    return (
        r.group_by("customer_id")
        .agg(
            weighted=paid_days.filter(c("paid_by")).sum(),
            paid_sum=c("paid").filter(c("paid_by")).sum(),
            overdue_amount=c("unpaid").filter(c("due_date") < job.as_of).sum(),
            max_days_overdue=late.max(),
            on_time=on_time.sum(),
            due=due.sum(),
            open_receivables=c("unpaid").sum(),
        )
        .select(
            "customer_id",
            "overdue_amount",
            "max_days_overdue",
            "open_receivables",
            collection_days=pl.when(c("paid_sum") > 0).then(c("weighted") / c("paid_sum")),
            on_time_share=pl.when(c("due") > 0).then(c("on_time") / c("due")),
        )
    )


def engagement(job: Job) -> list[pl.LazyFrame]:
    recent = job.window.recent_start
    v = pl.scan_parquet(job.path("visits")).filter(c("date") <= job.as_of)
    visits = v.group_by("customer_id").agg(visits_90d=(c("date") > recent).sum())
    k = pl.scan_parquet(job.path("complaints")).filter(c("date") <= job.as_of)
    still_open = (
        (c("status") == "open").fill_null(False)
        | (c("resolved_date") > job.as_of).fill_null(False)
        | (c("status").is_null() & c("resolved_date").is_null())
    )
    complaints = k.group_by("customer_id").agg(
        complaints_90d=(c("date") > recent).sum(), open_complaints=still_open.sum()
    )
    s = pl.scan_parquet(job.path("surveys")).filter(c("date") <= job.as_of)
    day = c("date").cast(pl.Int64)
    surveys = s.group_by("customer_id").agg(
        # the largest (day, score) key, decoded: the latest score, the higher one on a tie
        last_csat=(day * 1000 + c("csat")).max() % 1000,
        last_nps=(day * 1000 + c("nps")).max() % 1000,
    )
    return [visits, complaints, surveys]


def run() -> Callable[[Job], pa.Table]:
    """Each run builds the lazy plan and collects it (polars' default engine, all cores)."""

    def job_fn(job: Job) -> pa.Table:
        customers = pl.scan_parquet(job.path("customers")).select("customer_id", *TRAITS)
        tr = trade(job)
        out = customers.join(tr.with_columns(_t=pl.lit(True)), on="customer_id", how="left")
        out = out.join(finance(job).with_columns(_f=pl.lit(True)), on="customer_id", how="left")
        for part in engagement(job):
            out = out.join(part, on="customer_id", how="left")
        absent = c("_t").is_null()
        out = out.with_columns(
            has_purchases=c("has_purchases").fill_null(False),
            profit=pl.when(absent).then(0.0).otherwise(c("profit")),
            profit_12m=pl.when(absent).then(0.0).otherwise(c("profit_12m")),
            **{
                k: c(k).fill_null(0)
                for k in (
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
                )
            },
        )
        total = c("sales_12m").sum()
        positive = pl.max_horizontal(c("sales_12m"), 0.0)
        # positions come from row indexes taken right after each sort (an index pins the order for the optimiser)
        out = out.sort(["sales_12m", "customer_id"], descending=[True, False]).with_row_index("sales_rank", 1)
        out = out.with_columns(
            sales_share=pl.when(total > 0).then(c("sales_12m") / total),
            sales_rank=c("sales_rank").cast(pl.Int64),
            abc_before=positive.cum_sum() - positive,
            abc_total=positive.sum(),
        ).with_columns(
            m_score=score(c("sales_rank"), pl.len()),
            abc_class=pl.when(c("sales_12m") <= 0)
            .then(pl.lit("C"))
            .when(pl.when(c("abc_total") > 0).then(c("abc_before") / c("abc_total")).otherwise(0.0) < ABC_A)
            .then(pl.lit("A"))
            .when(pl.when(c("abc_total") > 0).then(c("abc_before") / c("abc_total")).otherwise(0.0) < ABC_B)
            .then(pl.lit("B"))
            .otherwise(pl.lit("C")),
        )
        out = out.sort(["orders", "customer_id"], descending=[True, False]).with_row_index("f_pos", 1)
        out = out.with_columns(f_score=score(c("f_pos"), pl.len()))
        out = out.sort(["recency_days", "customer_id"], nulls_last=True).with_row_index("r_pos", 1)
        out = out.with_columns(r_score=score(c("r_pos"), c("recency_days").count()))
        return out.drop("_t", "_f", "abc_before", "abc_total", "f_pos", "r_pos").collect().to_arrow()

    return job_fn
