"""Fetching a result as Arrow on DuckDB does not import pandas; fetching it as pandas still works."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from tierwise.analytics.engine import Engine

engine = Engine.create("duckdb")
engine.backend.con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (1.0, NULL), ('nan'::DOUBLE, NULL)) v(a, b)")
table = engine.backend.table("t")
result = engine.to_pyarrow(table)
assert result.column("a").to_pylist()[0] == 1.0 and result.column("b").null_count == 2
assert "pandas" not in sys.modules, "pandas imported"
frame = engine.execute(table)
assert list(frame.columns) == ["a", "b"] and "pandas" in sys.modules
print("ok")
"""


def test_an_arrow_result_needs_no_pandas_and_a_pandas_result_still_comes() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
