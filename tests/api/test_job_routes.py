"""The job routes on a real app, store (SQLite, PostgreSQL), queue (huey on SQLite, on Redis) and consumer:
runs and imports as jobs, the dry run's row errors, who sees a job."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from tierwise.api.app import create_app
from tierwise.config import Settings
from tierwise.jobs import job_queue
from tierwise.jobs.worker import consuming
from tierwise.security.pii import new_key_entry
from tierwise.services.context import ServiceContext
from tierwise.services.imports import import_data

from .conftest import Api

CUSTOMERS = "customer_id,name\nc1,甲公司\nc2,乙公司\nc3,丙公司\nc4,丁\n"
TRANSACTIONS = (
    "customer_id,date,amount\nc1,2025-06-30,5000000\nc2,2025-06-30,1000000\nc3,2025-06-01,500000\nc4,2025-01-01,100\n"
)


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def api(request: pytest.FixtureRequest, store_url: str, tmp_path: Path):
    """The app on a fresh store and a fresh queue of each kind."""
    redis_url = None
    if request.param == "redis":
        from jobs.conftest import REDIS, redis_unreachable

        if reason := redis_unreachable():
            pytest.skip(reason)
        redis_url = REDIS
    settings = Settings(
        secret_key=SecretStr(new_key_entry("test")),
        database_url=store_url,
        redis_url=redis_url,
        jobs_file=tmp_path / "queue.db",
        jobs_queue=f"tierwise-test-{uuid.uuid4().hex[:8]}",
        upload_dir=tmp_path / "uploads",
        upload_max_bytes=64 * 1024,
    )
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        yield Api(app, settings, anonymous)
    job_queue(settings).huey.flush()


def csv_files(**tables: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (f"{name}.csv", body.encode("utf-8"), "text/csv")) for name, body in tables.items()]


def finished(client: TestClient, job_id: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["state"] in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not end within {timeout} s")


def test_a_run_job_reports_its_result_to_its_submitter_and_no_stranger(api: Api, client_as, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (data / "transactions.csv").write_text(TRANSACTIONS, encoding="utf-8")
    import_data(ServiceContext.system(api.settings), data)
    ana = client_as("analyst", name="ana", teams={"north"})
    with consuming(api.settings):
        answer = ana.post("/api/v1/runs", json={"policy": "china-post", "as_of": "2025-06-30"})
        assert answer.status_code == 202, answer.text
        job = answer.json()
        assert (job["state"], job["kind"], job["submitter"], job["team"]) == ("queued", "run", "ana", "north")
        done = finished(ana, job["id"])
    assert done["state"] == "done", done["error"]
    assert done["result"]["classes"] == {"diamond": 1, "platinum": 1, "gold": 1, "standard": 1}
    assert (done["stage"], done["rows_done"], done["rows_total"]) == ("save", 4, 4)
    assert [j["id"] for j in ana.get("/api/v1/jobs").json()] == [job["id"]]
    assert client_as("manager", name="mia", teams={"north"}).get(f"/api/v1/jobs/{job['id']}").status_code == 200
    assert client_as("admin", name="root").get(f"/api/v1/jobs/{job['id']}").status_code == 200
    for stranger in (
        client_as("account_manager", name="li", teams={"north"}),
        client_as("analyst", name="bo", teams={"south"}),
        client_as("manager", name="sam", teams={"south"}),
    ):
        missing = stranger.get(f"/api/v1/jobs/{job['id']}")
        assert missing.status_code == 404 and missing.json()["detail"] == f"no job {job['id']}"
        assert stranger.post(f"/api/v1/jobs/{job['id']}/cancel").status_code == 404
        assert stranger.get("/api/v1/jobs").json() == []
    assert client_as("lobby", name="desk").get("/api/v1/jobs").status_code == 403
    refused = client_as("account_manager", name="li").post("/api/v1/runs", json={"policy": "china-post"})
    assert refused.status_code == 403


def test_an_upload_names_the_bad_row_and_a_good_one_commits_as_a_job(api: Api, client_as) -> None:
    ana = client_as("analyst", name="ana", teams={"north"})
    bad = TRANSACTIONS.replace("c3,2025-06-01,500000", "c3,2025-06-01,五十万")
    invalid = ana.post("/api/v1/imports?lang=zh", files=csv_files(customers=CUSTOMERS, transactions=bad))
    assert invalid.status_code == 201, invalid.text
    report = invalid.json()
    assert (report["state"], report["total_errors"]) == ("invalid", 1)
    assert report["errors"] == [
        {
            "file": "transactions.csv",
            "row": 4,
            "column": "amount",
            "value": "五十万",
            "reason": report["errors"][0]["reason_zh"],
            "reason_en": "not a number (write e.g. 1234.50)",
            "reason_zh": report["errors"][0]["reason_zh"],
        }
    ]
    assert report["errors"][0]["reason_zh"] != report["errors"][0]["reason_en"]
    assert ana.post(f"/api/v1/imports/{report['id']}/commit").status_code == 400

    pending = ana.post("/api/v1/imports", files=csv_files(customers=CUSTOMERS, transactions=TRANSACTIONS)).json()
    assert pending["state"] == "pending"
    assert [(t["table"], t["created"]) for t in pending["tables"]] == [("customers", 4), ("transactions", 4)]
    assert client_as("analyst", name="bo").post(f"/api/v1/imports/{pending['id']}/commit").status_code == 404
    with consuming(api.settings):
        job = ana.post(f"/api/v1/imports/{pending['id']}/commit")
        assert job.status_code == 202, job.text
        done = finished(ana, job.json()["id"])
    assert done["state"] == "done", done["error"]
    listed = ana.get("/api/v1/imports").json()
    assert [(u["id"], u["state"]) for u in listed["uploads"]] == [
        (pending["id"], "committed"),
        (report["id"], "invalid"),
    ]
    (record,) = listed["imports"]
    assert (record["id"], record["status"]) == (done["result"]["import_id"], "done")
    assert [(t["table"], t["created"]) for t in record["tables"]] == [("customers", 4), ("transactions", 4)]
    reverted = ana.post(f"/api/v1/imports/{record['id']}/revert")
    assert reverted.status_code == 200 and reverted.json()["status"] == "reverted"


def test_an_upload_over_the_limit_is_refused_before_it_is_read(api: Api, client_as) -> None:
    ana = client_as("analyst", name="ana")
    big = CUSTOMERS + "".join(f"x{i},客户{i}\n" for i in range(5000))
    refused = ana.post("/api/v1/imports", files=csv_files(customers=big))
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["detail"] == (
        "the upload is larger than 65536 bytes (TIERWISE_UPLOAD_MAX_BYTES); nothing was kept"
    )
    assert not api.settings.upload_dir.exists() or list(api.settings.upload_dir.iterdir()) == []


def test_a_pending_upload_can_be_cancelled(api: Api, client_as) -> None:
    ana = client_as("analyst", name="ana")
    pending = ana.post("/api/v1/imports", files=csv_files(customers=CUSTOMERS)).json()
    cancelled = ana.post(f"/api/v1/imports/{pending['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert ana.post(f"/api/v1/imports/{pending['id']}/commit").status_code == 400
    assert client_as("manager", name="mia").post(f"/api/v1/imports/{pending['id']}/cancel").status_code == 403
