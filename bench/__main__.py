"""``python -m bench``: run every benchmark script with its default sizes, one after the other."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"results", "__main__"}


def main() -> None:
    """Run ``main()`` of each benchmark module in ``bench/`` (those that define one), in name order."""
    for info in sorted(pkgutil.iter_modules([str(HERE)]), key=lambda m: m.name):
        if info.ispkg or info.name in SKIP:
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if hasattr(module, "main"):
            print(f"== bench.{info.name}", file=sys.stderr, flush=True)
            sys.argv = [f"python -m bench.{info.name}"]  # each script parses its own (default) arguments
            module.main()


if __name__ == "__main__":
    main()
