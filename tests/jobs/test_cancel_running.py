"""Cancelling a running import: it stops at its next progress report, writes nothing, and the upload waits
again to be committed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from tierwise.jobs.worker import consuming
from tierwise.services.jobs import cancel_job, get_job
from tierwise.services.uploads import commit_upload, get_upload, receive_upload
from tierwise.store.db import engine_from_settings

from .conftest import ANA, MIA, context, wait_for
from .test_worker_restart import big_data, stored, until


@pytest.mark.slow
@pytest.mark.parametrize(
    ("store_url", "settings"),
    [("sqlite", "redis"), pytest.param("postgresql", "sqlite", marks=[pytest.mark.postgres])],
    indirect=True,
)
def test_a_running_import_cancelled_writes_nothing(settings, tmp_path: Path) -> None:
    settings = settings.model_copy(update={"upload_max_bytes": 64 * 1024 * 1024})
    ctx = context(settings, ANA)
    folder = big_data(tmp_path / "big")
    upload = receive_upload(ctx, [(p.name, p.open("rb")) for p in sorted(folder.iterdir())])
    with consuming(settings, threads=1) as queue:
        job = commit_upload(ctx, queue, upload.id)
        until(lambda: (queue.progress(job.id) or {}).get("stage", "").startswith("check:"), 120, "the import starting")
        asked = cancel_job(context(settings, MIA), queue, job.id)  # the submitter's manager
        assert (asked.state, asked.cancel_requested) == ("running", True)
        ended = wait_for(ctx, queue, job.id)
    assert ended.state == "cancelled" and ended.error is None and ended.result is None
    assert get_upload(ctx, upload.id).state == "pending"  # it may be committed again
    assert stored(settings) == (0, 0, 0)
    # it stopped at the report after the cancel: still checking, or writing (then rolled back: nothing stored)
    assert get_job(ctx, queue, job.id).stage.split(":")[0] in {"check", "write"}
    engine = engine_from_settings(settings)
    with engine.connect() as con:
        (after,) = con.execute(text("SELECT after FROM audit WHERE action = 'job.end'")).scalars()
    engine.dispose()
    after = json.loads(after) if isinstance(after, str) else after
    assert (after["state"], after["cancelled_by"]) == ("cancelled", "mia")
