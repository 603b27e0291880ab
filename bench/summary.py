"""The customer summary (frequency, recency, T, monetary value): tierwise vs lifetimes vs pymc-marketing.

``python -m bench.summary --rows 1e6,1e7`` simulates transactions (20 per customer on average, over
three years, amounts log-normal, several on one day now and then), writes them as Parquet, then, each
contender in its own process, times Parquet file → summary table in memory, and records peak RSS:

- tierwise ``summary()`` on DuckDB (the Ibis expression; result to pandas);
- the same summary hand-written in DuckDB SQL (the floor for the Ibis layer);
- lifetimes ``summary_data_from_transaction_data`` (its own venv: it needs pandas < 2);
- pymc-marketing ``rfm_summary`` (its own venv).

Each contender writes its summary to Parquet, and the parent checks that they agree with tierwise to
1e-9 on every customer. Results go to the "Customer summary" section of ``bench/RESULTS.md``.
(The transactions are simulated directly rather than by the demo generator: one table, the three
columns the summary reads, and a known shape — 20 transactions a customer on average.)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "value"
PEERS = HERE / ".peers"  # made by bench/peers.sh (make bench-peers)
END = "2025-12-31"


# the same summary written by hand in DuckDB SQL: the floor for the Ibis expression
RAW_SQL = """
with per_day as (
  select customer_id, "date" as day, sum(amount) as amount from read_parquet('{path}')
  where "date" <= date '{end}' group by 1, 2
), per_customer as (
  select customer_id, count(*) - 1 as frequency, min(day) as first_day, max(day) as last_day,
         sum(amount) - arg_min(amount, day) as repeat_amount
  from per_day group by 1
)
select customer_id, frequency, (last_day - first_day)::double as recency,
       (date '{end}' - first_day)::double as "T",
       case when frequency > 0 then repeat_amount / frequency else 0 end as monetary_value
from per_customer order by customer_id
"""


def _peak_gb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1e6
    return float("nan")


def simulate(rows: int, path: Path, seed: int = 3) -> None:
    """``rows`` transactions of ``rows / 20`` customers over 2023-01-01 .. 2025-12-31, as Parquet."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    customers = max(rows // 20, 1)
    # customers differ in how often they buy: a gamma-distributed share of the rows
    weights = rng.gamma(0.8, 1.0, customers)
    ids = rng.choice(customers, rows, p=weights / weights.sum())
    days = rng.integers(0, 1095, rows)
    dates = np.datetime64("2023-01-01") + days.astype("timedelta64[D]")
    amount = np.round(rng.lognormal(4.0, 1.0, rows), 2)
    table = pa.table(
        {
            "customer_id": pa.array(np.char.add("C", np.char.zfill(ids.astype(str), 7))),
            "date": pa.array(dates.astype("datetime64[D]")),
            "amount": amount,
        }
    )
    pq.write_table(table, path)


def worker(name: str, path: str, out: str) -> dict:
    """Parquet → summary with contender ``name``; seconds and peak memory; the summary saved to ``out``."""
    import warnings

    warnings.filterwarnings("ignore")
    # imports first, untimed: the clock covers reading the Parquet file and computing the summary
    import pandas as pd  # every contender returns pandas: its import (~1 s) is not the summary's work

    if name == "tierwise":
        import ibis

        from tierwise.analytics.summary import summary
        from tierwise.io.connection import duckdb_connection

        con = ibis.duckdb.from_connection(duckdb_connection())
        start = time.perf_counter()
        frame = summary(con.read_parquet(path), observation_end=END, freq="D").to_pandas()
    elif name == "duckdb-sql":
        from tierwise.io.connection import duckdb_connection

        con = duckdb_connection()
        start = time.perf_counter()
        frame = con.sql(RAW_SQL.format(path=path, end=END)).df()
    elif name == "lifetimes":
        from lifetimes.utils import summary_data_from_transaction_data

        start = time.perf_counter()
        frame = summary_data_from_transaction_data(
            pd.read_parquet(path), "customer_id", "date", "amount", observation_period_end=END, freq="D"
        ).reset_index()
    else:
        from pymc_marketing.clv.utils import rfm_summary

        start = time.perf_counter()
        frame = rfm_summary(
            pd.read_parquet(path), "customer_id", "date", "amount", observation_period_end=END, time_unit="D"
        )
    seconds = time.perf_counter() - start
    frame[["customer_id", "frequency", "recency", "T", "monetary_value"]].to_parquet(out)
    return {"seconds": seconds, "peak_gb": _peak_gb(), "customers": len(frame)}


def agree(ours: Path, theirs: Path) -> bool:
    """Whether two saved summaries agree on every customer (to 1e-9)."""
    import numpy as np
    import pandas as pd

    a = pd.read_parquet(ours).set_index("customer_id").sort_index()
    b = pd.read_parquet(theirs).set_index("customer_id").sort_index()
    if not a.index.equals(b.index):
        return False
    return all(np.allclose(a[c].to_numpy(float), b[c].to_numpy(float), rtol=1e-9, atol=1e-9) for c in a.columns)


NOTES = """Why the target is missed: tierwise runs at the floor of its engine. The Ibis expression compiles to
two hash aggregations (customer × day, then customer; no window function: the repeat spend is the
total less the first day's, taken with an ordered arg-min) and runs as fast as the same plan written by
hand in SQL. On this 2-core machine DuckDB needs, at 10M rows, ~0.4 s to scan the Parquet file (string
ids), ~0.5 s more for the (customer, day) aggregation, whose groups are nearly all distinct, and the rest
for the customer aggregation and the sort by id. Tried and slower: one aggregation by customer plus a
join for the first day's spend (2.1 s against 1.4 s); `preserve_insertion_order=false` changed nothing.
A ratio of 25 would need 0.86 s, less than DuckDB's scan plus one aggregation here; the ratio grows with
cores, since DuckDB aggregates in parallel and lifetimes (pandas) does not. Earlier runs of this table
counted pandas' first import (~1 s) inside tierwise's time and ran on a machine shared with other work
(load 5–8, up to 5× between identical runs); this one ran alone and imports are outside the clock."""


def main() -> None:
    """Run the contenders at each size, save the results and write the RESULTS.md section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker")
    parser.add_argument("--data")
    parser.add_argument("--out")
    parser.add_argument("--rows", default="1e6,1e7")
    parser.add_argument("--lifetimes-python", default=str(PEERS / "lifetimes" / "bin" / "python"))
    parser.add_argument("--pymc-python", default=str(PEERS / "pymc" / "bin" / "python"))
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender; the median time is reported")
    parser.add_argument("--report-only", action="store_true", help="rewrite RESULTS.md from the saved results")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.data, args.out)))
        return
    saved = DATA / "summary-results.json"
    if args.report_only:
        render(json.loads(saved.read_text()))
        return
    DATA.mkdir(parents=True, exist_ok=True)
    pythons = {
        "tierwise": sys.executable,
        "duckdb-sql": sys.executable,
        "lifetimes": args.lifetimes_python,
        "pymc-marketing": args.pymc_python,
    }
    env = dict(os.environ, PYTHONPATH=str(HERE.parent / "src"))
    load_before = os.getloadavg()[0]
    by_rows = {}
    for rows in (int(float(r)) for r in args.rows.split(",")):
        path = DATA / f"transactions-{rows}.parquet"
        if not path.exists():
            simulate(rows, path)
        by_rows[str(rows)] = results = {}
        for name, python in pythons.items():
            if not Path(python).exists():
                results[name] = {"error": "interpreter not installed"}
                continue
            out = DATA / f"summary-{rows}-{name}.parquet"
            cmd = [
                python,
                str(HERE / "summary.py"),
                "--worker",
                name if name != "pymc-marketing" else "pymc",
                "--data",
                str(path),
                "--out",
                str(out),
            ]
            print(f"{rows:,} rows: {name} …", file=sys.stderr, flush=True)
            results[name] = run_contender(cmd, env, args.repeat, args.timeout)
            if "seconds" in results[name] and name != "tierwise" and "seconds" in results.get("tierwise", {}):
                results[name]["agrees"] = agree(DATA / f"summary-{rows}-tierwise.parquet", out)
            print(f"  {results[name]}", file=sys.stderr, flush=True)
    versions = {}
    for name, mod in (("lifetimes", "lifetimes"), ("pymc-marketing", "pymc_marketing")):
        if Path(pythons[name]).exists():
            done = subprocess.run(
                [pythons[name], "-c", f"import {mod}, pandas; print({mod}.__version__, pandas.__version__)"],
                capture_output=True,
                text=True,
            )
            versions[name] = done.stdout.strip()
    import duckdb
    import ibis

    meta = {
        "command": f"python -m bench.summary --rows {args.rows} --repeat {args.repeat}",
        "repeat": args.repeat,
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "ibis": ibis.__version__,
        "versions": versions,
    }
    saved.write_text(json.dumps({"meta": meta, "results": by_rows}, indent=1))
    render({"meta": meta, "results": by_rows})


def run_contender(cmd: list[str], env: dict, repeat: int, timeout: float) -> dict:
    """Run one contender ``repeat`` times (fresh processes): median time, largest peak memory, all times."""
    from bench.workers import run_worker  # the parent's only: workers run in the peers' environments

    runs = []
    for _ in range(repeat):
        run = run_worker(cmd, env, timeout)
        if "error" in run:
            return run
        runs.append(run)
    times = sorted(r["seconds"] for r in runs)
    return {
        "seconds": times[len(times) // 2],
        "peak_gb": max(r["peak_gb"] for r in runs),
        "customers": runs[0]["customers"],
        "times": times,
    }


def render(saved: dict) -> str:
    """The "Customer summary" section from saved results; written to RESULTS.md and returned."""
    from bench.results import write_section

    meta, by_rows = saved["meta"], saved["results"]
    lines = [
        f"`{meta['command']}` — {meta['machine']}, {meta['cores']} cores (1-minute load "
        f"{meta['load_before']:.1f} before, {meta['load_after']:.1f} after), Python {meta['python']}; tierwise on "
        f"DuckDB {meta['duckdb']} through Ibis {meta['ibis']}; "
        + "; ".join(f"{k} {v.split()[0]} (pandas {v.split()[-1]})" for k, v in meta["versions"].items() if v)
        + '. Time: Parquet file → summary in memory (`freq="D"`, with monetary value), one fresh process per '
        f"run, imports not counted, median of {meta['repeat']} runs (all runs listed). Same: every customer's "
        "frequency, recency, T and monetary value equal tierwise's to 1e-9.",
        "",
        "| rows | contender | customers | seconds (median) | × tierwise | runs (s) | peak RSS GB | same |",
        "|---:|---|---:|---:|---:|---|---:|---|",
    ]
    for rows, results in by_rows.items():
        ours = results.get("tierwise", {}).get("seconds")
        for name, r in results.items():
            if "error" in r:
                lines.append(f"| {int(rows):,} | {name} | – | – | – | – | – | not run: {r['error']} |")
                continue
            same = "—" if name == "tierwise" else ("yes" if r.get("agrees") else "**no**")
            ratio = f"{r['seconds'] / ours:.1f}" if ours else "–"
            runs = ", ".join(f"{t:.1f}" for t in r.get("times", [r["seconds"]]))
            lines.append(
                f"| {int(rows):,} | {name} | {r['customers']:,} | {r['seconds']:.2f} | {ratio} | {runs} | "
                f"{r['peak_gb']:.2f} | {same} |"
            )
    largest = by_rows[max(by_rows, key=int)]
    ours = largest.get("tierwise", {}).get("seconds", float("nan"))
    lifetimes = largest.get("lifetimes", {}).get("seconds", float("nan")) / ours
    floor = ours / largest.get("duckdb-sql", {}).get("seconds", float("nan"))
    lines += [
        "",
        f"Issue 4's target, lifetimes/tierwise ≥ 25 at {int(max(by_rows, key=int)):,} rows: "
        f"{lifetimes:.1f} — {'met' if lifetimes >= 25 else '**missed**'}; tierwise / hand-written SQL: "
        f"{floor:.2f}.",
        "",
        NOTES,
    ]
    text = "\n".join(lines)
    write_section("Customer summary", text)
    return text


if __name__ == "__main__":
    main()
