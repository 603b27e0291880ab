"""Uploads: a dry run that names every bad row, a commit job that writes everything or nothing, a cancel."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text

from tierwise.errors import NotFoundError, PayloadTooLargeError, PermissionDeniedError, UsageError
from tierwise.i18n import translate
from tierwise.jobs import job_queue
from tierwise.jobs.worker import consuming
from tierwise.services.uploads import (
    cancel_upload,
    commit_upload,
    get_upload,
    list_uploads,
    receive_upload,
)
from tierwise.store.db import engine_from_settings

from .conftest import ANA, BO, CUSTOMERS, LI, MIA, ROOT, TRANSACTIONS, context, wait_for


def files(**tables: str) -> list[tuple[str, io.BytesIO]]:
    return [(f"data/{name}.csv", io.BytesIO(body.encode("utf-8"))) for name, body in tables.items()]


def counts(settings) -> tuple[int, int, int]:
    engine = engine_from_settings(settings)
    with engine.connect() as con:
        found = tuple(
            con.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("customers", "transactions", "imports")
        )
    engine.dispose()
    return found


def test_a_dry_run_names_the_bad_row_and_keeps_nothing_to_commit(settings) -> None:
    bad = TRANSACTIONS.replace("c3,2025-06-01,500000", "c3,2025-06-01,五十万")
    upload = receive_upload(context(settings, ANA), files(customers=CUSTOMERS, transactions=bad))
    assert upload.state == "invalid" and upload.total_errors == 1
    (error,) = upload.errors
    assert (error.file, error.row, error.column, error.value) == ("transactions.csv", 4, "amount", "五十万")
    assert translate(error.reason, "en") == "not a number (write e.g. 1234.50)"
    assert get_upload(context(settings, ANA), upload.id).errors == [error]  # kept with the upload
    assert list((settings.upload_dir).iterdir()) == []  # an invalid upload keeps no file
    with pytest.raises(UsageError, match=f"upload {upload.id} is invalid, not pending"):
        commit_upload(context(settings, ANA), job_queue(settings), upload.id)
    assert counts(settings) == (0, 0, 0)


def test_a_commit_job_imports_every_row_of_the_upload(settings) -> None:
    ctx = context(settings, ANA)
    upload = receive_upload(ctx, files(customers=CUSTOMERS, transactions=TRANSACTIONS))
    assert upload.state == "pending" and upload.errors == []
    assert [(t.table, t.created) for t in upload.tables] == [("customers", 4), ("transactions", 4)]
    assert [f["name"] for f in upload.files] == ["customers.csv", "transactions.csv"]
    assert counts(settings) == (0, 0, 0)  # the dry run wrote nothing
    with consuming(settings) as queue:
        job = commit_upload(ctx, queue, upload.id)
        done = wait_for(ctx, queue, job.id)
    assert done.state == "done", done.error and translate(done.error, "en")
    after = get_upload(ctx, upload.id)
    assert (after.state, after.import_id, after.job_id) == ("committed", done.result["import_id"], job.id)
    assert [(t["table"], t["created"]) for t in done.result["tables"]] == [("customers", 4), ("transactions", 4)]
    assert (done.stage, done.rows_done, done.rows_total) == ("write:transactions", 8, 8)
    assert counts(settings) == (4, 4, 1)
    assert list(settings.upload_dir.iterdir()) == []  # the files are gone once imported


def test_a_commit_that_fails_writes_nothing(settings) -> None:
    ctx = context(settings, ANA)
    first = receive_upload(ctx, files(customers=CUSTOMERS))
    # the same customers, one renamed, in insert mode: the import refuses every row
    second = receive_upload(ctx, files(customers=CUSTOMERS.replace("丁", "丁丁"), transactions=TRANSACTIONS))
    assert [(t.table, t.created, t.rejected) for t in second.tables] == [("customers", 4, 0), ("transactions", 4, 0)]
    with consuming(settings) as queue:
        assert wait_for(ctx, queue, commit_upload(ctx, queue, first.id).id).state == "done"
        failed = wait_for(ctx, queue, commit_upload(ctx, queue, second.id).id)
    assert failed.state == "failed"
    assert translate(failed.error, "en") == (
        "nothing was imported: rows differ from the stored rows with the same key (use --mode upsert to update them)"
    )
    assert [translate(d, "en") for d in failed.error_details] == ["customers: c4"]
    assert get_upload(ctx, second.id).state == "failed"
    assert counts(settings) == (4, 0, 1)  # the first import only: no transaction of the second


def test_an_upload_over_the_limit_keeps_nothing(settings) -> None:
    big = CUSTOMERS + "".join(f"x{i},客户{i}\n" for i in range(5000))  # over the 64 KiB of the test settings
    with pytest.raises(PayloadTooLargeError, match="the upload is larger than 65536 bytes"):
        receive_upload(context(settings, ANA), files(customers=big))
    assert list(settings.upload_dir.iterdir()) == []
    assert list_uploads(context(settings, ANA)) == []


def test_an_upload_takes_bare_table_file_names_only(settings) -> None:
    with pytest.raises(UsageError, match="'notes.docx': not a table file"):
        receive_upload(context(settings, ANA), [("notes.docx", io.BytesIO(b"x"))])
    upload = receive_upload(context(settings, ANA), [("../../etc/customers.csv", io.BytesIO(CUSTOMERS.encode()))])
    assert [f["name"] for f in upload.files] == ["customers.csv"]
    (folder,) = settings.upload_dir.iterdir()
    assert [p.name for p in folder.iterdir()] == ["customers.csv"]


def test_uploads_are_seen_by_their_submitter_and_admins_only(settings) -> None:
    upload = receive_upload(context(settings, ANA), files(customers=CUSTOMERS))
    assert [u.id for u in list_uploads(context(settings, ROOT))] == [upload.id]
    with pytest.raises(PermissionDeniedError, match="the manager role may not do imports.read"):
        list_uploads(context(settings, MIA))  # managers do not import
    assert list_uploads(context(settings, BO)) == []
    with pytest.raises(NotFoundError, match=f"no upload {upload.id}"):
        get_upload(context(settings, BO), upload.id)
    with pytest.raises(NotFoundError):
        cancel_upload(context(settings, BO), upload.id)
    with pytest.raises(PermissionDeniedError):
        receive_upload(context(settings, LI), files(customers=CUSTOMERS))
    cancelled = cancel_upload(context(settings, ANA), upload.id)
    assert cancelled.state == "cancelled"
    assert list(settings.upload_dir.iterdir()) == []
