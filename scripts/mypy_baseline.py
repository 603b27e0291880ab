"""mypy on src/ with a baseline that only shrinks.

``python scripts/mypy_baseline.py`` runs mypy and compares its errors with ``mypy-baseline.txt``: an error
not in the baseline fails (fix it); a baseline error mypy no longer reports also fails, asking to shrink
the baseline (``make mypy-baseline``). ``--write`` rewrites the baseline from the current errors.
Errors are compared without line numbers (file, message and code, counted), so editing a file does not
disturb the baseline of the lines around it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "mypy-baseline.txt"
ERROR = re.compile(r"^(?P<file>[^:]+):\d+(?::\d+)?: error: (?P<text>.*)$")


def current_errors() -> Counter[str]:
    """mypy's errors on src/ now, each as ``file: message  [code]``, counted."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-pretty", "--no-error-summary", "--show-absolute-path"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode not in (0, 1):  # 2: mypy itself failed (bad configuration, crash)
        sys.exit(done.stdout + done.stderr)
    found: Counter[str] = Counter()
    for line in done.stdout.splitlines():
        match = ERROR.match(line)
        if match:
            path = Path(match["file"]).resolve().relative_to(ROOT).as_posix()
            found[f"{path}: {match['text']}"] += 1
    return found


def read_baseline() -> Counter[str]:
    """The errors recorded in the baseline."""
    if not BASELINE.exists():
        return Counter()
    return Counter(line for line in BASELINE.read_text(encoding="utf-8").splitlines() if line.strip())


def main(argv: list[str]) -> int:
    """Compare (or with ``--write`` record) mypy's errors; returns the exit code."""
    now = current_errors()
    if "--write" in argv:
        BASELINE.write_text("".join(f"{e}\n" for e in sorted(now.elements())), encoding="utf-8")
        print(f"mypy-baseline.txt: {sum(now.values())} known error(s)")
        return 0
    known = read_baseline()
    new, fixed = now - known, known - now
    for error in sorted(new.elements()):
        print(f"new mypy error: {error}")
    if new:
        print(f"{sum(new.values())} new mypy error(s): fix them (the baseline only shrinks)")
        return 1
    if fixed:
        for error in sorted(fixed.elements()):
            print(f"fixed: {error}")
        print(f"{sum(fixed.values())} baseline error(s) are fixed: run `make mypy-baseline` and commit the shrunk file")
        return 1
    print(f"mypy: no new errors ({sum(known.values())} known, in mypy-baseline.txt)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
