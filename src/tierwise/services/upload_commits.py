"""What a worker does with a committed upload: the import job (:data:`COMMIT_JOB`) imports the upload's
files with its mode and header mapping, then records how it ended on the upload (committed, failed, or
back to pending when cancelled), audited. Receiving, checking and listing uploads is
:mod:`tierwise.services.uploads`.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tierwise.io.header_map import parse_header_map
from tierwise.services.context import ServiceContext
from tierwise.services.imports import import_data
from tierwise.services.job_access import work_store
from tierwise.services.jobs import JobKind
from tierwise.services.uploads import audit_upload, changes_json
from tierwise.store.db import writing
from tierwise.store.job_models import ImportUpload

#: the upload's state after its job ended in each way
ENDED = {"done": "committed", "failed": "failed", "cancelled": "pending"}


def _commit(ctx: ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    with Session(work_store(ctx)) as session:
        upload = session.get_one(ImportUpload, params["upload_id"])
        folder, mode, header_map = Path(upload.folder), upload.mode, upload.header_map
    parsed = parse_header_map(header_map, "mapping") if header_map else None
    report = import_data(ctx, folder, mode=mode, header_map=parsed)  # type: ignore[arg-type]
    return {"import_id": report.import_id, "tables": changes_json(report.tables)}


def _ended(ctx: ServiceContext, params: dict[str, Any], state: str, result: dict[str, Any] | None) -> None:
    with writing(work_store(ctx)) as con, Session(bind=con) as session:
        upload = session.get_one(ImportUpload, params["upload_id"])
        upload.state = ENDED[state]
        upload.import_id = (result or {}).get("import_id")
        audit_upload(ctx, session, upload, "committing", {"state": upload.state, "import": upload.import_id})
        if upload.state != "pending":
            shutil.rmtree(upload.folder, ignore_errors=True)


COMMIT_JOB = JobKind(run=_commit, ended=_ended)
