"""The indicator table plus RFM and ABC: tierwise (DuckDB, Spark) against pandas, polars and raw DuckDB SQL.

``python -m bench.indicators --rows 1e6,1e7`` generates the demo data set as Parquet (1M transaction rows
for 50k customers, 10M for 400k, 50M for 2M; other sizes 25 rows a customer) under ``bench/data``, then
runs each contender in its own process: the job (:mod:`bench.indicator_jobs`) three times, the median
reported, peak RSS of the process and its children (Spark's JVM) sampled every 50 ms. Each contender's
table is checked cell by cell against tierwise on DuckDB. Results go to the "Indicators" section of
``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
CUSTOMERS = {1_000_000: 50_000, 10_000_000: 400_000, 50_000_000: 2_000_000}
SPARK_MAX_ROWS = 10_000_000
PANDAS_MAX_ROWS = 10_000_000  # pandas needs ~4.2 GB at 10M rows, so ~21 GB of this machine's 24 at 50M
AS_OF = dt.date(2025, 12, 31)  # the demo's last day: the latest transaction date
ORDER = (
    "tierwise-duckdb",
    "tierwise-duckdb-1gb",
    "duckdb-sql",
    "polars",
    "pandas",
    "tierwise-spark",
    "tierwise-validated",
)


def dataset(rows: int) -> Path:
    """The demo data set of about ``rows`` transaction rows as Parquet, generated once."""
    from tierwise.io.demo import write_demo

    folder = DATA / f"indicators-{rows}"
    done = folder / "written.json"
    if done.exists():
        return folder
    customers = CUSTOMERS.get(rows, max(rows // 25, 1))
    started = time.perf_counter()
    written = write_demo(
        folder, customers=customers, transactions_per_customer=rows / customers, format="parquet", end=AS_OF
    )
    counts = {name: n for name, (_, n) in written.items()}
    done.write_text(
        json.dumps({"customers": customers, "rows": counts, "seconds": round(time.perf_counter() - started, 1)})
    )
    return folder


def results_folder(folder: Path) -> Path:
    """Where the contenders' tables go: beside the data set, not in it (every file in it is read as data)."""
    out = folder.parent / f"{folder.name}-results"
    out.mkdir(exist_ok=True)
    return out


def child(name: str, folder: Path, repeat: int, result: Path) -> None:
    """Run one contender ``repeat`` times in this process and print its timings as JSON."""
    import pyarrow.parquet as pq

    from bench.indicator_jobs import CONTENDERS, Job

    module, func = CONTENDERS[name].split(":")
    started = time.perf_counter()
    run = getattr(importlib.import_module(module), func)()
    setup = time.perf_counter() - started
    job = Job(folder, AS_OF)
    times, cpu, loads = [], [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), cpu_seconds()
        table = run(job)
        times.append(time.perf_counter() - started)
        cpu.append(cpu_seconds() - cpu_started)
        loads.append(os.getloadavg()[0])
    pq.write_table(table, result)
    print(json.dumps({"times": times, "cpu": cpu, "load": loads, "setup": setup, "rows": table.num_rows}))


def cpu_seconds() -> float:
    """User + system CPU seconds of this process so far, every thread included (not Spark's JVM)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(name: str, folder: Path, repeat: int, result: Path) -> dict:
    """Run a contender in a fresh process, sampling the RSS of its process tree; its timings and peak RSS."""
    import psutil

    log = result.with_suffix(".log")
    with open(log, "w") as err, open(result.with_suffix(".json"), "w") as out:
        proc = psutil.Popen(
            [
                sys.executable,
                "-m",
                "bench.indicators",
                "--child",
                name,
                "--data",
                str(folder),
                "--repeat",
                str(repeat),
                "--result",
                str(result),
            ],
            stdout=out,
            stderr=err,
            cwd=HERE.parent,
        )
        peak = 0
        while proc.poll() is None:
            try:
                rss = sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])
            except psutil.Error:
                rss = 0
            peak = max(peak, rss)
            time.sleep(0.05)
    if proc.returncode != 0:
        raise RuntimeError(f"{name} failed; see {log}:\n" + log.read_text()[-3000:])
    report = json.loads(result.with_suffix(".json").read_text().strip().splitlines()[-1])
    # sampled, not getrusage: a forked child inherits its parent's ru_maxrss across exec
    report["peak_rss"] = peak
    return report


def disagreements(reference: Path, other: Path) -> dict[str, int]:
    """Columns where ``other`` differs from ``reference`` (by customer): the number of differing cells."""
    import duckdb

    con = duckdb.connect()
    ref = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{reference}')").fetchall()
    have = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{other}')").fetchall()}
    checks = []
    for column, kind, *_ in ref:
        if column == "customer_id":
            continue
        if column not in have:
            checks.append(f'count(*) AS "{column}"')
            continue
        a, b = f'a."{column}"', f'CAST(b."{column}" AS {kind})'
        if kind == "DOUBLE":
            differ = f"NOT ({a} IS NULL AND {b} IS NULL OR abs({a} - {b}) <= 1e-9 * greatest(abs({a}), 1))"
        else:
            differ = f"{a} IS DISTINCT FROM {b}"
        checks.append(f'count(*) FILTER (WHERE coalesce({differ}, true)) AS "{column}"')
    row = con.execute(f"""SELECT {", ".join(checks)} FROM read_parquet('{reference}') a
                          FULL JOIN read_parquet('{other}') b USING (customer_id)""").fetchone()
    names = [c[0] for c in ref if c[0] != "customer_id"]
    return {n: v for n, v in zip(names, row, strict=True) if v}


def check(folder: Path, results: dict[str, dict]) -> None:
    """Record, per contender, the cells where its last table differs from tierwise on DuckDB's."""
    reference = results_folder(folder) / "result-tierwise-duckdb.parquet"
    for name, result in results.items():
        if (
            name != "tierwise-duckdb"
            and "error" not in result
            and reference.exists()
            and (results_folder(folder) / f"result-{name}.parquet").exists()
        ):
            result["differs"] = disagreements(reference, results_folder(folder) / f"result-{name}.parquet")


def versions() -> str:
    """Versions of the engines and libraries measured."""
    found = []
    for name in ("duckdb", "ibis", "pyspark", "polars", "pandas", "pyarrow"):
        try:
            found.append(f"{name} {importlib.import_module(name).__version__}")
        except ImportError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def machine() -> str:
    """CPU, cores and memory of this machine."""
    import psutil

    cpu = platform.processor() or platform.machine()
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
        model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
        cpu = model
    except (OSError, StopIteration):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def table_markdown(sizes: dict[int, dict[str, dict]]) -> str:
    """One row per size and contender: seconds, first run, setup, peak GB, ratio to tierwise, agreement."""
    lines = [
        "| rows | customers | contender | seconds (median) | CPU seconds (median) | first run | set-up "
        "| peak RSS (GB) | ÷ tierwise-duckdb | load (1 min) | same table |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for rows, results in sizes.items():
        base = statistics.median(results["tierwise-duckdb"]["times"]) if "tierwise-duckdb" in results else None
        for name in ORDER:
            if name not in results:
                continue
            r = results[name]
            if "error" in r:
                lines.append(f"| {rows:,} | {r['customers']:,} | {name} | failed: {r['error']} | | | | | | | |")
                continue
            median = statistics.median(r["times"])
            rss = "not measured" if r.get("peak_rss") is None else f"{r['peak_rss'] / 2**30:.2f}"
            ratio = f"{median / base:.2f}" if base else "–"
            same = (
                "reference"
                if name == "tierwise-duckdb"
                else (
                    "yes"
                    if not r.get("differs")
                    else "differs: " + ", ".join(f"{k} ({v})" for k, v in r["differs"].items())
                )
            )
            cpu = f"{statistics.median(r['cpu']):.2f}" if r.get("cpu") else "–"
            load = "–" if not r.get("load") else f"{min(r['load']):.1f}–{max(r['load']):.1f}"
            lines.append(
                f"| {rows:,} | {r['customers']:,} | {name} | {median:.2f} | {cpu} | {r['times'][0]:.2f} | "
                f"{r['setup']:.1f} | {rss} | {ratio} | {load} | {same} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments; run the contenders (or, with ``--child``, one of them) and write RESULTS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.indicators", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1e6,1e7", help="comma-separated transaction row counts, e.g. 1e6,1e7,5e7")
    parser.add_argument("--contenders", default=",".join(ORDER), help="comma-separated subset of: " + ", ".join(ORDER))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print the table instead of updating RESULTS.md")
    parser.add_argument("--report-only", action="store_true", help="re-render the last measurements of each size")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.data, args.repeat, args.result)
        return

    sizes: dict[int, dict[str, dict]] = {}
    for rows in (int(float(r)) for r in args.rows.split(",")):
        if args.report_only:
            sizes[rows] = json.loads((DATA / f"indicators-{rows}" / "bench.json").read_text())
            check(DATA / f"indicators-{rows}", sizes[rows])
            continue
        folder = dataset(rows)
        info = json.loads((folder / "written.json").read_text())
        results: dict[str, dict] = {}
        for name in (n for n in ORDER if n in args.contenders.split(",")):
            if (name == "tierwise-spark" and rows > SPARK_MAX_ROWS) or (name == "pandas" and rows > PANDAS_MAX_ROWS):
                continue
            print(f"{rows:,} rows: {name} …", file=sys.stderr, flush=True)
            try:
                r = measure(name, folder, args.repeat, results_folder(folder) / f"result-{name}.parquet")
            except RuntimeError as exc:  # one contender failing (out of memory, say) is a result, not the end
                lines = str(exc).splitlines()
                cause = next((ln for ln in reversed(lines) if "Error" in ln or "Exception" in ln), lines[-1])
                results[name] = {"customers": info["customers"], "error": cause.strip()[:160]}
                print(f"  failed: {results[name]['error']}", file=sys.stderr)
                continue
            r["customers"] = info["customers"]
            results[name] = r
            print(f"  {statistics.median(r['times']):.2f} s, {r['peak_rss'] / 2**30:.2f} GB", file=sys.stderr)
        saved = folder / "bench.json"
        merged = json.loads(saved.read_text()) if saved.exists() else {}  # a run of some contenders keeps the rest
        merged.update(results)
        check(folder, merged)
        sizes[rows] = merged
        saved.write_text(json.dumps(merged, indent=1))
    body = report(sizes, args)
    if args.no_write:
        print(body)
    else:
        from bench.results import write_section

        write_section("Indicators", body)


def report(sizes: dict[int, dict[str, dict]], args: argparse.Namespace) -> str:
    """The RESULTS.md section: command, machine, versions, the table and the targets."""
    rows_text = ",".join(f"{r:.0e}".replace("+0", "") for r in sizes)
    head = (
        f"`python -m bench.indicators --rows {rows_text}` — {machine()}; {versions()}. "
        f"Demo data as Parquet, as of {AS_OF}; the job: every indicator (trade, finance, traits, engagement: "
        "40 columns) plus RFM scores and ABC classes, materialised in memory (Arrow). Each contender in its "
        f"own process, the job run {repeats(sizes)} times there (median shown; the first run and the untimed "
        "set-up — imports, connection, Spark session — beside it); CPU seconds are user + system time of that "
        "process (every thread; not Spark's JVM), and the load is the machine's 1-minute load average after "
        "each run (2 cores, shared with other work: where it is above 2, wall seconds measure the sharing and "
        "CPU seconds are the figures to compare); peak RSS of the process tree. "
        "`tierwise-validated` adds what the CLI does first: reading the folder through the input contract "
        '(`read_dataset`: validation of every table). "same table": every cell equal to tierwise-duckdb '
        "(floats to 1e-9 relative)."
    )
    return head + "\n\n" + table_markdown(sizes) + "\n\n" + targets(sizes) + "\n\n" + NOTES.strip() + "\n"


def repeats(sizes: dict[int, dict[str, dict]]) -> str:
    """How many times the job ran per contender, as measured (``2`` or ``1–2``)."""
    counts = sorted({len(r["times"]) for results in sizes.values() for r in results.values() if "times" in r})
    return "–".join(str(n) for n in (counts[0], counts[-1]) if counts) if len(set(counts)) > 1 else str(counts[0])


def targets(sizes: dict[int, dict[str, dict]]) -> str:
    """The issue's targets, met or not, per size measured."""
    lines = ["Targets (issue 4):"]
    for rows, r in sizes.items():
        if "tierwise-duckdb" not in r:
            continue
        ours = statistics.median(r["tierwise-duckdb"]["times"])
        for peer, bound in (("polars", 1.0), ("duckdb-sql", 1.2)):
            if "times" in r.get(peer, {}):
                ratio = ours / statistics.median(r[peer]["times"])
                verdict = "met" if ratio <= bound else "missed"
                cpu = ""
                if r["tierwise-duckdb"].get("cpu") and r[peer].get("cpu"):
                    cpu_ratio = statistics.median(r["tierwise-duckdb"]["cpu"]) / statistics.median(r[peer]["cpu"])
                    cpu = f"; in CPU seconds {cpu_ratio:.2f}"
                lines.append(
                    f"- {rows:,} rows: tierwise / {peer} = {ratio:.2f} wall (target ≤ {bound}): {verdict}{cpu}"
                )
        for name in ("tierwise-duckdb", "tierwise-duckdb-1gb"):
            if rows >= 50_000_000 and "peak_rss" in r.get(name, {}):
                gb = r[name]["peak_rss"] / 2**30
                lines.append(
                    f"- {rows:,} rows: {name} peak RSS {gb:.2f} GB (target ≤ 2 GB): {'met' if gb <= 2 else 'missed'}"
                )
    if not any(rows >= 50_000_000 for rows in sizes):
        lines.append("- peak RSS ≤ 2 GB at 50M rows: not measured in this run (see below)")
    return "\n".join(lines)


NOTES = """
Why, and what is ours:

- **This round (issue "real exports at engine speed"): the windows on a narrow projection, the order count
  by one sort.** The machine was shared throughout (1-minute load 11–24 on 2 cores, see the load column):
  the tierwise process got 0.2–0.3 of a core on average (CPU over wall seconds), so wall seconds measure
  the sharing, and the ratios to read are the CPU ones. At 10M rows tierwise-duckdb takes 13.45 CPU seconds against
  polars' 11.67 (1.15×; it was 1.7× in the previous round) and raw DuckDB SQL's 16.76
  (0.80×); at 50M 77.9 against 81.0 (0.96×). What changed, each step measured alone in
  CPU seconds at 10M rows, same table every time:
  1. **Windows on a narrow projection** (`tierwise.analytics.narrow.with_windows`): sales share and rank
     (in `compute_indicators`) and the RFM scores and ABC class (the job) are computed on `customer_id`
     and the one to three columns they read, then joined back by customer. DuckDB's `WINDOW` carried all
     45 columns of 400,000 customers through every sort before; now each window operator carries four,
     and the wide table is materialised once as a CTE and read twice. The join needs a view of the wide
     table: joined directly, Ibis extends the join chain the table ends, and the narrow side recomputed
     every aggregate (the transactions read twice). Job: 16.3–17.1 → 12.9–13.8 CPU s (−20 %).
  2. **Order counts by one sort** (`trade.order_counts`): the positive lines with an id, projected to
     `customer_id, transaction_id` and the in-window flag, sorted per customer by id (window lines first);
     a line whose id differs from the one before starts an order, counted in the window when that first
     line is; grouped by customer and left-joined to the aggregate, which keeps only the rows without an
     id. Hand-written, the transactions aggregate alone: 8.9 CPU s with the two `COUNT(DISTINCT id)`,
     4.1 without them, the sort 3.5 (two-stage hash grouping of the same projection 3.9) — 7.6 against
     8.9. Job, in alternation with step 1 at load 15–17: 12.0–12.8 against 15.0–16.5; peak RSS at 10M
     1.9 → 1.1 GB (the two hash tables of ~10M (customer, id) pairs are gone).
  3. **Connection settings**, tried on the analytics connection alone (`Engine.create` opens its own
     in-memory database; the readers' connections are not touched): `preserve_insertion_order=false` 12.4 /
     13.4 CPU s against 12.5 / 14.4 without — no gain, not set. Threads stay at the two cores. A memory
     limit: at 50M rows without one, peak RSS is now 3.66 GB (8.2 GB before this round) in 79 CPU s; held to
     1 GB with a spill folder, the job no longer runs out of memory (it did before, in the window sorts) and
     peaks at 1.94–1.95 GB, but takes 108 CPU s by hand and 139 in the table's `tierwise-duckdb-1gb` row
     (+37–79 %, the aggregate and the order sort spilling; same table). That meets the RSS target and breaks
     the time target, so it is not the default: a 2 GB machine sets `TIERWISE_DUCKDB_MEMORY_LIMIT=1GB` (and
     `TIERWISE_DUCKDB_TEMP_DIRECTORY`).
- **What the remaining gap is made of** (`EXPLAIN ANALYZE` of the generated query at 10M rows, share of the
  profiled operator time; measured at load 15–20, so the shares, not the seconds): the transactions
  `HASH_GROUP_BY` 28 % (18 filtered aggregates and the two distinct counts left, purchase days and
  categories: 2.1 of its CPU seconds hand-written), the order sort's `WINDOW` 20 %, reading the transactions
  twice (the aggregate's columns, then the order sort's three) 15 %, the wide projection that fills absent
  customers' zeros (43 columns, strings included) 8 %, the four windows over the customers 7 %, receivables
  5 %, the joins and CTEs the rest. polars' trade group-by is 7.1 CPU s alone; ours, aggregate plus sort,
  about 7.6 hand-written. Not tried yet: the purchase-day and category counts folded into the sort (another
  sort key each), an integer customer key for the group-bys (a join of every line first).
- **Which targets are met.** In CPU seconds: ≤ 1.0× polars at 50M rows (0.96), not at 10M (1.15: the
  remaining 1.8 CPU s are the items above); ≤ 1.2× raw DuckDB SQL at 10M (0.80: the hand-written query
  still has the wide windows and the distinct order counts). In wall seconds the table says "missed"
  at 10M: the contenders ran one after the other under loads of 16–23, and the same job took 13.4 CPU s
  in 73 s of wall; at 50M, 1.10× polars wall (tierwise at load 16, polars at 12). Peak RSS ≤ 2 GB at
  50M by default: missed, 3.67 GB (8.21 GB before this round; polars 9.08 GB). The result alone —
  2,000,000 customers × 44 columns in Arrow — is 0.71 GB; a 1 GB DuckDB limit gets to 1.94 GB at
  +37–79 % CPU (step 3). What is left above 2 GB without a limit is DuckDB holding the transactions
  aggregate's hash tables (2M customers, the purchase-day and category distinct tables) and the order
  sort's 48M lines in memory because the default limit (80 % of RAM) lets it.

Earlier rounds (duckdb 1.4.4 and 1.5.5, before the two changes above):

- **tierwise vs raw DuckDB SQL** (1.05 at 10M rows, 1.10 at 50M; met). The SQL Ibis generates has the
  same shape as the hand-written query (one grouped scan per table with `FILTER` aggregates, five left
  joins onto the customers, window functions for share, rank, RFM and ABC). What is left is a fixed cost:
  building the Ibis expression (~0.05 s) and compiling it to SQL (~0.1 s, cProfile), 15–25 % of a 0.7 s
  job at 1M rows, hence 1.26 there (1.41 in the first full run: single 1M timings vary by ±0.1 s). Two
  costs were ours and are fixed: one select per join (now one join chain: a third of the build) and
  `sales_rank` ordering by other keys than the RFM and ABC windows (DuckDB sorted the customers once more
  per window; giving the rank the same keys took 10M rows from 39.7 s to 16.6 s on the shared machine of
  the earlier run).
- **DuckDB vs polars** (1.49 at 10M, 1.50 at 50M; missed). The hand-written SQL is itself 1.4–1.5× polars,
  so the gap is the engine's, not the Ibis layer's. `EXPLAIN ANALYZE` of the raw query at 1M rows: the
  transactions `HASH_GROUP_BY` takes ~45 % of the time — 18 filtered aggregates and four filtered
  `COUNT(DISTINCT …)` (orders, lifetime orders, purchase days, categories), each distinct count with a
  hash table of its own per group. Counting orders as distinct transaction ids is the definition (an
  order may span several rows), so it stays.
- **Peak RSS ≤ 2 GB at 50M rows: missed.** The result alone — 2,000,000 customers × 44 columns in Arrow —
  is 0.71 GB. DuckDB's default memory limit is 80 % of RAM and it uses it: 8.2 GB at 50M. Held to 1 GB
  (`TIERWISE_DUCKDB_MEMORY_LIMIT=1GB`, the `-1gb` rows) it spills and stays at 1.55 GB at 10M rows (1.9×
  the time), but at 50M the window sorts over 2M customers do not fit and DuckDB stops with out of
  memory. Measured by hand, once each: a 2 GB limit finishes in 114 s with 3.1 GB peak RSS, 3 GB in 103 s
  with 3.8 GB. So a 2 GB machine can run 10M-row data sets; 50M rows need about 3 GB.
- **Spark local mode** pays a session start (set-up column), planning and a dozen stages per run; the
  first run also warms the JVM. Its windows over all customers run in one partition. It is the engine for
  data that does not fit one machine, not for 10M rows on two cores. Its driver needs more than Spark's
  default 1 GB heap to collect 400,000 customers' indicators: tierwise now asks for 4 GB in local mode
  (`TIERWISE_SPARK_DRIVER_MEMORY`). Not run at 50M (minutes per run on two cores).
- **pandas** is not run at 50M: 4.2 GB at 10M puts it near 21 GB at 50M, on a 24 GB machine.
- **tierwise-validated** includes reading every table through the input contract (type checks, value
  vocabularies, references between tables) — work none of the hand-written contenders do.
- **"same table"**: every contender agrees with tierwise on every cell. Money sums are rounded to 6
  decimals in tierwise and in each contender: without it, customers whose 12-month sales are equal to
  the cent but summed in another order differed in the last bit and ranked differently (18 of 400,000 on
  Spark, 962 in pandas at 10M rows).
- The machine ran nothing else during this run (1-minute load 1–2 from the benchmark itself).
- **Issue 15, the polars gap, measured again (duckdb 1.5.5) and not closed.** The machine was shared
  (1-minute load 8–39 on 2 cores), so wall times were 2–5× the quiet ones and useless as ratios; these
  are CPU seconds (user + system of the process, the least of 2–3 runs) at 10M rows. Whole job:
  tierwise-duckdb 21.0, polars 12.0–12.8 (1.7×). The transactions aggregate alone, hand-written: 11.8
  with the four filtered `COUNT(DISTINCT …)`, 3.4 without them; each distinct count added alone: lifetime
  orders +4.4 (9.7M (customer, id) pairs: every demo line is its own order), orders in the window +1.7,
  purchase days +1.4, categories +0.5. polars' whole trade group-by takes 7.1 (its lifetime `n_unique`
  alone 2.9). `EXPLAIN ANALYZE` of the generated query: 34.7 of 64.8 profiled seconds in the transactions
  `HASH_GROUP_BY`, 6.6 reading it, 7.7 in the four `WINDOW` operators (each carries all 45 columns of
  400,000 customers), ~5 in receivables. Tried, every one exact:
  - two stages — (customer, id) then customer, with purchase days and categories as (customer, day) and
    (customer, category) groupings joined back: 10.6 (−10 %). The first stage is itself a hash table of
    ~10M keys when orders have one line, as in the demo data; it pays off only for multi-line orders.
  - per-customer lists (`list_unique(list(id))`, the polars way of a small set per group): 10.0–10.5.
  - one sort per customer instead of the two order counts (`lag(id)` over the customer's positive lines
    ordered by id, lines inside the window first; a line whose id differs from the one before starts an
    order, and it is inside the window exactly when any line of the order is): hand-written 6.6 without
    days and categories against 9.4 with hash tables, but as the Ibis expression no gain (the job at 1M
    rows 2.7–3.3 CPU s against 2.3–2.6: the window materialises every transaction column and breaks the
    grouped scan's pipeline). Not kept.
  - purchase days as bitmaps (`bit_or` of `1 << day` over six 63-day words, then `bit_count`): +3.4,
    dearer than the distinct count.
  So DuckDB's distinct counting is not the loss by itself: two-thirds of the gap is the grouped scan, the
  rest the four wide windows. Next steps: the windows on a narrow `(customer_id, value)` projection joined
  back (also what runs out of memory under a 1 GB limit at 50M), and the sort-based order count on a
  projection of the three columns it needs, joined to the aggregate.
- **Peak RSS at 50M: not changed in this round.** A default memory limit alone trades the time target
  away (1 GB: 1.9× the time at 10M, out of memory at 50M); `preserve_insertion_order=false` is a setting
  of the whole database, which the readers share (their error lists name rows in file order), so it was
  not set by default.
"""


if __name__ == "__main__":
    main()
