"""Resolving what a user typed as ``DATA`` into a :class:`~tierwise.io.source.DataSource`, and opening it.

>>> open_source("demo").label
'demo'
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tierwise.config import Settings
from tierwise.errors import UsageError
from tierwise.i18n import Message
from tierwise.io.dataset import Dataset, require_tables
from tierwise.io.header_map import load_header_map
from tierwise.io.headers import HeaderMap
from tierwise.io.readers import DEMO
from tierwise.io.source import DataSource, DemoSource, FileSource, OpenedSource

URL_SCHEMES = ("sqlite", "postgresql", "postgres")


def is_database_url(data: str) -> bool:
    """Whether ``data`` is a database URL (``sqlite:///…``, ``postgresql://…``) rather than a path."""
    scheme, sep, _rest = data.partition("://")
    return bool(sep) and scheme.split("+")[0].lower() in URL_SCHEMES


def open_source(data: str | Path | DataSource | Dataset, header_map: HeaderMap | Path | None = None) -> DataSource:
    """The data source ``data`` names: a folder or table file, ``demo`` (unless a folder of that name
    exists), a database URL (the store), or a source or data set already made.

    ``header_map`` (``--map``, or the YAML file that holds it) maps the user's own headers to canonical
    columns: files only (the demo and the store already hold canonical columns).
    """
    if isinstance(header_map, Path):
        header_map = load_header_map(header_map)
    if header_map is not None and not _is_files(data):
        raise UsageError(
            Message("--map renames the headers of table files; %(data)s has none", {"data": repr(str(data))})
        )
    if isinstance(data, Dataset):
        return OpenedSource(data)
    if isinstance(data, DataSource) and not isinstance(data, (str, Path)):
        return data
    text = str(data)
    if text == DEMO and not Path(DEMO).exists():
        return DemoSource()
    if isinstance(data, str) and is_database_url(text):
        return _store_source(text)
    return FileSource(Path(data), header_map=header_map)


def _is_files(data: object) -> bool:
    if isinstance(data, FileSource):
        return True
    if not isinstance(data, (str, Path)):
        return False
    text = str(data)
    return not (text == DEMO and not Path(DEMO).exists()) and not (isinstance(data, str) and is_database_url(text))


def _store_source(url: str) -> DataSource:
    from tierwise.store.source import StoreSource  # SQLAlchemy: only when the data is the store

    return StoreSource(url)


def open_dataset(
    data: DataSource | Dataset,
    settings: Settings,
    *,
    needs: tuple[str, ...] = (),
    command: str = "",
    notes: Callable[[Message], None] | None = None,
) -> Dataset:
    """The canonical tables of ``data``: a source opened now, or a data set already opened.

    ``needs``: the tables ``command`` cannot do without (a data set without one is refused, naming the
    file to add); ``notes`` is told what reading did (tables recognised, rows skipped, units scaled).
    """
    dataset = data if isinstance(data, Dataset) else data.open(settings)
    if notes is not None and not isinstance(data, Dataset):
        for note in dataset.notes:
            notes(note)
    label = data.label if not isinstance(data, Dataset) else "data set"
    require_tables(dataset, needs, command, Path(label).name or label)
    return dataset
