"""Resolving what a user typed as ``DATA`` into a :class:`~tierwise.io.source.DataSource`, and opening it.

>>> open_source("demo").label
'demo'
"""

from __future__ import annotations

from pathlib import Path

from tierwise.config import Settings
from tierwise.io.dataset import Dataset
from tierwise.io.readers import DEMO
from tierwise.io.source import DataSource, DemoSource, FileSource, OpenedSource

URL_SCHEMES = ("sqlite", "postgresql", "postgres")


def is_database_url(data: str) -> bool:
    """Whether ``data`` is a database URL (``sqlite:///…``, ``postgresql://…``) rather than a path."""
    scheme, sep, _rest = data.partition("://")
    return bool(sep) and scheme.split("+")[0].lower() in URL_SCHEMES


def open_source(data: str | Path | DataSource | Dataset) -> DataSource:
    """The data source ``data`` names: a folder or table file, ``demo`` (unless a folder of that name
    exists), a database URL (the store), or a source or data set already made.
    """
    if isinstance(data, Dataset):
        return OpenedSource(data)
    if isinstance(data, DataSource) and not isinstance(data, (str, Path)):
        return data
    text = str(data)
    if text == DEMO and not Path(DEMO).exists():
        return DemoSource()
    if isinstance(data, str) and is_database_url(text):
        return _store_source(text)
    return FileSource(Path(data))


def _store_source(url: str) -> DataSource:
    from tierwise.store.source import StoreSource  # SQLAlchemy: only when the data is the store

    return StoreSource(url)


def open_dataset(data: DataSource | Dataset, settings: Settings) -> Dataset:
    """The canonical tables of ``data``: a source opened now, or a data set already opened."""
    return data if isinstance(data, Dataset) else data.open(settings)
