"""How every command that reads data names it: ``--map`` and the source it makes, the notes on what reading did."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from tierwise.services.sources import DataSource

MapOption = Annotated[
    Path | None,
    typer.Option(
        "--map",
        help="A YAML file naming your own headers, per table: 'transactions: {价税合计: amount, 单据日期: date}'.",
    ),
]


def data_source(data: str, header_map: Path | None = None) -> DataSource:
    """The data source a command's ``DATA`` argument names, read through the ``--map`` file when given."""
    from tierwise.services.sources import open_source

    return open_source(data, header_map)
