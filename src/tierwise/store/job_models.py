"""The background-job tables: one record per job (``jobs``) and the uploads waiting for their import
(``import_uploads``).

The task queue (huey) carries only a job's id; what the job is, who asked, how far it got and how it
ended live here, so permissions and progress are ordinary queries. A job moves
queued → running → done | failed | cancelled (queued → cancelled when stopped before it started).
An upload waits for its column mapping when a header matches no known name (mapping), is pending after
its dry run (or invalid when the data is), committing while its import job runs, then committed, failed
or cancelled.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tierwise.store.models import Base, Timestamp

OptionalJson = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")

JOB_STATES = ("queued", "running", "done", "failed", "cancelled")
UPLOAD_STATES = ("mapping", "pending", "invalid", "committing", "committed", "failed", "cancelled")


class Job(Base):
    """One background job: its kind and parameters, who submitted it (name, role, teams; ``team`` is the one
    their managers see it by), its state and stage, rows done of the total, and its result or error
    (a message as ``{"msgid", "params", "details"}``, translated when read)."""

    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # also the huey task id
    kind: Mapped[str] = mapped_column(String(30))
    params: Mapped[dict[str, Any]] = mapped_column(OptionalJson)
    submitter: Mapped[str] = mapped_column(String(200), index=True)
    submitter_role: Mapped[str] = mapped_column(String(30))
    submitter_teams: Mapped[list[str]] = mapped_column(OptionalJson)
    team: Mapped[str | None] = mapped_column(String(200), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    stage: Mapped[str | None] = mapped_column(String(100))
    rows_done: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_total: Mapped[int | None] = mapped_column(BigInteger)
    result: Mapped[dict[str, Any] | None] = mapped_column(OptionalJson)
    error: Mapped[dict[str, Any] | None] = mapped_column(OptionalJson)
    worker: Mapped[str | None] = mapped_column(String(200))  # host:pid of the process running it
    submitted_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    started_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    finished_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    cancel_requested_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class ImportUpload(Base):
    """Files uploaded for an import, kept in a folder the server named, with their dry-run report; ``headers``
    what each file's headers were recognised as (with their first values), ``header_map`` the mapping of
    the user's own headers chosen for it (``{table: {header: column}}``)."""

    __tablename__ = "import_uploads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    folder: Mapped[str] = mapped_column(Text)
    files: Mapped[list[dict[str, Any]]] = mapped_column(OptionalJson)
    mode: Mapped[str] = mapped_column(String(20))
    submitter: Mapped[str] = mapped_column(String(200), index=True)
    team: Mapped[str | None] = mapped_column(String(200), index=True)
    state: Mapped[str] = mapped_column(String(20))
    report: Mapped[list[dict[str, Any]] | None] = mapped_column(OptionalJson)
    errors: Mapped[dict[str, Any] | None] = mapped_column(OptionalJson)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id"))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    headers: Mapped[list[dict[str, Any]] | None] = mapped_column(OptionalJson)
    header_map: Mapped[dict[str, Any] | None] = mapped_column(OptionalJson)
