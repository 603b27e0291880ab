"""Imports under stress, on both databases: killed with SIGKILL mid-way, fed every malformed data set of
the input-contract corpus, and run two at a time. The store holds a whole import or none of it."""

from __future__ import annotations

import importlib.util
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from tierwise.config import Settings
from tierwise.errors import DataValidationError, StoreError
from tierwise.services.context import ServiceContext
from tierwise.services.imports import import_data
from tierwise.store.db import create_store_engine, writing
from tierwise.store.loading import PG_LOCK_KEY

ROOT = Path(__file__).resolve().parents[2]
IMPORTED_TABLES = ("customers", "transactions", "receivables", "opportunities", "visits", "complaints", "surveys")


def transactions_file(path: Path, rows: int, prefix: str, seed: int) -> Path:
    """A transactions Parquet file of ``rows`` rows with ids ``<prefix>000000001`` …"""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 3 * 365, rows)
    table = pa.table(
        {
            "customer_id": pa.array(np.char.add("C", (rng.integers(0, rows // 25 + 1, rows)).astype(str))),
            "date": pa.array((np.datetime64("2023-01-01") + days).astype("datetime64[D]")),
            "amount": pa.array(np.round(rng.gamma(2.0, 500.0, rows), 2)),
            "transaction_id": pa.array(np.char.add(prefix, np.arange(rows).astype(str))),
        }
    )
    path.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path / "transactions.parquet")
    return path / "transactions.parquet"


def state(url: str) -> dict[str, int]:
    """Rows per imported table, imports in force, and their recorded files and counts."""
    engine = create_store_engine(url)
    with engine.connect() as con:
        found = {t: con.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in IMPORTED_TABLES}
        found["imports"] = con.execute(text("SELECT count(*) FROM imports")).scalar()
        found["import_files"] = con.execute(text("SELECT count(*) FROM import_files")).scalar()
        found["counted"] = con.execute(text("SELECT coalesce(sum(created), 0) FROM import_counts")).scalar()
        if con.dialect.name == "sqlite":
            assert con.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    engine.dispose()
    return found


def tierwise(*args: str, url: str, timeout: float = 60.0) -> subprocess.Popen:
    env = {**os.environ, "TIERWISE_DATABASE_URL": url, "TIERWISE_DATABASE_LOCK_TIMEOUT": f"{timeout:g}"}
    return subprocess.Popen(
        [sys.executable, "-c", "from tierwise.cli import main; main()", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def million(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return transactions_file(tmp_path_factory.mktemp("million"), 1_000_000, "T", seed=3)


@pytest.mark.slow
def test_an_import_killed_at_random_moments_leaves_all_or_nothing(store_url: str, million: Path) -> None:
    rng = random.Random(20261201)
    moments = sorted(rng.uniform(1.0, 14.0) for _ in range(4))
    for moment in moments:
        process = tierwise("import", str(million), url=store_url)
        time.sleep(moment)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()
        found = state(store_url)
        done = found["imports"]
        assert found["transactions"] == (1_000_000 if done else 0), (moment, found)
        assert found["import_files"] == done
        assert found["counted"] == (1_000_000 if done else 0)
    final = tierwise("import", str(million), url=store_url)
    out, err = final.communicate(timeout=600)
    assert final.returncode == 0, err
    found = state(store_url)
    assert found["transactions"] == 1_000_000
    assert found["counted"] == 1_000_000


def _malformed_cases() -> list:
    spec = importlib.util.spec_from_file_location("malformed_corpus", ROOT / "tests" / "io" / "test_malformed.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [
        pytest.param(build, total, id=case) for case, build, as_of, _expected, total in module.CASES if as_of is None
    ]


@pytest.mark.parametrize(("build", "total"), _malformed_cases())
def test_a_malformed_data_set_writes_no_row(store_url: str, tmp_path: Path, build, total: int) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    build(folder)
    ctx = ServiceContext.system(Settings(database_url=store_url))
    with pytest.raises(DataValidationError) as caught:
        import_data(ctx, folder)
    assert caught.value.total == total
    assert set(state(store_url).values()) == {0}


def _hold_the_import_lock(url: str, release: threading.Event, held: threading.Event) -> None:
    engine = create_store_engine(url)
    with writing(engine) as con:
        if con.dialect.name == "postgresql":
            con.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
        held.set()
        release.wait(120)
    engine.dispose()


def test_an_import_waits_for_the_writer_before_it(store_url: str, tmp_path: Path) -> None:
    data = transactions_file(tmp_path / "a", 1000, "A", seed=1)
    release, held = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_the_import_lock, args=(store_url, release, held))
    holder.start()
    held.wait(30)
    process = tierwise("import", str(data), url=store_url, timeout=120)
    try:
        time.sleep(8)  # long enough for the import to reach the lock
        assert process.poll() is None  # still waiting
        assert state(store_url)["transactions"] == 0
    finally:
        release.set()
        holder.join()
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert state(store_url)["transactions"] == 1000


def test_an_import_gives_up_after_the_lock_timeout_with_a_clear_message(store_url: str, tmp_path: Path) -> None:
    data = transactions_file(tmp_path / "a", 1000, "A", seed=1)
    release, held = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_the_import_lock, args=(store_url, release, held))
    holder.start()
    held.wait(30)
    try:
        ctx = ServiceContext.system(Settings(database_url=store_url, database_lock_timeout=1))
        with pytest.raises(
            StoreError, match="another import or revert is writing to the store; gave up after waiting 1 s"
        ):
            import_data(ctx, data)
    finally:
        release.set()
        holder.join()
    assert state(store_url)["imports"] == 0


@pytest.mark.slow
def test_two_imports_at_once_are_applied_one_after_the_other(store_url: str, tmp_path: Path) -> None:
    first = transactions_file(tmp_path / "a", 200_000, "A", seed=1)
    second = transactions_file(tmp_path / "b", 150_000, "B", seed=2)
    processes = [tierwise("import", str(path), url=store_url, timeout=300) for path in (first, second)]
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
    found = state(store_url)
    assert found["transactions"] == 350_000
    assert found["imports"] == 2
    assert found["counted"] == 350_000
