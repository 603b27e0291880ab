"""A worker killed in the middle of an import: nothing of it is kept, and the next worker marks the job
failed with the reason. The worker is a real ``tierwise worker`` process, killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import text

from tierwise.api.app import create_app
from tierwise.i18n import translate
from tierwise.jobs import job_queue
from tierwise.security.pii import new_key_entry
from tierwise.services.jobs import get_job
from tierwise.services.uploads import commit_upload, get_upload, receive_upload
from tierwise.store.db import engine_from_settings

from .conftest import ANA, context, write_tables

CUSTOMERS = 20_000
TRANSACTIONS = 200_000  # enough that writing them takes a second or more after the customers are written


def big_data(folder: Path) -> Path:
    customers = "customer_id,name\n" + "".join(f"c{i},客户{i}\n" for i in range(CUSTOMERS))
    purchases = "customer_id,date,amount\n" + "".join(
        f"c{i % CUSTOMERS},2025-0{1 + i % 9}-1{i % 9},{100 + i % 1000}\n" for i in range(TRANSACTIONS)
    )
    return write_tables(folder, customers=customers, transactions=purchases)


def start_worker(settings) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        TIERWISE_DATABASE_URL=settings.database_url,
        TIERWISE_JOBS_FILE=str(settings.jobs_file),
        TIERWISE_JOBS_QUEUE=settings.jobs_queue,
        TIERWISE_UPLOAD_DIR=str(settings.upload_dir),
    )
    env.pop("TIERWISE_REDIS_URL", None)
    if settings.redis_url:
        env["TIERWISE_REDIS_URL"] = settings.redis_url
    command = [str(Path(sys.executable).with_name("tierwise")), "worker", "--threads", "1"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stored(settings) -> tuple[int, int, int]:
    engine = engine_from_settings(settings)
    with engine.connect() as con:
        found = tuple(
            con.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("customers", "transactions", "imports")
        )
    engine.dispose()
    return found


def until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def kill_mid_import(settings, tmp_path: Path):
    """A real worker killed with SIGKILL once the import has written its customers (not committed)."""
    ctx = context(settings, ANA)
    folder = big_data(tmp_path / "big")
    upload = receive_upload(ctx, [(p.name, p.open("rb")) for p in sorted(folder.iterdir())])
    assert upload.state == "pending"
    queue = job_queue(settings)
    worker = start_worker(settings)
    try:
        job = commit_upload(ctx, queue, upload.id)
        # the customers are written (inside the import's one transaction), the transactions not yet
        until(lambda: (queue.progress(job.id) or {}).get("stage") == "write:customers", 180, "writing the customers")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)
    assert get_job(ctx, queue, job.id).state == "running"  # nobody has noticed yet
    assert stored(settings) == (0, 0, 0)  # the transaction died with the process: not one customer is kept
    return ctx, queue, job, upload, f"{os.uname().nodename}:{worker.pid}"


def assert_failed_for(killed: str, ctx, queue, job, upload, settings) -> None:
    failed = get_job(ctx, queue, job.id)
    assert failed.state == "failed"
    assert translate(failed.error, "en") == (
        f"the job stopped when its worker process {killed} ended (killed or restarted); nothing it was writing was kept"
    )
    assert get_upload(ctx, upload.id).state == "failed"
    assert stored(settings) == (0, 0, 0)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("store_url", "settings"),
    [("sqlite", "sqlite"), pytest.param("postgresql", "redis", marks=[pytest.mark.postgres, pytest.mark.redis])],
    indirect=True,
)
def test_a_killed_worker_keeps_nothing_and_the_next_one_marks_the_job_failed(settings, tmp_path: Path) -> None:
    settings = settings.model_copy(update={"upload_max_bytes": 64 * 1024 * 1024})
    ctx, queue, job, upload, killed = kill_mid_import(settings, tmp_path)
    restarted = start_worker(settings)
    try:
        until(lambda: get_job(ctx, queue, job.id).state == "failed", 60, "the restarted worker marking it failed")
    finally:
        restarted.send_signal(signal.SIGINT)
        restarted.wait(30)
    assert_failed_for(killed, ctx, queue, job, upload, settings)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("store_url", "settings"), [pytest.param("postgresql", "sqlite", marks=pytest.mark.postgres)], indirect=True
)
def test_a_server_that_starts_marks_a_killed_job_failed(settings, tmp_path: Path) -> None:
    settings = settings.model_copy(
        update={"upload_max_bytes": 64 * 1024 * 1024, "secret_key": SecretStr(new_key_entry("test"))}
    )
    ctx, queue, job, upload, killed = kill_mid_import(settings, tmp_path)
    with TestClient(create_app(settings)):  # the server starts; no worker runs
        until(lambda: get_job(ctx, queue, job.id).state == "failed", 60, "the starting server marking it failed")
    assert_failed_for(killed, ctx, queue, job, upload, settings)
