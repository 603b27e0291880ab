"""``tierwise classify --save`` and ``tierwise runs …`` on SQLite and PostgreSQL, and --save killed mid-way."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.store.db import create_store_engine

CUSTOMERS = "客户编号,客户名称,机构级别\nC1,华东机电,\nC2,某省交通厅,省级\nC3,小店,\n"
TRANSACTIONS = (
    "客户编号,交易日期,金额,利润\n"
    "C1,2024-07-01,5200000,400000\n"
    "C2,2025-03-01,20000,1000\n"
    "C3,2025-05-01,9999.99,-200\n"
    "C3,2025-06-30,1,0\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "客户.csv").write_text(CUSTOMERS, encoding="gb18030")
    (data / "交易.csv").write_text(TRANSACTIONS, encoding="gb18030")
    return data


def invoke(store_url: str, *args: str):
    env = {"TIERWISE_DATABASE_URL": store_url, "COLUMNS": "200"}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=True)


def test_save_then_list_show_history_diff_and_up_or_out(store_url: str, folder: Path) -> None:
    first = invoke(store_url, "classify", str(folder), "--policy", "china-post", "--as-of", "2025-06-30", "--save")
    assert first.exit_code == 0, first.output
    assert "saved as run 1" in first.output
    second = invoke(store_url, "classify", str(folder), "--policy", "china-post", "--as-of", "2025-07-01", "--save")
    assert "saved as run 2" in second.output, second.output

    listed = invoke(store_url, "runs", "list")
    assert listed.exit_code == 0, listed.output
    assert "2025-07-01" in listed.output and "2025-06-30" in listed.output
    shown = invoke(store_url, "runs", "show", "1")
    assert "china-post v1" in shown.output and "3 customers" in shown.output
    history = invoke(store_url, "runs", "history", "C1")
    rows = [line.split("│") for line in history.output.splitlines() if "china-post v1" in line]
    # the 5,200,000 of 2024-07-01 is in the window of 2025-06-30 and out of that of 2025-07-01
    assert [(r[3].strip(), r[4].strip()) for r in rows] == [("2025-06-30", "diamond"), ("2025-07-01", "standard")]
    on_day = invoke(store_url, "runs", "history", "C1", "--policy", "china-post", "--as-of", "2025-06-30")
    assert "diamond" in on_day.output and "standard" not in on_day.output
    diff = invoke(store_url, "runs", "diff", "1", "2")
    assert diff.exit_code == 0, diff.output
    assert "1 customers moved: 0 up, 1 down, 0 new, 0 gone" in diff.output
    review = invoke(store_url, "runs", "up-or-out", "--policy", "china-post")
    assert "C1" in review.output and "downgraded" in review.output and "1 customers to review" in review.output
    missing = invoke(store_url, "runs", "show", "9")
    assert missing.exit_code == 1 and "no saved run 9" in str(missing.exception)


def _counts(store_url: str) -> tuple[int, int, int, int]:
    engine = create_store_engine(store_url)
    with engine.connect() as con:
        got = tuple(
            con.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("runs", "assignments", "audit")
        ) + (con.execute(text("SELECT coalesce(sum(customer_count), 0) FROM runs")).scalar(),)
    engine.dispose()
    return got  # type: ignore[return-value]


@pytest.mark.slow
def test_killed_while_saving_leaves_the_whole_run_or_none(store_url: str, tmp_path: Path) -> None:
    from tierwise.io.demo import write_demo

    data = tmp_path / "big"
    write_demo(data, customers=20_000, seed=3, format="parquet")
    env = {**os.environ, "TIERWISE_DATABASE_URL": store_url}
    command = [
        str(Path(sys.executable).parent / "tierwise"),
        "classify",
        str(data),
        "--policy",
        "rfm",
        "--save",
        "--rows",
        "1",
    ]
    probe = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    took = time.perf_counter() - probe
    assert done.returncode == 0, done.stderr
    saved = 1
    rng = random.Random(11)
    for _ in range(4):
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.7, 1.0) * took)  # late: the classification done, the save under way or near
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        runs, assignments, audit, customers = _counts(store_url)
        assert runs in (saved, saved + 1)
        saved = runs
        assert assignments == customers == runs * 20_000  # every run whole, none half-written
        assert audit == runs
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr  # the next save works
    assert _counts(store_url)[0] == saved + 1
