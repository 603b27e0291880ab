"""Saved header mappings: keep a user's own headers → canonical columns by name, list them, and resolve
what ``--map`` names (a YAML file, else a saved mapping).

A mapping is kept as ``{table: {header: column}}`` with the headers as the file writes them; it is checked
by the same rules as a ``--map`` file (``io/header_map.py``) before it is saved, and each save is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tierwise.errors import UsageError
from tierwise.i18n import N_, Message
from tierwise.io.header_map import load_header_map, parse_header_map
from tierwise.io.headers import HeaderMap
from tierwise.security.permissions import require
from tierwise.services.context import ServiceContext
from tierwise.services.job_access import work_store
from tierwise.store.audit import write_audit
from tierwise.store.db import writing
from tierwise.store.mapping_models import HeaderMapping

MAX_NAME = 100


@dataclass(frozen=True)
class SavedMapping:
    """A saved mapping: its name, ``{table: {header: column}}``, who saved it last and when."""

    name: str
    mapping: dict[str, dict[str, str]]
    saved_by: str
    saved_at: dt.datetime


def _saved(row: HeaderMapping) -> SavedMapping:
    return SavedMapping(row.name, row.mapping, row.saved_by, row.saved_at)


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(c in name for c in "/\\") or name.startswith("."):
        raise UsageError(
            Message(
                N_("%(name)s is not a mapping name: give 1 to %(max)s characters, without / or \\"),
                {"name": repr(name), "max": MAX_NAME},
            )
        )
    return name


def save_mapping(ctx: ServiceContext, name: str, mapping: dict[str, dict[str, str]]) -> SavedMapping:
    """Keep ``mapping`` (``{table: {header: column}}``) under ``name``, replacing a mapping of that name."""
    require(ctx.actor, "imports.write")
    name = _checked_name(name)
    parse_header_map(mapping, name)  # the rules of a --map file: refused with the reason
    kept = {table: dict(headers) for table, headers in mapping.items() if headers}
    now = ctx.now()
    with writing(work_store(ctx)) as con, Session(bind=con) as session:
        row = session.scalar(select(HeaderMapping).where(HeaderMapping.name == name))
        before = None if row is None else {"mapping": row.mapping}
        if row is None:
            row = HeaderMapping(name=name, mapping=kept, saved_by=ctx.actor.name, saved_at=now)
            session.add(row)
        else:
            row.mapping, row.saved_by, row.saved_at = kept, ctx.actor.name, now
        session.flush()
        (ctx.audit or write_audit)(
            session,
            actor=ctx.actor.name,
            action="header_mapping.save",
            target_type="header_mapping",
            target_id=name,
            before=before,
            after={"mapping": kept},
            at=now,
        )
        return _saved(row)


def list_mappings(ctx: ServiceContext) -> list[SavedMapping]:
    """Every saved mapping, by name."""
    require(ctx.actor, "imports.read")
    with Session(work_store(ctx)) as session:
        return [_saved(r) for r in session.scalars(select(HeaderMapping).order_by(HeaderMapping.name))]


def mapping_named(ctx: ServiceContext, name: str) -> SavedMapping | None:
    """The saved mapping called ``name``, or ``None``."""
    require(ctx.actor, "imports.read")
    with Session(work_store(ctx)) as session:
        row = session.scalar(select(HeaderMapping).where(HeaderMapping.name == name.strip()))
        return None if row is None else _saved(row)


def resolve_header_map(ctx: ServiceContext, value: str | Path) -> HeaderMap:
    """What ``--map VALUE`` names: the YAML file at ``value`` when there is one, else the saved mapping of
    that name; a usage error naming ``value`` (and the saved names) when it is neither."""
    if Path(value).is_file():
        return load_header_map(Path(value))
    text = str(value)
    looks_like_a_path = any(c in text for c in "/\\") or Path(text).suffix.lower() in (".yaml", ".yml")
    saved = None if looks_like_a_path or not text.strip() else mapping_named(ctx, text)
    if saved is not None:
        return parse_header_map(saved.mapping, saved.name)
    if looks_like_a_path:
        return load_header_map(Path(value))  # says why the file cannot be read
    names = ", ".join(m.name for m in list_mappings(ctx)) or "-"
    raise UsageError(
        Message(
            N_("--map %(value)s: no such file, and no saved mapping of that name (saved mappings: %(names)s)"),
            {"value": repr(text), "names": names},
        )
    )
