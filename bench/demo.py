"""Generating and writing the demo data set: wall time, CPU time and peak memory.

``python -m bench.demo`` runs, each in a fresh process, the default demo (2,000 customers as English
CSV and as Chinese GB18030 CSV) and the benchmark-sized set (``--customers 1e6`` with
``--transactions-per-customer 50``: about 50M transactions, as Parquet), through
:func:`tierwise.io.demo.write_demo`, the function behind ``tierwise demo``. Results go to
``bench/RESULTS.md`` (section "Demo data generation").

The machine is shared, so next to wall time the table gives the process's CPU time (both threads:
one generates the next segment while the other writes the last) and the 1-minute load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

from bench.results import write_section

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

CHILD = """
import json, resource, sys, time
from pathlib import Path
from tierwise.io.demo import write_demo
customers, per_customer, fmt, lang, out = sys.argv[1:6]
wall, cpu = time.perf_counter(), time.process_time()
written = write_demo(Path(out), customers=int(customers), format=fmt, lang=lang,
                     transactions_per_customer=None if per_customer == "-" else float(per_customer))
print(json.dumps({
    "seconds": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
    "rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
    "rows": {name: rows for name, (_, rows) in written.items()},
    "mb": sum(path.stat().st_size for path, _ in written.values()) / 1e6,
}))
"""


def measure(customers: int, per_customer: float | None, fmt: str, lang: str) -> dict:
    """Generate and write one demo data set in a fresh process; its figures."""
    out = DATA / f"demo-{customers}-{per_customer or 'default'}-{fmt}-{lang}"
    shutil.rmtree(out, ignore_errors=True)
    load_before = os.getloadavg()[0]
    args = [
        sys.executable,
        "-c",
        CHILD,
        str(customers),
        "-" if per_customer is None else str(per_customer),
        fmt,
        lang,
        str(out),
    ]
    result = json.loads(
        subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    )
    result["load"] = (load_before + os.getloadavg()[0]) / 2
    shutil.rmtree(out, ignore_errors=True)
    return result


def shape() -> list[str]:
    """What the default demo data set looks like (2,000 customers, seed 7): the figures its design targets."""
    import numpy as np
    import pyarrow.compute as pc

    from tierwise.io.demo import generate

    tables = generate()
    tx, ids = tables["transactions"], tables["customers"]["customer_id"]
    who = pc.index_in(tx["customer_id"], value_set=ids).to_numpy()
    amount, cost = tx["amount"].to_numpy(), tx["cost"].to_numpy()
    recent = pc.greater(tx["date"], pa_date("2024-12-31")).to_numpy(zero_copy_only=False)
    n = len(ids)
    sales_12m = np.bincount(who, weights=np.where(recent, amount, 0.0), minlength=n)
    orders = np.bincount(who, minlength=n)
    profit = np.bincount(who, weights=amount - cost, minlength=n)[orders > 0]
    top = np.sort(sales_12m)[::-1]
    curve = np.cumsum(np.sort(profit)[::-1])
    bounds = [
        ("diamond ≥ 5,000,000", 5e6, np.inf),
        ("platinum ≥ 1,000,000", 1e6, 5e6),
        ("gold ≥ 500,000", 5e5, 1e6),
        ("vip ≥ 10,000", 1e4, 5e5),
        ("standard", -np.inf, 1e4),
    ]
    classes = ", ".join(f"{label}: {((sales_12m >= lo) & (sales_12m < hi)).sum()}" for label, lo, hi in bounds)
    return [
        "Shape of the default demo (`tierwise demo`: 2,000 customers, seed 7, 2023-01-01 … 2025-12-31):",
        "",
        f"- top 20 % of all {n:,} customers (buyers or not) bring {top[: n // 5].sum() / top.sum():.1%} of "
        f"12-month sales; of the {(top > 0).sum():,} with 12-month sales (the basis of `tierwise pareto`), "
        f"{top[: (top > 0).sum() // 5].sum() / top.sum():.1%};",
        f"- {np.mean(profit < 0):.1%} of buying customers lose money after costs; cumulative profit peaks at "
        f"{curve.max() / curve[-1]:.0%} of the total after the top {(curve.argmax() + 1) / len(curve):.0%} of them;",
        f"- china-post classes by 12-month sales: {classes};",
        f"- {np.mean(orders == 0):.1%} never bought; {np.mean((orders > 0) & (sales_12m == 0)):.1%} bought before "
        f"but not in the last 12 months; returns are {np.mean(amount < 0):.1%} of transactions.",
    ]


def pa_date(text: str):
    """A date32 scalar."""
    import datetime as dt

    import pyarrow as pa

    return pa.scalar(dt.date.fromisoformat(text), pa.date32())


def main() -> None:
    """Run the three cases and record them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", default="1e6", help="customers of the large case")
    parser.add_argument("--transactions-per-customer", default="50", help="mean transactions per customer, large case")
    args = parser.parse_args()
    large = int(float(args.customers))
    per_customer = float(args.transactions_per_customer)
    cases = [(2000, None, "csv", "en"), (2000, None, "csv", "zh"), (large, per_customer, "parquet", "en")]
    lines = [
        f"`python -m bench.demo --customers {args.customers} --transactions-per-customer "
        f"{args.transactions_per_customer}` — {platform.machine()}, {os.cpu_count()} cores "
        f"(1-minute load {os.getloadavg()[0]:.1f}), "
        f"Python {platform.python_version()}. Each case in a fresh process through `write_demo` (what "
        "`tierwise demo` runs); CPU time counts both threads (one generates the next segment of 50,000 "
        "customers while the other writes the last).",
        "",
        "| case | customers | transactions | all rows | files (MB) | wall s | CPU s | peak RSS (GB) | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for customers, per, fmt, lang in cases:
        r = measure(customers, per, fmt, lang)
        label = f"{fmt} {lang}" + ("" if per is None else f", {per:g} transactions per customer")
        lines.append(
            f"| {label} | {customers:,} | {r['rows']['transactions']:,} | {sum(r['rows'].values()):,} | "
            f"{r['mb']:,.0f} | {r['seconds']:.1f} | {r['cpu']:.1f} | {r['rss_gb']:.2f} | {r['load']:.1f} |"
        )
        print(lines[-1], flush=True)
    lines += [
        "",
        "CPU seconds are what the work costs; wall seconds above them would be time spent waiting for "
        "a core (load: 1-minute load average during the run). The large case holds about "
        "two segments in memory whatever the number of customers.",
        "",
    ]
    lines += shape()
    write_section("Demo data generation", "\n".join(lines))


if __name__ == "__main__":
    main()
