"""The column-mapping step of an upload: each header that names no column is mapped to a column of its
file's table or kept as an extra column (not imported), the mapping optionally saved by name for the next
upload and for ``tierwise import DATA --map NAME``, and the upload dry-run again through it.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.orm import Session

from tierwise.errors import UsageError
from tierwise.i18n import N_, Message
from tierwise.io.columns import TABLES
from tierwise.io.header_map import parse_header_map
from tierwise.security.permissions import require
from tierwise.services.context import ServiceContext
from tierwise.services.header_maps import save_mapping
from tierwise.services.job_access import work_store
from tierwise.services.uploads import UploadInfo, audit_upload, dry_run, upload_info, visible_upload
from tierwise.store.db import writing

KEEP = ""  # the choice "keep as an extra column"
MAPPABLE = ("mapping", "pending")


def mapping_choices(upload: UploadInfo) -> dict[str, dict[str, str]]:
    """Per file, each header of the mapping step (the unknown ones and those the upload's mapping names)
    with the column chosen for it so far (``""``: kept as an extra column)."""
    out: dict[str, dict[str, str]] = {}
    for survey in upload.headers:
        chosen = upload.header_map.get(survey.table, {})
        headers = {c.header: chosen.get(c.header, KEEP) for c in survey.columns if not c.known or c.header in chosen}
        if headers:
            out[survey.file] = headers
    return out


def map_upload(
    ctx: ServiceContext,
    upload_id: int,
    choices: Mapping[str, Mapping[str, str]],
    *,
    save_as: str | None = None,
) -> UploadInfo:
    """Read upload ``upload_id`` again with ``choices`` (file name → header → column of the file's table,
    ``""`` to keep the header as an extra column) and dry-run it; with ``save_as``, the mapping is also
    saved under that name. Refused unless the upload waits for its mapping or its commit."""
    require(ctx.actor, "imports.write")
    with Session(work_store(ctx)) as session:
        upload = visible_upload(session, ctx, upload_id)
        state, folder, mode = upload.state, Path(upload.folder), upload.mode
        current = upload_info(upload)
    if state not in MAPPABLE:
        raise UsageError(
            Message(
                N_("upload %(id)s is %(state)s: its columns can no longer be mapped"), {"id": upload_id, "state": state}
            )
        )
    tables = {s.file: s.table for s in current.headers}
    header_map: dict[str, dict[str, str]] = {}
    for file, given in choices.items():
        if file not in tables:
            raise UsageError(Message(N_("the upload holds no file %(file)s"), {"file": repr(file)}))
        table = tables[file]
        for header, column in given.items():
            if column and column not in {c.name for c in TABLES[table].columns}:
                raise UsageError(
                    Message(
                        N_("%(column)s is not a column of the %(table)s table"),
                        {"column": repr(column), "table": table},
                    )
                )
            if column:
                header_map.setdefault(table, {})[header] = column
    parse_header_map(header_map, save_as or "mapping")
    if save_as and save_as.strip():
        save_mapping(ctx, save_as, header_map)
    state, report, errors, headers = dry_run(ctx, folder, mode, header_map)
    with writing(work_store(ctx)) as con, Session(bind=con) as session:
        upload = visible_upload(session, ctx, upload_id)
        before = upload.state
        upload.state, upload.report, upload.errors = state, report, errors
        upload.headers, upload.header_map = headers, header_map
        session.flush()
        audit_upload(ctx, session, upload, before, {"state": state, "header_map": header_map, "saved_as": save_as})
        info = upload_info(upload)
    if state == "invalid":
        shutil.rmtree(folder, ignore_errors=True)  # it can never be committed
    return info
