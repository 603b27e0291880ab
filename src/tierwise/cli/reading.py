"""How every command that reads data names it: ``--map`` and the source it makes, the notes on what reading did."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from tierwise.services.header_maps import HeaderMap
    from tierwise.services.sources import DataSource

MapOption = Annotated[
    str | None,
    typer.Option(
        "--map",
        help=(
            "A YAML file naming your own headers, per table: 'transactions: {价税合计: amount, 单据日期: date}'; "
            "or the name of a mapping saved on the Import page."
        ),
    ),
]


def header_map_of(value: str | None) -> HeaderMap | None:
    """What ``--map VALUE`` names: the YAML file at that path, else the mapping saved in the store under that
    name (a usage error naming the value when it is neither)."""
    if value is None:
        return None
    from tierwise.cli.application import service_context
    from tierwise.services.header_maps import resolve_header_map

    return resolve_header_map(service_context(), value)


def data_source(data: str, header_map: str | None = None) -> DataSource:
    """The data source a command's ``DATA`` argument names, read through the ``--map`` mapping when given."""
    from tierwise.services.sources import open_source

    return open_source(data, header_map_of(header_map))
