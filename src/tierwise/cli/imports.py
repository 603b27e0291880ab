"""Commands: ``tierwise import DATA``, ``tierwise import list``, ``tierwise import revert ID``."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from typing import Annotated

import typer
from rich.table import Table

from tierwise.cli.application import app, console, say, service_context
from tierwise.cli.reading import MapOption
from tierwise.errors import UsageError
from tierwise.i18n import N_, Message
from tierwise.security.permissions import SYSTEM_ROLE, Actor
from tierwise.services.context import ServiceContext


class ImportMode(str, Enum):
    """How rows whose key is already in the store are treated."""

    insert = "insert"
    upsert = "upsert"


COUNTS = ("created", "updated", "unchanged", "rejected")
HEADERS = {
    "table": N_("table"),
    "rows": N_("rows"),
    "created": N_("created"),
    "updated": N_("updated"),
    "unchanged": N_("unchanged"),
    "rejected": N_("rejected"),
    "id": N_("id"),
    "when": N_("when"),
    "user": N_("user"),
    "mode": N_("mode"),
    "status": N_("status"),
    "source": N_("source"),
    "files": N_("files"),
}


def _header(name: str) -> str:
    return say(Message(HEADERS[name]))


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
    header_map: MapOption = None,
) -> None:
    """Import a data set into the store (TIERWISE_DATABASE_URL), list the imports, or revert one."""
    ctx = service_context()
    if actor != "system":
        ctx = replace(ctx, actor=Actor(actor, SYSTEM_ROLE))  # the command line, recorded under that name
    if words[0] == "list" and len(words) == 1:
        _list(ctx)
    elif words[0] == "revert":
        if len(words) != 2 or not words[1].isdigit():
            raise UsageError(Message(N_("usage: tierwise import revert ID (the number tierwise import list shows)")))
        _revert(ctx, int(words[1]))
    elif len(words) == 1:
        _import(ctx, words[0], mode.value, dry_run, header_map)
    else:
        raise UsageError(Message(N_("tierwise import takes one DATA folder or file (or: list, revert ID)")))


def _import(ctx: ServiceContext, data: str, mode: str, dry_run: bool, header_map: str | None) -> None:
    from tierwise.services.header_maps import resolve_header_map
    from tierwise.services.imports import import_data

    mapping = resolve_header_map(ctx, header_map) if header_map is not None else None
    report = import_data(ctx, data, mode=mode, dry_run=dry_run, header_map=mapping)  # type: ignore[arg-type]
    if dry_run:
        title = say(Message(N_("%(data)s: dry run (%(mode)s), nothing written"), {"data": data, "mode": mode}))
    else:
        title = say(
            Message(N_("%(data)s: import %(id)s (%(mode)s) done"), {"data": data, "id": report.import_id, "mode": mode})
        )
    grid = Table(title=title, title_justify="left")
    for header in ("table", "rows", *COUNTS):
        grid.add_column(_header(header), justify="left" if header == "table" else "right")
    for c in report.tables:
        grid.add_row(c.table, *(f"{v:,}" for v in (c.rows, c.created, c.updated, c.unchanged, c.rejected)))
    console.print(grid)


def _list(ctx: ServiceContext) -> None:
    from tierwise.services.import_history import list_imports

    grid = Table(title=say(Message(N_("imports"))), title_justify="left")
    for header in ("id", "when", "user", "mode", "status", "source", "files", *COUNTS[:3]):
        grid.add_column(_header(header), justify="right" if header in ("id", *COUNTS) else "left")
    for r in list_imports(ctx):
        grid.add_row(
            str(r.import_id),
            f"{r.started_at:%Y-%m-%d %H:%M:%S}",
            r.actor,
            r.mode,
            r.status,
            r.source,
            str(len(r.files)),
            *(f"{sum(getattr(t, k) for t in r.tables):,}" for k in COUNTS[:3]),
        )
    console.print(grid)


def _revert(ctx: ServiceContext, import_id: int) -> None:
    from tierwise.services.import_history import revert_import

    record = revert_import(ctx, import_id)
    removed = sum(t.created for t in record.tables)
    console.print(
        say(
            Message(
                N_("import %(id)s reverted: %(rows)s row(s) removed"), {"id": record.import_id, "rows": f"{removed:,}"}
            )
        ),
        soft_wrap=True,
    )
