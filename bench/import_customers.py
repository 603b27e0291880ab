"""Importing customers with personal data (id number, phone, e-mail) into the store: what sealing costs.

``python -m bench.import_customers --rows 2e5`` writes a customers Parquet file (every customer with an id
number, a phone and an e-mail address, ``bench/data/import_customers/``) and imports it into an empty
SQLite store and an empty PostgreSQL store (``TIERWISE_BENCH_POSTGRES``), each in a fresh process, with a
key in ``TIERWISE_SECRET_KEY`` made for the run. ``--label`` names the row (e.g. ``plain`` before the
columns were sealed, ``sealed`` after). Results go to ``bench/RESULTS.md`` ("Import of customers with
personal data"), a row per database and label, older labels kept.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
from pathlib import Path

import duckdb

from bench.import_store import fresh_postgres, fresh_sqlite, run_measured
from bench.results import RESULTS, write_section

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "import_customers"
TITLE = "Import of customers with personal data"


def make_customers(rows: int) -> Path:
    """``rows`` customers, each with an 18-character id number, an 11-digit phone and an e-mail address."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"{rows}" / "customers.parquet"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        duckdb.execute(f"""
            COPY (
              SELECT 'C' || lpad(CAST(i AS VARCHAR), 8, '0') AS customer_id,
                     '客户' || CAST(i AS VARCHAR) AS name,
                     'person' AS kind,
                     '110101' || CAST(19500101 + i % 500000 AS VARCHAR) || lpad(CAST(i % 10000 AS VARCHAR), 4, '0')
                       AS id_number,
                     '138' || lpad(CAST(i AS VARCHAR), 8, '0') AS phone,
                     'user' || CAST(i AS VARCHAR) || '@example.com' AS email,
                     'u' || CAST(i % 50 AS VARCHAR) AS owner
              FROM range({rows}) t(i)
            ) TO '{path}' (FORMAT parquet)
        """)
    return path


def tierwise_import(url: str, data: Path) -> dict[str, float]:
    """One import of the customers file (the service, as ``tierwise import`` runs it) in a fresh process."""
    from tierwise.security.pii import new_key_entry

    code = (
        "from tierwise.config import Settings\nfrom tierwise.services.context import ServiceContext\n"
        "from tierwise.services.imports import import_data\n"
        f"r = import_data(ServiceContext.system(Settings(database_url={url!r})), {str(data)!r})\n"
        "out = {'rows': sum(t.rows for t in r.tables)}\n"
        "usage = resource.getrusage(resource.RUSAGE_SELF)\nout['cpu'] = usage.ru_utime + usage.ru_stime"
    )
    return run_measured(code, {"TIERWISE_SECRET_KEY": new_key_entry("bench")})


def sealing_alone(data: Path) -> float | None:
    """Seconds :func:`tierwise.store.sealed.seal_batch` takes over every row of ``data``, in batches as the
    import reads them (``None`` for a tierwise from before sealing: the ``plain`` label)."""
    import time

    from tierwise.security.pii import Keyring, new_key_entry
    from tierwise.services.imports import BATCH_ROWS

    try:
        from tierwise.store.sealed import seal_batch
    except ImportError:
        return None

    ring = Keyring.parse(new_key_entry("bench"))
    batches = duckdb.sql(f"SELECT * FROM '{data}'").to_arrow_reader(BATCH_ROWS).read_all().to_batches(BATCH_ROWS)
    seal_batch(batches[0].slice(0, 10), "customers", ring)  # first use: imports and set-up outside the clock
    started = time.perf_counter()
    for batch in batches:
        seal_batch(batch, "customers", ring)
    return time.perf_counter() - started


def _kept_rows(label: str) -> list[str]:
    """The table rows of other labels already in RESULTS.md (so before and after stand side by side)."""
    if not RESULTS.exists():
        return []
    section = re.search(rf"^## {re.escape(TITLE)}\n(.*?)(?=^## |\Z)", RESULTS.read_text("utf-8"), re.S | re.M)
    if not section:
        return []
    rows = [line for line in section.group(1).splitlines() if line.startswith("| ") and "---" not in line]
    return [r for r in rows[1:] if r.split("|")[2].strip() != label]


def main() -> None:
    """Import the customers into both databases once, write the rows/s under ``--label``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="2e5")
    parser.add_argument("--label", default="sealed")
    args = parser.parse_args()
    rows = int(float(args.rows))
    (HERE / "data" / "import_store").mkdir(parents=True, exist_ok=True)  # where fresh_sqlite puts its file
    data = make_customers(rows)
    lines = [
        f"`python -m bench.import_customers --rows {rows:g} --label LABEL` — {platform.machine()}, "
        f"{os.cpu_count()} cores (shared), Python {platform.python_version()}, duckdb {duckdb.__version__}. "
        f"{rows:,} customers, each with an id number, a phone and an e-mail address, from Parquet into an "
        "empty store, in a fresh process (reading, validation, staging, counting, writing). `plain`: before "
        "the personal data was sealed; `sealed`: AES-GCM per value plus the HMAC search hash per field. "
        "The machine is shared: wall time follows its load, the CPU seconds of the importing process much less.",
        "",
        "| database | label | rows | seconds | rows/s | CPU s (tierwise process) | peak RSS (GB) |",
        "|---|---|---:|---:|---:|---:|---:|",
        *_kept_rows(args.label),
    ]
    for database in ("sqlite", "postgresql"):
        print(f"{database} {args.label}", file=sys.stderr, flush=True)
        url = fresh_postgres() if database == "postgresql" else fresh_sqlite("customers.db")
        m = tierwise_import(url, data)
        lines.append(
            f"| {database} | {args.label} | {rows:,} | {m['seconds']:.1f} | {rows / m['seconds']:,.0f} "
            f"| {m['cpu']:.1f} | {m['rss_gb']:.2f} |"
        )
    seconds = sealing_alone(data)
    lines += (
        []
        if seconds is None
        else [
            "",
            f"Sealing alone (`store.sealed.seal_batch` over the same {rows:,} rows in this process, 3 fields: AES-GCM "
            f"and the HMAC search hash per value): {seconds:.1f} s, {seconds / (3 * rows) * 1e6:.1f} µs per value, "
            f"{rows / seconds:,.0f} rows/s; the load average was {os.getloadavg()[0]:.1f} at the end.",
        ]
    )
    write_section(TITLE, "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
