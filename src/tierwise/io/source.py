"""Where a data set comes from: the :class:`DataSource` protocol and its file and demo implementations.

A source names the data (``label``, for people), opens it as validated canonical tables on a new DuckDB
connection of its own (``open``), and says which data it is (``fingerprint``), so that a saved run can
name the data it saw. The store adds its own source (``tierwise.store.source``).

>>> from tierwise.config import Settings
>>> source = DemoSource()
>>> source.label
'demo'
>>> "transactions" in source.open(Settings())
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from tierwise.config import Settings
from tierwise.errors import UsageError
from tierwise.i18n import Message
from tierwise.io.dataset import Dataset
from tierwise.io.readers import DEMO, dataset_from_arrow, read_dataset
from tierwise.io.sources import discover

HASH_BLOCK = 1 << 20


@runtime_checkable
class DataSource(Protocol):
    """A data set an interface names: a folder, one file, the demo data, the store."""

    label: str

    def open(self, settings: Settings) -> Dataset:
        """The validated canonical tables, on a new DuckDB connection of their own."""
        ...

    def fingerprint(self) -> str:
        """A text that changes whenever the data changes (the same data gives the same text)."""
        ...


@dataclass(frozen=True)
class FileSource:
    """A folder of table files, or one table file (its name says which table it holds).

    ``refuse_after``: when given, an event date after it is a validation error (``tierwise check
    --as-of``); computing commands leave it unset and cut the data at their as-of date instead.

    The fingerprint is the SHA-256 of, for every table file the reader takes (sorted by name), its
    name, its size and the SHA-256 of its bytes: renaming, editing or adding a table file changes it,
    touching a file's time or adding a file that holds no table does not. It reads every byte once
    (about a second per GB); it is computed only when asked for (a saved run).
    """

    path: Path
    refuse_after: dt.date | None = None

    @property
    def label(self) -> str:
        """The path as the user gave it."""
        return str(self.path)

    def open(self, settings: Settings) -> Dataset:
        """Read and validate the files (:func:`~tierwise.io.readers.read_dataset`)."""
        return read_dataset(self.path, as_of=self.refuse_after, settings=settings)

    def files(self) -> list[Path]:
        """The table files the reader takes, sorted by name."""
        if self.path.is_dir():
            found, _problems, _ignored = discover(self.path)
            return sorted((f.path for f in found), key=lambda p: p.name)
        if self.path.is_file():
            return [self.path]
        raise UsageError(Message("no such folder or file: %(path)s", {"path": str(self.path)}))

    def fingerprint(self) -> str:
        """SHA-256 over the table files' names, sizes and content hashes (hex)."""
        outer = hashlib.sha256()
        for path in self.files():
            inner = hashlib.sha256()
            with path.open("rb") as handle:
                while block := handle.read(HASH_BLOCK):
                    inner.update(block)
            outer.update(f"{path.name}\0{path.stat().st_size}\0{inner.hexdigest()}\n".encode())
        return outer.hexdigest()


@dataclass(frozen=True)
class DemoSource:
    """The generated demo data set (deterministic for its parameters): 2,000 customers, seed 7 by default."""

    customers: int = 2000
    seed: int = 7
    label: str = DEMO

    def open(self, settings: Settings) -> Dataset:
        """Generate the demo tables and put them on a new DuckDB connection."""
        from tierwise.io.demo import generate  # numpy-heavy: only when the demo is asked for

        return dataset_from_arrow(generate(customers=self.customers, seed=self.seed), settings)

    def fingerprint(self) -> str:
        """The generator's parameters: the same parameters give the same tables."""
        params = json.dumps({"demo": {"customers": self.customers, "seed": self.seed}}, sort_keys=True)
        return hashlib.sha256(params.encode()).hexdigest()


@dataclass(frozen=True)
class OpenedSource:
    """A data set already read (tests, embedders): ``open`` hands back the same :class:`Dataset`."""

    dataset: Dataset
    label: str = "data set"

    def open(self, settings: Settings) -> Dataset:
        """The data set itself (its connection is shared with whoever opened it)."""
        return self.dataset

    def fingerprint(self) -> str:
        """SHA-256 over each table's name, row count and the sum of its rows' hashes (computed in DuckDB)."""
        return dataset_fingerprint(self.dataset)


def dataset_fingerprint(dataset: Dataset) -> str:
    """A content fingerprint of canonical tables: per table, rows and the sum of DuckDB's hash of each row.

    The sum does not depend on row order and counts duplicate rows; one scan per table in the engine.
    """
    cur = dataset.con.cursor()
    parts = []
    for table in dataset.tables:
        rows, total = cur.execute(f'SELECT count(*), sum(hash(t)::HUGEINT) FROM "{table}" t').fetchone()
        parts.append(f"{table}\0{rows}\0{total or 0}")
    cur.close()
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
