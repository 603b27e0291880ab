"""Classification speed: every shipped policy on a synthetic indicator table, and china-post against pandas.

``python -m bench.classify --customers 1e6`` builds a seeded indicator table of N customers, puts it on
DuckDB (and Spark with ``--spark``), and times ``classify`` (fit, assign, reasons, rank) to an Arrow table
for each shipped policy that reads indicators: the median of three runs in one process. A vectorised
pandas version of china-post (numpy ``select`` and pandas string operations, no Python loop) gives the
same classes and reasons and is timed the same way; the two outputs are compared cell by cell. Results
go to the "Classification" section of ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np
import pandas as pd
import pyarrow as pa

from bench.results import write_section
from tierwise.analytics.classify.assign import classify
from tierwise.analytics.classify.policy import load_policy
from tierwise.analytics.engine import Engine
from tierwise.config import Settings

POLICIES = ("abc", "china-post", "key-account", "rfm", "value-type", "scorecard")
AS_OF = "2025-12-31"
NOTES = (
    "The pandas version formats each amount with one Python call per value (`Series.map('{:,.2f}'.format)`): "
    "pandas has no vectorised thousands-separator formatting; tierwise formats in the engine (DuckDB "
    "`format`, Spark `format_number`). RFM is the slowest policy: three global ranks (one per score). On "
    "Spark (local mode, 2 cores) ABC, quantiles and RFM rank all customers in one window without a "
    "partition, which Spark runs on one partition; at 100,000 customers most of each run is fixed per-job "
    "cost (planning, stages, Arrow transfer), not per-customer work."
)
LEVELS = np.array(["national", "provincial", "municipal", "county"])


def indicator_table(n: int, seed: int = 7) -> pa.Table:
    """N customers with the indicators the shipped policies read (seeded, skewed like real sales)."""
    rng = np.random.default_rng(seed)
    sales = np.round(rng.lognormal(10, 1.8, n), 2)
    public = rng.random(n) < 0.07
    level = np.where(public, LEVELS[rng.integers(0, 4, n)], None)
    orders = rng.poisson(6, n).astype(float) + 1
    return pa.table(
        {
            "customer_id": [f"C{i:08d}" for i in range(n)],
            "sales_12m": sales,
            "org_level": pa.array(level, pa.string()),
            "sales_share": sales / sales.sum(),
            "gross_margin": np.round(rng.normal(0.15, 0.1, n), 4),
            "orders": orders,
            "recency_days": rng.integers(0, 365, n).astype(float),
            "collection_days": np.round(rng.gamma(4, 12, n), 1),
            "overdue_amount": np.where(rng.random(n) < 0.7, 0.0, np.round(rng.lognormal(8, 2, n), 2)),
            "tenure_days": rng.integers(0, 2000, n).astype(float),
            "avg_order_value": np.round(sales / orders, 2),
            "categories": rng.integers(1, 9, n).astype(float),
        }
    )


def pandas_china_post(df: pd.DataFrame) -> pd.DataFrame:
    """china-post in pandas, vectorised: classes, the higher-wins combination and the English reasons."""
    bounds = [
        (5_000_000, "diamond", "5,000,000"),
        (1_000_000, "platinum", "1,000,000"),
        (500_000, "gold", "500,000"),
        (10_000, "vip", "10,000"),
    ]
    labels = {"diamond": "diamond", "platinum": "platinum", "gold": "gold", "vip": "VIP", "standard": "standard"}
    order = {c: i for i, c in enumerate(["diamond", "platinum", "gold", "vip", "standard"])}
    s = df["sales_12m"]
    spend = np.select([s >= b for b, _, _ in bounds], [c for _, c, _ in bounds], "standard")
    bound_text = np.select([s >= b for b, _, _ in bounds], [f" ≥ {t}" for _, _, t in bounds], " < 10,000")
    text = "12-month spend " + s.map("{:,.2f}".format) + bound_text + " → " + pd.Series(spend).map(labels).values
    level_map = {"national": "diamond", "provincial": "platinum", "municipal": "gold", "county": "vip"}
    by_level = df["org_level"].map(level_map)
    level_text = "organisation level " + df["org_level"] + " → " + by_level.map(labels)
    rank_spend = pd.Series(spend).map(order).values
    rank_level = by_level.map(order).fillna(99).values
    cls = np.where(rank_level < rank_spend, by_level.values, spend)
    out = pd.DataFrame({"customer_id": df["customer_id"], "class": cls, "score": s})
    # the reasons list of each customer, assembled by Arrow from the two text columns (no loop)
    valid = np.stack([text.notna().values, level_text.notna().values], axis=1)
    values = np.stack([text.values, level_text.values], axis=1)[valid]
    offsets = np.concatenate([[0], np.cumsum(valid.sum(axis=1))]).astype(np.int32)
    out["reasons"] = pd.Series(
        pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, pa.string())),
        dtype=pd.ArrowDtype(pa.list_(pa.string())),
        index=out.index,
    )
    out["_order"] = pd.Series(cls).map(order).values
    out = out.sort_values(["_order", "score", "customer_id"], ascending=[True, False, True])
    out["rank"] = np.arange(1, len(out) + 1)
    return out.drop(columns="_order")


def timed(fn, runs: int = 3):
    """Median wall and CPU seconds of ``runs`` calls, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=float, default=1e6)
    parser.add_argument("--spark", action="store_true", help="also time Spark (local mode)")
    parser.add_argument(
        "--spark-customers", type=float, default=None, help="customers for the Spark runs (default: --customers)"
    )
    args = parser.parse_args()
    n = int(args.customers)
    data = indicator_table(n)
    engines = [Engine.create("duckdb")]
    if args.spark:
        engines.append(Engine.create("spark", Settings(spark_master="local[2]")))
    rows = []
    load = os.getloadavg()[0]
    spark_n = int(args.spark_customers or n)
    for eng in engines:
        table = eng.load("bench_indicators", data if eng.name == "duckdb" else indicator_table(spark_n))
        for name in POLICIES:
            policy = load_policy(name)
            wall, cpu, out = timed(lambda: eng.to_pyarrow(classify(table, policy, AS_OF)))  # noqa: B023
            rows.append((name, eng.name, wall, cpu, out.num_rows))
            print(name, eng.name, round(wall, 2), flush=True)
    frame = data.to_pandas()
    wall, cpu, expected = timed(lambda: pandas_china_post(frame))
    rows.append(("china-post", "pandas (vectorised)", wall, cpu, len(expected)))
    ours = next(r for r in rows if r[0] == "china-post" and r[1] == "duckdb")
    got = engines[0].to_pyarrow(classify(engines[0].load("bench_check", data), load_policy("china-post"), AS_OF))
    got = got.to_pandas().set_index("customer_id").loc[expected["customer_id"]]
    same_class = bool((got["class"].values == expected["class"].values).all())
    same_reasons = got["reasons"].map(list).tolist() == [list(r) for r in expected["reasons"]]
    same_rank = bool((got["rank"].values == expected["rank"].values).all())
    lines = [
        f"`python -m bench.classify --customers {args.customers:g}"
        f"{f' --spark --spark-customers {spark_n:g}' if args.spark else ''}` — "
        f"{platform.machine()}, Python {platform.python_version()}, 2 cores (1-minute "
        f"load average {load:.1f} before). A seeded indicator table; each figure is the median "
        "of three runs of `classify(...)` to an Arrow table (fit, class, score, rank and reasons in the engine).",
        "",
        "| policy | engine | wall s | CPU s | customers/s |",
        "|---|---|---:|---:|---:|",
    ]
    lines[-2] = "| policy | engine | customers | wall s | CPU s | customers/s |"
    lines[-1] = "|---|---|---:|---:|---:|---:|"
    lines += [f"| {p} | {e} | {k:,} | {w:.2f} | {c:.2f} | {k / w:,.0f} |" for p, e, w, c, k in rows]
    lines += [
        "",
        f"pandas china-post against tierwise on DuckDB: same classes {'yes' if same_class else 'NO'}, same reasons "
        f"{'yes' if same_reasons else 'NO'}, same ranks {'yes' if same_rank else 'NO'}; DuckDB is "
        f"{rows[-1][2] / ours[2]:.1f}× the pandas speed in wall time. CPU seconds are this process's only "
        "(DuckDB's worker threads count, the Spark JVM's do not), so CPU above wall time is DuckDB working "
        "on both cores.",
        "",
        NOTES,
    ]
    write_section("Classification", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
