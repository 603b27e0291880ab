"""Data sources: what ``DATA`` names, and fingerprints that change exactly when the data does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tierwise.config import Settings
from tierwise.errors import UsageError
from tierwise.io.readers import dataset_from_arrow
from tierwise.io.source import DataSource, DemoSource, FileSource, OpenedSource, dataset_fingerprint
from tierwise.services.sources import is_database_url, open_source

CUSTOMERS = "customer_id,name\nC1,One\nC2,Two\n"
TRANSACTIONS = "customer_id,date,amount\nC1,2025-01-10,100\nC2,2025-02-01,50\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (tmp_path / "transactions.csv").write_text(TRANSACTIONS, encoding="utf-8")
    return tmp_path


def test_what_data_names(folder: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert open_source(str(folder)) == FileSource(folder)
    assert open_source(folder / "customers.csv") == FileSource(folder / "customers.csv")
    assert open_source("demo") == DemoSource()
    monkeypatch.chdir(folder)
    (folder / "demo").mkdir()  # a folder called demo is that folder
    assert open_source("demo") == FileSource(Path("demo"))
    assert isinstance(open_source("demo"), DataSource)


@pytest.mark.parametrize(
    ("text", "url"),
    [("sqlite:///tierwise.db", True), ("postgresql+psycopg://u@h/db", True), ("data/sqlite", False), ("x", False)],
)
def test_database_urls_are_told_from_paths(text: str, url: bool) -> None:
    assert is_database_url(text) is url


def test_a_folder_opens_and_labels_itself(folder: Path) -> None:
    source = FileSource(folder)
    assert source.label == str(folder)
    data = source.open(Settings.model_construct())
    assert data.tables == ["customers", "transactions"]
    assert data.row_count("transactions") == 2


def test_the_fingerprint_follows_the_content_not_the_file_times(folder: Path) -> None:
    source = FileSource(folder)
    first = source.fingerprint()
    assert len(first) == 64 and first == FileSource(folder).fingerprint()
    os.utime(folder / "customers.csv", (0, 0))
    assert source.fingerprint() == first  # file times do not count
    (folder / "transactions.csv").write_text(TRANSACTIONS.replace("100", "101"), encoding="utf-8")
    edited = source.fingerprint()
    assert edited != first  # same size, one byte changed
    (folder / "transactions.csv").rename(folder / "交易.csv")
    assert source.fingerprint() != edited  # the same bytes under another name
    assert FileSource(folder / "customers.csv").fingerprint() != source.fingerprint()


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such folder or file"):
        FileSource(tmp_path / "nothere").fingerprint()


def test_the_demo_fingerprint_is_its_parameters() -> None:
    assert DemoSource().fingerprint() == DemoSource(2000, 7).fingerprint()
    assert DemoSource(seed=8).fingerprint() != DemoSource().fingerprint()


def test_an_opened_data_set_fingerprints_its_rows_in_any_order(folder: Path) -> None:
    data = FileSource(folder).open(Settings.model_construct())
    tables = {t: data.arrow(t) for t in data.tables}
    reordered = {t: a.take(list(range(a.num_rows))[::-1]) for t, a in tables.items()}
    assert dataset_fingerprint(dataset_from_arrow(reordered)) == OpenedSource(data).fingerprint()
    changed = dict(tables, transactions=tables["transactions"].slice(0, 1))
    assert dataset_fingerprint(dataset_from_arrow(changed)) != OpenedSource(data).fingerprint()
