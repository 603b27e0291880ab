"""Real exports at engine speed: the validated command against the hand-written job, start-up, Excel, encoding.

``python -m bench.exports --rows 1e7`` measures, each contender in a fresh process and each ratio within
one run:

- **CSV**: tierwise reading and validating the demo data set written as CSV, then the indicator job
  (what ``tierwise indicators`` does), against DuckDB's own typed ``read_csv`` of each table plus the
  hand-written SQL job (:mod:`bench.indicator_jobs.duckdb_sql`). Target ≤ 1.3.
- **start-up**: ``tierwise --help`` (target < 0.3 s) and ``tierwise indicators`` on a 1,000-row data set
  (its fixed cost; target < 0.8 s), median of five runs, wall and CPU seconds.
- **Excel**: a 1,000,000-row .xlsx read through the input contract against fastexcel's own read of the
  same sheet to Arrow. Target ≤ 1.5.
- **encoding**: bytes Python reads while deciding a CSV's encoding, per byte of the file (target: 1).

The Parquet case is ``python -m bench.indicators`` (contender ``tierwise-validated``). Results go to the
"Real exports" section of ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
REPEAT = 5


def load() -> float:
    """The 1-minute load average (other work on the machine)."""
    return os.getloadavg()[0]


def csv_folder(rows: int) -> Path:
    """The demo data set of about ``rows`` transaction rows as CSV (English headers), written once."""
    from bench.indicators import AS_OF, CUSTOMERS
    from tierwise.io.demo import write_demo

    folder = DATA / f"exports-csv-{rows}"
    if (folder / "written.json").exists():
        return folder
    customers = CUSTOMERS.get(rows, max(rows // 25, 1))
    write_demo(folder, customers=customers, transactions_per_customer=rows / customers, format="csv", end=AS_OF)
    (folder / "written.json").write_text("{}")
    return folder


def run_child(args: list[str]) -> dict:
    """Run ``python -m bench.exports --child …`` and return its JSON line."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.exports", "--child", *args],
        capture_output=True,
        text=True,
        cwd=HERE.parent,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_csv(kind: str, folder: Path) -> dict:
    """One timed run: ``tierwise`` (read_dataset + job) or ``duckdb`` (typed read_csv + SQL job)."""
    from bench.indicator_jobs import Job
    from bench.indicators import AS_OF

    job = Job(folder, AS_OF)
    started, cpu = time.perf_counter(), time.process_time()
    if kind == "tierwise":
        from bench.indicator_jobs.tierwise_job import scored
        from tierwise.analytics.engine import Engine
        from tierwise.analytics.indicators import compute_indicators
        from tierwise.io.readers import read_dataset

        dataset = read_dataset(folder)
        engine = Engine.for_dataset(dataset, "duckdb")
        table = engine.to_pyarrow(scored(compute_indicators(engine.tables(dataset), AS_OF)))
    else:
        from bench.indicator_jobs import duckdb_sql
        from tierwise.analytics.engine import canonical_schema
        from tierwise.io.connection import duckdb_connection

        con = duckdb_connection()
        names = ("customers", "transactions", "receivables", "visits", "complaints", "surveys")
        for name in names:
            schema = canonical_schema(name)
            types = ", ".join(f"'{c}': '{_duck(t)}'" for c, t in schema.items())
            con.execute(
                f"CREATE TABLE {name} AS SELECT * FROM read_csv('{folder / (name + '.csv')}', header = true, "
                f"columns = {{{types}}}, auto_detect = false)"
            )
        query = duckdb_sql.QUERY
        for name in names:
            query = query.replace(f"read_parquet('{{{name}}}')", name)
        table = con.execute(query.format(**_fill(job))).to_arrow_table()
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "rows": table.num_rows}


def _duck(ibis_type) -> str:
    text = str(ibis_type).rstrip("!")
    return {"string": "VARCHAR", "float64": "DOUBLE", "int64": "BIGINT", "date": "DATE", "boolean": "BOOLEAN"}[text]


def _fill(job) -> dict:
    from bench.indicator_jobs import ABC_A, ABC_B, TRAITS
    from bench.indicator_jobs.duckdb_sql import score_sql

    w = job.window
    return {
        "as_of": job.as_of,
        "start": w.start,
        "prev_start": w.prev_start,
        "recent": w.recent_start,
        "traits": ", ".join(f"c.{t}" for t in TRAITS),
        "abc_a": ABC_A,
        "abc_b": ABC_B,
        "r_score": score_sql("r_pos", "r_n"),
        "f_score": score_sql("f_pos", "n"),
        "m_score": score_sql("m_pos", "n"),
    }


def startup(small: Path) -> dict[str, dict]:
    """Median wall and CPU seconds of ``tierwise --help`` and ``tierwise indicators SMALL``."""
    script = Path(sys.executable).with_name("tierwise")
    out: dict[str, dict] = {}
    for name, args in (("help", ["--help"]), ("indicators", ["indicators", str(small), "--out", "/dev/null.csv"])):
        walls, cpus = [], []
        for _ in range(REPEAT):
            args_run = args if name == "help" else ["indicators", str(small)]
            before = os.times()
            started = time.perf_counter()
            subprocess.run([str(script), *args_run], capture_output=True, check=True)
            walls.append(time.perf_counter() - started)
            after = os.times()
            cpus.append((after.children_user - before.children_user) + (after.children_system - before.children_system))
        out[name] = {"wall": statistics.median(walls), "cpu": statistics.median(cpus)}
    return out


def small_folder() -> Path:
    """A 1,000-row transactions data set (CSV, 50 customers)."""
    folder = DATA / "exports-small"
    if not (folder / "written.json").exists():
        from tierwise.io.demo import write_demo

        write_demo(folder, customers=50, transactions_per_customer=20, format="csv")
        (folder / "written.json").write_text("{}")
    return folder


def excel_file(rows: int) -> Path:
    """A transactions workbook of ``rows`` rows (Chinese headers; dates as dates, amounts as numbers)."""
    import xlsxwriter

    folder = DATA / f"exports-xlsx-{rows}"
    path = folder / "交易.xlsx"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["客户编号", "交易日期", "金额", "品类"])
    import datetime as dt

    base = dt.datetime(2023, 1, 1)
    for i in range(1, rows + 1):
        sheet.write_string(i, 0, f"C{i % 20000:05d}")
        sheet.write_datetime(i, 1, base + dt.timedelta(days=i % 1000), dates)
        sheet.write_number(i, 2, (i % 10000) / 7)
        sheet.write_string(i, 3, ("轴承", "电机", "阀门")[i % 3])
    book.close()
    return path


def child_excel(kind: str, path: Path) -> dict:
    """One timed read of the workbook: ``tierwise`` (read_dataset) or ``fastexcel`` (its Arrow read)."""
    started, cpu = time.perf_counter(), time.process_time()
    if kind == "tierwise":
        from tierwise.io.readers import read_dataset

        rows = read_dataset(path).row_count("transactions")
    else:
        import fastexcel

        rows = fastexcel.read_excel(str(path)).load_sheet(0).to_arrow().num_rows
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "rows": rows}


def encoding_reads(path: Path) -> float:
    """Bytes Python reads while deciding ``path``'s encoding, per byte of the file (``/proc/self/io``)."""
    from tierwise.io.csv_files import prepare

    def rchar() -> int:
        return int(
            next(ln for ln in Path("/proc/self/io").read_text().splitlines() if ln.startswith("rchar")).split()[1]
        )

    with tempfile.TemporaryDirectory() as tmp:
        before = rchar()
        prepare(path, Path(tmp))
        return (rchar() - before) / path.stat().st_size


def main(argv: list[str] | None = None) -> None:
    """Run every case and write the "Real exports" section."""
    parser = argparse.ArgumentParser(prog="python -m bench.exports", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1e7", help="transaction rows of the CSV case")
    parser.add_argument("--excel-rows", default="1e6")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--report-only", action="store_true", help="re-render the last measurements")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        what, kind, target = args.child
        result = (child_csv if what == "csv" else child_excel)(kind, Path(target))
        print(json.dumps(result))
        return
    rows, excel_rows = int(float(args.rows)), int(float(args.excel_rows))
    saved = DATA / "exports.json"
    if args.report_only:
        last = json.loads(saved.read_text())
        body = report(**last)
        _emit(body, args.no_write)
        return
    loads = [load()]
    folder = csv_folder(rows)
    csv_runs = {k: [run_child(["csv", k, str(folder)]) for _ in range(args.repeat)] for k in ("duckdb", "tierwise")}
    loads.append(load())
    workbook = excel_file(excel_rows)
    excel_runs = {
        k: [run_child(["excel", k, str(workbook)]) for _ in range(args.repeat)] for k in ("fastexcel", "tierwise")
    }
    loads.append(load())
    starts = startup(small_folder())
    loads.append(load())
    reads = encoding_reads(folder / "transactions.csv")
    measured = {
        "rows": rows,
        "excel_rows": excel_rows,
        "csv_runs": csv_runs,
        "excel_runs": excel_runs,
        "starts": starts,
        "reads": reads,
        "loads": loads,
    }
    saved.write_text(json.dumps(measured, indent=1))
    body = report(**measured)
    _emit(body, args.no_write)


def _emit(body: str, no_write: bool) -> None:
    if no_write:
        print(body)
        return
    from bench.results import write_section

    write_section("Real exports", body)


def parquet_rows(rows: int) -> list[str]:
    """The Parquet case from ``python -m bench.indicators`` at ``rows`` (its last measurements), as table rows."""
    saved = DATA / f"indicators-{rows}" / "bench.json"
    if not saved.exists():
        return [f"| indicators on Parquet, {rows:,} transactions | not measured (run python -m bench.indicators) |||||"]
    r = json.loads(saved.read_text())
    out = []

    def median(name: str) -> float | None:
        return statistics.median(r[name]["times"]) if "times" in r.get(name, {}) else None

    pairs = (
        ("tierwise-validated", "duckdb-sql", 1.3),
        ("tierwise-duckdb", "duckdb-sql", 1.2),
        ("tierwise-duckdb", "polars", 1.0),
    )
    for ours, peer, bound in pairs:
        a, b = median(ours), median(peer)
        if a is None or b is None:
            continue
        ratio = a / b
        out.append(
            f"| Parquet, {rows:,} transactions (bench.indicators) | {peer} | {b:.2f} | | 1 | | |\n"
            f"| | {ours} | {a:.2f} | | {ratio:.2f} | ≤ {bound} | {'met' if ratio <= bound else 'missed'} |"
        )
    return out


def _median(runs: list[dict], key: str = "seconds") -> float:
    return statistics.median(r[key] for r in runs)


def report(rows, excel_rows, csv_runs, excel_runs, starts, reads, loads) -> str:
    """The RESULTS.md section: the measurements and each ratio against its target."""
    import platform

    import duckdb

    csv_ratio = _median(csv_runs["tierwise"]) / _median(csv_runs["duckdb"])
    excel_ratio = _median(excel_runs["tierwise"]) / _median(excel_runs["fastexcel"])
    verdict = lambda ok: "met" if ok else "missed"  # noqa: E731
    lines = [
        f"`python -m bench.exports --rows {rows:.0e}` — {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, duckdb {duckdb.__version__}. 1-minute load average during the run: "
        + ", ".join(f"{x:.1f}" for x in loads)
        + " (the machine is shared: wall times are long, the ratios within this run are what counts).",
        "",
        "| case | contender | seconds (median) | CPU seconds | ratio | target | |",
        "|---|---|---:|---:|---:|---:|---|",
        f"| indicators on CSV, {rows:,} transactions | DuckDB typed read_csv + hand-written SQL | "
        f"{_median(csv_runs['duckdb']):.2f} | {_median(csv_runs['duckdb'], 'cpu'):.2f} | 1 | | |",
        f"| | tierwise: read_dataset (validation) + indicators | {_median(csv_runs['tierwise']):.2f} | "
        f"{_median(csv_runs['tierwise'], 'cpu'):.2f} | {csv_ratio:.2f} | ≤ 1.3 | {verdict(csv_ratio <= 1.3)} |",
        f"| {excel_rows:,}-row .xlsx | fastexcel to Arrow | {_median(excel_runs['fastexcel']):.2f} | "
        f"{_median(excel_runs['fastexcel'], 'cpu'):.2f} | 1 | | |",
        f"| | tierwise read_dataset | {_median(excel_runs['tierwise']):.2f} | "
        f"{_median(excel_runs['tierwise'], 'cpu'):.2f} | {excel_ratio:.2f} | ≤ 1.5 | {verdict(excel_ratio <= 1.5)} |",
        f"| start-up | `tierwise --help` | {starts['help']['wall']:.2f} | {starts['help']['cpu']:.2f} | | < 0.3 s | "
        f"{verdict(starts['help']['wall'] < 0.3)} |",
        f"| | `tierwise indicators` on 1,000 rows | {starts['indicators']['wall']:.2f} | "
        f"{starts['indicators']['cpu']:.2f} | | < 0.8 s | {verdict(starts['indicators']['wall'] < 0.8)} |",
        f"| encoding | bytes Python reads to decide a CSV's encoding, per file byte | | | {reads:.2f} | 1 | "
        f"{verdict(reads <= 1.01)} |",
        *parquet_rows(rows),
        *(parquet_rows(1_000_000) if rows != 1_000_000 else []),
    ]
    return "\n".join(lines) + "\n\n" + NOTES.strip() + "\n"


NOTES = """
How, and what is left:

- **This run** (10M transaction rows for CSV and Parquet, 1M rows for .xlsx, each contender twice,
  median) shared the 2 cores with other engineers' test suites: the 1-minute load was 15.3 at the start
  and 7.4–7.9 later, so the DuckDB peer of the CSV case ran on a busier machine than tierwise did, and its
  wall time is inflated. Judge the CSV case by CPU seconds: 43.54 against 35.03, **1.24** (≤ 1.3: met;
  the wall-time 0.78 is the load, not a result). Excel: 1.43 by wall time, 1.41 by CPU (met; 2.35 before).
  The Parquet rows come from `python -m bench.indicators --rows 1e6,1e7 --contenders duckdb-sql,
  tierwise-duckdb,tierwise-validated --repeat 2 --no-write` (its own section left as it was), the 10M
  rows from a second run right after this one, at a load of 4.7–8.1: tierwise-validated 41.36 s against
  duckdb-sql 35.46 s, **1.17** (≤ 1.3: met at 10M). The first run, at a load of 15, gave 107.92 against
  47.83 (2.26); the two runs of one contender differ by up to 1.8× (first runs 53.38 and 43.22 s in the
  second), so these wall-time ratios are coarse; bench.indicators records no CPU seconds. 50M rows were
  not measured (a run takes several minutes per contender on this shared machine).
- **Excel, one parse**: the header search reads the first rows of each .xlsx sheet from the sheet's XML
  (`io/sheet_xml.py`: the workbook's sheet order from `workbook.xml` and its relationships, a streaming
  parse stopped after the rows searched, only the shared strings those rows use), so fastexcel parses the
  sheet once, for the data. Excel error cells are named from fastexcel's own report of the cells it could
  not convert (`to_arrow_with_errors`), not from a second pass over the XML; .xls, .xlsb and .ods get
  them too. `pa.table` (which imports pandas to check its argument) is no longer called; DuckDB's Arrow
  scan still imports pandas (about 0.3 s of the 3.07 CPU s), which only a change in DuckDB can avoid.
- **Validation, fewer passes**: unique ids are compared by hash (`count(DISTINCT hash(id))`; equal
  hashes fall back to the exact search for duplicates, which names them as before): the distinct count
  over 3.3M invoice ids was the largest part of checking receivables. Every text column is tested for
  stray spaces in one aggregate (which column, only when one has them), and blank rows are looked for
  only where the first cell is empty. Optional free text (names, notes, descriptions, categories) is not
  scanned at all: its canonical value is trimmed in the canonical view, when something reads it, so the
  view stays a view. Parquet: the file's own statistics (NULL counts, least and greatest value per row
  group) answer the required-value, date-range and as-of checks they prove (`io/parquet_stats.py`);
  what they do not prove is scanned as before. Reading and validating the 10M-row Parquet data set took
  7.0 CPU s before these changes and 5.2 after (one run each, load 13–16). The row conditions are a
  module of their own (`io/row_checks.py`), beside the validator that counts them.
- **Start-up**: Ibis imported the SQL compiler of every engine it knows (Athena, BigQuery, Trino … twenty,
  each building its dialect's tokenizer tables) when its DuckDB backend loaded; `tierwise.ibis_compilers`
  loads each compiler when first used. PyArrow's compute and Parquet modules are imported only where
  Parquet or Chinese values are written. `tierwise indicators` on 1,000 rows: user CPU 1.29–1.33 s →
  1.05–1.25 s in single runs at a load of 7–8; 1.55 CPU s (user + system) and 2.41 s wall in this run's
  median at a load of 7.4 (missed: < 0.8 s wall); five runs after it at a load of 3.8: 1.02–1.16 s wall,
  1.14–1.28 CPU s (before, at a load of 1.7–2.3: 1.11 s, 1.23 CPU s), so the gain is small and the target
  far. `tierwise --help`: 0.05 s (met). What remains,
  measured in one process: about 0.5 CPU s of imports (Ibis and sqlglot, pydantic-settings, PyArrow and
  NumPy, DuckDB, Typer and Rich), 0.17 s reading and checking the seven small files (about 100 DuckDB
  statements), and 0.17 s for the job, most of it Ibis compiling the indicator expressions to SQL. The
  target (< 0.8 s wall) needs a quiet machine and, beyond this, a compiled-SQL cache or fewer imports in
  the analytics and configuration layers.
- **Targets**: CSV at 10M ≤ 1.3 met by CPU (1.24); Excel at 1M ≤ 1.5 met (1.43 wall, 1.41 CPU);
  Parquet validated at 10M ≤ 1.3 met in the quieter run (1.17), missed in the busy one (2.26), 50M not
  measured; the fixed cost of `tierwise indicators` < 0.8 s missed (2.41 s wall, 1.55 CPU s at load 7.4).
  The analytics alone (tierwise-duckdb against duckdb-sql, 1.19 and 1.40 in the two runs) are the
  analytics issue's, and are most of what separates the validated path from the hand-written job.
"""


if __name__ == "__main__":
    main()
