"""Background jobs (issue 12): the job records and the uploads waiting for their import. Additive only.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("params", JSON, nullable=False),
        sa.Column("submitter", sa.String(length=200), nullable=False),
        sa.Column("submitter_role", sa.String(length=30), nullable=False),
        sa.Column("submitter_teams", JSON, nullable=False),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=100), nullable=True),
        sa.Column("rows_done", sa.BigInteger(), nullable=False),
        sa.Column("rows_total", sa.BigInteger(), nullable=True),
        sa.Column("result", JSON, nullable=True),
        sa.Column("error", JSON, nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("submitted_at", TIME, nullable=False),
        sa.Column("started_at", TIME, nullable=True),
        sa.Column("finished_at", TIME, nullable=True),
        sa.Column("cancel_requested_at", TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    for column in ("submitter", "team", "state"):
        op.create_index(op.f(f"ix_jobs_{column}"), "jobs", [column], unique=False)
    op.create_table(
        "import_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("folder", sa.Text(), nullable=False),
        sa.Column("files", JSON, nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("submitter", sa.String(length=200), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("report", JSON, nullable=True),
        sa.Column("errors", JSON, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_import_uploads_job_id_jobs")),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], name=op.f("fk_import_uploads_import_id_imports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_uploads")),
    )
    for column in ("submitter", "team"):
        op.create_index(op.f(f"ix_import_uploads_{column}"), "import_uploads", [column], unique=False)


def downgrade() -> None:
    op.drop_table("import_uploads")
    op.drop_table("jobs")
