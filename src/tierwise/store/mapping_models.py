"""Saved header mappings: a user's own headers → canonical columns, kept by name so that the next upload
(on the Import page) or ``tierwise import DATA --map NAME`` reads the same export the same way."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tierwise.store.job_models import OptionalJson
from tierwise.store.models import Base, Timestamp


class HeaderMapping(Base):
    """One saved mapping: its name, per table ``{header: column}`` (headers as the file writes them), who
    saved it last and when."""

    __tablename__ = "header_mappings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    mapping: Mapped[dict[str, Any]] = mapped_column(OptionalJson)
    saved_by: Mapped[str] = mapped_column(String(200))
    saved_at: Mapped[dt.datetime] = mapped_column(Timestamp)
