"""The shipped DuckDB extensions load offline: sqlite, postgres and encodings, from their PyPI wheels."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tierwise.config import Settings
from tierwise.io.connection import SHIPPED_EXTENSIONS, duckdb_connection, shipped_extension_files
from tierwise.io.parsing import quote_literal


def test_every_shipped_extension_wheel_is_installed_for_this_duckdb() -> None:
    assert sorted(shipped_extension_files()) == sorted(SHIPPED_EXTENSIONS.values())


def test_sqlite_attaches_without_a_download(tmp_path: Path) -> None:
    con = duckdb_connection(Settings(duckdb_extension_directory=tmp_path / "ext"))
    con.execute(f"ATTACH {quote_literal(str(tmp_path / 'store.db'))} AS store (TYPE sqlite)")  # ATTACH binds no ?
    con.execute("CREATE TABLE store.t AS SELECT 42 AS answer")
    assert con.execute("SELECT answer FROM store.t").fetchall() == [(42,)]


def test_postgres_and_encodings_load_without_a_download(tmp_path: Path) -> None:
    con = duckdb_connection(Settings(duckdb_extension_directory=tmp_path / "ext"))
    con.execute("LOAD postgres")
    con.execute("LOAD encodings")
    loaded = {r[0] for r in con.execute("SELECT extension_name FROM duckdb_extensions() WHERE loaded").fetchall()}
    assert {"postgres_scanner", "encodings"} <= loaded


def test_the_encodings_extension_reads_a_gbk_csv(tmp_path: Path) -> None:
    (tmp_path / "gbk.csv").write_bytes("名称,金额\n张三,1\n".encode("gbk"))
    con = duckdb_connection(Settings(duckdb_extension_directory=tmp_path / "ext"))
    rows = con.execute("SELECT * FROM read_csv(?, encoding = 'gb18030')", [str(tmp_path / "gbk.csv")]).fetchall()
    assert rows == [("张三", 1)]


def test_a_plain_connection_cannot_download_what_is_not_shipped(tmp_path: Path) -> None:
    con = duckdb_connection(Settings(duckdb_extension_directory=tmp_path / "ext"))
    try:
        con.execute("LOAD spatial")
    except duckdb.Error as exc:
        assert "spatial" in str(exc)
    else:
        raise AssertionError("spatial is not shipped; it should not load")
