"""``bench/RESULTS.md`` is written section by section: each benchmark replaces only its own section."""

from __future__ import annotations

import fcntl
import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TITLE = "# Benchmark results\n\nEach section is written by the benchmark script named in it; rerun it to refresh.\n"


def write_section(title: str, body: str, path: Path = RESULTS) -> None:
    """Replace (or append) the ``## title`` section of RESULTS.md with ``body``."""
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        text = path.read_text(encoding="utf-8") if path.exists() else TITLE
        section = f"## {title}\n\n{body.strip()}\n"
        pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
        text = (
            pattern.sub(lambda _: section + "\n", text, count=1)
            if pattern.search(text)
            else text.rstrip("\n") + "\n\n" + section
        )
        path.write_text(text, encoding="utf-8")
