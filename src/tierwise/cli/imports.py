"""Commands: ``tierwise import DATA``, ``tierwise import list``, ``tierwise import revert ID``."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer
from rich.table import Table

from tierwise.cli.application import app, console, settings
from tierwise.config import Settings
from tierwise.errors import UsageError


class ImportMode(str, Enum):
    """How rows whose key is already in the store are treated."""

    insert = "insert"
    upsert = "upsert"


COUNTS = ("created", "updated", "unchanged", "rejected")


@app.command("import")
def import_command(
    words: Annotated[
        list[str],
        typer.Argument(
            help="DATA (a folder, a table file, or 'demo'), or 'list', or 'revert ID'.",
            metavar="DATA | list | revert ID",
        ),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would change; write nothing.")] = False,
    mode: Annotated[
        ImportMode, typer.Option("--mode", help="insert: refuse changed rows; upsert: update them.")
    ] = ImportMode.insert,
    actor: Annotated[str, typer.Option("--as", help="The user the import is recorded under.")] = "system",
) -> None:
    """Import a data set into the store (TIERWISE_DATABASE_URL), list the imports, or revert one."""
    started = settings()
    if words[0] == "list" and len(words) == 1:
        _list(started)
    elif words[0] == "revert":
        if len(words) != 2 or not words[1].isdigit():
            raise UsageError("usage: tierwise import revert ID (the number tierwise import list shows)")
        _revert(started, int(words[1]), actor)
    elif len(words) == 1:
        _import(started, words[0], mode.value, dry_run, actor)
    else:
        raise UsageError("tierwise import takes one DATA folder or file (or: list, revert ID)")


def _import(settings: Settings, data: str, mode: str, dry_run: bool, actor: str) -> None:
    from tierwise.services.imports import import_data

    report = import_data(settings, data, actor=actor, mode=mode, dry_run=dry_run)  # type: ignore[arg-type]
    title = (
        f"{data}: dry run ({mode}), nothing written / 试运行，未写入"
        if dry_run
        else f"{data}: import {report.import_id} ({mode}) done / 导入完成"
    )
    grid = Table(title=title, title_justify="left")
    for header in ("table", "rows", *COUNTS):
        grid.add_column(header, justify="left" if header == "table" else "right")
    for c in report.tables:
        grid.add_row(c.table, *(f"{v:,}" for v in (c.rows, c.created, c.updated, c.unchanged, c.rejected)))
    console.print(grid)


def _list(settings: Settings) -> None:
    from tierwise.services.imports import list_imports

    grid = Table(title="imports / 导入记录", title_justify="left")
    for header in ("id", "when", "user", "mode", "status", "source", "files", *COUNTS[:3]):
        grid.add_column(header, justify="right" if header in ("id", *COUNTS) else "left")
    for r in list_imports(settings):
        grid.add_row(
            str(r.import_id),
            f"{r.started_at:%Y-%m-%d %H:%M:%S}",
            r.actor,
            r.mode,
            r.status,
            r.source,
            "\n".join(f"{f.name} {f.sha256[:12]}" for f in r.files),
            *(f"{sum(getattr(t, k) for t in r.tables):,}" for k in COUNTS[:3]),
        )
    console.print(grid)


def _revert(settings: Settings, import_id: int, actor: str) -> None:
    from tierwise.services.imports import revert_import

    record = revert_import(settings, import_id, actor=actor)
    removed = sum(t.created for t in record.tables)
    console.print(f"import {record.import_id} reverted: {removed:,} row(s) removed / 已撤销导入", soft_wrap=True)
