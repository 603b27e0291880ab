"""Reading a large CSV through the input contract: time and peak memory.

``python -m bench.read_csv --rows 1e7`` writes a transactions CSV with Chinese headers and amounts as
Chinese users type them (``￥1,234.50`` on every 10th row, ``2024/1/31`` dates on every 7th), as UTF-8 and
as GBK, then reads each with :func:`tierwise.io.readers.read_dataset` in a fresh process and records
seconds and peak RSS. Results go to ``bench/RESULTS.md`` (section "Reading a CSV").
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
from pathlib import Path

import duckdb

from bench.results import write_section

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def make_csv(rows: int, folder: Path, encoding: str) -> Path:
    """A transactions CSV of ``rows`` rows (deterministic), in ``encoding`` (utf-8 or gb18030)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "交易.csv"
    if path.exists():
        return path
    utf8 = folder / "utf8.csv"
    duckdb.execute(f"""
        COPY (
          SELECT 'C' || lpad(CAST(i % 400000 AS VARCHAR), 7, '0') AS "客户编号",
                 CASE WHEN i % 7 = 0 THEN strftime(DATE '2022-01-01' + CAST(i % 1000 AS INTEGER), '%Y/%-m/%-d')
                      ELSE CAST(DATE '2022-01-01' + CAST(i % 1000 AS INTEGER) AS VARCHAR) END AS "交易日期",
                 CASE WHEN i % 10 = 0 THEN '￥' || format('{{:,.2f}}', (i % 100000) / 7.0)
                      ELSE CAST(round((i % 100000) / 7.0, 2) AS VARCHAR) END AS "交易金额",
                 round((i % 100000) / 9.0, 2) AS "成本",
                 'T' || CAST(i AS VARCHAR) AS "订单号",
                 (['轴承', '电机', '阀门', '仪表'])[1 + i % 4] AS "品类"
          FROM range({rows}) t(i)
        ) TO '{utf8}' (HEADER, DELIMITER ',')
    """)
    if encoding == "utf-8":
        utf8.rename(path)
    else:
        subprocess.run(["iconv", "-f", "utf-8", "-t", "gb18030", "-o", str(path), str(utf8)], check=True)
        utf8.unlink()
    return path


def measure(path: Path) -> dict[str, float]:
    """Read ``path`` in a fresh process; seconds and peak RSS in GB."""
    code = (
        "import time, json, resource; from tierwise.io.readers import read_dataset;"
        f"t = time.perf_counter(); d = read_dataset({str(path)!r}); n = d.row_count('transactions');"
        "s = time.perf_counter() - t;"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6\n"
        "print(json.dumps({'seconds': s, 'rows': n, 'rss_gb': rss}))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    """Write the CSVs, read each three times, record the median in RESULTS.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="1e7")
    args = parser.parse_args()
    rows = int(float(args.rows))
    lines = [
        f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}, "
        f"duckdb {duckdb.__version__}. Median of 3 runs, each in a fresh process; peak RSS of that process.",
        "",
        "| file | rows | size (MB) | seconds | rows/s | peak RSS (GB) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for encoding in ("utf-8", "gb18030"):
        path = make_csv(rows, DATA / f"csv-{rows}-{encoding}", encoding)
        runs = sorted((measure(path) for _ in range(3)), key=lambda r: r["seconds"])
        mid = runs[1]
        assert mid["rows"] == rows
        lines.append(
            f"| {encoding} CSV, Chinese headers | {rows:,} | {path.stat().st_size / 1e6:,.0f} | "
            f"{mid['seconds']:.1f} | {rows / mid['seconds']:,.0f} | {mid['rss_gb']:.2f} |"
        )
        print(lines[-1], flush=True)
    write_section("Reading a CSV", "\n".join(lines))


if __name__ == "__main__":
    main()
