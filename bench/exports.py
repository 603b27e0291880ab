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

- **This run** (1M rows, each contender twice, median) shared the 2 cores with other engineers' test
  suites at a 1-minute load of 19–28: wall times are several times a quiet machine's, so CPU seconds are
  given beside them. Before this change (issue 15's figures): CSV 4.59 (10M rows), Parquet validated
  5.27, Excel 7.09. Here: CSV 1.79 by wall time (1.62 by CPU), Excel 2.18 (2.42 by CPU). The Parquet
  rows come from `python -m bench.indicators --rows 1e6 --contenders duckdb-sql,tierwise-duckdb,
  tierwise-validated --repeat 2`, run beside this one; reading and validating the Parquet data set adds
  24% to the analytics alone (tierwise-validated 43.19 s against tierwise-duckdb 34.73 s).
- **CSV, typed first**: DuckDB reads each number and date column the header names with its canonical type
  (`read_csv` with `columns` and `store_rejects`; whole numbers as DOUBLE, checked for fractions). A column
  where one value does not cast (`¥1,234`, `2024年1月31日`), or where a check finds a problem (a year 24
  out of range, a date after `--as-of`, an empty required cell), is read again as text and parsed leniently,
  so that every problem names the value as written; the other columns stay typed. A line DuckDB cannot
  split (too many fields) goes to the all-text read, which names it as before.
- **Validation as one pass**: every check of a file is one `count(*) FILTER (…)` aggregate over the typed
  columns; only a failing check fetches its first 50 rows. Blank and totals rows are tested only where
  the first character can start one (`ord`), with `list_contains` instead of `IN`: DuckDB had turned the
  11 totals words into a MARK join over every row (the check of the 1M-row transactions file: 0.96 → 0.31
  CPU s). Text is trimmed only when some value needs it; when nothing is parsed, trimmed or left out, the
  canonical table is a view over the rows DuckDB loaded (one materialisation, DuckDB's own; Parquet: a
  view over `read_parquet`). References to customers are counted on the canonical tables.
- **Encoding**: one pass in 16 MB chunks; a chunk that is all ASCII is not decoded, and line feeds are
  counted only once a line number is needed (an empty line, a byte that is not UTF-8): 0.73 → 0.25 CPU s
  for the 1M data set.
- **Excel**: the rows below the header keep fastexcel's cell types (types inferred over all rows, so a
  column of mixed cells is text and parsed leniently; text columns are asked for as text). The header
  search still loads the first rows of each sheet through fastexcel, which parses the whole sheet to give
  them (2.4 of the 2.8 CPU s of a full read at 1M rows): a workbook is parsed twice. Reading the first
  rows from the sheet XML itself is the next step.
- **Start-up**: this environment sets `PYTHONDONTWRITEBYTECODE=1` and uv installed without bytecode, so
  every command compiled some 550 modules from source (6.3 of 14.5 s in a profile of `tierwise
  indicators` at load 18). `make setup` now installs bytecode (`uv sync --compile-bytecode`, `compileall`
  of `src`), as pip does. pandas is no longer imported by `tierwise indicators` (Ibis's DuckDB result
  converter imported it for Arrow results too); Ibis, PyArrow, DuckDB and pydantic-settings remain.
- **Missed, and why**: the machine ran at a load of 10–29 on 2 cores through this run, so wall times are
  several times a quiet machine's and the start-up figure says little; CPU seconds are given beside
  them. The CSV ratio includes the analytics: the Ibis indicator job alone took about 2.5× the CPU of the
  hand-written SQL at 1M rows in this run (4.0 against 1.6 CPU s), so reading alone cannot bring the
  whole to 1.3 (that is the analytics' issue).
- **Not done**: optional free text (visit notes, complaint descriptions) is still scanned by the trim
  check though the analytics never read it (it could be trimmed lazily in the canonical view); Parquet
  statistics could answer the NULL and range checks without a scan; 10M and 50M rows were not measured.
"""


if __name__ == "__main__":
    main()
