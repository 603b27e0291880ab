#!/usr/bin/env bash
# Every test this machine can run. Browser tests need Debian's chromium: installed here when missing
# and when we may (root with apt); otherwise those tests are skipped and the summary says why.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
    || echo "could not install chromium; browser tests will be skipped"
fi
echo "== lint: ruff format --check, ruff check"
.venv/bin/ruff format --check --quiet src tests bench scripts
.venv/bin/ruff check --quiet src tests bench scripts
echo "== types: mypy on src/ against mypy-baseline.txt"
.venv/bin/python scripts/mypy_baseline.py
exec .venv/bin/python -m pytest "$@"
