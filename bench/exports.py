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

- **Parquet rows**: from `python -m bench.indicators --rows 1e6` run right after (load 15.6 before, 13.5
  after; each contender twice, median), its tables equal cell for cell. The 10M runs of the morning mixed
  DuckDB versions and are not reported; 10M and 50M under the new reader were not measured.
- **Analytics vs hand-written SQL**: 1.50 at 1M here, against 0.72 in the run before it on the same
  machine (load 12–18): on two cores shared with five test suites, single 1M timings swing by 2×.

- **DuckDB version**: 1.5.5, chosen against 1.4.4 by an interleaved A/B of the Indicators job at 1M rows
  (each contender alternately on each version, best of three per process; hand-written SQL 3.2 s on 1.5.5
  against 4.6 s on 1.4.4, on a machine at load 8–12). 2.0 was not taken: no `duckdb-extension-*` wheels
  exist for it, and the store needs the `sqlite` and `postgres` scanners offline. On 1.5.5 the `sqlite`,
  `postgres` and `encodings` extensions load from their wheels (tests/io/test_connection.py).
- **Validation as one pass**: every check of a file (required values, types, date range, two-digit years,
  Excel error cells, vocabularies, id uniqueness) is one `count(*) FILTER (…)` aggregate over the typed
  columns; only a failing check fetches its first 50 rows. Typed Parquet columns skip the parsing and the
  text checks (a native DATE or DOUBLE is only checked for NULL and range). Transactions no longer check
  `transaction_id` for uniqueness (an order's lines share it), which was a hash aggregate over every row.
- **CSV**: the text columns are parsed by vectorised SQL, the lenient paths (￥, 1,234.50, 2024年1月31日,
  Unicode spaces) only for the values whose plain `TRY_CAST` fails.
- **Excel**: fastexcel hands over Arrow columns (the old reader built Python lists cell by cell); the
  difference to fastexcel's own read is the header search (first 32 rows of each sheet), the text cast,
  the copy into DuckDB, and the scan of the sheet XML for error cells (only when the XML holds `t="e"`).
- **Encoding**: one pass in 16 MB chunks decides UTF-8 / GBK, notes empty lines and writes the UTF-8 copy
  for GBK files; a GBK file whose first rows are ASCII is re-read from its start once.
- **Start-up**: `tierwise --help` prints the command list from `tierwise.cli.SUMMARIES` without importing
  Typer or any command. `tierwise indicators` still imports Ibis, DuckDB, PyArrow and pandas (through
  Ibis) before it reads a row; that import is most of its fixed cost.
- **Missed, and why**: CSV at 4.6× — every text column is parsed and the typed table materialised next to
  the text, each string trimmed, and the checks scan it; DuckDB's typed `read_csv` does none of that. Excel
  at 7.1× — fastexcel is asked for text (so that the header search and error cells see what the user
  typed), so its dates come back as `2023-01-02 00:00:00` and take the slow date parse; keeping
  fastexcel's typed columns below the header and parsing only what fails is the next step. The fixed
  cost of `tierwise indicators` (21 s wall, 4.1 CPU s at load 13) is mostly imports (Ibis, pandas).
- **Not done in this run**: 50M rows (peak RSS ≤ 2 GB at 50M, and the 50M ratios) were not measured —
  the machine was shared by six engineers' test suites at a load of 8–16 on 2 cores; the analytics against
  polars were not changed (the two-stage COUNT DISTINCT was not tried).
"""


if __name__ == "__main__":
    main()
