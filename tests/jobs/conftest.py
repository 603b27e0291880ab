"""Background jobs under test: a real store (SQLite, PostgreSQL), a real queue (huey on SQLite, on Redis) and
a real consumer (huey's, in this process's threads, or ``tierwise worker`` as a subprocess)."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from pathlib import Path

import pytest
import redis

from tierwise.config import Settings
from tierwise.jobs import job_queue
from tierwise.security.permissions import Actor
from tierwise.services.context import ServiceContext
from tierwise.services.imports import import_data
from tierwise.services.jobs import FINISHED, JobInfo, get_job
from tierwise.store.db import engine_from_settings, session_factory

REDIS = os.environ.get("TIERWISE_TEST_REDIS", "redis://127.0.0.1:6379/0")
NOW = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)

ANA = Actor("ana", "analyst", frozenset({"north"}))
BO = Actor("bo", "analyst", frozenset({"south"}))
LI = Actor("li", "account_manager", frozenset({"north"}))
MIA = Actor("mia", "manager", frozenset({"north"}))
SAM = Actor("sam", "manager", frozenset({"south"}))
ROOT = Actor("root", "admin")
DESK = Actor("desk", "lobby")

# china-post on 12-month spend as of 2025-06-30: one customer per class
CUSTOMERS = "customer_id,name\nc1,甲公司\nc2,乙公司\nc3,丙公司\nc4,丁\n"
TRANSACTIONS = (
    "customer_id,date,amount\nc1,2025-06-30,5000000\nc2,2025-06-30,1000000\nc3,2025-06-01,500000\nc4,2025-01-01,100\n"
)


def redis_unreachable() -> str | None:
    """Why Redis cannot be used, or ``None``."""
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis is unreachable at {REDIS}: {exc}"
    return None


QUEUES = ["sqlite", pytest.param("redis", marks=pytest.mark.redis)]


@pytest.fixture(params=QUEUES)
def settings(request: pytest.FixtureRequest, store_url: str, tmp_path: Path) -> Settings:
    """Settings of a fresh store and a fresh queue of each kind (its Redis keys flushed at the end)."""
    redis_url = None
    if request.param == "redis":
        reason = redis_unreachable()
        if reason:
            if os.environ.get("CI") == "true":
                pytest.fail(f"{reason} (CI=true: Redis must be there)")
            pytest.skip(reason)
        redis_url = REDIS
    made = Settings(
        database_url=store_url,
        redis_url=redis_url,
        jobs_file=tmp_path / "queue.db",
        jobs_queue=f"tierwise-test-{uuid.uuid4().hex[:8]}",
        upload_dir=tmp_path / "uploads",
        upload_max_bytes=64 * 1024,
        lang="en",
    )
    yield made
    job_queue(made).huey.flush()


def context(settings: Settings, actor=ANA) -> ServiceContext:
    """A context acting as ``actor`` on the store of ``settings``."""
    return ServiceContext(
        settings, actor=actor, clock=lambda: NOW, sessions=session_factory(engine_from_settings(settings))
    )


def write_tables(folder: Path, **tables: str) -> Path:
    """A folder of CSV files ``name.csv`` with the given text."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def imported(settings: Settings, tmp_path: Path) -> None:
    """The four customers and their purchases in the store."""
    folder = write_tables(tmp_path / "data", customers=CUSTOMERS, transactions=TRANSACTIONS)
    import_data(ServiceContext.system(settings), folder)


def wait_for(ctx: ServiceContext, queue, job_id: str, timeout: float = 90.0) -> JobInfo:
    """The job once it has ended (fails the test after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = get_job(ctx, queue, job_id)
        if job.state in FINISHED:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job.state} after {timeout} s")
