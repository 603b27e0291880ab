"""Hand-written DuckDB SQL: the floor for the Ibis layer (same definitions, one query)."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from bench.indicator_jobs import ABC_A, ABC_B, EPSILON, TRAITS, Job, cumulative_shares
from tierwise.io.connection import duckdb_connection

QUERY = """
WITH t AS (
  SELECT *, coalesce(profit, amount - cost) AS row_profit, date > DATE '{start}' AS w, amount > 0 AS p
  FROM read_parquet('{transactions}') WHERE date <= DATE '{as_of}'
), trade AS (
  SELECT customer_id,
    count(*) FILTER (w) AS rows_12m,
    count(row_profit) AS rows_profit,
    count(row_profit) FILTER (w) AS rows_profit_12m,
    round(sum(amount), 6) AS sales,
    coalesce(round(sum(amount) FILTER (w), 6), 0) AS sales_12m,
    coalesce(round(sum(amount) FILTER (date > DATE '{prev_start}' AND NOT w), 6), 0) AS sales_prev_12m,
    round(sum(row_profit), 6) AS profit_all,
    round(sum(row_profit) FILTER (w), 6) AS profit_w,
    coalesce(round(sum(amount) FILTER (w AND p), 6), 0) AS gross_12m,
    count(DISTINCT transaction_id) FILTER (w AND p) + count(*) FILTER (w AND p AND transaction_id IS NULL) AS orders,
    count(DISTINCT transaction_id) FILTER (p) + count(*) FILTER (p AND transaction_id IS NULL) AS orders_lifetime,
    count(DISTINCT date) FILTER (w AND p) AS purchase_days,
    max(amount) FILTER (w AND p) AS largest_order,
    coalesce(round(-sum(amount) FILTER (w AND amount < 0), 6), 0) AS returns_amount,
    min(date) FILTER (p) AS first_purchase,
    max(date) FILTER (p) AS last_purchase,
    count(DISTINCT category) FILTER (w AND p) AS categories
  FROM t GROUP BY customer_id
), r AS (
  SELECT *, CASE WHEN paid_date <= DATE '{as_of}' THEN coalesce(paid_amount, amount) ELSE 0 END AS paid,
         paid_date <= DATE '{as_of}' AS paid_by
  FROM read_parquet('{receivables}') WHERE invoice_date <= DATE '{as_of}'
), fin AS (
  SELECT customer_id,
    sum(paid * date_diff('day', invoice_date, paid_date)) FILTER (paid_by) / nullif(sum(paid) FILTER (paid_by), 0)
      AS collection_days,
    coalesce(sum(greatest(amount - paid, 0)) FILTER (due_date < DATE '{as_of}'), 0) AS overdue_amount,
    max(greatest(
      CASE WHEN due_date < DATE '{as_of}' AND amount - paid > 0 THEN date_diff('day', due_date, DATE '{as_of}') ELSE 0 END,
      CASE WHEN paid_by AND paid_date > due_date THEN date_diff('day', due_date, paid_date) ELSE 0 END)) AS max_days_overdue,
    count(*) FILTER (due_date <= DATE '{as_of}' AND paid_by AND paid_date <= due_date AND paid >= amount)
      / nullif(count(*) FILTER (due_date <= DATE '{as_of}'), 0) AS on_time_share,
    sum(greatest(amount - paid, 0)) AS open_receivables
  FROM r GROUP BY customer_id
), vis AS (
  SELECT customer_id, count(*) FILTER (date > DATE '{recent}') AS visits_90d
  FROM read_parquet('{visits}') WHERE date <= DATE '{as_of}' GROUP BY customer_id
), com AS (
  SELECT customer_id, count(*) FILTER (date > DATE '{recent}') AS complaints_90d,
    count(*) FILTER (status = 'open' OR resolved_date > DATE '{as_of}' OR (status IS NULL AND resolved_date IS NULL))
      AS open_complaints
  FROM read_parquet('{complaints}') WHERE date <= DATE '{as_of}' GROUP BY customer_id
), sur AS (
  SELECT customer_id,
    arg_max(csat, epoch_ms(date) // 86400000 * 1000 + csat) FILTER (csat IS NOT NULL) AS last_csat,
    arg_max(nps, epoch_ms(date) // 86400000 * 1000 + nps) FILTER (nps IS NOT NULL) AS last_nps
  FROM read_parquet('{surveys}') WHERE date <= DATE '{as_of}' GROUP BY customer_id
), ind AS (
  SELECT c.customer_id,
    tr.customer_id IS NOT NULL AND tr.first_purchase IS NOT NULL AS has_purchases,
    coalesce(tr.sales, 0) AS sales, coalesce(tr.sales_12m, 0) AS sales_12m,
    coalesce(tr.sales_prev_12m, 0) AS sales_prev_12m,
    CASE WHEN tr.sales_prev_12m > 0 THEN (tr.sales_12m - tr.sales_prev_12m) / tr.sales_prev_12m END AS sales_growth,
    CASE WHEN tr.customer_id IS NULL THEN 0 WHEN tr.rows_profit > 0 THEN tr.profit_all END AS profit,
    CASE WHEN tr.customer_id IS NULL OR tr.rows_12m = 0 THEN 0 WHEN tr.rows_profit_12m > 0 THEN tr.profit_w END
      AS profit_12m,
    CASE WHEN tr.sales_12m > 0 AND tr.rows_profit_12m > 0 THEN tr.profit_w / tr.sales_12m END AS gross_margin,
    coalesce(tr.orders, 0) AS orders, coalesce(tr.orders_lifetime, 0) AS orders_lifetime,
    coalesce(tr.purchase_days, 0) AS purchase_days,
    CASE WHEN tr.orders > 0 THEN tr.gross_12m / tr.orders END AS avg_order_value,
    tr.largest_order, coalesce(tr.returns_amount, 0) AS returns_amount,
    CASE WHEN tr.gross_12m > 0 THEN tr.returns_amount / tr.gross_12m END AS return_rate,
    tr.first_purchase, tr.last_purchase,
    date_diff('day', tr.last_purchase, DATE '{as_of}') AS recency_days,
    date_diff('day', tr.first_purchase, DATE '{as_of}') AS tenure_days,
    coalesce(tr.categories, 0) AS categories,
    fin.collection_days, coalesce(fin.overdue_amount, 0) AS overdue_amount,
    coalesce(fin.max_days_overdue, 0) AS max_days_overdue, fin.on_time_share,
    coalesce(fin.open_receivables, 0) AS open_receivables,
    {traits},
    coalesce(vis.visits_90d, 0) AS visits_90d, coalesce(com.complaints_90d, 0) AS complaints_90d,
    coalesce(com.open_complaints, 0) AS open_complaints, sur.last_csat, sur.last_nps
  FROM read_parquet('{customers}') c
  LEFT JOIN trade tr USING (customer_id) LEFT JOIN fin USING (customer_id) LEFT JOIN vis USING (customer_id)
  LEFT JOIN com USING (customer_id) LEFT JOIN sur USING (customer_id)
), ranked AS (
  SELECT *,
    CASE WHEN sum(sales_12m) OVER () > 0 THEN sales_12m / sum(sales_12m) OVER () END AS sales_share,
    row_number() OVER (ORDER BY sales_12m DESC, customer_id) AS sales_rank,
    row_number() OVER (ORDER BY recency_days IS NULL, recency_days, customer_id) AS r_pos,
    row_number() OVER (ORDER BY orders DESC, customer_id) AS f_pos,
    row_number() OVER (ORDER BY sales_12m DESC, customer_id) AS m_pos,
    count(recency_days) OVER () AS r_n, count(*) OVER () AS n,
    coalesce(sum(greatest(sales_12m, 0)) OVER (ORDER BY sales_12m DESC, customer_id
                                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS abc_before,
    sum(greatest(sales_12m, 0)) OVER () AS abc_total
  FROM ind
)
SELECT * EXCLUDE (r_pos, f_pos, m_pos, r_n, n, abc_before, abc_total),
  {r_score} AS r_score, {f_score} AS f_score, {m_score} AS m_score,
  CASE WHEN sales_12m <= 0 THEN 'C'
       WHEN (CASE WHEN abc_total > 0 THEN abc_before / abc_total ELSE 0 END) < {abc_a} THEN 'A'
       WHEN (CASE WHEN abc_total > 0 THEN abc_before / abc_total ELSE 0 END) < {abc_b} THEN 'B' ELSE 'C' END AS abc_class
FROM ranked
"""


def score_sql(pos: str, n: str) -> str:
    """SQL for a 5-to-1 score from a 1-based position among ``n`` (equal-count bins)."""
    cases = " ".join(
        f"WHEN {pos} <= {n} * {share!r} + {EPSILON} THEN {5 - k}" for k, share in enumerate(cumulative_shares())
    )
    return f"CASE {cases} ELSE 1 END"


def sql(job: Job) -> str:
    """The query for ``job``."""
    w = job.window
    return QUERY.format(
        as_of=job.as_of,
        start=w.start,
        prev_start=w.prev_start,
        recent=w.recent_start,
        traits=", ".join(f"c.{t}" for t in TRAITS),
        abc_a=ABC_A,
        abc_b=ABC_B,
        r_score=score_sql("r_pos", "r_n"),
        f_score=score_sql("f_pos", "n"),
        m_score=score_sql("m_pos", "n"),
        **{
            name: job.path(name)
            for name in ("customers", "transactions", "receivables", "visits", "complaints", "surveys")
        },
    )


def run() -> Callable[[Job], pa.Table]:
    """One DuckDB connection (all cores); each run executes the query to Arrow."""
    con = duckdb_connection()
    return lambda job: con.execute(sql(job)).to_arrow_table()
