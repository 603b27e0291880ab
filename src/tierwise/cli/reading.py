"""How every command that reads data opens it: ``--map``, the notes on what reading did, required tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tierwise.cli.application import err_console

if TYPE_CHECKING:
    from tierwise.config import Settings
    from tierwise.io.dataset import Dataset

MapOption = Annotated[
    Path | None,
    typer.Option(
        "--map",
        help="A YAML file naming your own headers, per table: 'transactions: {价税合计: amount, 单据日期: date}'.",
    ),
]


def open_for_command(
    data: str,
    settings: Settings,
    header_map: Path | None = None,
    *,
    as_of: dt.date | None = None,
    needs: tuple[str, ...] = (),
    command: str = "",
) -> Dataset:
    """Open the data set a command names, print what reading did, and refuse it without a table it needs."""
    from tierwise.io.dataset import require_tables
    from tierwise.io.header_map import load_header_map
    from tierwise.io.readers import open_data

    mapping = load_header_map(header_map) if header_map is not None else None
    dataset = open_data(data, as_of=as_of, settings=settings, header_map=mapping)
    for note in dataset.notes:
        err_console.print(f"[cyan]note:[/] {note}", highlight=False, soft_wrap=True, markup=True)
    require_tables(dataset, needs, command, Path(data).name)
    return dataset
