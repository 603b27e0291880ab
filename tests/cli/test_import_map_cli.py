"""``tierwise import DATA --map NAME``: a mapping saved on the Import page reads the same export from the
command line; a value that is neither a file nor a saved mapping is refused, naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tierwise.config import Settings
from tierwise.security.permissions import Actor
from tierwise.services.context import ServiceContext
from tierwise.services.header_maps import save_mapping

ERP = "往来单位编码,客户名称,所属片区\nN1,新华机电,华东\nN2,远大贸易,华南\n"


def tierwise(store: str, *args: str) -> subprocess.CompletedProcess:
    code = f"import sys\nsys.argv = ['tierwise', *{list(args)!r}]\nfrom tierwise.cli import main\nmain()\n"
    env = os.environ | {"TIERWISE_DATABASE_URL": store, "TIERWISE_LANG": "en"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    ctx = ServiceContext.system(Settings(database_url=url)).with_actor(Actor("ana", "analyst"))
    save_mapping(ctx, "erp", {"customers": {"往来单位编码": "customer_id", "所属片区": "region"}})
    return url


def test_import_reads_the_files_through_a_saved_mapping(store: str, tmp_path: Path) -> None:
    (tmp_path / "客户.csv").write_text(ERP, encoding="utf-8")
    done = tierwise(store, "import", str(tmp_path / "客户.csv"), "--map", "erp")
    assert done.returncode == 0, done.stderr
    engine = create_engine(store)
    with engine.connect() as con:
        rows = con.execute(text("SELECT customer_id, name, region FROM customers ORDER BY customer_id")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("N1", "新华机电", "华东"), ("N2", "远大贸易", "华南")]


def test_a_map_that_is_neither_a_file_nor_a_saved_mapping_is_a_usage_error(store: str, tmp_path: Path) -> None:
    (tmp_path / "客户.csv").write_text(ERP, encoding="utf-8")
    done = tierwise(store, "import", str(tmp_path / "客户.csv"), "--map", "erp2")
    assert done.returncode == 2
    assert "--map 'erp2': no such file, and no saved mapping of that name (saved mappings: erp)" in done.stderr
    assert "Traceback" not in done.stderr
    done = tierwise(store, "check", str(tmp_path), "--map", str(tmp_path / "missing.yaml"))
    assert done.returncode == 2 and "cannot read the file" in done.stderr


def test_a_yaml_file_still_works_as_the_map(store: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "客户.csv").write_text(ERP, encoding="utf-8")
    (tmp_path / "map.yaml").write_text("客户:\n  往来单位编码: customer_id\n", encoding="utf-8")
    done = tierwise(store, "import", str(data), "--map", str(tmp_path / "map.yaml"), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "dry run" in done.stdout
