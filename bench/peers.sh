#!/usr/bin/env bash
# Throw-away environments for the peers the benchmarks compare against (bench/.peers/<name>):
# lifetimes needs pandas < 2 and numpy < 2, which clash with tierwise's own pins, so each peer gets
# its own venv. Made by `make bench-peers`; bench/summary.py and bench/value.py use them by default.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=.tools/bin/uv
PEERS=bench/.peers

make_peer() {  # name, packages...
  local name=$1; shift
  if [[ -x $PEERS/$name/bin/python ]]; then return; fi
  "$UV" venv --quiet --python "${PYTHON:-python3}" "$PEERS/$name"
  "$UV" pip install --quiet --python "$PEERS/$name/bin/python" "$@"
}

make_peer lifetimes lifetimes==0.11.3 numpy==1.26.4 scipy==1.11.4 pandas==1.5.3 pyarrow==17.0.0
make_peer pymc pymc-marketing==0.19.2 pyarrow
echo "peers ready in $PEERS: $(ls $PEERS | tr '\n' ' ')"
