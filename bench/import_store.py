"""Importing transactions into the store, and the indicator job read back from it.

``python -m bench.import_store --rows 1e7`` writes a transactions Parquet file and the same rows as a GBK
CSV with Chinese headers (``bench/data/``), then, on SQLite and on PostgreSQL (``TIERWISE_BENCH_POSTGRES``,
default 127.0.0.1:5432), imports each into an empty store and again into a store that already holds them
(upsert, every row unchanged), each in a fresh ``tierwise import`` process: seconds, rows/s, peak RSS. The
floor is the database's own bulk load of the same rows from a UTF-8 CSV into a bare table (``psql \\copy``,
``sqlite3 .import``); ``× floor`` is tierwise's time over it. Last, the indicator job read from each store
against the same job read from the Parquet file. Results go to ``bench/RESULTS.md`` ("Import into the store").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from bench.read_csv import make_csv
from bench.results import write_section

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "import_store"
ROOT = HERE.parent
POSTGRES = os.environ.get("TIERWISE_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
BENCH_DB = "tierwise_bench_import"


def make_parquet(rows: int, folder: Path) -> Path:
    """The transactions of :func:`bench.read_csv.make_csv` as Parquet with canonical headers (same values)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "transactions.parquet"
    if not path.exists():
        duckdb.execute(f"""
            COPY (
              SELECT 'C' || lpad(CAST(i % 400000 AS VARCHAR), 7, '0') AS customer_id,
                     DATE '2022-01-01' + CAST(i % 1000 AS INTEGER) AS date,
                     round((i % 100000) / 7.0, 2) AS amount,
                     round((i % 100000) / 9.0, 2) AS cost,
                     'T' || CAST(i AS VARCHAR) AS transaction_id,
                     (['轴承', '电机', '阀门', '仪表'])[1 + i % 4] AS category
              FROM range({rows}) t(i)
            ) TO '{path}' (FORMAT parquet)
        """)
    return path


def plain_csv(parquet: Path) -> Path:
    """The Parquet rows as a UTF-8 CSV without header, in the column order of the floor's bare table."""
    path = parquet.with_name("floor.csv")
    if not path.exists():
        duckdb.execute(
            f"COPY (SELECT customer_id, date, amount, cost, transaction_id, category FROM '{parquet}') "
            f"TO '{path}' (HEADER false)"
        )
    return path


def run_measured(code: str, env: dict[str, str]) -> dict[str, float]:
    """Run Python ``code`` in a fresh process; it prints a JSON line; add the process's peak RSS."""
    wrapped = (
        "import json, resource, time\nt0 = time.perf_counter()\n"
        + code
        + "\nout['seconds'] = time.perf_counter() - t0\nru = resource.getrusage(resource.RUSAGE_SELF)"
        + "\nout['cpu'] = ru.ru_utime + ru.ru_stime\nout['rss_gb'] = ru.ru_maxrss / 1e6\nprint(json.dumps(out))"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapped], env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "load": os.getloadavg()[0]}


def timed_tool(command: list[str], script: str | None = None) -> tuple[float, float]:
    """Run a database's own tool; its wall seconds and its CPU seconds (the tool's process, not the server's)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, input=script, text=True, check=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def tierwise_import(url: str, data: Path, mode: str) -> dict[str, float]:
    """One ``tierwise import`` (the service, as the command runs it) in a fresh process."""
    code = (
        "from tierwise.config import Settings\nfrom tierwise.services.context import ServiceContext\n"
        "from tierwise.services.imports import import_data\n"
        f"r = import_data(ServiceContext.system(Settings(database_url={url!r})), {str(data)!r}, mode={mode!r})\n"
        "out = {'rows': sum(t.rows for t in r.tables), 'created': sum(t.created for t in r.tables),"
        " 'unchanged': sum(t.unchanged for t in r.tables)}"
    )
    return run_measured(code, {})


def indicator_job(source: str) -> dict[str, float]:
    """The indicator table (every indicator the data allows) from ``source``, in a fresh process."""
    code = (
        "from tierwise.config import Settings\nfrom tierwise.services.sources import open_source\n"
        "from tierwise.analytics.engine import Engine\nfrom tierwise.analytics.indicators import compute_indicators\n"
        "import datetime as dt\n"
        f"ds = open_source({source!r}).open(Settings())\neng = Engine.for_dataset(ds, 'duckdb')\n"
        "t = eng.to_pyarrow(compute_indicators(eng.tables(ds), dt.date(2024, 9, 26)))\n"
        "out = {'rows': t.num_rows}"
    )
    return run_measured(code, {})


def postgres_url(database: str) -> str:
    """The SQLAlchemy URL of ``database`` on the benchmark server."""
    from sqlalchemy.engine import make_url

    return make_url(POSTGRES).set(drivername="postgresql+psycopg", database=database).render_as_string(False)


def fresh_postgres() -> str:
    """An empty benchmark database (dropped and made again)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(POSTGRES, autocommit=True) as con:
        con.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB)))
        con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB)))
    return postgres_url(BENCH_DB)


def fresh_sqlite(name: str) -> str:
    """An empty SQLite file under bench/data."""
    path = DATA / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


BARE = "customer_id text, date date, amount numeric, cost numeric, transaction_id text, category text"


def floor_postgres(csv: Path) -> tuple[float, float]:
    """``psql \\copy`` of the rows into a bare table; seconds and CPU seconds."""
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url(BENCH_DB))
    base = ["psql", "-X", "-q", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username]
    base += ["-d", BENCH_DB]
    subprocess.run([*base, "-c", f"DROP TABLE IF EXISTS floor; CREATE TABLE floor ({BARE})"], check=True)
    return timed_tool([*base, "-c", f"\\copy floor FROM '{csv}' (FORMAT csv)"])


def floor_sqlite(csv: Path) -> tuple[float, float]:
    """``sqlite3 .import`` of the rows into a bare table; seconds and CPU seconds."""
    path = DATA / "floor.db"
    path.unlink(missing_ok=True)
    script = f"CREATE TABLE floor ({BARE});\n.mode csv\n.import '{csv}' floor\n"
    return timed_tool(["sqlite3", str(path)], script)


def main() -> None:
    """Import both files into both databases (empty, then again), measure the floor and the indicator job."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="1e7")
    parser.add_argument("--note", default="", help="A line about the machine, written above the table")
    args = parser.parse_args()
    rows = int(float(args.rows))
    folder = DATA / f"{rows}"
    parquet = make_parquet(rows, folder / "parquet")
    gbk = make_csv(rows, folder / "gbk", "gb18030")
    floor_file = plain_csv(parquet)
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"duckdb {duckdb.__version__}; {rows:,} transactions, each import in a fresh process "
        "(reading, validation, hashing files, staging, counting and writing included). "
        "Targets: ≥ 300,000 rows/s on PostgreSQL, ≥ 150,000 rows/s on SQLite, peak RSS < 1 GB; "
        "indicators read from the store ≤ 2× the same job read from Parquet.",
    ]
    if args.note:
        lines += ["", args.note]
    lines += [
        "",
        "| database | file | into | seconds | CPU seconds | rows/s | × floor | peak RSS (GB) | load (1 min) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    jobs = []
    for database in ("postgresql", "sqlite"):
        if database == "postgresql":
            fresh_postgres()
            (floor, floor_cpu), tool = floor_postgres(floor_file), "psql \\copy"
        else:
            (floor, floor_cpu), tool = floor_sqlite(floor_file), "sqlite3 .import"
        lines.append(
            f"| {database} | floor: {tool} (bare table) | empty | {floor:.1f} | {floor_cpu:.1f} | {rows / floor:,.0f} "
            f"| 1.0 | — | {os.getloadavg()[0]:.1f} |"
        )
        for label, data in (("Parquet", parquet), ("GBK CSV", gbk)):
            url = fresh_postgres() if database == "postgresql" else fresh_sqlite("store.db")
            for into, mode in (("empty", "insert"), ("holding them (upsert)", "upsert")):
                print(f"{database} {label} {into}", file=sys.stderr, flush=True)
                m = tierwise_import(url, data, mode)
                lines.append(
                    f"| {database} | {label} | {into} | {m['seconds']:.1f} | {m['cpu']:.1f} "
                    f"| {rows / m['seconds']:,.0f} | {m['seconds'] / floor:.1f} | {m['rss_gb']:.2f} | {m['load']:.1f} |"
                )
        jobs.append((database, url))
    lines += ["", "| indicator job read from | seconds | ÷ Parquet | peak RSS (GB) |", "|---|---:|---:|---:|"]
    base = indicator_job(str(parquet))
    lines.append(f"| Parquet file | {base['seconds']:.1f} | 1.0 | {base['rss_gb']:.2f} |")
    for database, url in jobs:
        m = indicator_job(url)
        lines.append(
            f"| {database} store | {m['seconds']:.1f} | {m['seconds'] / base['seconds']:.1f} | {m['rss_gb']:.2f} |"
        )
    write_section("Import into the store", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
